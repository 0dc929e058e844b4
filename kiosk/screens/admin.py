"""The staff screens: PIN entry, then device, sync and store status with test actions.

Reached by holding a finger on the attract screen's clock for three seconds. Nothing here
is meant for residents; the idle timeout applies here too.
"""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import ListProperty, StringProperty

from kiosk import theme
from kiosk.core.pin_lockout import pin_gate
from kiosk.domain.status import SectionSnapshot
from kiosk.screens.base import KioskScreen, load_kv
from kiosk.widgets.common import BigButton, KLabel, KTitle, keep
from kiosk.widgets.keypad import NumericKeypad  # noqa: F401 - used by admin.kv

REFRESH_S = 2.0


class AdminLoginScreen(KioskScreen):
    message = StringProperty("")

    def on_services(self, _inst, services) -> None:
        if services:
            self.gate = pin_gate(services.config.admin, services.store)

    def activate(self) -> None:
        self.ids.keypad.clear()
        if not self.gate.configured:
            self.message = "本机未设置工作人员密码（admin.pin_hash），无法进入"
        elif self.gate.locked_for() > 0:
            self.message = f"密码错误次数过多，请 {int(self.gate.locked_for() / 60) + 1} 分钟后再试"
        else:
            self.message = "请输入工作人员密码"

    def submit(self) -> None:
        pin = self.ids.keypad.value
        self.ids.keypad.clear()
        if self.gate.check(pin):
            self.go("admin")
            return
        self.activate()
        if self.gate.locked_for() == 0 and self.gate.configured:
            self.message = "密码不正确，请重试"

    def reset(self) -> None:
        self.ids.keypad.clear()
        self.message = ""


class AdminScreen(KioskScreen):
    sections = ListProperty([])
    status = StringProperty("")

    def activate(self) -> None:
        self.refresh()
        Clock.schedule_interval(self._tick, REFRESH_S)

    def deactivate(self) -> None:
        Clock.unschedule(self._tick)

    def _tick(self, _dt: float) -> None:
        if self.services.background.pending == 0:
            self.refresh()

    def refresh(self) -> None:
        self.services.background.submit(self.services.diagnostics.snapshot, on_done=self._show)

    def _show(self, sections: list[SectionSnapshot]) -> None:
        if sections == self.sections:
            return  # rebuilding unchanged rows would move buttons under a staff member's finger
        box = self.ids.sections
        box.clear_widgets()
        for sec in sections:
            box.add_widget(KTitle(text=sec.title))
            for row in sec.rows:
                mark = "" if row.ok is None else ("● " if row.ok else "▲ ")
                color = theme.TEXT if row.ok is None else (theme.GOOD if row.ok else theme.ACCENT)
                box.add_widget(keep(KLabel(text=f"{mark}{row.label}：{row.value}"), color=color))
            for action in sec.actions:
                b = BigButton(text=action, bg_color=theme.BRAND)
                b.bind(on_release=lambda _b, t=sec.title, a=action: self.run_action(t, a))
                box.add_widget(b)
        self.sections = sections

    def run_action(self, title: str, action: str) -> None:
        self.status = f"正在执行：{action} …"
        self.services.background.submit(self.services.diagnostics.run, title, action,
                                        on_done=self._action_done, on_error=self._action_failed)

    def _action_done(self, message: str) -> None:
        self.status = message
        self.refresh()

    def _action_failed(self, exc: BaseException) -> None:
        self.status = f"失败：{exc}"

    def quit_app(self) -> None:
        App.get_running_app().stop()

    def reset(self) -> None:
        self.ids.sections.clear_widgets()
        self.sections = []
        self.status = ""


load_kv(__file__)
