"""An event batch goes in whole in one savepoint; when it clashes with an upload of the same
events committed meanwhile, it goes in event by event and only the clashing ones are duplicates."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from central.db import Database
from central.events import ingest
from central.kiosks import register
from central.models import Event, Kiosk, ServiceRecord
from kiosk.sync import protocol as p


def _event(n: int) -> dict:
    return p.EventIn(id=str(uuid.uuid4()), seq=n, type="service.rendered", occurred_at=datetime.now(UTC),
                     payload={"service": "求职登记", "counter": "1", "person_key": f"pk-{n}"}).model_dump(mode="json")


def _lock_waits(db: Database) -> int:
    """Sessions of this database waiting for a lock (a new transaction each time: PostgreSQL
    keeps pg_stat_activity as it was for the rest of a transaction)."""
    with db.session() as s:
        return s.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                             "AND datname = current_database()"))


@pytest.fixture
def pg_db(pg_cluster):
    name = pg_cluster.create_database()
    db = Database(pg_cluster.url(name))
    db.migrate()
    register(db, "k-race", "S-RACE", "race-secret-0123456789")
    yield db
    db.dispose()
    pg_cluster.drop_database(name)


def test_a_batch_racing_another_upload_of_one_of_its_events(pg_db: Database) -> None:
    one, two, three = _event(1), _event(2), _event(3)
    with pg_db.session() as first:
        kiosk = first.get(Kiosk, "k-race")
        ingest(first, kiosk, [two])  # in, not yet committed: the second upload cannot see it
        out: dict = {}

        def second_upload() -> None:
            with pg_db.session() as s:
                out["results"] = ingest(s, s.get(Kiosk, "k-race"), [one, two, three])

        t = threading.Thread(target=second_upload)
        t.start()
        # the second upload waits on the first's row for `two` until the first commits
        while not _lock_waits(pg_db):
            assert t.is_alive(), "the second upload ended without waiting for the first"
            threading.Event().wait(0.05)
    t.join(timeout=60)
    assert not t.is_alive()
    assert [(r.id, r.status) for r in out["results"]] == [
        (one["id"], "accepted"), (two["id"], "duplicate"), (three["id"], "accepted")]
    with pg_db.session() as s:
        assert s.query(Event).count() == 3
        assert sorted(r.event_id for r in s.query(ServiceRecord)) == sorted(e["id"] for e in (one, two, three))


def test_a_batch_with_repeats_invalid_and_known_events(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'central.db'}")
    db.migrate()
    register(db, "k-mix", "S-MIX", "mix-secret-0123456789")
    known, new = _event(1), _event(2)
    with db.session() as s:
        assert [r.status for r in ingest(s, s.get(Kiosk, "k-mix"), [known])] == ["accepted"]
    broken = {**_event(3), "occurred_at": "not a time"}
    with db.session() as s:
        results = ingest(s, s.get(Kiosk, "k-mix"), [known, new, new, broken])
    assert [r.status for r in results] == ["duplicate", "accepted", "duplicate", "rejected"]
    assert "occurred_at" in results[3].reason
    with db.session() as s:
        assert s.query(Event).count() == 2 and s.query(ServiceRecord).count() == 2
    db.dispose()
