"""Sending the outbox up: batches in ``seq`` order, each event's fate recorded from the reply.

accepted / duplicate → ``sent`` (and a personal payload is purged: the central system has it);
rejected → ``rejected`` with the reason, kept for staff review and skipped from then on, so one
bad event never blocks the ones behind it. Events the reply does not mention stay pending.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import func, select

from kiosk.store.engine import Store
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher, read_payload
from kiosk.sync import protocol as p
from kiosk.sync.client import BadReply, CentralClient

log = logging.getLogger(__name__)

BATCH = 100


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def pending_count(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending")) or 0


def oldest_pending_age_s(store: Store) -> float:
    with store.read() as s:
        oldest = s.scalar(select(func.min(OutboxEvent.occurred_at)).where(OutboxEvent.state == "pending"))
    return max(0.0, (_now() - oldest).total_seconds()) if oldest else 0.0


def _batch(store: Store, cipher: OutboxCipher | None, size: int) -> tuple[list[p.EventIn], list[str]]:
    """The next pending events; ones whose payload cannot be read are rejected locally."""
    events, unreadable = [], []
    with store.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.state == "pending").order_by(OutboxEvent.seq)
                         .limit(size)).all()
        for ev in rows:
            try:
                payload = read_payload(ev, cipher)
            except Exception as e:  # noqa: BLE001 - a damaged payload must not stop the others
                log.error("outbox event %s (%s) cannot be read: %s", ev.id, ev.type, type(e).__name__)
                unreadable.append(ev.id)
                continue
            events.append(p.EventIn(id=ev.id, seq=ev.seq, type=ev.type,
                                    occurred_at=ev.occurred_at.replace(tzinfo=timezone.utc), payload=payload))
    return events, unreadable


def _record(store: Store, results: dict[str, p.EventResult], unreadable: list[str]) -> tuple[int, int]:
    sent = rejected = 0
    now = _now()
    with store.session() as s:
        for ev_id in unreadable:
            ev = s.scalar(select(OutboxEvent).where(OutboxEvent.id == ev_id))
            ev.state, ev.last_error = "rejected", "本机无法解密（密钥损坏或被替换）"
            rejected += 1
        for ev_id, r in results.items():
            ev = s.scalar(select(OutboxEvent).where(OutboxEvent.id == ev_id))
            if ev is None or ev.state != "pending":
                continue
            ev.attempts += 1
            if r.status == "rejected":
                ev.state, ev.last_error = "rejected", r.reason[:200]
                rejected += 1
            else:
                ev.state, ev.sent_at, ev.last_error = "sent", now, ""
                if ev.encrypted:
                    ev.payload = b""  # purged: the central system holds it now
                sent += 1
    return sent, rejected


def push_once(store: Store, client: CentralClient, cipher: OutboxCipher | None, size: int = BATCH) -> tuple[int, int]:
    """Send one batch; returns (sent, rejected). Raises the client's errors for the worker to handle."""
    events, unreadable = _batch(store, cipher, size)
    results: dict[str, p.EventResult] = {}
    if events:
        reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=events))
        asked = {e.id for e in events}
        for r in reply.results:
            if r.id not in asked:
                client.bad_replies += 1
                raise BadReply("central answered for an event it was not sent")
            results[r.id] = r
    return _record(store, results, unreadable)


def push_all(store: Store, client: CentralClient, cipher: OutboxCipher | None,
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
