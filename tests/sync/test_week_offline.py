"""A kiosk offline for a week catches up unattended in one run: seven days of feed changes on
central (new, changed and withdrawn vacancies, every day), seven days of its own work queued in
its outbox, and the remote commands city IT gave it meanwhile, done in the order given. Prints
the figures (rows, events, commands, seconds)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from central import feeds as central_feeds
from central import orders
from central.models import Event, FeedItem, KioskOrder
from central.seed import seed
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import add_event
from kiosk.sync import feeds
from kiosk.sync.orders import OrderTaker, Outcome
from tests.sync.centralserver import KIOSK, SECRET
from tests.sync.conftest import make_worker
from tests.sync.test_pull import server_snapshot

DAYS = 7


def test_a_week_offline_is_caught_up_in_one_run(central, kiosk_store):
    seed(central.db, 3000)
    worker = make_worker(kiosk_store, central.url, page_size=1000)
    worker.run_once()  # the kiosk was up to date a week ago
    rng = random.Random(7)
    now = datetime.now(UTC)
    gone: set[str] = set()
    given: list[str] = []
    # --- the week: central's feeds change every day, the kiosk queues its work, IT gives commands
    for day in range(DAYS, 0, -1):
        with central.db.session() as s:
            ids = sorted(server_snapshot(central.db, "vacancies"))
            changed = [dict(s.get(FeedItem, ("vacancies", i)).data, title=f"第{day}天改过的岗位")
                       for i in rng.sample(ids, 150)]
            new = [dict(changed[0], id=f"NEW-{day}-{n}", title=f"第{day}天的新岗位") for n in range(60)]
            central_feeds.put(s, "vacancies", changed + new)
            withdrawn = rng.sample([i for i in ids if not i.startswith("NEW")], 40)
            central_feeds.delete(s, "vacancies", withdrawn)
            gone |= set(withdrawn)
        with kiosk_store.session() as s:
            for n in range(120):
                add_event(s, "service.rendered", {"service": "求职登记", "counter": "1", "person_key": f"d{day}-{n}"},
                          occurred_at=now - timedelta(days=day, minutes=n))
        with central.db.session() as s:
            given.append(orders.give(s, KIOSK, "upload_logs", {"lines": day}, by="王工").id)
            s.flush()
            s.get(KioskOrder, given[-1]).issued_at -= timedelta(days=day)
    done: list[int] = []
    worker.on_orders = OrderTaker(kiosk_store, worker.client, KIOSK, SECRET, {
        "upload_logs": lambda args: (done.append(int(args["lines"])), Outcome(True, "ok"))[1]}).take
    with kiosk_store.read() as s:
        queued = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending"))

    # --- it comes back: one run
    started = time.perf_counter()
    worker.run_once()
    took = time.perf_counter() - started
    while len(done) < len(given):  # more commands than one reply carries: the next heartbeats bring the rest
        worker.heartbeat()

    local = feeds.snapshot(kiosk_store, "vacancies")
    assert local == server_snapshot(central.db, "vacancies")
    assert not gone & set(local) and len([i for i in local if i.startswith("NEW-")]) == DAYS * 60
    with kiosk_store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state != "sent")) == 0
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.type == "service.rendered")) == queued
        assert all(s.get(KioskOrder, oid).ok for oid in given)
    assert done == list(range(DAYS, 0, -1))  # in the order they were given
    print(f"a week offline: {len(local)} vacancies checked, {DAYS * 210} changed and {len(gone)} withdrawn on "
          f"central, {queued} queued events sent, {len(given)} commands done in order; one run {took:.1f} s")
