"""The screen a station shows while nobody is using the kiosk."""

from __future__ import annotations

import time
from datetime import datetime

from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty, StringProperty

from kiosk.domain.dates import WEEKDAYS
from kiosk.screens.base import KioskScreen, load_kv

ROTATE_S = 6.0
#: Announcements load this long after the screen is up, so its frames do not wait for them. At
#: start-up the time runs from the first frame (``on_glass``): their first query imports the ORM
#: on the worker, and that would slow the first frame down on a busy machine.
ANNOUNCEMENTS_AFTER_S = 0.3
#: Staff open their PIN screen by holding a finger on the clock this long.
ADMIN_HOLD_S = 3.0


class AttractScreen(KioskScreen):
    station_name = StringProperty("")
    announcements = ListProperty([])
    index = NumericProperty(0)
    clock_text = StringProperty("")
    date_text = StringProperty("")
    admin_hold_s = NumericProperty(ADMIN_HOLD_S)
    recent_calls = StringProperty("")
    #: the link to the central system: online/offline and when the vacancies were last updated
    sync_text = StringProperty("")
    #: for staff passing by: calls for help nobody answered (kiosk.core.help)
    staff_alert = StringProperty("")

    _on_glass = False

    def on_services(self, _inst, services) -> None:
        if services:
            self.station_name = services.config.station.name

    def on_glass(self) -> None:
        """The app's first frame is shown."""
        self._on_glass = True
        if self.manager is not None and self.manager.current == self.name:
            Clock.schedule_once(self._load_announcements, ANNOUNCEMENTS_AFTER_S)

    def activate(self) -> None:
        self._tick_clock(0)
        Clock.schedule_interval(self._rotate, ROTATE_S)
        Clock.schedule_interval(self._tick_clock, 1.0)
        if self._on_glass:
            Clock.schedule_once(self._load_announcements, ANNOUNCEMENTS_AFTER_S)

    def _load_announcements(self, _dt: float) -> None:
        from kiosk.core.vacancies import active_announcements

        self.services.background.submit(active_announcements, self.services.store, on_done=self._got_announcements)

    def deactivate(self) -> None:
        Clock.unschedule(self._load_announcements)
        Clock.unschedule(self._rotate)
        Clock.unschedule(self._tick_clock)

    def set_sync_text(self, text: str) -> None:
        self.sync_text = text

    def show_calls(self, calls) -> None:
        """The last called tickets, for residents who looked away when their number came."""
        self.recent_calls = "   ".join(f"{c.ticket_number} → {c.counter}号窗口" for c in calls[:4])

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
        if not (self.collide_point(*touch.pos) and self.manager and self.manager.current == self.name):
            return super().on_touch_up(touch)
        down_at = touch.ud.get("clock_down_at")
        if down_at is not None and time.monotonic() - down_at >= self.admin_hold_s:
            self.go("admin_login")  # staff: press and hold the clock
            return True
        from kivy.app import App

        app = App.get_running_app()
        if self.ids.elder.collide_point(*self.ids.elder.parent.to_widget(*touch.pos)):
            app.set_elder(True)
        if self.ids.english.collide_point(*self.ids.english.parent.to_widget(*touch.pos)):
            app.set_language("en")
        self.go("home", clear_history=True)
        if self.ids.help.collide_point(*self.ids.help.parent.to_widget(*touch.pos)):
            app.call_for_help(where="待机画面")
        return True

    def on_touch_down(self, touch) -> bool:
        if self.ids.clock.collide_point(*touch.pos):
            touch.ud["clock_down_at"] = time.monotonic()
        return super().on_touch_down(touch)


load_kv(__file__)
