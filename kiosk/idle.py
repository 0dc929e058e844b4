"""Inactivity detection, free of Kivy so it can be tested with a fake clock.

After ``timeout_s`` without a touch the kiosk shows a countdown of ``countdown_s`` seconds;
when it runs out the visit ends. A touch during the countdown cancels it.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable


class IdleState(enum.Enum):
    ACTIVE = "active"
    COUNTDOWN = "countdown"
    EXPIRED = "expired"


class IdleWatcher:
    def __init__(self, timeout_s: float, countdown_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout_s = timeout_s
        self.countdown_s = countdown_s
        self.clock = clock
        self.last_activity = clock()

    def poke(self) -> None:
        self.last_activity = self.clock()

    def idle_for(self) -> float:
        return self.clock() - self.last_activity

    def state(self) -> IdleState:
        idle = self.idle_for()
        if idle >= self.timeout_s + self.countdown_s:
            return IdleState.EXPIRED
        if idle >= self.timeout_s:
            return IdleState.COUNTDOWN
        return IdleState.ACTIVE

    def remaining(self) -> int:
        """Whole seconds left on the countdown (for display).

        Rounded to the microsecond before the ceiling: a difference of two large monotonic
        readings carries float noise that would otherwise show one second more."""
        import math

        return max(0, math.ceil(round(self.timeout_s + self.countdown_s - self.idle_for(), 6)))
