"""Many more kiosk requests at once than central has database connections, on PostgreSQL: every
one is answered. Without the gate (central.db_gate) the threads that wait for a connection and
the requests that hold one while waiting for a thread block each other until the pool's 30 s
timeout, and the kiosks get 500s."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient
from tests.sync.centralserver import KIOSK, SECRET, running_central

REQUESTS = 80


@pytest.fixture
def small_pool_central(pg_cluster, monkeypatch):
    monkeypatch.setenv("CENTRAL_DB_POOL_SIZE", "2")  # 4 connections, 2 slots
    name = pg_cluster.create_database()
    with running_central(pg_cluster.url(name)) as central:
        assert central.db.max_connections == 4 and central.db.gate.slots == 2
        yield central
    pg_cluster.drop_database(name)


def test_eighty_heartbeats_at_once_through_four_connections(small_pool_central):
    central = small_pool_central
    start = threading.Barrier(REQUESTS)
    outcomes: list[str] = []

    def beat() -> None:
        client = CentralClient(central.url, KIOSK, SECRET, read_timeout_s=120)
        hb = p.Heartbeat(sent_at=datetime.now(UTC), app_version="1.0", boot_id="gate", uptime_s=1, outbox_pending=0)
        start.wait()
        try:
            client.call("POST", p.PREFIX + "/heartbeat", p.HeartbeatReply, body=hb)
            outcomes.append("ok")
        except Exception as e:  # noqa: BLE001 - what went wrong is the assertion's message
            outcomes.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=beat) for _ in range(REQUESTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["ok"] * REQUESTS, sorted(set(outcomes))
