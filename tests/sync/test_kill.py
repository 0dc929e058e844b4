"""The kiosk's sync process killed (SIGKILL) at random points and started again, several times.

Each restart resumes from what the database committed: events already accepted are sent again
only if their acceptance was not recorded (central answers "duplicate"), and a feed page is
applied with its cursor or not at all.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

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


def _sync_process(data_dir: Path, url: str) -> subprocess.Popen:
    env = dict(os.environ, KIOSK__DATA_DIR=str(data_dir), KIOSK__CENTRAL__URL=url, KIOSK__CENTRAL__KIOSK_ID=KIOSK,
               KIOSK__CENTRAL__SECRET=SECRET, KIOSK__CENTRAL__ENABLED="true", KIOSK__CENTRAL__READ_TIMEOUT_S="2",
               KIOSK__CENTRAL__CONNECT_TIMEOUT_S="1")
    return subprocess.Popen([sys.executable, "-m", "kiosk", "sync", "--retry-for", "120", "--page-size", "100"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sigkill_during_sync_loses_nothing_and_duplicates_nothing(central, tmp_path):
    seed(central.db, 3000)
    data_dir = tmp_path / "kiosk-data"
    store = open_store(data_dir / "kiosk.sqlite3")
    from kiosk.store.outbox import OutboxCipher

    cipher = OutboxCipher.from_data_dir(data_dir)
    with store.session() as s:
        ids = [add_event(s, "service.rendered", {"service": "求职登记", "ticket_id": f"t{i}"}) for i in range(600)]
        ids += [add_event(s, "registration.submitted", {"id_number": "12010419800101123X"}, cipher=cipher,
                          personal=True) for _ in range(400)]
    store.close()
    proxy = FaultProxy(central.port, seed=11, weights={"ok": 0.85, "reset_mid_body": 0.05, "error_500": 0.05,
                                                      "truncated": 0.05}, stall_s=0)
    mutator = threading.Thread(target=mutate_feed, args=(central.db, 60, 5))
    mutator.start()
    rng = random.Random(2024)
    killed_while_running = 0
    midway = []  # (pending events, local vacancies) seen after each kill
    try:
        for _ in range(6):
            proc = _sync_process(data_dir, proxy.url)
            time.sleep(rng.uniform(1.0, 3.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed_while_running += 1
            proc.wait(timeout=30)
            st = open_store(data_dir / "kiosk.sqlite3")
            with st.read() as s:
                midway.append((s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending")),
                               len(feeds.snapshot(st, "vacancies"))))
            st.close()
        mutator.join()
        final = _sync_process(data_dir, proxy.url)
        _, err = final.communicate(timeout=180)
        assert final.returncode == 0, err.decode()[-2000:]
    finally:
        proxy.close()
        mutator.join()
    assert killed_while_running >= 4
    # some kills landed in the middle of the work, not only before or after it
    assert any(0 < pending < 1000 or 0 < vacancies < 2900 for pending, vacancies in midway), midway
    with central.db.session() as s:
        stored = s.scalars(select(Event.id).where(Event.kiosk_id == KIOSK)).all()
        records = s.scalar(select(func.count()).select_from(ServiceRecord))
    assert sorted(stored) == sorted(ids)
    assert records == 600
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
