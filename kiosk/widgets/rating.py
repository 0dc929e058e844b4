"""好差评: a one-tap rating after a completed service, on the five-level government scale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme
from kiosk.domain.i18n import N_, _
from kiosk.widgets.common import BigButton, keep
from kiosk.widgets.look import T as LOOK
from kiosk.widgets.tr import follow

#: (score, label) — the 好差评 scale used by government service halls
LEVELS = ((5, N_("非常满意")), (4, N_("满意")), (3, N_("基本满意")), (2, N_("不满意")), (1, N_("非常不满意")))


class RatingBar(BoxLayout):
    """Five big buttons; after one tap it thanks the resident and cannot be tapped again."""

    thanks = StringProperty("")
    service = StringProperty("")

    def on_kv_post(self, base_widget) -> None:
        self._on_rate: Callable[[str, int], None] | None = None
        for score, label in LEVELS:
            b = follow(BigButton(bg_color=theme.GOOD if score >= 4
                                 else (theme.TILE_COLORS[5] if score == 3 else theme.TILE_COLORS[3])), "text", label)
            keep(b, font_size=LOOK.FONT_SMALL)
            b.score = score
            b.bind(on_release=self._rate)
            self.ids.buttons.add_widget(b)

    def ask(self, service: str, on_rate: Callable[[str, int], None]) -> None:
        self.service = service
        self.thanks = ""
        self._on_rate = on_rate
        for b in self.ids.buttons.children:
            b.disabled = False

    def _rate(self, button) -> None:
        if self._on_rate is None:
            return
        cb, self._on_rate = self._on_rate, None
        for b in self.ids.buttons.children:
            b.disabled = True
        self.thanks = _("谢谢您的评价！")
        cb(self.service, button.score)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
