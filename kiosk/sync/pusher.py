"""Sending the outbox up: batches in ``seq`` order, each event's fate recorded from the reply.

accepted / duplicate → ``sent`` (and a personal payload is purged: the central system has it);
rejected → ``rejected`` with the reason, kept for staff review and skipped from then on, so one
bad event never blocks the ones behind it. Events the reply does not mention stay pending.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError

from kiosk.sync import protocol as p
from kiosk.sync.client import BadReply, CentralClient
from kiosk.sync.ports import PayloadCipher, SyncStore

log = logging.getLogger(__name__)

BATCH = 100


def pending_count(store: SyncStore) -> int:
    return store.outbox.pending_count()


def oldest_pending_age_s(store: SyncStore) -> float:
    return store.outbox.oldest_pending_age_s()


def push_once(store: SyncStore, client: CentralClient, cipher: PayloadCipher | None,
              size: int = BATCH) -> tuple[int, int]:
    """Send one batch; returns (sent, rejected). Raises the client's errors for the worker to handle.

    Events whose payload cannot be read are rejected locally and not sent."""
    pending, unreadable = store.outbox.pending(cipher, size)
    events: list[p.EventIn] = []
    results: dict[str, tuple[str, str]] = {}
    for e in pending:
        try:
            events.append(p.EventIn(**e))
        except ValidationError as err:  # central would refuse it too: kept for staff, never resent
            first = err.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(x) for x in first.get("loc", ()))
            results[e["id"]] = ("rejected", f"本机检查未通过：{where} {first.get('msg', '')}".strip())
            log.error("outbox event %s (%s) fails the protocol schema at %s", e["id"], e["type"], where)
    if events:
        reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=events))
        asked = {e.id for e in events}
        for r in reply.results:
            if r.id not in asked:
                client.bad_replies += 1
                raise BadReply("central answered for an event it was not sent")
            results[r.id] = (r.status, r.reason)
    return store.outbox.record(results, unreadable)


def push_all(store: SyncStore, client: CentralClient, cipher: PayloadCipher | None,
             progress=None) -> tuple[int, int]:  # noqa: ANN001
    total_sent = total_rejected = 0
    while True:
        sent, rejected = push_once(store, client, cipher)
        total_sent += sent
        total_rejected += rejected
        if progress:
            progress(total_sent, total_rejected)
        if sent + rejected == 0:
            return total_sent, total_rejected
