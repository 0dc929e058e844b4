"""Ends an abandoned visit: countdown overlay after inactivity, then back to the attract screen.

Touches are watched at the Window level (so popups count as activity too); the handler
returns nothing, so the touch still reaches the widget under the finger.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView

from kiosk.idle import IdleState, IdleWatcher

CHECK_EVERY_S = 0.5
#: the countdown is spoken when it appears and again this many seconds before the end
LAST_CALL_S = 10


class IdleOverlay(ModalView):
    remaining = NumericProperty(0)


class IdleGuard:
    def __init__(self, watcher: IdleWatcher, is_idle_screen: Callable[[], bool], end_visit: Callable[[], None],
                 is_busy: Callable[[], bool] = lambda: False,
                 on_countdown: Callable[[int, bool], None] = lambda _s, _first: None) -> None:
        """``on_countdown(seconds, first)``: the countdown appeared (first) or nears its end."""
        self.watcher = watcher
        self._on_countdown = on_countdown
        self._said: set[str] = set()
        self._is_idle_screen = is_idle_screen
        self._is_busy = is_busy
        self._end_visit = end_visit
        self._overlay: IdleOverlay | None = None
        Window.bind(on_touch_down=self._activity, on_key_down=self._activity)
        self._event = Clock.schedule_interval(self.check, CHECK_EVERY_S)

    @property
    def overlay(self) -> IdleOverlay:
        """Built on first use: its big labels would otherwise be rendered before the first frame."""
        if self._overlay is None:
            self._overlay = IdleOverlay()
            self._overlay.ids.keep.bind(on_release=lambda *_: self.keep_going())
        return self._overlay

    def _activity(self, *_args) -> None:
        self.watcher.poke()

    def keep_going(self) -> None:
        self.watcher.poke()
        self._hide()

    def set_times(self, timeout_s: float, countdown_s: float) -> None:
        """Change the idle time (长辈模式 gives more); counts from now."""
        self.watcher.timeout_s, self.watcher.countdown_s = timeout_s, countdown_s
        self.watcher.poke()

    def _hide(self) -> None:
        if self._overlay is not None and self._overlay.parent is not None:
            self._overlay.dismiss(animation=False)

    def check(self, _dt: float = 0) -> None:
        # a running video call is activity, though nobody touches the screen for minutes
        if self._is_idle_screen() or self._is_busy():
            self.watcher.poke()
            self._hide()
            return
        state = self.watcher.state()
        if state is IdleState.ACTIVE:
            self._said.clear()
            self._hide()
        elif state is IdleState.COUNTDOWN:
            left = self.watcher.remaining()
            self.overlay.remaining = left
            if self.overlay.parent is None:
                self.overlay.open(animation=False)
            if "start" not in self._said:
                self._said.add("start")
                self._on_countdown(left, True)
            elif left <= LAST_CALL_S and "last" not in self._said and self.watcher.countdown_s > 2 * LAST_CALL_S:
                self._said.add("last")
                self._on_countdown(left, False)
        else:
            self._said.clear()
            self._hide()
            self.watcher.poke()
            self._end_visit()

    def stop(self) -> None:
        self._event.cancel()
        Window.unbind(on_touch_down=self._activity, on_key_down=self._activity)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
