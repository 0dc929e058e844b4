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


class IdleOverlay(ModalView):
    remaining = NumericProperty(0)


class IdleGuard:
    def __init__(self, watcher: IdleWatcher, is_idle_screen: Callable[[], bool], end_visit: Callable[[], None],
                 is_busy: Callable[[], bool] = lambda: False) -> None:
        self.watcher = watcher
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
            self._hide()
        elif state is IdleState.COUNTDOWN:
            self.overlay.remaining = self.watcher.remaining()
            if self.overlay.parent is None:
                self.overlay.open(animation=False)
        else:
            self._hide()
            self.watcher.poke()
            self._end_visit()

    def stop(self) -> None:
        self._event.cancel()
        Window.unbind(on_touch_down=self._activity, on_key_down=self._activity)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
