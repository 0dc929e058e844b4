"""预约服务 at the kiosk: the desk over the demo's stand-in (slots from opening hours, capacity,
one booking per person and service), over central unreachable (nothing booked, the booking
given up in the outbox), and check-in (a priority ticket)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from kiosk.core.appointment_demo import DemoAppointments
from kiosk.core.appointments import AppointmentDesk
from kiosk.core.queue import QueueBook
from kiosk.domain.bookings import BookingRefused, BookingUnavailable
from kiosk.domain.identity import Resident
from kiosk.domain.queue_rules import IssuedTicket, Person
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher, add_event, read_payload
from tests.unit.test_queue import Clock, local

RESIDENT = Resident("11010519491231002X", date(1949, 12, 31), source="card")


@pytest.fixture
def queue(store):
    return QueueBook(store, emit=add_event, clock=Clock(local(2030, 1, 7, 9, 10)))  # a Monday morning


@pytest.fixture
def desk(store, queue, tmp_path):
    cipher = OutboxCipher.from_data_dir(tmp_path)
    demo = DemoAppointments(queue)
    d = AppointmentDesk(lambda: demo, store, queue, lambda: cipher, "TJ-TEST-01")
    d.cipher_obj = cipher
    return d


def test_slots_follow_opening_hours_and_lead_time(desk):
    by_day = desk.availability("career_guidance")
    today = by_day[date(2030, 1, 7)]
    assert today[0].starts_at == datetime(2030, 1, 7, 10, 30)  # 9:10 + 60 min lead, on the half hour
    assert all(datetime(2030, 1, 7, 12, 0) > s.starts_at or s.starts_at >= datetime(2030, 1, 7, 13, 30) for s in today)
    assert today[-1].starts_at == datetime(2030, 1, 7, 17, 0)
    assert date(2030, 1, 12) not in by_day  # Saturday: this service is closed
    assert date(2030, 1, 12) in desk.availability("job_registration")  # this one opens on Saturday mornings
    assert max(by_day) == date(2030, 1, 14)


def test_booking_fills_slots_and_refuses_a_second_booking(desk, store):
    slot = datetime(2030, 1, 8, 9, 0)
    other = Resident("120104198001011233", date(1980, 1, 1))
    third = Resident("120104199002021234", date(1990, 2, 2))
    b = desk.book(RESIDENT, "pk-a", "career_guidance", slot)
    assert b.reference.startswith("Y") and b.starts_at == slot and len(b.token) == 32
    with pytest.raises(BookingRefused, match="已经预约过"):
        desk.book(RESIDENT, "pk-a", "career_guidance", datetime(2030, 1, 9, 9, 0))
    desk.book(other, "pk-b", "career_guidance", slot)
    with pytest.raises(BookingRefused, match="约满"):
        desk.book(third, "pk-c", "career_guidance", slot)
    [s9] = [s for s in desk.availability("career_guidance")[date(2030, 1, 8)] if s.starts_at == slot]
    assert s9.left == 0
    with pytest.raises(BookingRefused, match="不能预约"):
        desk.book(third, "pk-c", "career_guidance", datetime(2030, 1, 8, 12, 30))  # lunch break
    with store.read() as s:  # nothing of a booking is kept on the kiosk
        assert not s.scalars(select(OutboxEvent).where(OutboxEvent.type.like("appointment.%"))).all()


def test_central_unreachable_books_nothing_and_gives_the_booking_up_in_the_outbox(store, queue, tmp_path):
    from kiosk.sync.appointments import CentralAppointments
    from tests.sync.centralserver import free_port
    from tests.sync.conftest import make_client

    cipher = OutboxCipher.from_data_dir(tmp_path)
    dead = CentralAppointments(make_client(f"http://127.0.0.1:{free_port()}"))
    desk = AppointmentDesk(lambda: dead, store, queue, lambda: cipher, "TJ-TEST-01")
    with pytest.raises(BookingUnavailable):
        desk.availability("career_guidance")
    with pytest.raises(BookingUnavailable):
        desk.book(RESIDENT, "pk-a", "career_guidance", datetime(2030, 1, 8, 9, 0))
    with store.read() as s:
        [ev] = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "appointment.abandoned")).all()
    payload = read_payload(ev, cipher)
    assert set(payload) == {"station_id", "appointment_id"} and RESIDENT.id_number.encode() not in ev.payload
    nobody = AppointmentDesk(lambda: None, store, queue, lambda: cipher, "TJ-TEST-01")  # no central configured
    with pytest.raises(BookingUnavailable):
        nobody.availability("career_guidance")


def test_check_in_on_the_day_issues_a_priority_ticket_once(desk, queue):
    walk_in = queue.issue("career_guidance", Person("pk-walk-in"))
    b = desk.book(RESIDENT, "pk-a", "career_guidance", datetime(2030, 1, 7, 11, 0))
    assert "当天" in desk.check_in(desk.book(RESIDENT, "pk-a", "job_registration",
                                             datetime(2030, 1, 8, 9, 0)).token).message
    done = desk.check_in(b.token.upper())  # a scanner may upper-case the code
    assert isinstance(done.ticket, IssuedTicket) and done.ticket.priority and not walk_in.priority
    assert done.ticket.people_ahead == 0 and "优先取号" in done.message
    with queue.store.read() as s:
        issued = [read_payload(e, None) for e in s.scalars(select(OutboxEvent).where(OutboxEvent.type == "ticket.issued"))]
    assert [e.get("priority_group") for e in issued] == [None, "预约"]  # the counters see why it comes first
    again = desk.check_in(b.token)
    assert again.ticket is None and "已经签到过" in again.message
    with pytest.raises(BookingRefused):
        desk.check_in("0" * 32)
