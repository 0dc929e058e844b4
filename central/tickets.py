"""The queue as the counters work it: tickets from the kiosks, and what staff do with them.

A kiosk's ``ticket.issued`` event projects a :class:`QueueTicket` (``on_ticket_issued``). Staff
at a counter then move it through::

    waiting ──call──> called ──start──> serving ──finish──> done  (writes one service record)
                        │  ↺ recall        │
                        ├──no-show──> no_show ──requeue──> waiting
                        └──transfer (from called or serving)──> transferred  + a new waiting
                                                                 ticket of the other service

Every action is one transaction that first locks the counter's row, so two clicks at once at one
counter never leave it with two current tickets, and the ticket itself changes only through a
conditional ``UPDATE ... WHERE status = '<expected>'``, so two counters never take the same
ticket. Calling (and recalling) adds a call record that the station's kiosks receive through the
calls long-poll and announce.

Order of calling: priority tickets first, then the oldest ``issued_at``. A transferred ticket
keeps its number and its original ``issued_at``: the resident does not go to the back of the
other line for having been sent there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central import calls, ledger
from central.models import Counter, Event, QueueTicket, StaffAction, StationConfig
from kiosk.domain.queue_rules import DEFAULT_PRIORITY_GROUPS, OTHER_GROUP, PRIORITY_NOTE_MAX, STATION_TZ
from kiosk.domain.queue_rules import DEFAULT_SERVICES as KIOSK_SERVICES

CURRENT = ("called", "serving")
#: a second 重呼 within this many seconds is the same click twice, not a second call
RECALL_DEBOUNCE_S = 2.0


class Refused(Exception):
    """An action that does not fit the ticket's state; the message is shown to the staff member."""


@dataclass(frozen=True)
class Outcome:
    ticket: QueueTicket | None
    message: str
    changed: bool = True


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_day(at: datetime) -> date:
    """The station's local date of a naive UTC time."""
    return at.replace(tzinfo=UTC).astimezone(STATION_TZ).date()


def _parse_dt(value) -> datetime | None:  # noqa: ANN001
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def _parse_day(value) -> date | None:  # noqa: ANN001
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- tickets from the kiosks ------------------------------------------------------------------

def on_ticket_issued(s: Session, station_id: str, event_id: str, occurred_at: datetime, payload: dict) -> None:
    """The effect of a ``ticket.issued`` event: the ticket joins its service's line."""
    ticket_id = str(payload["ticket_id"])[:36]
    if s.get(QueueTicket, ticket_id) is not None:
        return
    issued_at = _parse_dt(payload.get("issued_at")) or (
        occurred_at.astimezone(UTC).replace(tzinfo=None) if occurred_at.tzinfo else occurred_at)
    s.add(QueueTicket(
        id=ticket_id, station_id=station_id, service=str(payload["service"])[:40],
        number=str(payload["number"])[:12], day=_parse_day(payload.get("day")) or local_day(issued_at),
        issued_at=issued_at, priority=bool(payload.get("priority")),
        priority_group=str(payload.get("priority_group") or "")[:20],
        person_key=str(payload["person_key"])[:64] if payload.get("person_key") else None,
        status="waiting", counter="", staff="", recalls=0, services_delivered=[], source_event_id=event_id,
    ))


def ticket_identity(s: Session, t: QueueTicket) -> str:
    """How the holder of a ticket proved identity when taking it (from its ``ticket.issued`` event)."""
    return ledger.identity_of_event(s, t.source_event_id)


def on_kiosk_step(s: Session, station_id: str, type_: str, payload: dict) -> None:
    """A step taken at the kiosk's own staff panel while central was unreachable.

    The ticket follows it if it is still where the step found it (a step central already saw
    from the console changes nothing); no call is announced again, the kiosk already did.
    """
    t = s.get(QueueTicket, str(payload.get("ticket_id", ""))[:36])
    if t is None or t.station_id != station_id:
        return
    at = _parse_dt(payload.get("called_at") or payload.get("finished_at")) or utcnow()
    counter = str(payload.get("counter", ""))[:20]
    if type_ == "ticket.called" and t.status == "waiting":
        t.status, t.counter, t.called_at, t.last_called_at = "called", counter, at, at
    elif type_ == "ticket.finished" and t.status in ("waiting", "called", "serving"):
        t.status = "no_show" if payload.get("outcome") == "no_show" else "done"
        t.counter, t.finished_at = counter or t.counter, at
    elif type_ == "ticket.prioritized" and t.status == "waiting" and not t.priority_group:
        t.priority = True
        t.priority_group = str(payload.get("group", ""))[:20] or OTHER_GROUP
        t.priority_note = str(payload.get("note", ""))[:60]


# --- the station's services -------------------------------------------------------------------

def service_names(s: Session, station_id: str) -> dict[str, str]:
    """Service code → name: the station's config first, then the kiosk's built-in services."""
    names = {svc.code: svc.name for svc in KIOSK_SERVICES}
    cfg = s.get(StationConfig, station_id)
    for svc in (cfg.config.get("services", []) if cfg else []):
        if isinstance(svc, dict) and svc.get("code"):
            names[str(svc["code"])] = str(svc.get("name") or svc["code"])
    return names


def station_services(s: Session, station_id: str, day: date) -> list[tuple[str, str]]:
    """The services the counters work with today: the configured ones and any a kiosk issued for."""
    names = service_names(s, station_id)
    cfg = s.get(StationConfig, station_id)
    codes = [str(svc["code"]) for svc in (cfg.config.get("services", []) if cfg else [])
             if isinstance(svc, dict) and svc.get("code")]
    seen = s.scalars(select(QueueTicket.service).where(QueueTicket.station_id == station_id,
                                                       QueueTicket.day == day).distinct()).all()
    for code in sorted(seen):
        if code not in codes:
            codes.append(code)
    return [(c, names.get(c, c)) for c in codes]


def priority_groups(s: Session, station_id: str) -> list[str]:
    """The groups staff may mark a ticket with: the station config's, else the built-in ones."""
    cfg = s.get(StationConfig, station_id)
    rules = cfg.config.get("priority") if cfg else None
    groups = [str(g) for g in (rules or {}).get("groups") or [] if str(g).strip()] if isinstance(rules, dict) else []
    return groups or list(DEFAULT_PRIORITY_GROUPS)


def station_name(s: Session, station_id: str) -> str:
    cfg = s.get(StationConfig, station_id)
    return str(cfg.config.get("name") or station_id) if cfg else station_id


# --- counters ---------------------------------------------------------------------------------

def ensure_counter(s: Session, station_id: str, counter: str, staff: str = "") -> Counter:
    row = s.get(Counter, (station_id, counter))
    if row is None:
        try:
            with s.begin_nested():
                row = Counter(station_id=station_id, counter=counter, services=[], staff=staff, updated_at=utcnow())
                s.add(row)
        except IntegrityError:  # another worker created it just now
            row = s.get(Counter, (station_id, counter))
    return row


def _lock_counter(s: Session, station_id: str, counter: str) -> Counter:
    ensure_counter(s, station_id, counter)
    return s.get(Counter, (station_id, counter), with_for_update=True, populate_existing=True)


def set_counter_services(s: Session, station_id: str, counter: str, codes: list[str]) -> list[str]:
    row = _lock_counter(s, station_id, counter)
    row.services = [str(c)[:40] for c in codes][:50]
    row.updated_at = utcnow()
    return row.services


def current_ticket(s: Session, station_id: str, counter: str, day: date) -> QueueTicket | None:
    return s.scalars(select(QueueTicket).where(
        QueueTicket.station_id == station_id, QueueTicket.counter == counter, QueueTicket.day == day,
        QueueTicket.status.in_(CURRENT)).order_by(QueueTicket.called_at.desc()).limit(1)).first()


def _log(s: Session, t: QueueTicket | None, station_id: str, counter: str, staff: str, action: str,
         now: datetime, detail: str = "") -> None:
    s.add(StaffAction(station_id=station_id, counter=counter, staff=staff[:40], ticket_id=t.id if t else "",
                      action=action, detail=detail[:200], at=now))


def _announce(s: Session, t: QueueTicket, counter: str) -> None:
    name = service_names(s, t.station_id).get(t.service, t.service)
    calls.add(s, t.station_id, t.number, counter, ticket_id=t.id, service=name[:40])


def _take(s: Session, t_id: str, expected: str | tuple[str, ...], **values) -> bool:  # noqa: ANN003
    """Conditional update: True if this transaction moved the ticket out of ``expected``."""
    states = (expected,) if isinstance(expected, str) else expected
    rc = s.execute(update(QueueTicket).where(QueueTicket.id == t_id, QueueTicket.status.in_(states))
                   .values(**values).execution_options(synchronize_session=False)).rowcount
    return rc == 1


def _reload(s: Session, t_id: str) -> QueueTicket:
    return s.get(QueueTicket, t_id, populate_existing=True)


# --- staff actions ----------------------------------------------------------------------------

def call_next(s: Session, station_id: str, counter: str, staff: str = "", *, now: datetime | None = None) -> Outcome:
    """Call the next ticket of the counter's services to the counter.

    A counter that still has a current ticket gets that ticket back (a double click on 叫号 calls
    one ticket, not two)."""
    now = now or utcnow()
    day = local_day(now)
    row = _lock_counter(s, station_id, counter)
    current = current_ticket(s, station_id, counter, day)
    if current is not None:
        return Outcome(current, f"{current.number} 号还在本窗口，请先办理完成、过号或转其他业务", changed=False)
    for _attempt in range(10):
        q = select(QueueTicket.id).where(QueueTicket.station_id == station_id, QueueTicket.day == day,
                                         QueueTicket.status == "waiting")
        if row.services:
            q = q.where(QueueTicket.service.in_(row.services))
        q = q.order_by(QueueTicket.priority.desc(), QueueTicket.issued_at, QueueTicket.number).limit(1)
        if s.get_bind().dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        t_id = s.scalar(q)
        if t_id is None:
            return Outcome(None, "现在没有等候的号", changed=False)
        if _take(s, t_id, "waiting", status="called", counter=counter, staff=staff[:40], called_at=now,
                 last_called_at=now):
            t = _reload(s, t_id)
            _announce(s, t, counter)
            _log(s, t, station_id, counter, staff, "call", now)
            return Outcome(t, f"已呼叫 {t.number} 号")
    raise Refused("叫号的人太多，请再按一次")


def call_ticket(s: Session, station_id: str, counter: str, ticket_id: str, staff: str = "", *,
                now: datetime | None = None) -> Outcome:
    """Call one particular waiting ticket (a resident standing at the counter, out of order)."""
    now = now or utcnow()
    _lock_counter(s, station_id, counter)
    current = current_ticket(s, station_id, counter, local_day(now))
    if current is not None:
        if current.id == ticket_id:
            return Outcome(current, f"{current.number} 号已在本窗口", changed=False)
        raise Refused(f"{current.number} 号还在本窗口，请先办理完成、过号或转其他业务")
    t = s.get(QueueTicket, ticket_id)
    if t is None or t.station_id != station_id:
        raise Refused("没有这个号")
    if not _take(s, t.id, "waiting", status="called", counter=counter, staff=staff[:40], called_at=now,
                 last_called_at=now):
        raise Refused(f"{t.number} 号已被叫过")
    t = _reload(s, t.id)
    _announce(s, t, counter)
    _log(s, t, station_id, counter, staff, "call", now, "out of order")
    return Outcome(t, f"已呼叫 {t.number} 号")


def _mine(s: Session, station_id: str, counter: str, ticket_id: str | None, now: datetime,
          action: str) -> QueueTicket:
    """The counter's current ticket (and, if the console named one, it must be that one)."""
    _lock_counter(s, station_id, counter)
    current = current_ticket(s, station_id, counter, local_day(now))
    if current is None or (ticket_id and current.id != ticket_id):
        named = s.get(QueueTicket, ticket_id) if ticket_id else None
        if named is not None and named.station_id == station_id and named.counter == counter:
            raise _Already(named)
        raise Refused(f"本窗口现在没有号码，不能{action}")
    return current


class _Already(Exception):
    def __init__(self, ticket: QueueTicket) -> None:
        super().__init__(ticket.id)
        self.ticket = ticket


def recall(s: Session, station_id: str, counter: str, staff: str = "", *, ticket_id: str | None = None,
           now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    try:
        t = _mine(s, station_id, counter, ticket_id, now, "重呼")
    except _Already as e:
        raise Refused(f"{e.ticket.number} 号已经{_STATUS_TEXT.get(e.ticket.status, e.ticket.status)}，不能重呼") from None
    if t.status != "called":
        raise Refused(f"{t.number} 号已在办理中，不用重呼")
    if t.last_called_at and (now - t.last_called_at).total_seconds() < RECALL_DEBOUNCE_S:
        return Outcome(t, f"刚刚已呼叫 {t.number} 号", changed=False)
    if not _take(s, t.id, "called", recalls=QueueTicket.recalls + 1, last_called_at=now):
        raise Refused("号码状态已变化，请再试一次")
    t = _reload(s, t.id)
    _announce(s, t, counter)
    _log(s, t, station_id, counter, staff, "recall", now)
    return Outcome(t, f"已重呼 {t.number} 号（第 {t.recalls + 1} 次呼叫）")


def no_show(s: Session, station_id: str, counter: str, staff: str = "", *, ticket_id: str | None = None,
            now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    try:
        t = _mine(s, station_id, counter, ticket_id, now, "过号")
    except _Already as e:
        if e.ticket.status == "no_show":
            return Outcome(e.ticket, f"{e.ticket.number} 号已过号", changed=False)
        raise Refused(f"{e.ticket.number} 号已经{_STATUS_TEXT.get(e.ticket.status, e.ticket.status)}") from None
    if t.status != "called":
        raise Refused(f"{t.number} 号已在办理中，不能过号；请按办理完成或转其他业务")
    if not _take(s, t.id, "called", status="no_show", finished_at=now):
        raise Refused("号码状态已变化，请再试一次")
    t = _reload(s, t.id)
    _log(s, t, station_id, counter, staff, "no_show", now)
    return Outcome(t, f"{t.number} 号已过号")


def start(s: Session, station_id: str, counter: str, staff: str = "", *, ticket_id: str | None = None,
          now: datetime | None = None) -> Outcome:
    now = now or utcnow()
    try:
        t = _mine(s, station_id, counter, ticket_id, now, "开始办理")
    except _Already as e:
        raise Refused(f"{e.ticket.number} 号已经{_STATUS_TEXT.get(e.ticket.status, e.ticket.status)}") from None
    if t.status == "serving":
        return Outcome(t, f"{t.number} 号正在办理", changed=False)
    if not _take(s, t.id, "called", status="serving", started_at=now, staff=staff[:40]):
        raise Refused("号码状态已变化，请再试一次")
    t = _reload(s, t.id)
    _log(s, t, station_id, counter, staff, "start", now)
    return Outcome(t, f"开始办理 {t.number} 号")


def finish(s: Session, station_id: str, counter: str, staff: str = "", *, services: list[str] | None = None,
           ticket_id: str | None = None, now: datetime | None = None) -> Outcome:
    """Finish the current ticket and write its service record (exactly one per ticket).

    A ticket finished straight from "called" (开始办理 was not pressed) counts its service time
    from the call."""
    now = now or utcnow()
    try:
        t = _mine(s, station_id, counter, ticket_id, now, "办理完成")
    except _Already as e:
        if e.ticket.status == "done":
            return Outcome(e.ticket, f"{e.ticket.number} 号已办结", changed=False)
        raise Refused(f"{e.ticket.number} 号已经{_STATUS_TEXT.get(e.ticket.status, e.ticket.status)}") from None
    delivered = list(dict.fromkeys(str(c)[:40] for c in (services or [t.service]) if c))[:20] or [t.service]
    started_at = t.started_at or t.called_at or now
    record_id = str(uuid.uuid4())
    if not _take(s, t.id, CURRENT, status="done", started_at=started_at, finished_at=now,
                 services_delivered=delivered, service_record_id=record_id, staff=(t.staff or staff)[:40]):
        raise Refused("号码状态已变化，请再试一次")
    t = _reload(s, t.id)
    payload = {"service": t.service, "counter": counter, "ticket_id": t.id, "number": t.number,
               "issued_at": t.issued_at.isoformat() + "Z", "started_at": started_at.isoformat() + "Z",
               "finished_at": now.isoformat() + "Z", "person_key": t.person_key,
               "services_delivered": delivered, "staff": t.staff, "outcome": "served", "source": "counter"}
    s.add(Event(id=record_id, kiosk_id=f"counter:{counter}"[:40], station_id=station_id, seq=0,
                type="service.rendered", occurred_at=now, received_at=now, payload=payload))
    ledger.record_service(s, record_id=record_id, station_id=station_id, service=t.service, at=now,
                          channel="counter", identity=ticket_identity(s, t), person_key=t.person_key, ref_id=t.id,
                          counter=counter, issued_at=t.issued_at, started_at=started_at)
    _log(s, t, station_id, counter, staff, "finish", now, ",".join(delivered))
    return Outcome(t, f"{t.number} 号办理完成")


def transfer(s: Session, station_id: str, counter: str, to_service: str, staff: str = "", *,
             ticket_id: str | None = None, now: datetime | None = None) -> Outcome:
    """Send the current ticket to another service's line: same number, original issue time."""
    now = now or utcnow()
    try:
        t = _mine(s, station_id, counter, ticket_id, now, "转其他业务")
    except _Already as e:
        raise Refused(f"{e.ticket.number} 号已经{_STATUS_TEXT.get(e.ticket.status, e.ticket.status)}") from None
    to_service = str(to_service)[:40]
    if to_service == t.service:
        raise Refused("请选择另一项业务")
    if to_service not in dict(station_services(s, station_id, t.day)):
        raise Refused("本驿站没有这项业务")
    if not _take(s, t.id, CURRENT, status="transferred", finished_at=now):
        raise Refused("号码状态已变化，请再试一次")
    old = _reload(s, t.id)
    new = QueueTicket(id=str(uuid.uuid4()), station_id=station_id, service=to_service, number=old.number,
                      day=old.day, issued_at=old.issued_at, priority=old.priority, person_key=old.person_key,
                      status="waiting", counter="", staff="", recalls=0, services_delivered=[],
                      transferred_from=old.id, source_event_id=old.source_event_id)
    s.add(new)
    name = service_names(s, station_id).get(to_service, to_service)
    _log(s, old, station_id, counter, staff, "transfer", now, f"{to_service} {new.id}")
    return Outcome(new, f"{old.number} 号已转到“{name}”，按原取号时间排队")


def requeue(s: Session, station_id: str, counter: str, ticket_id: str, staff: str = "", *,
            now: datetime | None = None) -> Outcome:
    """A resident whose number was passed comes back: the ticket waits again, in its old place."""
    now = now or utcnow()
    t = s.get(QueueTicket, ticket_id)
    if t is None or t.station_id != station_id:
        raise Refused("没有这个号")
    if t.status == "waiting":
        return Outcome(t, f"{t.number} 号已在排队", changed=False)
    if t.day != local_day(now):
        raise Refused("只能恢复今天的号")
    if not _take(s, t.id, "no_show", status="waiting", counter="", finished_at=None):
        raise Refused(f"{t.number} 号不是过号状态")
    t = _reload(s, t.id)
    _log(s, t, station_id, counter, staff, "requeue", now)
    return Outcome(t, f"{t.number} 号已恢复排队")


def mark_priority(s: Session, station_id: str, counter: str, ticket_id: str, group: str, note: str = "",
                  staff: str = "", *, now: datetime | None = None) -> Outcome:
    """Mark a waiting ticket as priority (a group the station's rules name, with a short note for
    "其他"): it is called before every non-priority ticket of its service, after the priority
    tickets already waiting."""
    now = now or utcnow()
    note = " ".join(str(note or "").split())
    if group not in priority_groups(s, station_id):
        raise Refused("请选择优先的类别")
    if group == OTHER_GROUP and not note:
        raise Refused("选“其他”时请写明原因")
    if len(note) > PRIORITY_NOTE_MAX:
        raise Refused(f"原因请写在 {PRIORITY_NOTE_MAX} 个字以内")
    t = s.get(QueueTicket, ticket_id)
    if t is None or t.station_id != station_id:
        raise Refused("没有这个号")
    if t.status != "waiting":
        raise Refused(f"{t.number} 号已经{_STATUS_TEXT.get(t.status, t.status)}，不能设为优先")
    if t.priority_group:
        return Outcome(t, f"{t.number} 号已是优先号（{t.priority_group}）", changed=False)
    if not _take(s, t.id, "waiting", priority=True, priority_group=group[:20], priority_note=note[:60]):
        raise Refused("号码状态已变化，请再试一次")
    t = _reload(s, t.id)
    _log(s, t, station_id, counter, staff, "priority", now, group)
    return Outcome(t, f"{t.number} 号已设为优先（{group}），前面还有 {people_ahead(s, t)} 人")


def people_ahead(s: Session, t: QueueTicket) -> int:
    """Waiting tickets of the same service called before this one (priority first, then the oldest)."""
    from sqlalchemy import and_, or_

    same = and_(QueueTicket.priority == t.priority,
                or_(QueueTicket.issued_at < t.issued_at,
                    and_(QueueTicket.issued_at == t.issued_at, QueueTicket.number < t.number)))
    before = same if t.priority else or_(QueueTicket.priority.is_(True), same)
    return s.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.station_id == t.station_id, QueueTicket.day == t.day, QueueTicket.service == t.service,
        QueueTicket.status == "waiting", QueueTicket.id != t.id, before)) or 0


def status_view(s: Session, ticket_id: str, *, now: datetime | None = None) -> dict | None:
    """What the ticket's QR page shows the resident holding it (nothing personal)."""
    t = s.get(QueueTicket, ticket_id)
    if t is None:
        return None
    now = now or utcnow()
    names = service_names(s, t.station_id)
    view = {"number": t.number, "service_name": names.get(t.service, t.service),
            "station_name": station_name(s, t.station_id), "status": t.status, "priority": t.priority,
            "counter": t.counter, "people_ahead": None, "stale": t.day != local_day(now)}
    if t.status == "waiting" and not view["stale"]:
        view["people_ahead"] = people_ahead(s, t)
    return view


_STATUS_TEXT = {"waiting": "在排队", "called": "呼叫中", "serving": "在办理", "done": "办结", "no_show": "过号",
                "transferred": "转出"}


# --- what the console shows -------------------------------------------------------------------

def _minutes(a: datetime | None, b: datetime | None) -> int | None:
    return None if a is None or b is None else max(0, int((b - a).total_seconds() // 60))


def ticket_view(t: QueueTicket, names: dict[str, str], now: datetime) -> dict:
    return {
        "id": t.id, "number": t.number, "service": t.service, "service_name": names.get(t.service, t.service),
        "status": t.status, "status_text": _STATUS_TEXT.get(t.status, t.status), "priority": t.priority,
        "priority_group": t.priority_group, "priority_note": t.priority_note,
        "counter": t.counter, "recalls": t.recalls, "waited_min": _minutes(t.issued_at, t.called_at or now),
        "serving_min": _minutes(t.started_at, now) if t.status == "serving" else None,
        "called_min": _minutes(t.last_called_at, now) if t.status == "called" else None,
        "transferred": t.transferred_from is not None, "has_identity": t.person_key is not None,
    }


def console_state(s: Session, station_id: str, counter: str, *, now: datetime | None = None) -> dict:
    """Everything the counter's console shows, in one read."""
    now = now or utcnow()
    day = local_day(now)
    names = service_names(s, station_id)
    services = station_services(s, station_id, day)
    row = s.get(Counter, (station_id, counter))
    mine = set(row.services) if row and row.services else set()
    waiting = s.scalars(select(QueueTicket).where(
        QueueTicket.station_id == station_id, QueueTicket.day == day, QueueTicket.status == "waiting")
        .order_by(QueueTicket.priority.desc(), QueueTicket.issued_at, QueueTicket.number)).all()
    lines = []
    for code, name in services:
        rows = [ticket_view(t, names, now) for t in waiting if t.service == code]
        lines.append({"code": code, "name": name, "mine": not mine or code in mine, "count": len(rows),
                      "tickets": rows[:30]})
    counts = dict(s.execute(select(QueueTicket.status, func.count()).where(
        QueueTicket.station_id == station_id, QueueTicket.day == day).group_by(QueueTicket.status)).all())
    issued = s.scalar(select(func.count()).select_from(QueueTicket).where(
        QueueTicket.station_id == station_id, QueueTicket.day == day, QueueTicket.transferred_from.is_(None))) or 0
    mine_counts = dict(s.execute(select(QueueTicket.status, func.count()).where(
        QueueTicket.station_id == station_id, QueueTicket.day == day, QueueTicket.counter == counter)
        .group_by(QueueTicket.status)).all())
    no_shows = s.scalars(select(QueueTicket).where(
        QueueTicket.station_id == station_id, QueueTicket.day == day, QueueTicket.status == "no_show")
        .order_by(QueueTicket.finished_at.desc()).limit(8)).all()
    current = current_ticket(s, station_id, counter, day)
    return {
        "station_id": station_id, "station_name": station_name(s, station_id), "counter": counter,
        "day": day.isoformat(), "now": now.isoformat() + "Z",
        "current": ticket_view(current, names, now) if current else None,
        "lines": lines, "services": [{"code": c, "name": n, "mine": not mine or c in mine} for c, n in services],
        "today": {"issued": issued, "waiting": counts.get("waiting", 0), "served": counts.get("done", 0),
                  "no_show": counts.get("no_show", 0)},
        "counter_today": {"served": mine_counts.get("done", 0), "no_show": mine_counts.get("no_show", 0)},
        "no_shows": [ticket_view(t, names, now) for t in no_shows],
        "priority_groups": priority_groups(s, station_id), "other_group": OTHER_GROUP,
        "note_max": PRIORITY_NOTE_MAX, "help": _help_calls(s, station_id, now),
    }


def _help_calls(s: Session, station_id: str, now: datetime) -> list[dict]:
    from central.help_calls import open_calls

    return open_calls(s, station_id, now)


__all__ = ["Outcome", "Refused", "call_next", "call_ticket", "console_state", "finish", "mark_priority", "no_show",
           "on_ticket_issued", "people_ahead", "recall", "requeue", "start", "status_view", "transfer"]
