"""预约服务: booking a time at the station's counter for a service. The slots are central's.

Every kiosk of a station asks central for the free slots and books there, so two kiosks can
never hand out the same last place (central takes it with one conditional update). Booking is
therefore online: when central cannot be reached the kiosk says it cannot book now and offers a
queue ticket or a call-back instead (docs/ARCHITECTURE.md, 预约服务). Nothing of the booking is
kept on the kiosk's disk.

A booking carries an id and a phone-page token that the kiosk generates: the id makes a retry
after a lost reply answer the same booking, and the token (128 random bits, only its SHA-256
goes to central) is what the confirmation's QR holds. If the kiosk gives up waiting for
central's answer it writes an ``appointment.abandoned`` outbox event, so a booking central did
make without the resident ever seeing it is cancelled as soon as the event arrives.

Checking in: the resident scans the confirmation's QR at a kiosk of the station; central marks
the booking arrived, and the kiosk issues a priority ticket for the booked service (called
before walk-ins, like residents of 60 and over).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.core.queue import QueueBook
from kiosk.domain.bookings import (
    PRIORITY_REASON,
    TOKEN_BYTES,
    AppointmentBook,
    Booked,
    BookingRequest,
    BookingUnavailable,
    CheckedIn,
    Slot,
)
from kiosk.domain.i18n import _
from kiosk.domain.queue_rules import Decision, Person, QueueService

if TYPE_CHECKING:
    from kiosk.domain.identity import Resident


class AppointmentDesk:
    def __init__(self, backend: Callable[[], AppointmentBook | None], store, queue: QueueBook,  # noqa: ANN001
                 cipher, station_id: str, *, days_ahead: int = 7) -> None:
        self.backend = backend
        self.store = store
        self.queue = queue
        self.cipher = cipher
        self.station_id = station_id
        self.days_ahead = days_ahead

    @property
    def services(self) -> list[QueueService]:
        return list(self.queue.services.values())

    def _now(self) -> datetime:
        return self.queue.now().replace(tzinfo=None)

    def _book(self) -> AppointmentBook:
        book = self.backend()
        if book is None:
            raise BookingUnavailable("central is not configured")
        return book

    def availability(self, code: str) -> dict[date, list[Slot]]:
        """Central's slots of the service by day, from today, days with no slot left out."""
        today = self._now().date()
        by_day: dict[date, list[Slot]] = {}
        for slot in self._book().slots(code, today, self.days_ahead + 1):
            by_day.setdefault(slot.starts_at.date(), []).append(slot)
        return {d: s for d, s in sorted(by_day.items()) if any(x.left for x in s)}

    def book(self, resident: Resident, person_key: str, code: str, starts_at: datetime) -> Booked:
        """Book the slot at central for the resident; BookingRefused (why) or BookingUnavailable."""
        request = BookingRequest(
            id=str(uuid.uuid4()), service=code, starts_at=starts_at, token=secrets.token_hex(TOKEN_BYTES),
            person_key=person_key, id_number=resident.id_number, name=resident.name,
            identity=resident.proof)
        book = self._book()
        try:
            return book.book(request)
        except BookingUnavailable:
            self._abandon(request.id)
            raise

    def _abandon(self, booking_id: str) -> None:
        from kiosk.store.outbox import add_event

        with self.store.session() as s:
            add_event(s, "appointment.abandoned", {"station_id": self.station_id, "appointment_id": booking_id})

    def check_in(self, token: str) -> CheckedIn:
        """A scanned confirmation: checked in at central, then a priority ticket for the service."""
        c = self._book().check_in(token)
        when = _("{m}月{d}日").format(m=c.starts_at.month, d=c.starts_at.day) + f" {c.starts_at:%H:%M}"
        if c.state == "other_station":
            return CheckedIn(_("预约 {ref} 不是本驿站的预约，请到预约的驿站签到").format(ref=c.reference))
        if c.state == "cancelled":
            return CheckedIn(_("预约 {ref} 已经取消了。如需办理，请取号或重新预约").format(ref=c.reference))
        if c.state == "not_today":
            return CheckedIn(_("您预约的是 {when} 的{service}，请在当天来签到").format(when=when, service=_(c.service_name)))
        person = Person(c.person_key) if c.person_key else None
        issued = self.queue.issue(c.service, person, confirmed=True, priority=True, reason=PRIORITY_REASON)
        if isinstance(issued, Decision):
            if c.state == "already":
                return CheckedIn(_("预约 {ref} 已经签到过了。").format(ref=c.reference) + issued.message)
            return CheckedIn(_("预约 {ref} 已签到，但现在不能取号：").format(ref=c.reference) + issued.message)
        return CheckedIn(_("预约已签到（{service} {time}），已为您优先取号").format(
            service=_(c.service_name), time=f"{c.starts_at:%H:%M}"), issued)


