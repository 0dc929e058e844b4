"""The queue's rules and values: the station's services and opening hours, priority groups, what a
check decides, an issued ticket, and the station config that sets them (``setup_from_config``).

``kiosk.core.queue.QueueBook`` numbers and stores the tickets by these rules; central checks
priority notes and station configs with the same ones.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from kiosk.domain.i18n import N_

STATION_TZ = ZoneInfo("Asia/Shanghai")
#: Earliest believable date; a clock before this has not been set.
CLOCK_FLOOR = date(2024, 1, 1)

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
    QueueService("job_registration", N_("求职登记"), "A", WEEKDAY_AND_SATURDAY_HOURS, identity_required=True),
    QueueService("unemployment_registration", N_("失业登记"), "B", identity_required=True, default_service_minutes=12),
    QueueService("career_guidance", N_("职业指导"), "C", default_service_minutes=15),
    QueueService("policy_consultation", N_("政策咨询"), "D", WEEKDAY_AND_SATURDAY_HOURS, daily_quota=300, default_service_minutes=6),
    QueueService("entrepreneurship", N_("创业服务"), "E", daily_quota=60, default_service_minutes=20),
    QueueService("recruitment_matching", N_("招聘对接"), "F", WEEKDAY_AND_SATURDAY_HOURS, default_service_minutes=10),
    QueueService("training_signup", N_("技能培训报名"), "G", identity_required=True, default_service_minutes=8),
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
    return datetime.now(UTC)


