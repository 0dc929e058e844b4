"""Queue tickets: numbering, opening hours, quotas, priorities and per-person limits.

Numbers run per service prefix and per *local* day in the station's time zone (Asia/Shanghai),
whatever the kiosk's system zone: ``A001`` again the next morning, while yesterday's tickets
stay in the database for the statistics. The day comes from the corrected clock (system time
plus the offset learned from the central server), and numbering never goes backwards: if the
clock is moved back across midnight, the kiosk keeps counting on the newest day it has issued
on (one day at most). A clock that is obviously wrong (a board without a real-time clock that booted in 1970)
refuses to issue tickets instead of printing a wrong date.

A ticket and its ``ticket.issued`` event are committed in one transaction, before anything is
printed.
"""

from __future__ import annotations

import enum
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.store.engine import Store

STATION_TZ = ZoneInfo("Asia/Shanghai")
#: Earliest believable date; a clock before this has not been set.
CLOCK_FLOOR = date(2024, 1, 1)

#: (session, event type, payload) → writes the event into the outbox inside the caller's transaction
EventSink = Callable[["Session", str, dict], None]

Hours = dict[int, tuple[tuple[time, time], ...]]  # weekday (Mon=0) → opening intervals

WEEKDAY_HOURS: Hours = {d: ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30))) for d in range(5)}
WEEKDAY_AND_SATURDAY_HOURS: Hours = {**WEEKDAY_HOURS, 5: ((time(9, 0), time(12, 0)),)}


@dataclass(frozen=True)
class QueueService:
    code: str
    name: str
    prefix: str
    hours: Hours = field(default_factory=lambda: dict(WEEKDAY_HOURS))
    daily_quota: int = 200
    identity_required: bool = False
    per_person_daily_limit: int = 1
    #: ask "are you sure?" when this many people or more are ahead
    ask_when_ahead: int = 10
    default_service_minutes: float = 8.0
    counters: int = 1


DEFAULT_SERVICES: tuple[QueueService, ...] = (
    QueueService("job_registration", "求职登记", "A", WEEKDAY_AND_SATURDAY_HOURS, identity_required=True),
    QueueService("unemployment_registration", "失业登记", "B", identity_required=True, default_service_minutes=12),
    QueueService("career_guidance", "职业指导", "C", default_service_minutes=15),
    QueueService("policy_consultation", "政策咨询", "D", WEEKDAY_AND_SATURDAY_HOURS, daily_quota=300, default_service_minutes=6),
    QueueService("entrepreneurship", "创业服务", "E", daily_quota=60, default_service_minutes=20),
    QueueService("recruitment_matching", "招聘对接", "F", WEEKDAY_AND_SATURDAY_HOURS, default_service_minutes=10),
    QueueService("training_signup", "技能培训报名", "G", identity_required=True, default_service_minutes=8),
)


@dataclass(frozen=True)
class Person:
    """A resident as the queue sees them: a keyed hash, never the ID number itself."""

    key: str
    birth_date: date | None = None
    groups: frozenset[str] = frozenset()
    #: how identity was proven at login (idcard, essc, typed); the ledger counts by it
    identity: str = "none"


#: The groups staff may mark a waiting ticket with (priority by law or by the station's rules)
#: when the station's config names none. "其他" always needs a short note of why.
DEFAULT_PRIORITY_GROUPS: tuple[str, ...] = ("残疾人", "孕妇/怀抱婴儿", "军人依法优先", "其他")
OTHER_GROUP = "其他"
PRIORITY_NOTE_MAX = 30


@dataclass(frozen=True)
class QueuePolicy:
    priority_age: int | None = 60
    #: the groups staff may mark (in this order on the panels); a resident of one is called first
    priority_groups: tuple[str, ...] = DEFAULT_PRIORITY_GROUPS

    def is_priority(self, person: Person | None, today: date) -> bool:
        if person is None:
            return False
        if person.groups & set(self.priority_groups):
            return True
        if self.priority_age is not None and person.birth_date is not None:
            b = person.birth_date
            age = today.year - b.year - ((today.month, today.day) < (b.month, b.day))
            return age >= self.priority_age
        return False


class Refusal(enum.Enum):
    CLOCK_NOT_SET = "clock_not_set"
    UNKNOWN_SERVICE = "unknown_service"
    CLOSED = "closed"
    QUOTA_EXHAUSTED = "quota_exhausted"
    NEEDS_IDENTITY = "needs_identity"
    PERSON_LIMIT = "person_limit"
    CONFIRM_LONG_QUEUE = "confirm_long_queue"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    refusal: Refusal | None = None
    message: str = ""
    people_ahead: int = 0
    wait_minutes: int = 0


@dataclass(frozen=True)
class IssuedTicket:
    id: str
    service_code: str
    service_name: str
    display_number: str
    number: int
    day: date
    issued_at: datetime  # station local time
    people_ahead: int
    wait_minutes: int
    priority: bool


@dataclass(frozen=True)
class ServiceStatus:
    service: QueueService
    open_now: bool
    hours_text: str
    waiting: int
    wait_minutes: int
    remaining_quota: int


class QueueConfigError(ValueError):
    """A station config the kiosk cannot use; the message says what is wrong (for the log)."""


@dataclass(frozen=True)
class QueueSetup:
    """The station's services and priority rules, from central's station config or built in."""

    services: tuple[QueueService, ...]
    policy: QueuePolicy
    #: central's config version; None for the built-in list
    version: int | None = None


BUILT_IN = QueueSetup(DEFAULT_SERVICES, QueuePolicy())


def _hhmm(value: str, where: str) -> time:
    try:
        h, m = value.split(":")
        return time(int(h), int(m))
    except (ValueError, AttributeError):
        raise QueueConfigError(f"{where}: time {value!r} is not HH:MM") from None


def setup_from_config(data: dict) -> QueueSetup:
    """Check central's station config (the ``StationConfigReply`` fields as a dict) and turn it
    into the queue's services and rules. Anything the queue could not work with raises
    :class:`QueueConfigError` naming the service and the field; nothing is half applied.

    A config without services leaves the built-in list in place; what the protocol does not
    carry (estimated minutes per resident, when to ask "are you sure?") comes from the built-in
    service of the same code.
    """
    built_in = {s.code: s for s in DEFAULT_SERVICES}
    raw = data.get("services") or []
    if not isinstance(raw, list):
        raise QueueConfigError("services is not a list")
    services: list[QueueService] = []
    codes: set[str] = set()
    prefixes: dict[str, str] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise QueueConfigError(f"service #{i + 1} is not an object")
        code = str(item.get("code") or "").strip()
        where = f"service {code or '#' + str(i + 1)}"
        name = str(item.get("name") or "").strip()
        prefix = str(item.get("prefix") or "").strip()
        if not code or not name:
            raise QueueConfigError(f"{where}: code and name are required")
        if code in codes:
            raise QueueConfigError(f"{where}: the code appears twice")
        if not (prefix.isascii() and prefix.isalpha() and prefix.isupper() and 1 <= len(prefix) <= 2):
            raise QueueConfigError(f"{where}: ticket prefix {prefix!r} must be one or two capital letters A-Z")
        if prefix in prefixes:
            raise QueueConfigError(f"{where}: ticket prefix {prefix} is already used by {prefixes[prefix]}")
        quota = item.get("daily_quota", 200)
        limit = item.get("per_person_daily_limit", 1)
        if not isinstance(quota, int) or isinstance(quota, bool) or not 0 <= quota <= 999:
            raise QueueConfigError(f"{where}: daily quota {quota!r} must be 0-999 (numbers have three digits)")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise QueueConfigError(f"{where}: per-person daily limit {limit!r} must be 1 or more")
        base = built_in.get(code)
        hours = dict(base.hours) if base else dict(WEEKDAY_HOURS)
        if item.get("hours") is not None:
            hours = {}
            for iv in item["hours"]:
                a, b = _hhmm(iv.get("start"), where), _hhmm(iv.get("end"), where)
                if not a < b:
                    raise QueueConfigError(f"{where}: opening interval {iv.get('start')}-{iv.get('end')} ends before it starts")
                for d in iv.get("weekdays") or ():
                    if not isinstance(d, int) or not 1 <= d <= 7:
                        raise QueueConfigError(f"{where}: weekday {d!r} must be 1 (Monday) to 7 (Sunday)")
                    hours[d - 1] = tuple(sorted((*hours.get(d - 1, ()), (a, b))))
        kw = {"ask_when_ahead": base.ask_when_ahead, "default_service_minutes": base.default_service_minutes,
              "counters": base.counters} if base else {}
        services.append(QueueService(code, name, prefix, hours, daily_quota=quota,
                                     identity_required=bool(item.get("needs_identity")),
                                     per_person_daily_limit=limit, **kw))
        codes.add(code)
        prefixes[prefix] = code
    rules = data.get("priority")
    policy = QueuePolicy()
    if rules is not None:
        age = rules.get("age")
        if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 < age <= 150):
            raise QueueConfigError(f"priority age {age!r} must be 1-150 or null")
        groups = tuple(str(g).strip() for g in rules.get("groups") or ())
        if any(not g for g in groups) or len(set(groups)) != len(groups):
            raise QueueConfigError("priority groups must be distinct and not empty")
        policy = QueuePolicy(age, groups or DEFAULT_PRIORITY_GROUPS)
    version = data.get("version")
    return QueueSetup(tuple(services) or DEFAULT_SERVICES, policy, version if isinstance(version, int) else None)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class QueueBook:
    """Issues tickets for the station's services. Thread-safe (each call has its own session)."""

    def __init__(
        self,
        store: Store,
        services: tuple[QueueService, ...] = DEFAULT_SERVICES,
        policy: QueuePolicy | None = None,
        emit: EventSink | None = None,
        clock: Callable[[], datetime] = utc_now,
        clock_offset_s: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self.store = store
        self.services = {s.code: s for s in services}
        self.policy = policy or QueuePolicy()
        self.setup_version: int | None = None
        self.emit = emit
        self.clock = clock
        self.clock_offset_s = clock_offset_s

    # -- configuration -------------------------------------------------------------------------
    def configure(self, setup: QueueSetup) -> None:
        """Use these services and rules from now on (tickets already issued keep their numbers).
        Readers see either the old set or the new one: each is replaced by one assignment."""
        self.policy = setup.policy
        self.services = {s.code: s for s in setup.services}
        self.setup_version = setup.version

    def apply_config(self, data: dict) -> QueueSetup:
        """Check and apply central's station config; raises QueueConfigError and keeps the
        current setup if it cannot be used."""
        setup = setup_from_config(data)
        self.configure(setup)
        return setup

    # -- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        """Corrected station-local time."""
        return (self.clock() + timedelta(seconds=self.clock_offset_s())).astimezone(STATION_TZ)

    def clock_ok(self) -> bool:
        return self.now().date() >= CLOCK_FLOOR

    def _day(self, s: Session, now: datetime) -> date:
        """The numbering day: today, or tomorrow's if the clock was just moved back across
        midnight and tickets for that day exist already. A day further ahead came from a clock
        that was wrong the other way and is not followed."""
        from sqlalchemy import func, select

        from kiosk.store.models import Ticket

        today = now.date()
        newest = s.scalar(select(func.max(Ticket.day)))
        if newest is not None and today < newest <= today + timedelta(days=1):
            return newest
        return today

    @staticmethod
    def is_open(service: QueueService, now: datetime) -> bool:
        t = now.time()
        return any(a <= t < b for a, b in service.hours.get(now.weekday(), ()))

    @staticmethod
    def hours_text(service: QueueService) -> str:
        names = "一二三四五六日"
        groups: dict[tuple, list[int]] = {}
        for d, iv in sorted(service.hours.items()):
            groups.setdefault(iv, []).append(d)
        parts = []
        for iv, days in groups.items():
            span = f"周{names[days[0]]}" if len(days) == 1 else f"周{names[days[0]]}至周{names[days[-1]]}"
            parts.append(span + " " + "、".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in iv))
        return "；".join(parts)

    # -- queue state ----------------------------------------------------------------------------
    def _waiting(self, s: Session, service: QueueService, day: date, priority_only: bool = False) -> int:
        from sqlalchemy import func, select

        from kiosk.store.models import Ticket

        q = select(func.count()).select_from(Ticket).where(
            Ticket.day == day, Ticket.service_code == service.code, Ticket.status == "waiting")
        if priority_only:
            q = q.where(Ticket.priority.is_(True))
        return s.scalar(q) or 0

    def service_minutes(self, s: Session, service: QueueService, sample: int = 20) -> float:
        """Median time at the counter over the last ``sample`` finished tickets of the service."""
        from sqlalchemy import select

        from kiosk.store.models import Ticket

        rows = s.execute(
            select(Ticket.called_at, Ticket.finished_at)
            .where(Ticket.service_code == service.code, Ticket.status == "done",
                   Ticket.called_at.is_not(None), Ticket.finished_at.is_not(None))
            .order_by(Ticket.finished_at.desc()).limit(sample)
        ).all()
        minutes = [(f - c).total_seconds() / 60 for c, f in rows if f > c]
        return statistics.median(minutes) if len(minutes) >= 3 else service.default_service_minutes

    def _wait(self, s: Session, service: QueueService, ahead: int) -> int:
        return round(ahead * self.service_minutes(s, service) / max(1, service.counters))

    def _issued_today(self, s: Session, service: QueueService, day: date, person_key: str | None = None) -> int:
        from sqlalchemy import func, select

        from kiosk.store.models import Ticket

        q = select(func.count()).select_from(Ticket).where(Ticket.day == day, Ticket.service_code == service.code)
        if person_key is not None:
            q = q.where(Ticket.person_key == person_key)
        return s.scalar(q) or 0

    def status(self, code: str) -> ServiceStatus:
        service = self.services[code]
        now = self.now()
        with self.store.read() as s:
            day = self._day(s, now)
            waiting = self._waiting(s, service, day)
            return ServiceStatus(service, self.is_open(service, now), self.hours_text(service), waiting,
                                 self._wait(s, service, waiting),
                                 max(0, service.daily_quota - self._issued_today(s, service, day)))

    # -- issuing ---------------------------------------------------------------------------------
    def check(self, code: str, person: Person | None = None, confirmed: bool = False) -> Decision:
        with self.store.read() as s:
            return self._check(s, code, person, confirmed)

    def _check(self, s: Session, code: str, person: Person | None, confirmed: bool) -> Decision:
        service = self.services.get(code)
        if service is None:
            return Decision(False, Refusal.UNKNOWN_SERVICE, "没有这项服务，请咨询工作人员")
        now = self.now()
        if now.date() < CLOCK_FLOOR:
            return Decision(False, Refusal.CLOCK_NOT_SET, "本机时间未校准，暂不能取号，请联系工作人员")
        if not self.is_open(service, now):
            return Decision(False, Refusal.CLOSED, f"“{service.name}”现在不在办理时间。办理时间：{self.hours_text(service)}")
        day = self._day(s, now)
        if self._issued_today(s, service, day) >= service.daily_quota:
            return Decision(False, Refusal.QUOTA_EXHAUSTED,
                            f"“{service.name}”今天的号已经取完了（每天 {service.daily_quota} 个），请明天再来或预约办理")
        if service.identity_required and person is None:
            return Decision(False, Refusal.NEEDS_IDENTITY, f"办理“{service.name}”需要先刷身份证或扫社保卡码")
        if person is not None and self._issued_today(s, service, day, person.key) >= service.per_person_daily_limit:
            return Decision(False, Refusal.PERSON_LIMIT,
                            f"您今天已经取过“{service.name}”的号了，请留意叫号；如号码已过，请咨询工作人员")
        priority = self.policy.is_priority(person, now.date())
        ahead = self._waiting(s, service, day, priority_only=priority)
        wait = self._wait(s, service, ahead)
        if ahead >= service.ask_when_ahead and not confirmed:
            return Decision(False, Refusal.CONFIRM_LONG_QUEUE,
                            f"前面还有 {ahead} 人，预计等候约 {wait} 分钟。还要取号吗？", ahead, wait)
        return Decision(True, None, "", ahead, wait)

    def issue(self, code: str, person: Person | None = None, confirmed: bool = False) -> IssuedTicket | Decision:
        """Commit a new ticket (and its event). Returns the ticket, or the Decision refusing it."""
        from sqlalchemy import func, select

        from kiosk.store.models import Ticket

        with self.store.session() as s:
            decision = self._check(s, code, person, confirmed)
            if not decision.allowed:
                return decision
            service = self.services[code]
            now = self.now()
            day = self._day(s, now)
            last = s.scalar(select(func.max(Ticket.number)).where(Ticket.day == day, Ticket.prefix == service.prefix))
            number = (last or 0) + 1
            priority = self.policy.is_priority(person, now.date())
            ticket = Ticket(id=str(uuid.uuid4()), service_code=code, prefix=service.prefix, number=number, day=day,
                            issued_at=now.replace(tzinfo=None), status="waiting", priority=priority,
                            person_key=person.key if person else None)
            s.add(ticket)
            issued = IssuedTicket(ticket.id, code, service.name, f"{service.prefix}{number:03d}", number, day,
                                  now, decision.people_ahead, decision.wait_minutes, priority)
            if self.emit is not None:
                self.emit(s, "ticket.issued", {
                    "ticket_id": ticket.id, "service": code, "number": issued.display_number, "day": day.isoformat(),
                    "issued_at": now.isoformat(), "priority": priority, "person_key": ticket.person_key,
                    "people_ahead": decision.people_ahead, "identity": person.identity if person else "none",
                })
            return issued
