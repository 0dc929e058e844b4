"""The kiosk's staff panel calling while central is unreachable: order, states, events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from kiosk.core.counter import CounterDesk, CounterError
from kiosk.core.queue import QueueBook
from kiosk.domain.queue_rules import Person
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


def test_staff_mark_moves_a_ticket_ahead_of_non_priority_ones_and_its_status_follows(store, tmp_path):
    from kiosk.core.queue import ticket_message
    from kiosk.store.outbox import OutboxCipher

    cipher = OutboxCipher.from_data_dir(tmp_path)
    clock = Clock(local(2030, 1, 7, 9, 0))
    q = QueueBook(store, emit=add_event, clock=clock)
    desk = CounterDesk(q, add_event, lambda _c: None, cipher=lambda: cipher)
    tickets = []
    for minute in range(4):
        clock.t = local(2030, 1, 7, 9, minute)
        tickets.append(q.issue("policy_consultation"))
    clock.t = local(2030, 1, 7, 9, 5)
    elder = q.issue("policy_consultation", Person("pk-old", date(1950, 1, 1)))
    d1, d2, d3, d4 = tickets
    today = date(2030, 1, 7)
    assert ticket_message(store, d4.id, today).endswith("前面还有 4 人，请留意叫号")  # the elder and D001-D003

    marked = desk.mark_priority(d4.id, "孕妇/怀抱婴儿", counter="3")
    assert marked.priority and marked.number == d4.display_number
    # before every non-priority ticket; among priority tickets the earlier taken first (as for 60+)
    assert ticket_message(store, d4.id, today).endswith("下一个就到您，请留意叫号")
    assert ticket_message(store, elder.id, today).endswith("前面还有 1 人，请留意叫号")
    assert ticket_message(store, d1.id, today).endswith("前面还有 2 人，请留意叫号")
    assert [t.number for t in desk.waiting_tickets()] == [d4.display_number, elder.display_number,
                                                          d1.display_number, d2.display_number, d3.display_number]
    assert desk.call_next("1").number == d4.display_number
    desk.no_show("1")
    assert desk.call_next("1").number == elder.display_number

    with store.read() as s:
        [ev] = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "ticket.prioritized")).all()
        assert ev.encrypted and "孕妇".encode() not in ev.payload  # the group says something about the resident
        payload = read_payload(ev, cipher)
    assert payload == {"ticket_id": d4.id, "number": d4.display_number, "service": "policy_consultation",
                       "group": "孕妇/怀抱婴儿", "note": "", "counter": "3", "marked_at": "2030-01-07T09:05:00+08:00"}

    with pytest.raises(CounterError, match="写明原因"):
        desk.mark_priority(d2.id, "其他")
    with pytest.raises(CounterError, match="类别"):
        desk.mark_priority(d2.id, "VIP")
    with pytest.raises(CounterError, match="30 个字以内"):
        desk.mark_priority(d2.id, "其他", "很" * 31)
    with pytest.raises(CounterError, match="不在排队"):
        desk.mark_priority(d4.id, "残疾人")  # called already
    assert desk.mark_priority(d2.id, "其他", "  行动 不便 ").priority
    with pytest.raises(CounterError, match="已经是优先号"):
        desk.mark_priority(d2.id, "残疾人")
    with store.read() as s:
        assert s.get(Ticket, d3.id).priority is False


def test_priority_marks_need_the_outbox_cipher(desk):
    t = desk.queue.issue("policy_consultation")
    with pytest.raises(ValueError, match="cipher"):
        desk.mark_priority(t.id, "残疾人")
