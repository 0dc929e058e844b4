"""预约服务 on central: the slots, the bookings, and what happens to them.

Slots come from the station's config: each bookable service's opening hours (its ``hours`` in the
config, or the built-in hours of that service) cut into ``slot_minutes`` pieces of ``capacity``
places, from today to ``days_ahead`` days on, none nearer than ``lead_minutes``
(``protocol.AppointmentRules``; without an ``appointments`` key: 30 minutes, 2 places, 7 days,
60 minutes, every service).

A booking takes a place with one conditional ``UPDATE`` of its slot's row (``taken < capacity``),
inside the transaction that inserts the booking: on PostgreSQL the second of two concurrent
updates waits for the first's row lock and then finds the slot full; on SQLite the transaction
holds the write lock from ``BEGIN IMMEDIATE``. A cancellation gives the place back the same way.

Status: booked → arrived (staff, or the resident's QR at a kiosk) | no_show (staff) | cancelled
(the resident's phone page, a kiosk); a no-show who turns up late may still be marked arrived.
Arriving is the appointment kept: one service record through ``ledger.record_service``.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central import ledger
from central.models import APPOINTMENT_STATUSES, AppointmentRow, AppointmentSlotRow, StationConfig
from kiosk.domain.queue_rules import STATION_TZ, QueueConfigError, QueueService, setup_from_config
from kiosk.sync import protocol as p

log = logging.getLogger("central.appointments")

#: the service of an appointment's record in the workload ledger
LEDGER_SERVICE = "appointment"
#: no 0/O, 1/I, 2/Z, 5/S, 8/B: read aloud at a counter. "Y" (预约) first tells it from other references.
REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
REFERENCE_PREFIX = "Y"
_LEDGER_NS = uuid.UUID("5b7f3a52-2d7e-4f3c-9a55-0f1d2a6b8c11")
#: identity proof at the kiosk → the ledger's word
IDENTITY = {"idcard": "idcard", "essc": "essc", "typed": "typed"}


class Refused(Exception):
    """A booking or change that cannot be made: HTTP status, protocol error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Stale(Exception):
    """The record changed since the page showed it (已被他人更新)."""


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    """The station's wall clock, naive."""
    return datetime.now(STATION_TZ).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the station's rules and services -----------------------------------------------------------

def rules(s: Session, station_id: str) -> p.AppointmentRules:
    cfg = s.get(StationConfig, station_id)
    raw = (cfg.config or {}).get("appointments") if cfg else None
    try:
        return p.AppointmentRules.model_validate(raw) if raw else p.AppointmentRules()
    except ValueError:
        log.warning("station %s has an appointments config that does not fit the rules; defaults used", station_id)
        return p.AppointmentRules()


def services(s: Session, station_id: str) -> dict[str, QueueService]:
    """The station's bookable services, with their hours."""
    cfg = s.get(StationConfig, station_id)
    try:
        setup = setup_from_config(dict(cfg.config or {}) if cfg else {})
    except QueueConfigError:
        log.warning("station %s has a services config the queue cannot use; built-in services used", station_id)
        setup = setup_from_config({})
    allowed = rules(s, station_id).services
    return {svc.code: svc for svc in setup.services if allowed is None or svc.code in allowed}


def capacity(r: p.AppointmentRules, code: str) -> int:
    return r.capacity_by_service.get(code, r.capacity)


def slot_starts(service: QueueService, day: date, minutes: int) -> list[datetime]:
    out = []
    step = timedelta(minutes=minutes)
    for a, b in service.hours.get(day.weekday(), ()):
        t = datetime.combine(day, a)
        while t + step <= datetime.combine(day, b):
            out.append(t)
            t += step
    return out


def _offered(r: p.AppointmentRules, service: QueueService, starts_at: datetime, now: datetime) -> bool:
    today = now.date()
    return (today <= starts_at.date() <= today + timedelta(days=r.days_ahead)
            and starts_at >= now + timedelta(minutes=r.lead_minutes)
            and starts_at in slot_starts(service, starts_at.date(), r.slot_minutes))


def free_slots(s: Session, station_id: str, code: str, first: date, days: int,
               now: datetime | None = None) -> p.AppointmentSlots:
    """The service's offered slots from ``first`` for ``days`` days (full ones with ``left`` 0)."""
    svc = services(s, station_id).get(code)
    if svc is None:
        raise Refused(404, "not_found", f"station {station_id} takes no bookings for {code!r}")
    r = rules(s, station_id)
    now = now or local_now()
    horizon = now.date() + timedelta(days=r.days_ahead)
    last = min(first + timedelta(days=days - 1), horizon) if first <= horizon else first - timedelta(days=1)
    starts: list[datetime] = []
    day = max(first, now.date())
    while day <= last:
        starts += [t for t in slot_starts(svc, day, r.slot_minutes) if t >= now + timedelta(minutes=r.lead_minutes)]
        day += timedelta(days=1)
    taken: dict[datetime, int] = {}
    if starts:
        taken = dict(s.execute(select(AppointmentSlotRow.starts_at, AppointmentSlotRow.taken).where(
            AppointmentSlotRow.station_id == station_id, AppointmentSlotRow.service == code,
            AppointmentSlotRow.starts_at >= starts[0], AppointmentSlotRow.starts_at <= starts[-1])).all())
    cap = capacity(r, code)
    return p.AppointmentSlots(service=code, name=svc.name[:40], slots=[
        p.AppointmentSlot(starts_at=t, capacity=cap, left=max(0, cap - taken.get(t, 0))) for t in starts])


# --- booking ------------------------------------------------------------------------------------

def _take_place(s: Session, station_id: str, code: str, starts_at: datetime, cap: int) -> bool:
    """One place of the slot, or False when it is full (the conditional update decides)."""
    key = {"station_id": station_id, "service": code, "starts_at": starts_at}
    if s.get(AppointmentSlotRow, (station_id, code, starts_at)) is None:
        try:
            with s.begin_nested():
                s.add(AppointmentSlotRow(**key, taken=0))
        except IntegrityError:
            pass  # another booking made the row first
    done = s.execute(update(AppointmentSlotRow).where(
        AppointmentSlotRow.station_id == station_id, AppointmentSlotRow.service == code,
        AppointmentSlotRow.starts_at == starts_at, AppointmentSlotRow.taken < cap)
        .values(taken=AppointmentSlotRow.taken + 1).execution_options(synchronize_session=False))
    return done.rowcount == 1


def _give_back(s: Session, row: AppointmentRow) -> None:
    s.execute(update(AppointmentSlotRow).where(
        AppointmentSlotRow.station_id == row.station_id, AppointmentSlotRow.service == row.service,
        AppointmentSlotRow.starts_at == row.starts_at, AppointmentSlotRow.taken > 0)
        .values(taken=AppointmentSlotRow.taken - 1).execution_options(synchronize_session=False))


def _reference(s: Session) -> str:
    for _ in range(20):
        ref = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if s.scalar(select(AppointmentRow.id).where(AppointmentRow.reference == ref)) is None:
            return ref
    raise RuntimeError("no free appointment reference after 20 tries")


def _same_request(row: AppointmentRow, station_id: str, req: p.AppointmentRequest) -> bool:
    return (row.station_id, row.service, row.starts_at, row.token_hash) == (
        station_id, req.service, _naive(req.starts_at), req.token_sha256)


def _naive(dt: datetime) -> datetime:
    """A wall-clock time; one sent with an offset is converted to the station's."""
    return dt.astimezone(STATION_TZ).replace(tzinfo=None) if dt.tzinfo else dt


def existing(s: Session, station_id: str, req: p.AppointmentRequest) -> AppointmentRow | None:
    """The booking this request made before (a retry), or None; a different booking under the same
    id is a conflict."""
    row = s.get(AppointmentRow, req.id)
    if row is None:
        return None
    if not _same_request(row, station_id, req):
        raise Refused(409, "conflict", "this booking id belongs to another booking")
    return row


def book(s: Session, station_id: str, kiosk_id: str, req: p.AppointmentRequest,
         now: datetime | None = None) -> tuple[AppointmentRow, bool]:
    """The booking for the request (and whether it is new); raises Refused saying why not."""
    row = existing(s, station_id, req)
    if row is not None:
        return row, False
    svc = services(s, station_id).get(req.service)
    if svc is None:
        raise Refused(409, "slot_unavailable", f"station {station_id} takes no bookings for {req.service!r}")
    r = rules(s, station_id)
    now = now or local_now()
    starts_at = _naive(req.starts_at)
    if not _offered(r, svc, starts_at, now):
        raise Refused(409, "slot_unavailable", "this time is not offered (closed, past, too near or too far)")
    held = s.scalar(select(AppointmentRow).where(
        AppointmentRow.person_key == req.person_key, AppointmentRow.service == req.service,
        AppointmentRow.status == "booked", AppointmentRow.starts_at >= now))
    if held is not None:
        raise Refused(409, "already_booked", f"{held.starts_at:%Y-%m-%d %H:%M} {held.reference}")
    if not _take_place(s, station_id, req.service, starts_at, capacity(r, req.service)):
        raise Refused(409, "slot_full", "no place is left in this slot")
    at = utcnow()
    row = AppointmentRow(
        id=req.id, reference=_reference(s), token_hash=req.token_sha256, station_id=station_id, kiosk_id=kiosk_id,
        service=req.service, service_name=svc.name[:40], starts_at=starts_at, person_key=req.person_key,
        id_number=req.id_number, name=req.name, identity=IDENTITY[req.identity], status="booked", version=1,
        created_at=at, updated_at=at, updated_by="kiosk")
    s.add(row)
    s.flush()
    return row, True


def reply(row: AppointmentRow, created: bool = True) -> p.AppointmentReply:
    return p.AppointmentReply(id=row.id, reference=row.reference, service=row.service,
                              service_name=row.service_name, starts_at=row.starts_at, status=row.status,
                              created=created)


# --- changes ------------------------------------------------------------------------------------

def cancel(s: Session, row: AppointmentRow, by: str) -> bool:
    """Cancel a booking that is still booked; False when it was not (already cancelled, or kept)."""
    done = s.execute(update(AppointmentRow).where(AppointmentRow.id == row.id, AppointmentRow.status == "booked")
                     .values(status="cancelled", version=AppointmentRow.version + 1, updated_at=utcnow(),
                             updated_by=by[:40]).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        s.refresh(row)
        return False
    _give_back(s, row)
    s.refresh(row)
    return True


def _arrive(s: Session, row: AppointmentRow, *, by: str, channel: str, counter: str = "",
            version: int | None = None) -> bool:
    """Mark arrived (from booked, or a late no-show) and write the kept appointment to the ledger."""
    cond = [AppointmentRow.id == row.id, AppointmentRow.status.in_(("booked", "no_show"))]
    if version is not None:
        cond.append(AppointmentRow.version == version)
    at = utcnow()
    done = s.execute(update(AppointmentRow).where(*cond).values(
        status="arrived", arrived_at=at, version=AppointmentRow.version + 1, updated_at=at, updated_by=by[:40])
        .execution_options(synchronize_session=False))
    s.refresh(row)
    if done.rowcount != 1:
        return False
    ledger.record_service(s, record_id=str(uuid.uuid5(_LEDGER_NS, "kept:" + row.id)), station_id=row.station_id,
                          service=LEDGER_SERVICE, at=at, channel=channel, identity=row.identity,
                          person_key=row.person_key or None, ref_id=row.id, counter=counter,
                          outcome="kept", issued_at=row.created_at)
    return True


def by_token(s: Session, token: str) -> AppointmentRow | None:
    return s.scalar(select(AppointmentRow).where(AppointmentRow.token_hash == token_hash(token)))


def check_in(s: Session, station_id: str, token: str, now: datetime | None = None) -> p.AppointmentCheckInReply:
    """A confirmation QR scanned at a kiosk of ``station_id``: arrived if it is today's and booked."""
    row = by_token(s, token)
    if row is None:
        raise Refused(404, "not_found", "no appointment has this token")
    now = now or local_now()
    if row.station_id != station_id:
        state = "other_station"
    elif row.status == "cancelled":
        state = "cancelled"
    elif row.status == "arrived":
        state = "already"
    elif row.starts_at.date() != now.date():
        state = "not_today"
    else:
        state = "checked_in" if _arrive(s, row, by="kiosk", channel="kiosk") else "already"
    return p.AppointmentCheckInReply(state=state, id=row.id, reference=row.reference, service=row.service,
                                     service_name=row.service_name, starts_at=row.starts_at,
                                     person_key=row.person_key if state in ("checked_in", "already") else "")


STAFF_ACTIONS = {"arrived": "已到场", "no_show": "未到"}


def staff_mark(s: Session, station_id: str, appointment_id: str, action: str, version: int, by: str,
               counter: str) -> AppointmentRow:
    """Staff mark a booking of their station arrived or no-show; Stale when it changed meanwhile."""
    if action not in STAFF_ACTIONS:
        raise Refused(400, "invalid_request", "没有这个操作")
    row = s.get(AppointmentRow, appointment_id)
    if row is None:
        raise Refused(404, "not_found", "没有找到这个预约")
    if row.station_id != station_id:
        raise Refused(403, "forbidden", "这个预约不属于本驿站，不能修改")
    if row.version != version:
        raise Stale()
    if action == "arrived":
        if row.status not in ("booked", "no_show"):
            raise Refused(409, "conflict", f"这个预约现在是“{p_status(row.status)}”，不能标为已到场")
        if not _arrive(s, row, by=by, channel="counter", counter=counter, version=version):
            raise Stale()
        return row
    if row.status != "booked":
        raise Refused(409, "conflict", f"这个预约现在是“{p_status(row.status)}”，不能标为未到")
    done = s.execute(update(AppointmentRow).where(AppointmentRow.id == row.id, AppointmentRow.version == version,
                                                  AppointmentRow.status == "booked")
                     .values(status="no_show", version=AppointmentRow.version + 1, updated_at=utcnow(),
                             updated_by=by[:40]).execution_options(synchronize_session=False))
    s.refresh(row)
    if done.rowcount != 1:
        raise Stale()
    return row


def p_status(status: str) -> str:
    return APPOINTMENT_STATUSES.get(status, status)


def on_abandoned(s: Session, station_id: str, payload: dict) -> None:
    """A kiosk lost central's answer to a booking and told the resident it was not made: if
    central did make it, it is cancelled, so the place is free again."""
    row = s.get(AppointmentRow, str(payload.get("appointment_id", ""))[:36])
    if row is None or row.station_id != station_id:
        return
    if cancel(s, row, "kiosk"):
        log.info("booking %s abandoned by its kiosk; place given back", row.reference)


@dataclass(frozen=True)
class DayList:
    day: date
    rows: list[AppointmentRow]
    counts: dict[str, int]


def day_list(s: Session, station_id: str, day: date) -> DayList:
    """A station's bookings of one day, by time (cancelled ones last)."""
    start = datetime.combine(day, datetime.min.time())
    rows = list(s.scalars(select(AppointmentRow).where(
        AppointmentRow.station_id == station_id, AppointmentRow.starts_at >= start,
        AppointmentRow.starts_at < start + timedelta(days=1))
        .order_by(AppointmentRow.starts_at, AppointmentRow.created_at)))
    rows.sort(key=lambda r: (r.status == "cancelled", r.starts_at))
    counts = dict(s.execute(select(AppointmentRow.status, func.count()).where(
        AppointmentRow.station_id == station_id, AppointmentRow.starts_at >= start,
        AppointmentRow.starts_at < start + timedelta(days=1)).group_by(AppointmentRow.status)).all())
    return DayList(day, rows, counts)
