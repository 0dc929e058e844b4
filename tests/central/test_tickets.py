"""The queue state machine at the counters: order of calling, no double calls, exactly one record."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from central import tickets
from central.models import CallRecord, Event, QueueTicket, ServiceRecord, StaffAction
from tests.central.conftest import STATION, issue, minutes

T0 = datetime(2026, 11, 25, 2, 0)  # 10:00 in Tianjin


def _calls(db) -> list[tuple[str, str, str, str]]:
    with db.session() as s:
        return [(c.ticket_id, c.number, c.counter, c.service)
                for c in s.scalars(select(CallRecord).order_by(CallRecord.station_id, CallRecord.seq))]


def _ticket(db, tid) -> QueueTicket:
    with db.session() as s:
        return s.get(QueueTicket, tid)


def _act(db, fn, *args, **kw):
    with db.session() as s:
        return fn(s, *args, **kw)


def test_call_next_takes_priority_first_then_the_oldest(db):
    a1 = issue(db, "A001", issued_at=T0)
    a2 = issue(db, "A002", issued_at=minutes(T0, 1))
    a3 = issue(db, "A003", issued_at=minutes(T0, 2), priority=True)
    b1 = issue(db, "B001", service="unemployment_registration", issued_at=minutes(T0, -5))
    order = []
    for i in range(4):
        out = _act(db, tickets.call_next, STATION, "1", "张三", now=minutes(T0, 10 + i))
        order.append(out.ticket.id)
        _act(db, tickets.no_show, STATION, "1", "张三", now=minutes(T0, 10.5 + i))
    assert order == [a3, b1, a1, a2]
    assert [c[1] for c in _calls(db)] == ["A003", "B001", "A001", "A002"]
    assert _calls(db)[0] == (a3, "A003", "1", "求职登记")  # the kiosk shows and says the service's name
    out = _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 20))
    assert out.ticket is None and not out.changed and "没有等候" in out.message


def test_double_click_on_call_next_calls_one_ticket(db):
    a1 = issue(db, "A001", issued_at=T0)
    issue(db, "A002", issued_at=minutes(T0, 1))
    first = _act(db, tickets.call_next, STATION, "2", now=minutes(T0, 5))
    again = _act(db, tickets.call_next, STATION, "2", now=minutes(T0, 5.01))
    assert first.ticket.id == again.ticket.id == a1
    assert first.changed and not again.changed
    assert len(_calls(db)) == 1
    assert _ticket(db, a1).status == "called" and _ticket(db, a1).counter == "2"


def test_counters_calling_at_once_each_get_their_own_ticket(db):
    ids = {issue(db, f"A{i:03d}", issued_at=minutes(T0, i)) for i in range(1, 7)}
    barrier = threading.Barrier(6)
    got: dict[str, str] = {}
    errors: list[BaseException] = []

    def counter(n: str) -> None:
        try:
            barrier.wait()
            for _ in range(2):  # each counter double-clicks
                out = _act(db, tickets.call_next, STATION, n, now=minutes(T0, 30))
                got.setdefault(n, out.ticket.id)
                assert out.ticket.id == got[n]
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=counter, args=(str(n),)) for n in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sorted(got.values()) == sorted(ids)  # six counters, six different tickets
    assert len(_calls(db)) == 6


def test_a_counter_calls_only_its_services(db):
    issue(db, "A001", issued_at=T0)
    b1 = issue(db, "B001", service="unemployment_registration", issued_at=minutes(T0, 3))
    _act(db, tickets.set_counter_services, STATION, "3", ["unemployment_registration"])
    assert _act(db, tickets.call_next, STATION, "3", now=minutes(T0, 5)).ticket.id == b1
    _act(db, tickets.finish, STATION, "3", now=minutes(T0, 9))
    out = _act(db, tickets.call_next, STATION, "3", now=minutes(T0, 10))
    assert out.ticket is None  # A001 waits for another counter


def test_no_show_and_requeue(db):
    a1 = issue(db, "A001", issued_at=T0)
    a2 = issue(db, "A002", issued_at=minutes(T0, 1))
    _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 5))
    out = _act(db, tickets.no_show, STATION, "1", ticket_id=a1, now=minutes(T0, 7))
    assert out.ticket.status == "no_show" and _ticket(db, a1).finished_at == minutes(T0, 7)
    again = _act(db, tickets.no_show, STATION, "1", ticket_id=a1, now=minutes(T0, 7.01))
    assert not again.changed  # a double click
    with pytest.raises(tickets.Refused):
        _act(db, tickets.recall, STATION, "1", ticket_id=a1, now=minutes(T0, 8))
    # the resident comes back: the ticket waits again in its old place, ahead of A002
    _act(db, tickets.requeue, STATION, "1", a1, now=minutes(T0, 12))
    assert _ticket(db, a1).status == "waiting"
    assert _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 13)).ticket.id == a1
    _act(db, tickets.start, STATION, "1", now=minutes(T0, 14))
    with pytest.raises(tickets.Refused, match="办理中"):
        _act(db, tickets.no_show, STATION, "1", now=minutes(T0, 15))
    assert _ticket(db, a2).status == "waiting"


def test_recall_calls_the_same_ticket_again(db):
    a1 = issue(db, "A001", issued_at=T0)
    _act(db, tickets.call_next, STATION, "4", now=minutes(T0, 5))
    out = _act(db, tickets.recall, STATION, "4", now=minutes(T0, 6))
    assert out.changed and out.ticket.recalls == 1
    dup = _act(db, tickets.recall, STATION, "4", now=minutes(T0, 6) + timedelta(seconds=1))
    assert not dup.changed  # the same click twice is one call
    _act(db, tickets.recall, STATION, "4", now=minutes(T0, 7))
    assert [c[0] for c in _calls(db)] == [a1, a1, a1]
    t = _ticket(db, a1)
    assert t.recalls == 2 and t.called_at == minutes(T0, 5) and t.last_called_at == minutes(T0, 7)
    _act(db, tickets.start, STATION, "4", now=minutes(T0, 8))
    with pytest.raises(tickets.Refused):
        _act(db, tickets.recall, STATION, "4", now=minutes(T0, 9))


def test_transfer_keeps_number_and_place(db):
    a1 = issue(db, "A001", issued_at=T0, person_key="pk-1")
    c1 = issue(db, "C001", service="career_guidance", issued_at=minutes(T0, 5))
    _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 10))
    _act(db, tickets.start, STATION, "1", now=minutes(T0, 11))
    with pytest.raises(tickets.Refused):
        _act(db, tickets.transfer, STATION, "1", "job_registration", now=minutes(T0, 12))
    with pytest.raises(tickets.Refused):
        _act(db, tickets.transfer, STATION, "1", "no_such_service", now=minutes(T0, 12))
    out = _act(db, tickets.transfer, STATION, "1", "career_guidance", now=minutes(T0, 12))
    new = out.ticket
    assert _ticket(db, a1).status == "transferred"
    assert (new.number, new.service, new.status, new.issued_at, new.person_key, new.transferred_from) == \
        ("A001", "career_guidance", "waiting", T0, "pk-1", a1)
    _act(db, tickets.set_counter_services, STATION, "5", ["career_guidance"])
    assert _act(db, tickets.call_next, STATION, "5", now=minutes(T0, 13)).ticket.id == new.id  # ahead of C001
    assert _ticket(db, c1).status == "waiting"
    # the first counter is free again
    assert _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 14)).ticket.id == c1


def test_finish_writes_exactly_one_service_record(db):
    a1 = issue(db, "A001", issued_at=T0, person_key="pk-42")
    _act(db, tickets.call_next, STATION, "2", "李四", now=minutes(T0, 4))
    _act(db, tickets.start, STATION, "2", "李四", now=minutes(T0, 5))
    out = _act(db, tickets.finish, STATION, "2", "李四", services=["job_registration", "policy_consultation"], ticket_id=a1,
               now=minutes(T0, 17))
    again = _act(db, tickets.finish, STATION, "2", "李四", ticket_id=a1, now=minutes(T0, 17.02))
    assert out.changed and not again.changed
    with db.session() as s:
        recs = s.scalars(select(ServiceRecord)).all()
        assert len(recs) == 1
        r = recs[0]
        assert (r.station_id, r.service, r.counter, r.ticket_id, r.person_key, r.outcome) == \
            (STATION, "job_registration", "2", a1, "pk-42", "served")
        assert (r.issued_at, r.started_at, r.finished_at) == (T0, minutes(T0, 5), minutes(T0, 17))
        ev = s.get(Event, r.event_id)
        assert ev.type == "service.rendered" and ev.payload["services_delivered"] == ["job_registration", "policy_consultation"]
        assert ev.payload["person_key"] == "pk-42"
        t = s.get(QueueTicket, a1)
        assert t.status == "done" and t.service_record_id == r.event_id
        assert s.scalar(select(func.count()).select_from(StaffAction).where(StaffAction.action == "finish")) == 1
    with pytest.raises(tickets.Refused):
        _act(db, tickets.finish, STATION, "2", now=minutes(T0, 18))


def test_finish_straight_from_called_counts_from_the_call(db):
    a1 = issue(db, "A001", issued_at=T0)
    _act(db, tickets.call_next, STATION, "2", now=minutes(T0, 4))
    _act(db, tickets.finish, STATION, "2", now=minutes(T0, 10))
    with db.session() as s:
        r = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == a1)).one()
        assert r.started_at == minutes(T0, 4) and r.person_key is None


def test_yesterdays_waiting_tickets_are_not_called(db):
    issue(db, "A009", issued_at=T0 - timedelta(days=1))
    out = _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 1))
    assert out.ticket is None


def test_another_stations_counter_never_sees_the_ticket(db):
    a1 = issue(db, "A001", issued_at=T0)
    assert _act(db, tickets.call_next, "TJ-OTHER-01", "1", now=minutes(T0, 1)).ticket is None
    with pytest.raises(tickets.Refused):
        _act(db, tickets.call_ticket, "TJ-OTHER-01", "1", a1, now=minutes(T0, 1))


def test_console_state_shows_lines_and_counts(db):
    issue(db, "A001", issued_at=T0)
    issue(db, "A002", issued_at=minutes(T0, 2), priority=True)
    issue(db, "B001", service="unemployment_registration", issued_at=minutes(T0, 3))
    _act(db, tickets.call_next, STATION, "1", now=minutes(T0, 10))
    with db.session() as s:
        st = tickets.console_state(s, STATION, "1", now=minutes(T0, 12))
    assert st["current"]["number"] == "A002" and st["current"]["status"] == "called"
    assert st["current"]["waited_min"] == 8 and st["current"]["priority"]
    lines = {line["code"]: line for line in st["lines"]}
    assert [t["number"] for t in lines["job_registration"]["tickets"]] == ["A001"]
    assert lines["job_registration"]["tickets"][0]["waited_min"] == 12
    assert lines["unemployment_registration"]["count"] == 1 and lines["career_guidance"]["count"] == 0
    assert st["today"] == {"issued": 3, "waiting": 2, "served": 0, "no_show": 0}
    assert st["station_name"] == "南市街就业驿站"


def test_ticket_issued_events_join_the_line_once(db):
    import uuid as _uuid

    from central.events import ingest
    from central.models import Kiosk
    from kiosk.sync import protocol as p

    kiosk = Kiosk(id="k1", station_id=STATION, secret="x" * 20, enabled=True)
    tid = str(_uuid.uuid4())
    payload = {"ticket_id": tid, "service": "policy_consultation", "number": "D007", "day": "2026-11-25",
               "issued_at": "2026-11-25T10:00:00+08:00", "priority": True, "person_key": "pk-7", "people_ahead": 2}
    first = p.EventBatch(events=[p.EventIn(id=str(_uuid.uuid4()), seq=1, type="ticket.issued",
                                           occurred_at=T0, payload=payload)])
    retry_with_new_id = p.EventBatch(events=[p.EventIn(id=str(_uuid.uuid4()), seq=2, type="ticket.issued",
                                                       occurred_at=T0, payload=payload)])
    with db.session() as s:
        assert [r.status for r in ingest(s, kiosk, first)] == ["accepted"]
        assert [r.status for r in ingest(s, kiosk, first)] == ["duplicate"]
        assert [r.status for r in ingest(s, kiosk, retry_with_new_id)] == ["accepted"]
    with db.session() as s:
        rows = s.scalars(select(QueueTicket)).all()
        assert len(rows) == 1
        t = rows[0]
        assert (t.id, t.station_id, t.service, t.number, t.priority, t.person_key, t.status) == \
            (tid, STATION, "policy_consultation", "D007", True, "pk-7", "waiting")
        assert t.issued_at == T0 and t.day.isoformat() == "2026-11-25"  # 10:00 in Tianjin is 02:00 UTC


def test_staff_mark_priority_moves_a_ticket_ahead_of_the_non_priority_ones(db):
    a1 = issue(db, "A001", issued_at=T0)
    a2 = issue(db, "A002", issued_at=minutes(T0, 1))
    a3 = issue(db, "A003", issued_at=minutes(T0, 2))
    other = issue(db, "B001", service="unemployment_registration", issued_at=minutes(T0, 3))
    now = minutes(T0, 5)
    with db.session() as s:
        assert tickets.people_ahead(s, s.get(QueueTicket, a3)) == 2
    out = _act(db, tickets.mark_priority, STATION, "2", a3, "残疾人", staff="王芳", now=now)
    assert out.changed and "前面还有 0 人" in out.message
    with db.session() as s:
        t = s.get(QueueTicket, a3)
        assert (t.priority, t.priority_group, t.priority_note) == (True, "残疾人", "")
        assert tickets.people_ahead(s, s.get(QueueTicket, a1)) == 1
        assert tickets.people_ahead(s, s.get(QueueTicket, other)) == 0  # another service's line is not touched
        assert tickets.status_view(s, a3, now=now)["people_ahead"] == 0
        assert tickets.status_view(s, a2, now=now)["people_ahead"] == 2
        [log] = s.scalars(select(StaffAction).where(StaffAction.action == "priority")).all()
        assert (log.ticket_id, log.staff, log.detail) == (a3, "王芳", "残疾人")
    again = _act(db, tickets.mark_priority, STATION, "2", a3, "其他", "行动不便", now=now)
    assert not again.changed and "已是优先号" in again.message
    with pytest.raises(tickets.Refused, match="写明原因"):
        _act(db, tickets.mark_priority, STATION, "2", a2, "其他", "  ", now=now)
    with pytest.raises(tickets.Refused, match="类别"):
        _act(db, tickets.mark_priority, STATION, "2", a2, "贵宾", now=now)
    with pytest.raises(tickets.Refused, match="没有这个号"):
        _act(db, tickets.mark_priority, "TJ-OTHER-01", "2", a2, "残疾人", now=now)
    assert _act(db, tickets.call_next, STATION, "2", now=minutes(T0, 6)).ticket.number == "A003"
    with pytest.raises(tickets.Refused, match="呼叫中"):
        _act(db, tickets.mark_priority, STATION, "2", a3, "残疾人", now=now)
    _act(db, tickets.mark_priority, STATION, "2", a2, "其他", "携带 幼儿", now=now)
    _act(db, tickets.no_show, STATION, "2", now=minutes(T0, 7))
    assert _act(db, tickets.call_next, STATION, "2", now=minutes(T0, 8)).ticket.number == "A002"
    assert _ticket(db, a2).priority_note == "携带 幼儿"


def test_a_mark_from_the_kiosk_panel_is_applied_once_and_never_over_the_consoles(db):
    a1 = issue(db, "A001", issued_at=T0)
    a2 = issue(db, "A002", issued_at=minutes(T0, 1))
    step = {"ticket_id": a2, "group": "军人依法优先", "note": "", "counter": "1"}
    with db.session() as s:
        tickets.on_kiosk_step(s, STATION, "ticket.prioritized", step)
        tickets.on_kiosk_step(s, STATION, "ticket.prioritized", {**step, "group": "残疾人"})
    t = _ticket(db, a2)
    assert (t.priority, t.priority_group) == (True, "军人依法优先")
    _act(db, tickets.call_ticket, STATION, "1", a1, now=minutes(T0, 2))
    with db.session() as s:  # a mark that arrives after the ticket was called changes nothing
        tickets.on_kiosk_step(s, STATION, "ticket.prioritized", {**step, "ticket_id": a1})
    assert _ticket(db, a1).priority is False
