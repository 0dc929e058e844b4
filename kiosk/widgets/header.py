"""The bar at the top of every resident's and staff screen: back, the title, 呼叫工作人员, home,
and the row of 再听一遍 / 语音 / 长辈模式 while either mode is on."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.widgets import common  # noqa: F401 - the header's rule uses BigButton
from kiosk.widgets.visibility import set_shown


class Header(BoxLayout):
    title = StringProperty("")
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)
    #: 呼叫工作人员 on every resident's screen (staff screens turn it off)
    show_help = BooleanProperty(True)
    #: the 长辈模式/语音 row (the home screen has its own switches)
    show_modes = BooleanProperty(True)
    #: the row of 再听一遍 / 语音 / 长辈模式 under the title, while either mode is on
    modes_shown = BooleanProperty(False)
    voice_on = BooleanProperty(False)
    voice_possible = BooleanProperty(False)
    #: the modes row inside the title row (landscape) instead of under it
    modes_inline = BooleanProperty(False)

    def on_kv_post(self, base_widget) -> None:
        # strong references: the row and its buttons leave the tree while hidden (kiosk.widgets.visibility)
        self._modes = self.ids.modes.__self__
        self._top = self.ids.top_row.__self__
        self._repeat = self.ids.repeat_button.__self__
        self._voice = self.ids.voice_button.__self__
        self._show_modes()

    def on_voice_possible(self, *_a) -> None:
        self._show_modes()

    def on_modes_inline(self, *_a) -> None:
        self._show_modes()

    def on_modes_shown(self, *_a) -> None:
        self._show_modes()

    def on_voice_on(self, *_a) -> None:
        self._show_modes()

    def _show_modes(self) -> None:
        if not hasattr(self, "_modes"):
            return
        set_shown(self._repeat, self.voice_on)
        set_shown(self._voice, self.voice_possible)
        row = self._modes
        where = (self._top if self.modes_inline else self) if self.modes_shown else None
        if row.parent is not where:
            if row.parent is not None:
                row.parent.remove_widget(row)
            if where is self._top:
                self._top.add_widget(row, index=2)  # after the title, before 呼叫工作人员 and 首页
            elif where is not None:
                self.add_widget(row, index=0)  # under the title row (and the login row)

    __events__ = ("on_back", "on_home")

    def on_back(self) -> None:
        pass

    def on_home(self) -> None:
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
