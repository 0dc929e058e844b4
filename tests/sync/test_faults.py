"""Sync through a proxy that refuses, resets, truncates, stalls and fails requests.

While the kiosk uploads 1,000 events and pulls a feed that keeps changing, every kind of fault
happens many times; afterwards central holds each event exactly once and the kiosk's copy of
the feed equals the server's.
"""

from __future__ import annotations

import random
import threading
import time

from sqlalchemy import func, select

from central import feeds as central_feeds
from central.models import Event, FeedItem, ServiceRecord
from central.seed import seed
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import add_event
from kiosk.sync import feeds
from kiosk.sync.client import CentralClient, SyncError
from kiosk.sync.worker import SyncWorker
from tests.sync.centralserver import KIOSK, SECRET, STATION
from tests.sync.faultproxy import FAULTS, FaultProxy
from tests.sync.test_pull import server_snapshot

N_EVENTS = 1000


def mutate_feed(db, rounds: int, seed_: int) -> None:
    rng = random.Random(seed_)
    for r in range(rounds):
        with db.session() as s:
            ids = list(s.scalars(select(FeedItem.id).where(FeedItem.feed == "vacancies",
                                                           FeedItem.deleted.is_(False))))
            changed = [dict(s.get(FeedItem, ("vacancies", i)).data, headcount=r + 2) for i in rng.sample(ids, 15)]
            central_feeds.put(s, "vacancies", changed)
            central_feeds.delete(s, "vacancies", rng.sample(ids, 4))
        time.sleep(0.03)


def test_faults_lose_nothing_and_apply_nothing_twice(central, kiosk_store):
    seed(central.db, 1500)
    proxy = FaultProxy(central.port, seed=7, stall_s=1.6)
    with kiosk_store.session() as s:
        ids = [add_event(s, "service.rendered", {"service": "职业指导", "counter": str(i % 4 + 1), "ticket_id": f"t{i}"})
               for i in range(N_EVENTS)]
    client = CentralClient(proxy.url, KIOSK, SECRET, connect_timeout_s=1, read_timeout_s=1)
    worker = SyncWorker(kiosk_store, client, None, station_id=STATION, page_size=150, heartbeat_s=1e9)
    mutator = threading.Thread(target=mutate_feed, args=(central.db, 40, 3))
    mutator.start()
    failures = 0
    deadline = time.monotonic() + 240
    try:
        while True:
            assert time.monotonic() < deadline, f"sync did not converge; faults so far {dict(proxy.counts)}"
            try:
                worker.run_once()
            except SyncError:
                failures += 1
                time.sleep(0.02)
                continue
            if not mutator.is_alive() and worker.status.pending == 0:
                break
    finally:
        mutator.join()
        proxy.close()
    # every kind of fault happened, and more than once
    assert all(proxy.counts[f] >= 2 for f in FAULTS), dict(proxy.counts)
    assert failures >= 10
    with central.db.session() as s:
        stored = s.scalars(select(Event.id).where(Event.kiosk_id == KIOSK)).all()
        records = s.scalar(select(func.count()).select_from(ServiceRecord))
    assert sorted(stored) == sorted(ids)  # each exactly once (the primary key forbids more)
    assert records == N_EVENTS
    with kiosk_store.read() as s:
        assert set(s.scalars(select(OutboxEvent.state))) == {"sent"}
    assert feeds.snapshot(kiosk_store, "vacancies") == server_snapshot(central.db, "vacancies")
    assert client.bad_replies >= 1  # the 200s with broken JSON were counted, not applied
