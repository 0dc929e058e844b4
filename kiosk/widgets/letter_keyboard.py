"""An on-screen keyboard of big letters in alphabetical order, for pinyin search.

Alphabetical, not QWERTY: most older residents have never used a computer keyboard, but they
learned the pinyin alphabet at school. There is no Chinese input method on a kiosk; residents
type pinyin initials (bj → 保洁员) or whole pinyin (baojie), which the search understands.
"""

from __future__ import annotations

from pathlib import Path
from string import ascii_lowercase

from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.domain.i18n import N_
from kiosk.widgets.common import BigButton, keep
from kiosk.widgets.tr import follow

BACKSPACE = N_("删除")
CLEAR = N_("清空")
SPACE = N_("空格")


class LetterKeyboard(GridLayout):
    value = StringProperty("")
    max_length = NumericProperty(24)

    __events__ = ("on_done",)

    def on_kv_post(self, base_widget) -> None:
        for k in [*ascii_lowercase, SPACE, BACKSPACE, CLEAR]:
            b = keep(BigButton(text=k, bg_color=(0.30, 0.33, 0.40, 1) if len(k) > 1 else (0.039, 0.369, 0.659, 1)),
                     font_size=56 if len(k) == 1 else 40)
            b.key_name = k
            if len(k) > 1:
                # a caption longer than two characters (English) in smaller type, so it stays on one line
                b.bind(text=lambda b, text: setattr(b, "font_size", 40 if len(text) <= 2 else 28))
                follow(b, "text", k)
            b.bind(on_release=self._press)
            self.add_widget(b)

    def key(self, k: str) -> BigButton:
        return next(b for b in self.children if b.key_name == k)

    def _press(self, button: BigButton) -> None:
        k = button.key_name
        if k == BACKSPACE:
            self.value = self.value[:-1]
        elif k == CLEAR:
            self.value = ""
        elif len(self.value) < self.max_length:
            self.value += " " if k == SPACE else k

    def on_done(self) -> None:
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
