"""The demo's stand-in for central's appointment book, in memory (the demo runs without central).

It plays central's rules with their defaults (30-minute slots of 2 places over the service's
opening hours, 7 days ahead, none nearer than an hour) for one kiosk, so the demo and the screens
tour can walk a booking. A station's kiosks book at central (``kiosk/sync/appointments.py``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import date, datetime, timedelta

from kiosk.core.queue import QueueBook
from kiosk.domain.bookings import REFERENCE_ALPHABET, Booked, BookingRefused, BookingRequest, CheckIn, Slot


class DemoAppointments:
    def __init__(self, queue: QueueBook, *, slot_minutes: int = 30, capacity: int = 2, days_ahead: int = 7,
                 lead_minutes: int = 60) -> None:
        self.queue = queue
        self.slot_minutes, self.capacity = slot_minutes, capacity
        self.days_ahead, self.lead_minutes = days_ahead, lead_minutes
        self._lock = threading.Lock()
        self._taken: dict[tuple[str, datetime], int] = {}
        self._bookings: dict[str, tuple[str, Booked, str]] = {}  # token hash → (person, booking, status)

    def _now(self) -> datetime:
        return self.queue.now().replace(tzinfo=None)

    def _starts(self, code: str, day: date) -> list[datetime]:
        service = self.queue.services.get(code)
        if service is None:
            return []
        step, out = timedelta(minutes=self.slot_minutes), []
        for a, b in service.hours.get(day.weekday(), ()):
            t = datetime.combine(day, a)
            while t + step <= datetime.combine(day, b):
                out.append(t)
                t += step
        earliest = self._now() + timedelta(minutes=self.lead_minutes)
        return [t for t in out if t >= earliest]

    def slots(self, service: str, first: date, days: int) -> list[Slot]:
        last = min(first + timedelta(days=days - 1), self._now().date() + timedelta(days=self.days_ahead))
        out, day = [], first
        with self._lock:
            while day <= last:
                out += [Slot(t, self.capacity, self.capacity - self._taken.get((service, t), 0))
                        for t in self._starts(service, day)]
                day += timedelta(days=1)
        return out

    def book(self, request: BookingRequest) -> Booked:
        if request.starts_at not in self._starts(request.service, request.starts_at.date()):
            raise BookingRefused("这个时间不能预约，请另选时间")
        key = (request.service, request.starts_at)
        with self._lock:
            if any(person == request.person_key and b.service_code == request.service and st == "booked"
                   for person, b, st in self._bookings.values()):
                raise BookingRefused("您已经预约过这项业务，如需改期请到服务窗口办理")
            if self._taken.get(key, 0) >= self.capacity:
                raise BookingRefused("这个时间刚刚约满了，请另选时间")
            self._taken[key] = self._taken.get(key, 0) + 1
            reference = "Y" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
            name = self.queue.services[request.service].name
            booked = Booked(request.id, reference, request.service, name, request.starts_at, request.token)
            self._bookings[hashlib.sha256(request.token.encode()).hexdigest()] = (request.person_key, booked, "booked")
        return booked

    def check_in(self, token: str) -> CheckIn:
        h = hashlib.sha256(token.lower().encode()).hexdigest()
        with self._lock:
            if h not in self._bookings:
                raise BookingRefused("没有找到这个预约，请到服务窗口咨询")
            person, b, status = self._bookings[h]
            if status == "arrived":
                state = "already"
            elif b.starts_at.date() != self._now().date():
                state = "not_today"
            else:
                state = "checked_in"
                self._bookings[h] = (person, b, "arrived")
        return CheckIn(state, b.reference, b.service_code, b.service_name, b.starts_at, person)
