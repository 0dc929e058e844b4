"""The kiosk's bookings at central (``/api/v1/appointments``), blocking: the appointment desk
calls these on the background worker. Client errors become the desk's two answers: a refusal
the resident can act on (``BookingRefused``) or "cannot book now" (``BookingUnavailable``)."""

from __future__ import annotations

import hashlib
import logging
from datetime import date

from kiosk.domain.bookings import (
    Booked,
    BookingRefused,
    BookingRequest,
    BookingUnavailable,
    CheckIn,
    Slot,
    booked_message,
)
from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient, Refused, SyncError, Unavailable

log = logging.getLogger(__name__)

BASE = p.PREFIX + "/appointments"
#: a booking is sent at most this many times (same id) before the kiosk gives up
BOOK_ATTEMPTS = 2


class CentralAppointments:
    def __init__(self, client: CentralClient, read_timeout_s: float = 10.0) -> None:
        self.client = client
        self.read_timeout_s = read_timeout_s

    def slots(self, service: str, first: date, days: int) -> list[Slot]:
        try:
            reply = self.client.call("GET", BASE + "/slots", p.AppointmentSlots, read_timeout_s=self.read_timeout_s,
                                     params={"service": service, "from": first.isoformat(),
                                             "days": min(days, p.MAX_SLOT_DAYS)})[0]
        except Refused as e:
            if e.status == 404:
                return []  # the station takes no bookings for this service
            raise BookingUnavailable(str(e)) from None
        except SyncError as e:
            raise BookingUnavailable(str(e)) from None
        return [Slot(s.starts_at, s.capacity, s.left) for s in reply.slots]

    def book(self, request: BookingRequest) -> Booked:
        body = p.AppointmentRequest(
            id=request.id, service=request.service, starts_at=request.starts_at,
            token_sha256=hashlib.sha256(request.token.encode()).hexdigest(), person_key=request.person_key,
            id_number=request.id_number, name=request.name[:40], identity=request.identity, consent=True)
        last: SyncError | None = None
        for _ in range(BOOK_ATTEMPTS):
            try:
                reply = self.client.call("POST", BASE, p.AppointmentReply, body=body,
                                         read_timeout_s=self.read_timeout_s)[0]
            except Refused as e:
                if e.code in ("slot_full", "slot_unavailable", "already_booked"):
                    detail = str(e).split(": ", 1)[-1]
                    raise BookingRefused(booked_message(e.code, detail)) from None
                raise BookingUnavailable(str(e)) from None
            except Unavailable as e:
                last = e
                continue
            except SyncError as e:
                raise BookingUnavailable(str(e)) from None
            return Booked(reply.id, reply.reference, reply.service, reply.service_name, reply.starts_at.replace(tzinfo=None),
                          request.token)
        log.warning("booking not confirmed by central after %d attempts: %s", BOOK_ATTEMPTS, last)
        raise BookingUnavailable(str(last))

    def check_in(self, token: str) -> CheckIn:
        try:
            r = self.client.call("POST", BASE + "/check-in", p.AppointmentCheckInReply,
                                 body=p.AppointmentCheckIn(token=token.lower()), read_timeout_s=self.read_timeout_s)[0]
        except Refused as e:
            if e.status == 404:
                raise BookingRefused("没有找到这个预约，请到服务窗口咨询") from None
            raise BookingUnavailable(str(e)) from None
        except (SyncError, ValueError) as e:
            raise BookingUnavailable(str(e)) from None
        return CheckIn(r.state, r.reference, r.service, r.service_name, r.starts_at.replace(tzinfo=None), r.person_key)
