"""The outbox goes up to a real central service: exactly once, personal payloads purged after."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from central.models import Event, RejectedEvent, ServiceRecord
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher, add_event, read_payload
from kiosk.sync import pusher
from tests.sync.conftest import make_client, make_worker


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_events_accepted_once_and_personal_payloads_purged(central, kiosk_store):
    cipher = OutboxCipher.from_data_dir(kiosk_store.path.parent)
    with kiosk_store.session() as s:
        ids = [add_event(s, "service.rendered", {"service": "求职登记", "counter": "2", "person_key": f"pk{i}"})
               for i in range(5)]
        secret_id = add_event(s, "registration.submitted", {"id_number": "12010419800101123X", "phone": "13800000000"},
                              cipher=cipher, personal=True)
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    worker.run_once()
    assert _count(central.db, Event) == 6
    assert _count(central.db, ServiceRecord) == 6  # the registration is a service rendered too
    with central.db.session() as s:  # the event log keeps the event, not the person (central/events.py)
        stored = s.get(Event, secret_id).payload
    assert "id_number" not in stored and "phone" not in stored and "12010419800101123X" not in str(stored)
    with kiosk_store.read() as s:
        rows = {e.id: e for e in s.scalars(select(OutboxEvent))}
    assert {r.state for r in rows.values()} == {"sent"}
    assert rows[secret_id].payload == b""  # purged once central holds it
    assert read_payload(rows[ids[0]], cipher)["service"] == "求职登记"  # non-personal ones are kept

    # the same events sent again (a reply lost on the way): duplicates, no second effect
    with kiosk_store.session() as s:
        for e in s.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids))):
            e.state = "pending"
    sent, rejected = pusher.push_all(kiosk_store, make_client(central.url), cipher)
    assert (sent, rejected) == (5, 0)
    assert _count(central.db, Event) == 6
    assert _count(central.db, ServiceRecord) == 6


def test_rejected_event_is_kept_for_review_and_does_not_block_the_queue(central, kiosk_store):
    with kiosk_store.session() as s:
        first = add_event(s, "feedback.given", {"score": 9})  # out of range
        add_event(s, "no.such.type", {})
        later = [add_event(s, "feedback.given", {"score": 5}) for _ in range(3)]
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    status = worker.run_once()
    with kiosk_store.read() as s:
        states = {e.id: (e.state, e.last_error) for e in s.scalars(select(OutboxEvent))}
    assert states[first][0] == "rejected" and "1 to 5" in states[first][1]
    assert all(states[i] == ("sent", "") for i in later)
    assert status.rejected_total == 2 and status.pending == 0
    assert _count(central.db, RejectedEvent) == 2
    assert _count(central.db, Event) == 3


def test_an_event_of_another_kiosk_with_the_same_id_is_refused(central, kiosk_store):
    from kiosk.sync import protocol as p

    ev = p.EventIn(id="0b7e7d4e-5e0b-4c59-9d2e-000000000001", seq=1, type="feedback.given",
                   occurred_at=datetime.now(UTC), payload={"score": 4})
    mine = make_client(central.url)
    other = make_client(central.url, secret="other-secret-0123456789", kiosk_id="other-kiosk")
    r1, _ = mine.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=[ev]))
    r2, _ = other.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=[ev]))
    assert r1.results[0].status == "accepted"
    assert r2.results[0].status == "rejected"
    with central.db.session() as s:
        assert s.get(Event, ev.id).kiosk_id == "test-kiosk-01"
