"""Ticket numbering and rules, with a controllable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kiosk.core.queue import QueueBook
from kiosk.domain.privacy import person_key
from kiosk.domain.queue_rules import (
    DEFAULT_SERVICES,
    IssuedTicket,
    Person,
    QueuePolicy,
    QueueService,
    Refusal,
)
from kiosk.store.models import OutboxEvent, Ticket

UTC = UTC


class Clock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


def local(y, mo, d, h, mi=0) -> datetime:
    """A Beijing wall-clock time, as the UTC instant the kiosk's clock would report."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - timedelta(hours=8)


def sink(session, type_, payload):
    import json
    import uuid

    session.add(OutboxEvent(id=str(uuid.uuid4()), type=type_, occurred_at=datetime.now(),
                            payload=json.dumps(payload).encode()))


def book(store, clock, **kw):
    return QueueBook(store, emit=sink, clock=clock, **kw)


ALICE = Person(person_key("12010419800101123X", b"k"), date(1980, 1, 1))
ELDER = Person(person_key("120104195001011234", b"k"), date(1950, 1, 1))
BOB = Person(person_key("120104199001011235", b"k"), date(1990, 1, 1))


def test_numbers_per_prefix_and_ticket_committed_with_its_event(store):
    b = book(store, Clock(local(2026, 11, 24, 9)))
    a1 = b.issue("job_registration", ALICE)
    d1 = b.issue("policy_consultation")
    d2 = b.issue("policy_consultation")
    assert isinstance(a1, IssuedTicket)
    assert (a1.display_number, d1.display_number, d2.display_number) == ("A001", "D001", "D002")
    assert d2.people_ahead == 1
    with store.read() as s:
        assert s.scalar(select(Ticket).where(Ticket.id == d2.id)).number == 2
        events = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
    assert [e.type for e in events] == ["ticket.issued"] * 3
    assert b"12010419800101123X" not in events[0].payload  # only the keyed hash


ALL_DAY = {d: ((datetime.min.time(), datetime.max.time()),) for d in range(7)}
ROUND_THE_CLOCK = QueueService("hotline", "通宵服务", "H", ALL_DAY, ask_when_ahead=99)


def test_midnight_reset_is_at_beijing_midnight_and_keeps_history(store):
    clock = Clock(datetime(2026, 11, 24, 15, 59, tzinfo=UTC))  # 23:59 in Beijing
    b = book(store, clock, services=(ROUND_THE_CLOCK,))
    assert b.issue("hotline").display_number == "H001"
    assert b.issue("hotline").display_number == "H002"
    clock.t = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 00:00 in Beijing, still the 24th in UTC
    t = b.issue("hotline")
    assert t.display_number == "H001" and t.day == date(2026, 11, 25)
    assert t.people_ahead == 0  # yesterday's waiting tickets do not count
    with store.read() as s:
        assert len(s.scalars(select(Ticket)).all()) == 3  # yesterday's tickets are kept


def test_clock_moved_back_across_midnight_keeps_counting(store):
    clock = Clock(local(2026, 11, 25, 9))
    b = book(store, clock)
    b.issue("policy_consultation")
    clock.t = local(2026, 11, 24, 11)  # a server correction moved the clock back a day
    t = b.issue("policy_consultation")
    assert t.day == date(2026, 11, 25) and t.display_number == "D002"


def test_a_clock_that_ran_into_the_future_is_not_followed(store):
    clock = Clock(local(2031, 6, 1, 10))
    b = book(store, clock)
    b.issue("policy_consultation")
    clock.t = local(2026, 11, 24, 10)  # corrected by the server
    t = b.issue("policy_consultation")
    assert t.day == date(2026, 11, 24) and t.display_number == "D001"


def test_clock_offset_from_the_server_is_applied(store):
    b = book(store, Clock(local(2026, 11, 24, 8, 25)), clock_offset_s=lambda: 600)
    assert b.check("policy_consultation").allowed  # 8:35 corrected, open


def test_unset_clock_refuses(store):
    b = book(store, Clock(datetime(1970, 1, 1, 3, tzinfo=UTC)))
    d = b.issue("policy_consultation")
    assert d.refusal is Refusal.CLOCK_NOT_SET and "时间未校准" in d.message


def test_closed_hours_lunch_break_and_weekend(store):
    clock = Clock(local(2026, 11, 24, 12, 30))  # Tuesday lunch break
    b = book(store, clock)
    d = b.check("career_guidance")
    assert d.refusal is Refusal.CLOSED and "周一至周五 08:30-12:00、13:30-17:30" in d.message
    clock.t = local(2026, 11, 28, 10)  # Saturday
    assert b.check("career_guidance").refusal is Refusal.CLOSED
    assert b.check("policy_consultation").allowed  # open on Saturday morning


def test_quota(store):
    svc = QueueService("x", "测试", "X", ALL_DAY, daily_quota=2, ask_when_ahead=99)
    b = book(store, Clock(local(2026, 11, 24, 10)), services=(svc,))
    b.issue("x"), b.issue("x")
    d = b.issue("x")
    assert d.refusal is Refusal.QUOTA_EXHAUSTED and "2 个" in d.message


def test_identity_required_and_per_person_limit(store):
    b = book(store, Clock(local(2026, 11, 24, 10)))
    assert b.issue("job_registration").refusal is Refusal.NEEDS_IDENTITY
    assert isinstance(b.issue("job_registration", ALICE), IssuedTicket)
    again = b.issue("job_registration", ALICE)
    assert again.refusal is Refusal.PERSON_LIMIT
    assert isinstance(b.issue("job_registration", BOB), IssuedTicket)
    assert isinstance(b.issue("policy_consultation", ALICE), IssuedTicket)  # other services still fine


def test_priority_for_sixty_plus_and_marked_groups(store):
    b = book(store, Clock(local(2026, 11, 24, 10)))
    for _ in range(3):
        b.issue("policy_consultation")
    elder = b.issue("policy_consultation", ELDER)
    assert elder.priority and elder.people_ahead == 0
    young = b.issue("policy_consultation", BOB)
    assert not young.priority and young.people_ahead == 4
    disabled = Person("k-d", date(1995, 5, 5), frozenset({"残疾人"}))
    assert QueuePolicy().is_priority(disabled, date(2026, 11, 24))
    # the 60th birthday counts from the day itself
    assert QueuePolicy().is_priority(Person("k", date(1966, 11, 24)), date(2026, 11, 24))
    assert not QueuePolicy().is_priority(Person("k", date(1966, 11, 25)), date(2026, 11, 24))


def test_long_queue_asks_first(store):
    svc = DEFAULT_SERVICES[3]  # 政策咨询, asks at 10 ahead
    b = book(store, Clock(local(2026, 11, 24, 10)))
    for _ in range(svc.ask_when_ahead):
        b.issue(svc.code)
    d = b.issue(svc.code)
    assert d.refusal is Refusal.CONFIRM_LONG_QUEUE and "前面还有 10 人" in d.message
    t = b.issue(svc.code, confirmed=True)
    assert t.display_number == "D011" and t.people_ahead == 10


def test_estimated_wait_learns_from_finished_tickets(store):
    b = book(store, Clock(local(2026, 11, 24, 10)))
    svc = b.services["career_guidance"]
    first = b.issue(svc.code)
    assert first.wait_minutes == 0
    b.issue(svc.code)
    assert b.status(svc.code).wait_minutes == round(2 * svc.default_service_minutes)
    with store.session() as s:
        for i in range(5):
            called = datetime(2026, 11, 23, 9, i * 10)
            s.add(Ticket(id=f"old{i}", service_code=svc.code, prefix="C", number=i + 1, day=date(2026, 11, 23),
                         issued_at=called, status="done", called_at=called, finished_at=called + timedelta(minutes=4)))
    st = b.status(svc.code)
    assert st.waiting == 2 and st.wait_minutes == 8
    assert st.remaining_quota == svc.daily_quota - 2


def test_unknown_service(store):
    assert book(store, Clock(local(2026, 11, 24, 10))).issue("nope").refusal is Refusal.UNKNOWN_SERVICE


@pytest.mark.parametrize("hour", [8, 17])
def test_opening_edges(store, hour):
    b = book(store, Clock(local(2026, 11, 24, hour, 29)))
    assert b.check("career_guidance").allowed is (hour == 17)
    b.clock.t = local(2026, 11, 24, hour, 30)
    assert b.check("career_guidance").allowed is (hour == 8)
