"""The kiosk's side of 预约服务, under ``/api/v1/appointments`` (signed like every kiosk request;
a kiosk books, cancels and checks in at its own station only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.exc import IntegrityError

from central import appointments as appts
from central.auth import authenticated_kiosk
from central.db import Database
from central.deps import get_database
from central.errors import ApiError
from central.events import storable
from central.models import AppointmentRow, Kiosk
from kiosk.sync import protocol as p

KioskDep = Annotated[Kiosk, Depends(authenticated_kiosk)]
ERRORS = {code: {"model": p.ErrorReply} for code in (400, 401, 403, 404, 409)}

router = APIRouter(prefix=p.PREFIX + "/appointments", tags=["appointments"])


def _run(db: Database, fn, *args):  # noqa: ANN001, ANN202
    try:
        with db.session() as s:
            return fn(s, *args)
    except appts.Refused as e:
        raise ApiError(e.status, e.code, e.message) from None


@router.get("/slots", response_model=p.AppointmentSlots, responses=ERRORS)
def get_slots(request: Request, kiosk: KioskDep, service: Annotated[str, Query(min_length=1, max_length=40)],
              first: Annotated[date | None, Query(alias="from")] = None,
              days: Annotated[int, Query(ge=1, le=p.MAX_SLOT_DAYS)] = 8) -> p.AppointmentSlots:
    """The service's slots at the kiosk's station, from ``from`` (default today) for ``days`` days."""
    return _run(get_database(request), lambda s: appts.free_slots(s, kiosk.station_id, service,
                                                         first or appts.local_now().date(), days))


@router.post("", response_model=p.AppointmentReply, responses=ERRORS)
def post_booking(request: Request, body: p.AppointmentRequest, kiosk: KioskDep) -> p.AppointmentReply:
    """Book a place. Sending the same request again answers the same booking (``created`` false)."""
    if not storable(body.name):
        raise ApiError(400, "invalid_request", "text with a NUL character or an unpaired surrogate")
    db = get_database(request)
    try:
        row, created = _run(db, lambda s: appts.book(s, kiosk.station_id, kiosk.id, body))
    except IntegrityError:
        # the same id (a retry racing the first request) or, vanishingly rarely, the same token
        row = _run(db, lambda s: appts.existing(s, kiosk.station_id, body))
        if row is None:
            raise ApiError(409, "conflict", "the token belongs to another booking") from None
        created = False
    return appts.reply(row, created)


def _own(s, kiosk: Kiosk, appointment_id: str) -> AppointmentRow:  # noqa: ANN001
    row = s.get(AppointmentRow, appointment_id[:36])
    if row is None or row.station_id != kiosk.station_id:
        raise appts.Refused(404, "not_found", "no such appointment at this station")
    return row


@router.get("/{appointment_id}", response_model=p.AppointmentReply, responses=ERRORS)
def get_booking(request: Request, appointment_id: str, kiosk: KioskDep) -> p.AppointmentReply:
    return _run(get_database(request), lambda s: appts.reply(_own(s, kiosk, appointment_id)))


@router.post("/{appointment_id}/cancel", response_model=p.AppointmentReply, responses=ERRORS)
def cancel_booking(request: Request, appointment_id: str, kiosk: KioskDep) -> p.AppointmentReply:
    """Cancel a booking of this station. Idempotent: a cancelled one answers as it is; one already
    kept (arrived) or missed is not changed (its status says so)."""
    def do(s):  # noqa: ANN001, ANN202
        row = _own(s, kiosk, appointment_id)
        appts.cancel(s, row, "kiosk")
        return appts.reply(row)

    return _run(get_database(request), do)


@router.post("/check-in", response_model=p.AppointmentCheckInReply, responses=ERRORS)
def check_in(request: Request, body: p.AppointmentCheckIn, kiosk: KioskDep) -> p.AppointmentCheckInReply:
    """The resident's confirmation QR, scanned at the kiosk: today's booking is marked arrived."""
    return _run(get_database(request), lambda s: appts.check_in(s, kiosk.station_id, body.token))
