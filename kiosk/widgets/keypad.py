"""A large numeric keypad for PINs, phone and ID numbers (with an optional X key)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.domain.i18n import N_
from kiosk.widgets.common import BigButton, keep
from kiosk.widgets.tr import follow

BACKSPACE = N_("删除")


def grouped_phone(digits: str) -> str:
    """138 1234 5678: the groups people read phone numbers in."""
    return " ".join(p for p in (digits[:3], digits[3:7], digits[7:]) if p)


class NumericKeypad(GridLayout):
    value = StringProperty("")
    max_length = NumericProperty(18)
    allow_x = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        self._build()

    def on_allow_x(self, *_args) -> None:
        self._build()

    def _build(self) -> None:
        self.clear_widgets()
        keys = [*"123456789", "X" if self.allow_x else "", "0", BACKSPACE]
        for k in keys:
            # as tall as the keypad's rows (which screens set), not as the type
            b = keep(BigButton(text=k, disabled=not k, opacity=1 if k else 0), font_size=48 if k == BACKSPACE else 64,
                     size_hint_y=1, height=100)
            b.key_name = k
            if k == BACKSPACE:
                follow(b, "text", k)
            b.bind(on_release=self._press)
            self.add_widget(b)

    def _press(self, button: BigButton) -> None:
        if button.key_name == BACKSPACE:
            self.value = self.value[:-1]
        elif len(self.value) < self.max_length:
            self.value += button.key_name

    def clear(self) -> None:
        self.value = ""


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
