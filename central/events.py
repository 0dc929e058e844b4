"""Event ingest: each event's effect and its id commit together, so a retry is a duplicate.

A batch is one transaction with a savepoint per event: a concurrent retry of the same event
(two workers, a kiosk that timed out and sent again) loses the race on the primary key and is
answered "duplicate", never applied twice.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central import appointments, callbacks, help_calls, ledger, service_requests, tickets
from central.models import Event, Kiosk, QueueTicket, RejectedEvent, ServiceRecord, Shortlist
from central.office import interests, ratings, registrations
from central.phone import links
from kiosk.sync import protocol as p

#: Payload keys an event type must carry; anything else is refused with the missing key named.
REQUIRED: dict[str, tuple[str, ...]] = {
    "ticket.issued": ("ticket_id", "service", "number"),
    "ticket.printed": ("ticket_id",),
    "ticket.print_failed": ("ticket_id",),
    "ticket.called": ("ticket_id", "counter"),
    "ticket.finished": ("ticket_id",),
    "ticket.prioritized": ("ticket_id", "group"),
    "service.rendered": ("service",),
    "registration.submitted": ("id_number",),
    "interest.expressed": ("vacancy_id", "id_number"),
    "feedback.given": ("score",),
    "home_visit.requested": ("request_id", "reference", "kind", "id_number", "window_day", "window_half", "reason"),
    "proxy.requested": ("request_id", "reference", "kind", "id_number", "window_day", "window_half", "reason"),
    "home_visit.cancelled": ("reference",),
    "proxy.cancelled": ("reference",),
    "consult.requested": ("topic", "call_id"),
    "consult.ended": ("topic", "call_id", "outcome"),
    "consult.callback_requested": ("reference", "topic", "phone", "consent"),
    "appointment.abandoned": ("appointment_id",),
    "shortlist.printed": ("shortlist_id", "vacancy_ids"),
    "help.requested": ("screen",),
    "help.answered": ("help_id",),
}


#: Payload keys that identify or reach a person. The domain rows (registrations, requests,
#: interests, call-backs: encrypted at rest, central/crypto.py) keep what staff need; the event
#: log, kept for ever as the ledger's evidence, keeps the event without them.
PERSONAL_KEYS = frozenset({"id_number", "name", "phone", "address", "address_detail", "street", "birth_date",
                           "contact", "contact_phone", "comment", "note", "token_hash"})


def purged(payload: dict) -> dict:
    """``payload`` without its personal keys (``PERSONAL_KEYS``), for the stored event."""
    return {k: v for k, v in payload.items() if k not in PERSONAL_KEYS}


#: the service code of a video consultation's service record (the topic goes in ``counter``)
CONSULT_SERVICE = "video_consult"

_SURROGATE = re.compile("[\ud800-\udfff]")
ID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _naive(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def storable(value) -> bool:  # noqa: ANN001
    """Whether every string and number in ``value`` fits both databases: no NUL character (PostgreSQL
    text cannot hold one), no unpaired surrogate (not UTF-8), no NaN or infinity (not JSON)."""
    if isinstance(value, str):
        return "\x00" not in value and not _SURROGATE.search(value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(storable(v) for v in value)
    return True


def _safe(text: str) -> str:
    """``text`` with what the databases cannot hold replaced, for recording why an event was refused."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", "\ufffd"))


def _reason(ev: p.EventIn) -> str:
    if not storable(ev.type) or not storable(ev.payload):
        return "text with a NUL character or an unpaired surrogate, or a number that is NaN or infinite"
    try:
        _naive(ev.occurred_at)
    except OverflowError:
        return "occurred_at is out of range"
    if ev.type not in p.EVENT_TYPES:
        return f"unknown event type {ev.type!r}"
    missing = [k for k in REQUIRED.get(ev.type, ()) if k not in ev.payload]
    if missing:
        return f"{ev.type} lacks {', '.join(missing)}"
    if ev.type == "feedback.given" and ev.payload.get("score") not in (1, 2, 3, 4, 5):
        return "feedback score must be 1 to 5"
    if ev.type.startswith(("home_visit.", "proxy.")):
        return service_requests.payload_problem(ev.type, ev.payload)
    if ev.type == callbacks.EVENT_TYPE:
        return callbacks.payload_problem(ev.payload)
    if ev.type == "shortlist.printed":
        return _shortlist_problem(ev.payload)
    return ""


def _shortlist_problem(pl: dict) -> str:
    sid, ids = pl.get("shortlist_id"), pl.get("vacancy_ids")
    if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{22,32}", sid):
        return "shortlist_id must be 22 to 32 URL-safe characters (at least 128 random bits)"
    if not isinstance(ids, list) or not 1 <= len(ids) <= 20 or not all(isinstance(x, str) and 0 < len(x) <= 40
                                                                      for x in ids):
        return "vacancy_ids must be a list of 1 to 20 vacancy ids"
    return ""


def _shortlist(s: Session, kiosk: Kiosk, ev: p.EventIn) -> None:
    """A printed shortlist: its jobs by the random id in its QR (a second event with the same id is ignored)."""
    pl = ev.payload
    if s.get(Shortlist, pl["shortlist_id"]) is None:
        s.add(Shortlist(id=pl["shortlist_id"], station_id=kiosk.station_id, vacancy_ids=list(pl["vacancy_ids"]),
                        created_at=_now()))


def _dt(value) -> datetime | None:  # noqa: ANN001
    try:
        return _naive(datetime.fromisoformat(value)) if isinstance(value, str) else None
    except (ValueError, OverflowError):
        return None


def _effect(s: Session, kiosk: Kiosk, ev: p.EventIn) -> None:
    if ev.type == "ticket.issued":
        tickets.on_ticket_issued(s, kiosk.station_id, ev.id, ev.occurred_at, ev.payload)
    elif ev.type in ("home_visit.requested", "proxy.requested"):
        service_requests.on_requested(s, kiosk.station_id, ev.id, ev.payload)
        links.remember(s, "request", ev.payload["reference"], ev.payload, _now())
    elif ev.type == "shortlist.printed":
        _shortlist(s, kiosk, ev)
    elif ev.type in ("home_visit.cancelled", "proxy.cancelled"):
        service_requests.on_cancelled(s, kiosk.station_id, ev.payload)
    elif ev.type in ("ticket.called", "ticket.finished", "ticket.prioritized"):
        tickets.on_kiosk_step(s, kiosk.station_id, ev.type, ev.payload)
    elif ev.type == "consult.ended":
        _consult_ended(s, kiosk, ev)
    elif ev.type == "appointment.abandoned":
        appointments.on_abandoned(s, kiosk.station_id, ev.payload)
    elif ev.type == callbacks.EVENT_TYPE:
        callbacks.on_requested(s, kiosk.station_id, ev.id, _naive(ev.occurred_at), ev.payload)
        links.remember(s, "callback", ev.id, ev.payload, _now())
    elif ev.type == "interest.expressed":
        interests.on_expressed(s, kiosk.station_id, ev.id, _naive(ev.occurred_at), ev.payload)
    elif ev.type == "registration.submitted":
        registrations.on_submitted(s, kiosk.station_id, ev.id, _naive(ev.occurred_at), ev.payload)
        _registration(s, kiosk, ev)
    elif ev.type == "feedback.given":
        ratings.on_given(s, kiosk.station_id, ev.id, _naive(ev.occurred_at), ev.payload)
    elif ev.type == "service.rendered":
        _service_rendered(s, kiosk, ev)
    elif ev.type == "help.requested":
        help_calls.on_requested(s, kiosk.station_id, kiosk.id, ev.id, _naive(ev.occurred_at), ev.payload)
    elif ev.type == "help.answered":
        help_calls.on_answered_at_kiosk(s, kiosk.station_id, ev.payload)


def _person(pl: dict) -> str | None:
    return str(pl["person_key"])[:64] if pl.get("person_key") else None


def _service_rendered(s: Session, kiosk: Kiosk, ev: p.EventIn) -> None:
    """A service finished at the kiosk's own counter panel (central was unreachable): a counter
    service, whose identity proof is what the ticket was taken with."""
    pl = ev.payload
    ticket_id = str(pl.get("ticket_id", ""))[:36]
    if ticket_id and s.scalar(select(ServiceRecord.event_id).where(ServiceRecord.ticket_id == ticket_id,
                                                                   ServiceRecord.station_id == kiosk.station_id)):
        return  # one service record per ticket, whichever side finished it
    identity = ledger.identity_from(pl)
    if identity == "none" and ticket_id:
        t = s.get(QueueTicket, ticket_id)
        if t is not None and t.station_id == kiosk.station_id:
            identity = tickets.ticket_identity(s, t)
    ledger.record_service(
        s, record_id=ev.id, station_id=kiosk.station_id, service=str(pl["service"]),
        at=_dt(pl.get("finished_at")) or _naive(ev.occurred_at), channel="counter", identity=identity,
        person_key=_person(pl), ref_id=ticket_id, counter=str(pl.get("counter", "")),
        outcome=str(pl.get("outcome", "served")), issued_at=_dt(pl.get("issued_at")),
        started_at=_dt(pl.get("started_at")))


def _registration(s: Session, kiosk: Kiosk, ev: p.EventIn) -> None:
    """A 就业登记 filled in at the kiosk is a service the station rendered (self-service)."""
    pl = ev.payload
    ledger.record_service(s, record_id=ev.id, station_id=kiosk.station_id, service="registration",
                          at=_naive(ev.occurred_at), channel="kiosk", identity=ledger.identity_from(pl),
                          person_key=_person(pl), ref_id=ev.id)


def _consult_ended(s: Session, kiosk: Kiosk, ev: p.EventIn) -> None:
    """A consultation's service record: one per call id, whichever event carries it first."""
    pl = ev.payload
    call_id = str(pl["call_id"])[:36]
    if s.scalar(select(ServiceRecord.event_id).where(ServiceRecord.ticket_id == call_id,
                                                     ServiceRecord.station_id == kiosk.station_id,
                                                     ServiceRecord.service == CONSULT_SERVICE)):
        return
    ledger.record_service(
        s, record_id=ev.id, station_id=kiosk.station_id, service=CONSULT_SERVICE,
        at=_dt(pl.get("ended_at")) or _naive(ev.occurred_at), channel="video", identity=ledger.identity_from(pl),
        person_key=_person(pl), ref_id=call_id, counter=str(pl["topic"]), outcome=str(pl["outcome"]),
        issued_at=_dt(pl.get("requested_at")), started_at=_dt(pl.get("started_at")))


def _validation_reason(e: ValidationError) -> str:
    first = e.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return _safe(f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid")))[:200]


def _raw_id(raw: object) -> str:
    value = raw.get("id") if isinstance(raw, dict) else None
    return _safe(value)[:40] if isinstance(value, str) else ""


def judge(raw: dict) -> tuple[p.EventIn | None, str]:
    """One event of a batch as it was sent: the parsed event, or why it cannot be (its own
    reason, so the rest of the batch still goes in)."""
    try:
        return p.EventIn.model_validate(raw), ""
    except ValidationError as e:
        return None, _validation_reason(e)
    except (RecursionError, OverflowError, ValueError, TypeError):
        return None, "the event is not a well-formed event object"


def _row(kiosk: Kiosk, ev: p.EventIn, now: datetime) -> Event:
    return Event(id=ev.id, kiosk_id=kiosk.id, station_id=kiosk.station_id, seq=ev.seq, type=ev.type,
                 occurred_at=_naive(ev.occurred_at), received_at=now, payload=purged(ev.payload))


def _all_at_once(s: Session, kiosk: Kiosk, events: list[p.EventIn], now: datetime) -> bool:
    """The batch's new events and their effects in one savepoint and two flushes (an opening burst
    of 500 kiosks is CPU-bound, and a savepoint and two flushes per event doubled its cost)."""
    try:
        with s.begin_nested():
            s.add_all([_row(kiosk, ev, now) for ev in events])
            s.flush()
            for ev in events:
                _effect(s, kiosk, ev)
            s.flush()
    except IntegrityError:
        return False
    return True


def _one_by_one(s: Session, kiosk: Kiosk, ev: p.EventIn, now: datetime) -> str:
    try:
        with s.begin_nested():
            s.add(_row(kiosk, ev, now))
            s.flush()
            _effect(s, kiosk, ev)
            s.flush()
    except IntegrityError:
        return "duplicate"
    return "accepted"


def ingest(s: Session, kiosk: Kiosk, batch: p.EventBatch | list[dict]) -> list[p.EventResult]:
    """Each event's fate: ``accepted``, ``duplicate`` or ``rejected`` with a reason. A list of raw
    dicts (an upload as read) is judged event by event; an ``EventBatch`` is already parsed."""
    results = []
    fresh: list[p.EventIn] = []
    now = _now()
    items = [(raw, *((raw, "") if isinstance(raw, p.EventIn) else judge(raw)))
             for raw in (batch.events if isinstance(batch, p.EventBatch) else batch)]
    # what central has of the batch's ids, in two queries for the batch rather than two per event
    ids = [ev.id if ev is not None else _raw_id(raw) for raw, ev, _ in items]
    ids = [i for i in ids if ID_PATTERN.fullmatch(i)]
    owner: dict[str, str] = {}
    rejected: set[str] = set()
    for i in range(0, len(ids), 500):  # an upload of a kiosk's whole backlog stays within SQLite's variables
        chunk = ids[i:i + 500]
        owner.update(s.execute(select(Event.id, Event.kiosk_id).where(Event.id.in_(chunk))).all())
        rejected.update(s.scalars(select(RejectedEvent.id).where(RejectedEvent.id.in_(chunk))))
    for raw, ev, invalid in items:
        if ev is None:
            ev_id = _raw_id(raw)
            if ID_PATTERN.fullmatch(ev_id) and ev_id not in owner and ev_id not in rejected:
                kind = raw.get("type") if isinstance(raw.get("type"), str) else "?"
                s.add(RejectedEvent(id=ev_id, kiosk_id=kiosk.id, type=_safe(kind)[:40], reason=invalid,
                                    received_at=now))
                rejected.add(ev_id)
            results.append(p.EventResult(id=ev_id, status="rejected", reason=invalid))
            continue
        if ev.id in owner:
            if owner[ev.id] != kiosk.id:
                results.append(p.EventResult(id=ev.id, status="rejected", reason="event id already used by another kiosk"))
            else:
                results.append(p.EventResult(id=ev.id, status="duplicate"))
            continue
        reason = _reason(ev)
        if reason:
            if ev.id not in rejected:
                s.add(RejectedEvent(id=ev.id, kiosk_id=kiosk.id, type=_safe(ev.type)[:40],
                                    reason=reason[:200], received_at=now))
                rejected.add(ev.id)
            results.append(p.EventResult(id=ev.id, status="rejected", reason=reason))
            continue
        fresh.append(ev)
        owner[ev.id] = kiosk.id
        results.append(p.EventResult(id=ev.id, status="accepted"))
    if fresh and not _all_at_once(s, kiosk, fresh, now):
        # a uniqueness clash (the same events uploaded twice at once, or an effect's own row):
        # event by event, so only the clashing ones are duplicates
        verdict = {ev.id: _one_by_one(s, kiosk, ev, now) for ev in fresh}
        results = [p.EventResult(id=r.id, status=verdict.get(r.id, r.status), reason=r.reason) for r in results]
    return results
