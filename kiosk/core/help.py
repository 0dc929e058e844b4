"""呼叫工作人员: one tap at the kiosk asks the station's staff to come.

The call is a ``help.requested`` event (the screen's name and whether 长辈模式 is on, nothing
about the person), committed to the outbox like every action, so it reaches central's console
whenever the link is up; the kiosk chimes at once either way. Staff answer 我马上过去 on the
console and the answer comes back on the calls long-poll as a call of kind ``help`` carrying the
event id: the visit's call becomes 工作人员马上就到. With central unreachable, staff answer on the
kiosk's own panel (窗口叫号), which sends ``help.answered`` once the link is back.

A call nobody answers rings again every ``RERING_S`` and stays on the attract screen's staff
line after the resident has gone, until someone answers it (or ``KEEP_S`` has passed).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk.domain.i18n import _
from kiosk.domain.queue_rules import utc_now

RERING_S = 120
KEEP_S = 2 * 3600


@dataclass(frozen=True)
class HelpCall:
    id: str
    screen: str
    requested_at: datetime
    acknowledged: bool = False

    @property
    def status_text(self) -> str:
        return _("工作人员马上就到") if self.acknowledged else _("已呼叫工作人员，请稍等")


class HelpDesk:
    """Safe to call from the background worker (which writes the events) and the main thread
    (which rings and reads): the calls are kept under one lock."""

    def __init__(self, store, station_id: str, clock=utc_now) -> None:  # noqa: ANN001 - a Store, a clock
        self.store = store
        self.station_id = station_id
        self.clock = clock
        #: the visit's call (None when this visit has not called)
        self.current: HelpCall | None = None
        #: every call not answered yet, this visit's or an earlier one's, oldest first
        self.unanswered: dict[str, HelpCall] = {}
        self._rung: dict[str, datetime] = {}
        self._lock = threading.RLock()

    def call(self, screen: str, elder: bool = False) -> HelpCall:
        """Ask for a person (a second tap while a call is open asks again only once it was answered)."""
        from kiosk.store.outbox import add_event

        with self._lock:
            if self.current is not None and not self.current.acknowledged:
                return self.current
            with self.store.session() as s:
                event_id = add_event(s, "help.requested", {"station_id": self.station_id, "screen": screen[:40],
                                                           "elder": bool(elder)})
            now = self.clock()
            self.current = HelpCall(event_id, screen[:40], now)
            self.unanswered[event_id] = self.current
            self._rung[event_id] = now
            return self.current

    def answered(self, help_id: str) -> bool:
        """Staff said they are coming; True when it is the visit's open call (the resident is told)."""
        with self._lock:
            self.unanswered.pop(help_id, None)
            self._rung.pop(help_id, None)
            if self.current is None or self.current.id != help_id or self.current.acknowledged:
                return False
            self.current = replace(self.current, acknowledged=True)
            return True

    def answer_here(self, help_id: str, counter: str) -> bool:
        """Staff answered on the kiosk's own panel: central learns it from ``help.answered``."""
        from kiosk.store.outbox import add_event

        with self._lock:
            if help_id not in self.unanswered:
                return False
            with self.store.session() as s:
                add_event(s, "help.answered", {"station_id": self.station_id, "help_id": help_id,
                                               "counter": counter[:20]})
            self.answered(help_id)
            return True

    def due(self, now: datetime | None = None) -> list[HelpCall]:
        """The unanswered calls whose last ring is ``RERING_S`` ago (each is then rung again)."""
        now = now or self.clock()
        with self._lock:
            for old in [i for i, c in self.unanswered.items() if now - c.requested_at > timedelta(seconds=KEEP_S)]:
                self.answered(old)
            out = [c for i, c in self.unanswered.items() if now - self._rung[i] >= timedelta(seconds=RERING_S)]
            for c in out:
                self._rung[c.id] = now
            return out

    def waiting_long(self, now: datetime | None = None) -> list[HelpCall]:
        """Unanswered calls older than ``RERING_S``: what the attract screen tells staff."""
        now = now or self.clock()
        with self._lock:
            return [c for c in self.unanswered.values() if now - c.requested_at >= timedelta(seconds=RERING_S)]

    def oldest_unanswered(self) -> tuple[HelpCall | None, int]:
        """(the oldest unanswered call, how many there are), for the staff panel."""
        with self._lock:
            calls = list(self.unanswered.values())
        return (calls[0] if calls else None), len(calls)

    def forget(self) -> None:
        """The visit ended: its call stays in ``unanswered`` for staff until someone answers it."""
        with self._lock:
            self.current = None
