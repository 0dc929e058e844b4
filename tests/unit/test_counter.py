"""The kiosk's staff panel calling while central is unreachable: order, states, events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from kiosk.core.counter import CounterDesk, CounterError
from kiosk.core.queue import Person, QueueBook
from kiosk.store.models import OutboxEvent, Ticket
from kiosk.store.outbox import add_event, read_payload
from tests.unit.test_queue import Clock, local


@pytest.fixture
def desk(store):
    clock = Clock(local(2030, 1, 7, 9, 0))
    queue = QueueBook(store, emit=add_event, clock=clock)
    calls = []
    d = CounterDesk(queue, add_event, calls.append)
    d.calls, d.clock = calls, clock
    return d


def _events(store, type_):
    with store.read() as s:
        return [read_payload(e, None) for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == type_)
                                                          .order_by(OutboxEvent.seq))]


def test_priority_first_then_oldest_and_one_ticket_per_counter(desk, store):
    q = desk.queue
    first = q.issue("policy_consultation")
    desk.clock.t += timedelta(minutes=1)
    second = q.issue("policy_consultation")
    desk.clock.t += timedelta(minutes=1)
    elderly = q.issue("policy_consultation", Person(key="pk-old", birth_date=date(1950, 1, 1)))
    assert elderly.priority
    called = desk.call_next("1")
    assert called.id == elderly.id and desk.calls[-1].ticket_number == elderly.display_number
    with pytest.raises(CounterError):
        desk.call_next("1")  # finish or skip the current one first
    assert desk.call_next("2").id == first.id
    desk.no_show("2")
    assert desk.call_next("2").id == second.id
    assert desk.waiting() == {}
    assert desk.call_next("3") is None  # nobody waits


def test_finish_records_one_service_record_with_times_and_person_key(desk, store):
    t = desk.queue.issue("career_guidance", Person(key="pk-1", birth_date=date(1990, 5, 1)))
    desk.clock.t += timedelta(minutes=7)
    desk.call_next("2")
    desk.recall("2")
    assert desk.calls[-1].recall and len(desk.calls) == 2
    desk.clock.t += timedelta(minutes=1)
    desk.start("2")
    desk.clock.t += timedelta(minutes=12)
    done = desk.finish("2", delivered=("career_guidance", "policy_consultation"))
    assert done.status == "done" and desk.current("2") is None
    [record] = _events(store, "service.rendered")
    assert record["ticket_id"] == t.id and record["counter"] == "2" and record["person_key"] == "pk-1"
    assert record["delivered"] == ["career_guidance", "policy_consultation"]
    issued = datetime.fromisoformat(record["issued_at"])
    started = datetime.fromisoformat(record["started_at"])
    finished = datetime.fromisoformat(record["finished_at"])
    assert (started - issued) == timedelta(minutes=8) and (finished - started) == timedelta(minutes=12)
    assert issued.utcoffset() == timedelta(hours=8)  # station time with its zone: central reads the instant
    assert [e["outcome"] for e in _events(store, "ticket.finished")] == ["served"]
    assert [e["counter"] for e in _events(store, "ticket.called")] == ["2"]
    with store.read() as s:
        assert s.get(Ticket, t.id).status == "done"
    with pytest.raises(CounterError):
        desk.finish("2")  # nothing left at that counter


def test_no_show_is_not_a_service_record(desk, store):
    desk.queue.issue("policy_consultation")
    desk.call_next("1")
    with pytest.raises(CounterError):
        desk.finish("3")
    desk.no_show("1")
    assert _events(store, "service.rendered") == []
    assert [e["outcome"] for e in _events(store, "ticket.finished")] == ["no_show"]
