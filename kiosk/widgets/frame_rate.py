"""A lower frame rate on the attract screen while nobody is there.

Kivy's loop turns ``maxfps`` times a second even when nothing changes, and each turn costs the
main thread CPU: at 30 a second that was half of what an unattended kiosk spends. Nothing on
the attract screen changes faster than a slide every few seconds, so there the loop turns
``IDLE_FPS`` times a second; the first touch or key brings back the configured rate before it is
handled (it waits at most one slow frame, 0.1 s), and so does leaving the screen.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.screenmanager import ScreenManager

IDLE_FPS = 10.0
#: this long on the attract screen without a touch (its fade-in and a stray tap's answer done)
#: before the loop slows down
QUIET_S = 3.0


class IdleFrameRate:
    """Watches ``manager`` and the window's input; Kivy has no public setter for the frame cap
    (``Clock._max_fps``, read at every frame), so this is the one place that writes it."""

    def __init__(self, manager: ScreenManager, idle_screen: str, idle_fps: float = IDLE_FPS) -> None:
        self.manager = manager
        self.idle_screen = idle_screen
        self.normal_fps = float(Clock._max_fps)
        self.idle_fps = min(idle_fps, self.normal_fps) if self.normal_fps > 0 else idle_fps
        self._slow_later = Clock.create_trigger(self._slow, QUIET_S)
        manager.bind(current=self._screen_changed)
        Window.bind(on_touch_down=self._activity, on_key_down=self._activity)
        self._screen_changed(manager, manager.current)

    @property
    def slowed(self) -> bool:
        return Clock._max_fps == self.idle_fps

    def _screen_changed(self, _manager: ScreenManager, current: str) -> None:
        self._normal()
        if current == self.idle_screen:
            self._slow_later()

    def _activity(self, *_args) -> None:
        self._screen_changed(self.manager, self.manager.current)

    def _slow(self, _dt: float) -> None:
        if self.manager.current == self.idle_screen:
            Clock._max_fps = self.idle_fps

    def _normal(self) -> None:
        self._slow_later.cancel()
        Clock._max_fps = self.normal_fps

    def stop(self) -> None:
        self._normal()
        self.manager.unbind(current=self._screen_changed)
        Window.unbind(on_touch_down=self._activity, on_key_down=self._activity)
