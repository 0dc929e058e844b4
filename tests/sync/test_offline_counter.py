"""Calls made at the kiosk's staff panel while central was unreachable reach central later,
once: the tickets follow, and each served ticket is one service record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from central.models import QueueTicket, ServiceRecord
from kiosk.core.counter import CounterDesk
from kiosk.core.queue import QueueBook
from kiosk.domain.queue_rules import Person
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import add_event
from tests.sync.conftest import make_worker
from tests.unit.test_queue import Clock, local


def test_offline_panel_steps_sync_up_exactly_once(central, kiosk_store):
    clock = Clock(local(2030, 1, 7, 10, 0))
    queue = QueueBook(kiosk_store, emit=add_event, clock=clock)
    calls = []
    desk = CounterDesk(queue, add_event, calls.append)
    served = queue.issue("career_guidance", Person("pk-served", date(1980, 1, 1)))
    skipped = queue.issue("career_guidance")
    desk.call_next("2")
    desk.start("2")
    desk.finish("2")
    desk.call_next("2")
    desk.no_show("2")
    assert [c.ticket_number for c in calls] == [served.display_number, skipped.display_number]

    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    worker.run_once()
    with central.db.session() as s:
        assert s.get(QueueTicket, served.id).status == "done"
        assert s.get(QueueTicket, skipped.id).status == "no_show"
        records = s.scalars(select(ServiceRecord)).all()
        assert [(r.ticket_id, r.counter, r.person_key) for r in records] == [(served.id, "2", "pk-served")]
        # station times went up with their zone: issued 10:00 Beijing is 02:00 UTC
        assert records[0].issued_at.hour == 2

    with kiosk_store.session() as s:  # every event sent again, as after a lost reply
        for e in s.scalars(select(OutboxEvent)):
            e.state = "pending"
    worker.run_once()
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 1


def test_a_priority_mark_at_the_kiosk_panel_reaches_central_once(central, kiosk_store):
    from kiosk.store.outbox import OutboxCipher

    cipher = OutboxCipher.from_data_dir(kiosk_store.path.parent)
    clock = Clock(local(2030, 1, 7, 10, 0))
    queue = QueueBook(kiosk_store, emit=add_event, clock=clock)
    desk = CounterDesk(queue, add_event, lambda _c: None, cipher=lambda: cipher)
    first = queue.issue("career_guidance")
    marked = queue.issue("career_guidance")
    desk.mark_priority(marked.id, "其他", "行动不便", counter="1")
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    worker.run_once()
    with central.db.session() as s:
        t = s.get(QueueTicket, marked.id)
        assert (t.priority, t.priority_group, t.priority_note) == (True, "其他", "行动不便")
        assert s.get(QueueTicket, first.id).priority is False
    with kiosk_store.session() as s:  # sent again, as after a lost reply
        for e in s.scalars(select(OutboxEvent)):
            e.state = "pending"
    worker.run_once()
    with kiosk_store.read() as s:  # accepted: the personal payload is purged on the kiosk
        [ev] = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "ticket.prioritized")).all()
        assert "行动不便".encode() not in (ev.payload or b"")
    from central.models import Event

    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.type == "ticket.prioritized")) == 1
