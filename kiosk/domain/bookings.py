"""预约服务 value types shared by the appointment desk and the kiosk's client for central's booking API:
slots, a booking request and central's answers, and the resident's words for a refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiosk.domain.queue_rules import IssuedTicket


REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B: read aloud at a counter
#: 128 random bits, hex: the QR stays small, and a scanner's upper-casing does not change it
TOKEN_BYTES = 16
#: why a checked-in resident's ticket comes first, as the counters see it
PRIORITY_REASON = "预约"
UNAVAILABLE_MESSAGE = "现在连不上预约系统，暂时不能预约"
#: how identity was proven at the kiosk (Resident.source) → the protocol's word


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


def booked_message(code: str, detail: str = "") -> str:
    """The resident's words for central's refusal ``code`` (``detail``: central's message)."""
    if code == "slot_full":
        return "这个时间刚刚约满了，请另选时间"
    if code == "already_booked":
        parts = detail.split()
        held = f"（{parts[0]} {parts[1]}，预约号 {parts[2]}）" if len(parts) == 3 else ""
        return f"您已经预约过这项业务{held}，如需改期请到服务窗口办理"
    return "这个时间不能预约，请另选时间"
