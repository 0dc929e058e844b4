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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from kiosk.core.queue import Decision, IssuedTicket, Person, QueueBook, QueueService

if TYPE_CHECKING:
    from kiosk.core.identity import Resident

REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B: read aloud at a counter
#: 128 random bits, hex: the QR stays small, and a scanner's upper-casing does not change it
TOKEN_BYTES = 16
#: why a checked-in resident's ticket comes first, as the counters see it
PRIORITY_REASON = "预约"
UNAVAILABLE_MESSAGE = "现在连不上预约系统，暂时不能预约"
#: how identity was proven at the kiosk (Resident.source) → the protocol's word
IDENTITY = {"card": "idcard", "qr": "essc", "keyed": "typed"}


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # station-local wall clock
    capacity: int
    left: int


@dataclass(frozen=True)
class BookingRequest:
    id: str
    service: str
    starts_at: datetime
    token: str = field(repr=False)
    person_key: str
    id_number: str = field(repr=False)
    name: str = field(default="", repr=False)
    identity: str = "typed"


@dataclass(frozen=True)
class Booked:
    id: str
    reference: str
    service_code: str
    service_name: str
    starts_at: datetime
    #: the phone page's capability token (in the QR; never stored on the kiosk)
    token: str = field(default="", repr=False)


@dataclass(frozen=True)
class CheckIn:
    """Central's answer to a scanned confirmation (``protocol.AppointmentCheckInReply``)."""

    state: str  # checked_in | already | not_today | cancelled | other_station
    reference: str
    service: str
    service_name: str
    starts_at: datetime
    person_key: str = ""


@dataclass(frozen=True)
class CheckedIn:
    """What the kiosk tells the resident, and the priority ticket when one was issued."""

    message: str
    ticket: IssuedTicket | None = None


class BookingRefused(ValueError):
    """Why a booking was not made; the message is for the resident."""


class BookingUnavailable(RuntimeError):
    """Central cannot be asked now (not configured, unreachable, or an answer that makes no sense)."""


class AppointmentBook(Protocol):
    """Where the slots are (central, through ``kiosk/sync/appointments.py``)."""

    def slots(self, service: str, first: date, days: int) -> list[Slot]: ...

    def book(self, request: BookingRequest) -> Booked: ...

    def check_in(self, token: str) -> CheckIn: ...


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
            identity=IDENTITY.get(resident.source, "typed"))
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
        when = f"{c.starts_at.month}月{c.starts_at.day}日 {c.starts_at:%H:%M}"
        if c.state == "other_station":
            return CheckedIn(f"预约 {c.reference} 不是本驿站的预约，请到预约的驿站签到")
        if c.state == "cancelled":
            return CheckedIn(f"预约 {c.reference} 已经取消了。如需办理，请取号或重新预约")
        if c.state == "not_today":
            return CheckedIn(f"您预约的是 {when} 的{c.service_name}，请在当天来签到")
        person = Person(c.person_key) if c.person_key else None
        issued = self.queue.issue(c.service, person, confirmed=True, priority=True, reason=PRIORITY_REASON)
        if isinstance(issued, Decision):
            if c.state == "already":
                return CheckedIn(f"预约 {c.reference} 已经签到过了。{issued.message}")
            return CheckedIn(f"预约 {c.reference} 已签到，但现在不能取号：{issued.message}")
        return CheckedIn(f"预约已签到（{c.service_name} {c.starts_at:%H:%M}），已为您优先取号", issued)


def booked_message(code: str, detail: str = "") -> str:
    """The resident's words for central's refusal ``code`` (``detail``: central's message)."""
    if code == "slot_full":
        return "这个时间刚刚约满了，请另选时间"
    if code == "already_booked":
        parts = detail.split()
        held = f"（{parts[0]} {parts[1]}，预约号 {parts[2]}）" if len(parts) == 3 else ""
        return f"您已经预约过这项业务{held}，如需改期请到服务窗口办理"
    return "这个时间不能预约，请另选时间"
