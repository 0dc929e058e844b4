"""预约服务: booking a time at the station's counter for a service.

Slots are the service's opening hours cut into ``slot_minutes`` pieces, each taking
``capacity`` residents, over the next ``days_ahead`` days; a slot closer than ``lead_minutes``
is no longer offered. A resident holds at most one future booking per service. The booking and
its encrypted ``appointment.requested`` event commit together, before anything is printed.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.domain.queue_rules import QueueService
from kiosk.core.queue import QueueBook

REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B: read aloud at a counter


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # station-local wall clock
    capacity: int
    booked: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked)


@dataclass(frozen=True)
class Booked:
    id: str
    reference: str
    service_code: str
    service_name: str
    starts_at: datetime


class BookingRefused(ValueError):
    """Why a booking was not made; the message is for the resident."""


class AppointmentDesk:
    def __init__(self, store, queue: QueueBook, cipher, station_id: str, *, slot_minutes: int = 30,  # noqa: ANN001
                 capacity: int = 2, days_ahead: int = 7, lead_minutes: int = 60) -> None:
        self.store = store
        self.queue = queue
        self.cipher = cipher
        self.station_id = station_id
        self.slot_minutes = slot_minutes
        self.capacity = capacity
        self.days_ahead = days_ahead
        self.lead_minutes = lead_minutes

    @property
    def services(self) -> list[QueueService]:
        return list(self.queue.services.values())

    def _now(self) -> datetime:
        return self.queue.now().replace(tzinfo=None)

    def _starts(self, service: QueueService, day: date) -> list[datetime]:
        out = []
        step = timedelta(minutes=self.slot_minutes)
        for a, b in service.hours.get(day.weekday(), ()):
            t = datetime.combine(day, a)
            while t + step <= datetime.combine(day, b):
                out.append(t)
                t += step
        return out

    def days(self, code: str) -> list[date]:
        """Days with at least one slot still offered, from today on."""
        today = self._now().date()
        return [d for d in (today + timedelta(days=i) for i in range(self.days_ahead + 1))
                if any(slot.left for slot in self.slots(code, d))]

    def slots(self, code: str, day: date) -> list[Slot]:
        from sqlalchemy import func, select

        from kiosk.store.models import Appointment

        service = self.queue.services[code]
        earliest = self._now() + timedelta(minutes=self.lead_minutes)
        starts = [t for t in self._starts(service, day) if t >= earliest]
        if not starts:
            return []
        with self.store.read() as s:
            counts = dict(s.execute(
                select(Appointment.starts_at, func.count()).where(
                    Appointment.service_code == code, Appointment.status == "booked",
                    Appointment.starts_at >= starts[0], Appointment.starts_at <= starts[-1])
                .group_by(Appointment.starts_at)).all())
        return [Slot(t, self.capacity, counts.get(t, 0)) for t in starts]

    def book(self, resident, person_key: str, code: str, starts_at: datetime) -> Booked:  # noqa: ANN001
        """Book the slot for the resident, or raise BookingRefused saying why."""
        from sqlalchemy import func, select

        from kiosk.store.models import Appointment
        from kiosk.store.outbox import add_event

        service = self.queue.services.get(code)
        if service is None:
            raise BookingRefused("没有这项服务")
        if starts_at not in self._starts(service, starts_at.date()):
            raise BookingRefused("这个时间不能预约，请另选时间")
        if starts_at < self._now() + timedelta(minutes=self.lead_minutes):
            raise BookingRefused("这个时间已经过了或太近，请另选时间")
        with self.store.session() as s:
            held = s.scalar(select(Appointment).where(
                Appointment.person_key == person_key, Appointment.service_code == code,
                Appointment.status == "booked", Appointment.starts_at >= self._now()))
            if held is not None:
                raise BookingRefused(f"您已预约{service.name}（{held.starts_at:%m月%d日 %H:%M}，预约号 {held.reference}），"
                                     "如需改期请到服务窗口办理")
            taken = s.scalar(select(func.count()).select_from(Appointment).where(
                Appointment.service_code == code, Appointment.starts_at == starts_at,
                Appointment.status == "booked")) or 0
            if taken >= self.capacity:
                raise BookingRefused("这个时间刚刚约满了，请另选时间")
            booking_id = str(uuid.uuid4())
            reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
            s.add(Appointment(id=booking_id, service_code=code, starts_at=starts_at, reference=reference,
                              person_key=person_key, status="booked", created_at=self._now()))
            add_event(s, "appointment.requested", {
                "station_id": self.station_id, "appointment_id": booking_id, "reference": reference,
                "service": code, "starts_at": starts_at.isoformat(), "id_number": resident.id_number,
                "person_key": person_key, "consent": True,
            }, cipher=self.cipher(), personal=True)
        return Booked(booking_id, reference, code, service.name, starts_at)
