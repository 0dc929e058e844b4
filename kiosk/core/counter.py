"""Calling from the kiosk's own staff panel, for when the central system cannot be reached.

The counters normally call from the central staff console. When the link is down, staff open
the kiosk's staff screen (PIN) and call from there: the call is shown and announced at once,
and every step becomes an outbox event (``ticket.called``, ``ticket.finished``,
``service.rendered``) that goes up when the link is back. Event ids make the upload
exactly-once; central keeps one service record per ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.queue import QueueBook
from kiosk.domain.calls import Call
from kiosk.domain.queue_rules import STATION_TZ


def _iso(local: datetime | None) -> str | None:
    """A station wall-clock time (as stored) with its zone, so central reads the instant right."""
    return local.replace(tzinfo=STATION_TZ).isoformat() if local else None


class CounterError(ValueError):
    """A step that does not fit the ticket's state; the message is for staff."""


@dataclass(frozen=True)
class CounterTicket:
    id: str
    number: str
    service_code: str
    service_name: str
    status: str
    priority: bool
    issued_at: datetime
    called_at: datetime | None
    started_at: datetime | None


class CounterDesk:
    def __init__(self, queue: QueueBook, emit: Callable, on_call: Callable[[Call], None],  # noqa: ANN001
                 cipher: Callable | None = None) -> None:
        self.queue = queue
        self.store = queue.store
        self.emit = emit  # (session, type, payload, **kw) -> event id, in the caller's transaction
        self.on_call = on_call
        self.cipher = cipher  # () -> OutboxCipher, for the events that carry personal data

    def _now(self) -> datetime:
        return self.queue.now().replace(tzinfo=None)

    def _view(self, t) -> CounterTicket:  # noqa: ANN001
        svc = self.queue.services.get(t.service_code)
        return CounterTicket(t.id, f"{t.prefix}{t.number:03d}", t.service_code, svc.name if svc else t.service_code,
                             t.status, t.priority, t.issued_at, t.called_at, t.started_at)

    def waiting(self) -> dict[str, int]:
        """Waiting tickets of today per service code."""
        from sqlalchemy import func, select

        from kiosk.store.models import Ticket

        with self.store.read() as s:
            day = self.queue._day(s, self.queue.now())
            rows = s.execute(select(Ticket.service_code, func.count()).where(
                Ticket.day == day, Ticket.status == "waiting").group_by(Ticket.service_code)).all()
        return {code: n for code, n in rows}

    def current(self, counter: str) -> CounterTicket | None:
        """The ticket this counter has called or is serving, if any."""
        from sqlalchemy import select

        from kiosk.store.models import Ticket

        with self.store.read() as s:
            day = self.queue._day(s, self.queue.now())
            t = s.scalars(select(Ticket).where(Ticket.day == day, Ticket.counter == counter,
                                               Ticket.status.in_(("called", "serving")))
                          .order_by(Ticket.called_at.desc()).limit(1)).first()
            return self._view(t) if t else None

    def waiting_tickets(self, limit: int = 60) -> list[CounterTicket]:
        """Today's waiting tickets in calling order (priority first, then the oldest)."""
        from sqlalchemy import select

        from kiosk.store.models import Ticket

        with self.store.read() as s:
            day = self.queue._day(s, self.queue.now())
            rows = s.scalars(select(Ticket).where(Ticket.day == day, Ticket.status == "waiting")
                             .order_by(Ticket.priority.desc(), Ticket.issued_at, Ticket.number).limit(limit)).all()
            return [self._view(t) for t in rows]

    def mark_priority(self, ticket_id: str, group: str, note: str = "", counter: str = "") -> CounterTicket:
        """Staff mark a waiting ticket as priority (a group the station's rules name): it is
        called before every non-priority ticket of its service. The group says something about
        the resident's health or status, so its event is encrypted in the outbox."""
        from sqlalchemy import update

        from kiosk.domain.queue_rules import OTHER_GROUP, PRIORITY_NOTE_MAX
        from kiosk.store.models import Ticket

        note = " ".join(note.split())
        if group not in self.queue.policy.priority_groups:
            raise CounterError("请选择优先的类别")
        if group == OTHER_GROUP and not note:
            raise CounterError("选“其他”时请写明原因")
        if len(note) > PRIORITY_NOTE_MAX:
            raise CounterError(f"原因请写在 {PRIORITY_NOTE_MAX} 个字以内")
        with self.store.session() as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise CounterError("没有这个号")
            number = f"{t.prefix}{t.number:03d}"
            if t.status != "waiting":
                raise CounterError(f"{number} 已不在排队，不能设为优先")
            if t.priority:
                raise CounterError(f"{number} 已经是优先号")
            took = s.execute(update(Ticket).where(Ticket.id == t.id, Ticket.status == "waiting",
                                                  Ticket.priority.is_(False)).values(priority=True)).rowcount
            if not took:
                raise CounterError(f"{number} 的状态刚刚变了，请再看一下")
            s.refresh(t)
            payload = {"ticket_id": t.id, "number": number, "service": t.service_code, "group": group,
                       "note": note, "counter": counter, "marked_at": _iso(self._now())}
            self.emit(s, "ticket.prioritized", payload, cipher=self.cipher() if self.cipher else None, personal=True)
            return self._view(t)

    def call_next(self, counter: str, services: tuple[str, ...] | None = None) -> CounterTicket | None:
        """Call the next ticket (priority first, then the oldest) of these services; None if nobody waits."""
        from sqlalchemy import select, update

        from kiosk.store.models import Ticket

        if self.current(counter) is not None:
            raise CounterError("本窗口还有未办完的号，请先点“办理完成”或“过号”")
        with self.store.session() as s:
            day = self.queue._day(s, self.queue.now())
            q = select(Ticket).where(Ticket.day == day, Ticket.status == "waiting")
            if services:
                q = q.where(Ticket.service_code.in_(services))
            t = s.scalars(q.order_by(Ticket.priority.desc(), Ticket.issued_at, Ticket.number).limit(1)).first()
            if t is None:
                return None
            now = self._now()
            # conditional: a second panel calling at the same moment cannot take the same ticket
            took = s.execute(update(Ticket).where(Ticket.id == t.id, Ticket.status == "waiting")
                             .values(status="called", counter=counter, called_at=now)).rowcount
            if not took:
                return None
            s.refresh(t)
            view = self._view(t)
            self.emit(s, "ticket.called", {"ticket_id": t.id, "number": view.number, "service": t.service_code,
                                           "counter": counter, "called_at": _iso(now), "source": "kiosk"})
        self.on_call(Call(f"kiosk-{t.id}-1", view.number, counter, view.service_name, now))
        return view

    def recall(self, counter: str) -> CounterTicket:
        t = self.current(counter)
        if t is None or t.status != "called":
            raise CounterError("没有可以重呼的号")
        self.on_call(Call(f"kiosk-{t.id}-{datetime.now().timestamp():.0f}", t.number, counter, t.service_name,
                          self._now(), recall=True))
        return t

    def _finish_step(self, counter: str, allowed: tuple[str, ...], apply: Callable) -> CounterTicket:  # noqa: ANN001
        from kiosk.store.models import Ticket

        cur = self.current(counter)
        if cur is None or cur.status not in allowed:
            raise CounterError("本窗口没有正在叫号或办理的号")
        with self.store.session() as s:
            t = s.get(Ticket, cur.id)
            apply(s, t, self._now())
            return self._view(t)

    def start(self, counter: str) -> CounterTicket:
        def apply(_s, t, now):  # noqa: ANN001, ANN202
            t.status, t.started_at = "serving", now
        return self._finish_step(counter, ("called",), apply)

    def no_show(self, counter: str) -> CounterTicket:
        def apply(s, t, now):  # noqa: ANN001, ANN202
            t.status, t.finished_at = "no_show", now
            self.emit(s, "ticket.finished", {"ticket_id": t.id, "counter": counter, "outcome": "no_show",
                                             "finished_at": _iso(now)})
        return self._finish_step(counter, ("called",), apply)

    def finish(self, counter: str, delivered: tuple[str, ...] = ()) -> CounterTicket:
        """Done at the counter: the ticket closes and a ``service.rendered`` record goes up."""
        def apply(s, t, now):  # noqa: ANN001, ANN202
            t.status, t.finished_at = "done", now
            t.started_at = t.started_at or t.called_at
            self.emit(s, "ticket.finished", {"ticket_id": t.id, "counter": counter, "outcome": "served",
                                             "finished_at": _iso(now)})
            self.emit(s, "service.rendered", {
                "ticket_id": t.id, "service": t.service_code, "counter": counter,
                "issued_at": _iso(t.issued_at), "called_at": _iso(t.called_at),
                "started_at": _iso(t.started_at), "finished_at": _iso(now),
                "person_key": t.person_key, "delivered": list(delivered) or [t.service_code], "outcome": "served",
            })
        return self._finish_step(counter, ("called", "serving"), apply)
