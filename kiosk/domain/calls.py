"""Calls: a ticket called to a counter, what is said aloud, and the list of recent calls.

Numbers are spoken digit by digit (A013 → "A零一三号"), as Chinese service halls do, so a
resident never mishears 十三 for 三十.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Call:
    call_id: str
    ticket_number: str  # "A013"
    counter: str  # "2"
    service_name: str = ""
    called_at: datetime | None = None
    recall: bool = False
    #: "help": staff answered this kiosk's call for help (``help_id`` is the call's event id)
    kind: str = "ticket"
    help_id: str = ""

    @property
    def banner_text(self) -> str:
        return f"请 {self.ticket_number} 号到 {self.counter} 号窗口"


def spoken_number(number: str) -> str:
    return "".join(DIGITS[int(c)] if c.isdigit() else c for c in number)


def announcement_text(call: Call) -> str:
    counter = spoken_number(call.counter) if call.counter.isdigit() and len(call.counter) > 2 else call.counter
    text = f"请，{spoken_number(call.ticket_number)}号，到{counter}号窗口办理"
    return ("再次呼叫，" + text) if call.recall else text


class RecentCalls:
    """The last few calls, newest first; a recall moves the ticket back to the top."""

    def __init__(self, size: int = 6) -> None:
        self._calls: deque[Call] = deque(maxlen=size)
        self._seen: set[str] = set()

    def add(self, call: Call) -> bool:
        """Add a call; False if this exact call (same call_id) was already seen."""
        if call.call_id in self._seen:
            return False
        self._seen.add(call.call_id)
        if len(self._seen) > 10_000:
            self._seen = {c.call_id for c in self._calls}
        for old in list(self._calls):
            if old.ticket_number == call.ticket_number:
                self._calls.remove(old)
        self._calls.appendleft(call)
        return True

    def items(self) -> list[Call]:
        return list(self._calls)
