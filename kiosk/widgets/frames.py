"""Driving the running app frame by frame: the tests and ``bench memory`` run Kivy's loop here,
tap through its real input pipeline, and wait for a state the screens show, never a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

from kivy.base import EventLoop
from kivy.uix.widget import Widget

from kiosk.widgets import touch


def pump(frames: int = 2) -> None:
    """Run the Kivy loop for ``frames`` frames (each at most as fast as ``maxfps`` allows)."""
    for _ in range(frames):
        EventLoop.idle()


def wait_until(predicate: Callable[[], bool], what: str = "condition", timeout_s: float = 60.0) -> None:
    """Run frames until ``predicate`` holds, then two more for what it set off.

    ``timeout_s`` tells a hang from a slow machine; the AssertionError names ``what``."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pump(1)
    pump(2)


def tap(widget: Widget) -> None:
    """Tap ``widget`` (scrolled into sight first) and run the two frames that deliver the touch."""
    touch.tap(widget)
    pump(2)
