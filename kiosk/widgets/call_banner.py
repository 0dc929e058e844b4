"""The banner that shows a call on every screen ("请 A013 号到 2 号窗口")."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

SHOW_S = 12.0


class CallBanner(BoxLayout):
    text = StringProperty("")
    detail = StringProperty("")

    def show(self, text: str, detail: str = "", seconds: float = SHOW_S) -> None:
        self.text = text
        self.detail = detail
        self.opacity = 1
        Clock.unschedule(self.hide)
        Clock.schedule_once(self.hide, seconds)

    def hide(self, *_args) -> None:
        self.opacity = 0
        self.text = ""

    def on_touch_down(self, touch) -> bool:
        if self.opacity and self.collide_point(*touch.pos):
            self.hide()
            return True
        return False


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
