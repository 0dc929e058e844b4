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

import statistics
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.domain.i18n import N_, _
from kiosk.domain.queue_rules import (
    CLOCK_FLOOR,
    DEFAULT_SERVICES,
    STATION_TZ,
    Decision,
    IssuedTicket,
    Person,
    QueuePolicy,
    QueueService,
    QueueSetup,
    Refusal,
    ServiceStatus,
    setup_from_config,
    utc_now,
)

#: the days of an opening time, Monday first
WEEKDAYS = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.store.engine import Store

#: (session, event type, payload) → writes the event into the outbox inside the caller's transaction
EventSink = Callable[["Session", str, dict], None]


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
        groups: dict[tuple, list[int]] = {}
        for d, iv in sorted(service.hours.items()):
            groups.setdefault(iv, []).append(d)
        parts = []
        for iv, days in groups.items():
            first, last = _(WEEKDAYS[days[0]]), _(WEEKDAYS[days[-1]])
            span = first if len(days) == 1 else _("{first}至{last}").format(first=first, last=last)
            parts.append(span + " " + _("、").join(f"{a:%H:%M}-{b:%H:%M}" for a, b in iv))
        return _("；").join(parts)

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

    def _check(self, s: Session, code: str, person: Person | None, confirmed: bool,
               priority: bool = False) -> Decision:
        service = self.services.get(code)
        if service is None:
            return Decision(False, Refusal.UNKNOWN_SERVICE, _("没有这项服务，请咨询工作人员"))
        now = self.now()
        if now.date() < CLOCK_FLOOR:
            return Decision(False, Refusal.CLOCK_NOT_SET, _("本机时间未校准，暂不能取号，请联系工作人员"))
        if not self.is_open(service, now):
            return Decision(False, Refusal.CLOSED, _("“{name}”现在不在办理时间。办理时间：{hours}").format(
                name=_(service.name), hours=self.hours_text(service)))
        day = self._day(s, now)
        if not priority and self._issued_today(s, service, day) >= service.daily_quota:
            return Decision(False, Refusal.QUOTA_EXHAUSTED,
                            _("“{name}”今天的号已经取完了（每天 {n} 个），请明天再来或预约办理").format(
                                name=_(service.name), n=service.daily_quota))
        if service.identity_required and person is None:
            return Decision(False, Refusal.NEEDS_IDENTITY,
                            _("办理“{name}”需要先刷身份证或扫社保卡码").format(name=_(service.name)))
        if person is not None and self._issued_today(s, service, day, person.key) >= service.per_person_daily_limit:
            return Decision(False, Refusal.PERSON_LIMIT,
                            _("您今天已经取过“{name}”的号了，请留意叫号；如号码已过，请咨询工作人员").format(
                                name=_(service.name)))
        priority = priority or self.policy.is_priority(person, now.date())
        ahead = self._waiting(s, service, day, priority_only=priority)
        wait = self._wait(s, service, ahead)
        if ahead >= service.ask_when_ahead and not confirmed:
            return Decision(False, Refusal.CONFIRM_LONG_QUEUE,
                            _("前面还有 {n} 人，预计等候约 {m} 分钟。还要取号吗？").format(n=ahead, m=wait), ahead, wait)
        return Decision(True, None, "", ahead, wait)

    def issue(self, code: str, person: Person | None = None, confirmed: bool = False,
              priority: bool = False, reason: str = "") -> IssuedTicket | Decision:
        """Commit a new ticket (and its event). Returns the ticket, or the Decision refusing it.

        ``priority``: called before the others whatever the person's age (a kept appointment);
        such a ticket is not counted against the daily quota, since its place was booked.
        ``reason`` (e.g. 预约) goes up with the ticket, so the counters see why it comes first."""
        from sqlalchemy import func, select

        from kiosk.store.models import Ticket

        with self.store.session() as s:
            decision = self._check(s, code, person, confirmed, priority)
            if not decision.allowed:
                return decision
            service = self.services[code]
            now = self.now()
            day = self._day(s, now)
            last = s.scalar(select(func.max(Ticket.number)).where(Ticket.day == day, Ticket.prefix == service.prefix))
            number = (last or 0) + 1
            priority = priority or self.policy.is_priority(person, now.date())
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
                    **({"priority_group": reason[:20]} if reason else {}),
                })
            return issued


def ticket_message(store: Store, ticket_id: str, today: date) -> str:
    """Where a scanned ticket stands, for the resident holding it."""
    from sqlalchemy import and_, func, or_, select

    from kiosk.store.models import Ticket

    with store.read() as s:
        t = s.get(Ticket, ticket_id)
        if t is None:
            return "没有找到这张小票，它可能不是本站打印的。请咨询工作人员"
        number = f"{t.prefix}{t.number:03d}"
        if t.day != today:
            return f"{number} 是 {t.day.month} 月 {t.day.day} 日的号，已经过期。如需办理，请重新取号"
        if t.status == "done":
            return f"{number} 已经办理完毕"
        if t.status == "called":
            where = f"请到 {t.counter} 号窗口" if t.counter else "请到窗口办理"
            return f"{number} 已经叫到，{where}"
        if t.status != "waiting":
            return f"{number} 已过号或已取消，请咨询工作人员"
        earlier = and_(Ticket.priority == t.priority,
                       or_(Ticket.issued_at < t.issued_at, and_(Ticket.issued_at == t.issued_at, Ticket.number < t.number)))
        # priority tickets (older residents, those staff marked) are called before the others, each
        # kind in the order the counters call it: the earlier taken first
        ahead_of_it = earlier if t.priority else or_(Ticket.priority.is_(True), earlier)
        ahead = s.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.day == t.day, Ticket.service_code == t.service_code, Ticket.status == "waiting", ahead_of_it)) or 0
        if ahead == 0:
            return f"{number} 正在等候，下一个就到您，请留意叫号"
        return f"{number} 正在等候，前面还有 {ahead} 人，请留意叫号"
