"""预约服务: slots from opening hours, capacity, one booking per person and service, the event."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from kiosk.core.appointments import AppointmentDesk, BookingRefused
from kiosk.domain.identity import Resident
from kiosk.core.queue import QueueBook
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import OutboxCipher, add_event, read_payload
from tests.unit.test_queue import Clock, local

RESIDENT = Resident("11010519491231002X", date(1949, 12, 31))


@pytest.fixture
def desk(store, tmp_path):
    clock = Clock(local(2030, 1, 7, 9, 10))  # a Monday morning
    cipher = OutboxCipher.from_data_dir(tmp_path)
    d = AppointmentDesk(store, QueueBook(store, emit=add_event, clock=clock), lambda: cipher, "TJ-TEST-01",
                        capacity=2)
    d.clock, d.cipher_obj = clock, cipher
    return d


def test_slots_follow_opening_hours_and_lead_time(desk):
    today = desk.slots("career_guidance", date(2030, 1, 7))
    assert today[0].starts_at == datetime(2030, 1, 7, 10, 30)  # 9:10 + 60 min lead, on the half hour
    assert all(datetime(2030, 1, 7, 12, 0) > s.starts_at or s.starts_at >= datetime(2030, 1, 7, 13, 30) for s in today)
    assert today[-1].starts_at == datetime(2030, 1, 7, 17, 0)
    assert desk.slots("career_guidance", date(2030, 1, 12)) == []  # Saturday: this service is closed
    assert desk.slots("job_registration", date(2030, 1, 12))  # this one opens on Saturday mornings
    assert date(2030, 1, 13) not in desk.days("career_guidance")


def test_booking_fills_slots_and_refuses_a_second_booking(desk, store):
    slot = datetime(2030, 1, 8, 9, 0)
    other = Resident("120104198001011233", date(1980, 1, 1))
    third = Resident("120104199002021234", date(1990, 2, 2))
    b = desk.book(RESIDENT, "pk-a", "career_guidance", slot)
    assert len(b.reference) == 6 and b.starts_at == slot
    with pytest.raises(BookingRefused, match="您已预约"):
        desk.book(RESIDENT, "pk-a", "career_guidance", datetime(2030, 1, 9, 9, 0))
    desk.book(other, "pk-b", "career_guidance", slot)
    with pytest.raises(BookingRefused, match="约满"):
        desk.book(third, "pk-c", "career_guidance", slot)
    [s9] = [s for s in desk.slots("career_guidance", date(2030, 1, 8)) if s.starts_at == slot]
    assert s9.left == 0
    with pytest.raises(BookingRefused, match="不能预约"):
        desk.book(third, "pk-c", "career_guidance", datetime(2030, 1, 8, 12, 30))  # lunch break
    with pytest.raises(BookingRefused, match="已经过了"):
        desk.book(third, "pk-c", "career_guidance", datetime(2030, 1, 7, 9, 30))
    with store.read() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "appointment.requested")).all()
    assert len(events) == 2 and all(e.encrypted for e in events)
    assert RESIDENT.id_number.encode() not in events[0].payload
    data = read_payload(events[0], desk.cipher_obj)
    assert data["reference"] == b.reference and data["starts_at"] == "2030-01-08T09:00:00"
