"""The kiosk's sync process killed (SIGKILL) at random points and started again, several times.

Each restart resumes from what the database committed: events already accepted are sent again
only if their acceptance was not recorded (central answers "duplicate"), and a feed page is
applied with its cursor or not at all.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central.models import Event, ServiceRecord
from central.seed import seed
from kiosk.store.engine import open_store
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import add_event
from kiosk.sync import feeds
from tests.sync.centralserver import KIOSK, SECRET
from tests.sync.faultproxy import FaultProxy
from tests.sync.test_faults import mutate_feed
from tests.sync.test_pull import server_snapshot

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 1000
VACANCIES = 3000
KILLS = 6


def _work_done(db: Path) -> int:
    """Events acknowledged plus vacancies held locally, read beside the running sync process."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        pending = conn.execute("SELECT count(*) FROM outbox_events WHERE state = 'pending'").fetchone()[0]
        vacancies = conn.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    except sqlite3.OperationalError:  # not migrated yet, or a write held the lock past the timeout
        return 0
    finally:
        conn.close()
    return EVENTS - pending + vacancies


def _kill_after(proc: subprocess.Popen, db: Path, target: int, timeout: float = 900) -> bool:
    """SIGKILL the process once it has done ``target`` units of work; False if it exited first.

    The kill waits for a state of the database, not for an amount of time, so it lands in the
    middle of the work however fast or slow the machine is."""
    deadline = time.monotonic() + timeout
    while _work_done(db) < target:
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the sync process made no progress to {target} in {timeout:.0f} s "
                                 f"(at {_work_done(db)})")
        time.sleep(0.01)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    return True


def _sync_process(data_dir: Path, url: str) -> subprocess.Popen:
    env = dict(os.environ, KIOSK__DATA_DIR=str(data_dir), KIOSK__CENTRAL__URL=url, KIOSK__CENTRAL__KIOSK_ID=KIOSK,
               KIOSK__CENTRAL__SECRET=SECRET, KIOSK__CENTRAL__ENABLED="true", KIOSK__CENTRAL__READ_TIMEOUT_S="15",
               KIOSK__CENTRAL__CONNECT_TIMEOUT_S="5")
    # the proxy's faults are answers, not stalls: time-outs long enough that a loaded machine
    # adds no failures of its own, and retries for as long as the slowest machine needs
    return subprocess.Popen([sys.executable, "-m", "kiosk", "sync", "--retry-for", "900", "--page-size", "100"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.timeout(1800)  # a retry's back-off can sleep for minutes; the work itself is short
def test_sigkill_during_sync_loses_nothing_and_duplicates_nothing(central, tmp_path):
    seed(central.db, VACANCIES)
    data_dir = tmp_path / "kiosk-data"
    store = open_store(data_dir / "kiosk.sqlite3")
    from kiosk.store.outbox import OutboxCipher

    cipher = OutboxCipher.from_data_dir(data_dir)
    with store.session() as s:
        ids = [add_event(s, "service.rendered", {"service": "求职登记", "ticket_id": f"t{i}"}) for i in range(600)]
        ids += [add_event(s, "registration.submitted", {"id_number": "12010419800101123X"}, cipher=cipher,
                          personal=True) for _ in range(EVENTS - 600)]
    store.close()
    proxy = FaultProxy(central.port, seed=11, weights={"ok": 0.85, "reset_mid_body": 0.05, "error_500": 0.05,
                                                      "truncated": 0.05}, stall_s=0)
    mutator = threading.Thread(target=mutate_feed, args=(central.db, 60, 5))
    mutator.start()
    rng = random.Random(2024)
    total = EVENTS + VACANCIES  # the feed's deletions take at most a few hundred off
    db = data_dir / "kiosk.sqlite3"
    killed_while_running = 0
    midway = []  # (pending events, local vacancies) seen after each kill
    try:
        for k in range(KILLS):
            proc = _sync_process(data_dir, proxy.url)
            # spread over the first three quarters of the work, at a random point in each stretch
            target = int(total * (k + rng.uniform(0.2, 0.9)) / (KILLS + 2))
            killed_while_running += _kill_after(proc, db, target)
            proc.wait(timeout=30)
            st = open_store(db)
            with st.read() as s:
                midway.append((s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending")),
                               len(feeds.snapshot(st, "vacancies"))))
            st.close()
        mutator.join()
        final = _sync_process(data_dir, proxy.url)
        _, err = final.communicate(timeout=900)
        assert final.returncode == 0, err.decode()[-2000:]
    finally:
        proxy.close()
        mutator.join()
    assert killed_while_running == KILLS, midway
    # the kills landed in the middle of the work, not only before or after it
    assert all(0 < pending < EVENTS or 0 < vacancies < VACANCIES - 100 for pending, vacancies in midway), midway
    with central.db.session() as s:
        stored = s.scalars(select(Event.id).where(Event.kiosk_id == KIOSK)).all()
        records = dict(s.execute(select(ServiceRecord.service, func.count()).group_by(ServiceRecord.service)).all())
    assert sorted(stored) == sorted(ids)
    # one service record per service, and a registration is a service of its own (the workload ledger)
    assert records == {"求职登记": 600, "registration": EVENTS - 600}
    store = open_store(data_dir / "kiosk.sqlite3")
    try:
        with store.read() as s:
            rows = s.scalars(select(OutboxEvent)).all()
        assert {r.state for r in rows} == {"sent"}
        assert all(r.payload == b"" for r in rows if r.encrypted)
        assert feeds.snapshot(store, "vacancies") == server_snapshot(central.db, "vacancies")
        from kiosk.store.models import Station

        with store.read() as s:
            assert s.scalar(select(func.count()).select_from(Station)) == len(server_snapshot(central.db, "stations"))
    finally:
        store.close()
