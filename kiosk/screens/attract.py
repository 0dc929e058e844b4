"""The screen a station shows while nobody is using the kiosk."""

from __future__ import annotations

from datetime import datetime

from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.core.vacancies import active_announcements
from kiosk.screens.base import KioskScreen, load_kv

WEEKDAYS = "一二三四五六日"
ROTATE_S = 6.0
#: Announcements load just after the screen is up, so the first frame does not wait for them.
ANNOUNCEMENTS_AFTER_S = 0.3


class AttractScreen(KioskScreen):
    station_name = StringProperty("")
    announcements = ListProperty([])
    index = NumericProperty(0)
    clock_text = StringProperty("")
    date_text = StringProperty("")

    def on_services(self, _inst, services) -> None:
        if services:
            self.station_name = services.config.station.name

    def activate(self) -> None:
        self._tick_clock(0)
        Clock.schedule_interval(self._rotate, ROTATE_S)
        Clock.schedule_interval(self._tick_clock, 1.0)
        Clock.schedule_once(self._load_announcements, ANNOUNCEMENTS_AFTER_S)

    def _load_announcements(self, _dt: float) -> None:
        self.services.background.submit(active_announcements, self.services.store, on_done=self._got_announcements)

    def deactivate(self) -> None:
        Clock.unschedule(self._load_announcements)
        Clock.unschedule(self._rotate)
        Clock.unschedule(self._tick_clock)

    def _got_announcements(self, items: list[str]) -> None:
        self.announcements = items
        self.index = 0

    @property
    def announcement(self) -> str:
        return self.announcements[self.index % len(self.announcements)] if self.announcements else ""

    def _rotate(self, _dt: float) -> None:
        if self.announcements:
            self.index = (self.index + 1) % len(self.announcements)

    def _tick_clock(self, _dt: float) -> None:
        now = datetime.now()
        self.clock_text = now.strftime("%H:%M")
        self.date_text = f"{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}"

    def on_touch_up(self, touch) -> bool:
        if self.collide_point(*touch.pos) and self.manager and self.manager.current == self.name:
            self.go("home", clear_history=True)
            return True
        return super().on_touch_up(touch)


load_kv(__file__)
