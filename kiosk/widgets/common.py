"""The kiosk's small widget set: text, big buttons, tiles, the header bar, toasts and a QR view.

Each class sets its own defaults in kiosk/widgets/common.kv; there is no global Label rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk import theme
from kiosk.widgets import scroll_bars  # noqa: F401 - one bar-colour binding per ScrollView
from kiosk.widgets.visibility import set_shown

W = TypeVar("W", bound=Widget)


class KLabel(Label):
    """Wrapping text whose height follows its content."""


class KTitle(KLabel):
    pass


class BigButton(ButtonBehavior, Label):
    bg_color = ColorProperty(theme.BRAND)
    fg_color = ColorProperty(theme.ON_BRAND)
    radius = NumericProperty(theme.RADIUS)
    #: a key of assets/pictograms.toml: the picture drawn beside the words
    icon = StringProperty("")
    #: the picture above the words instead of left of them
    icon_top = BooleanProperty(False)
    icon_glyph = StringProperty("")
    icon_size = NumericProperty(0)


class Chip(ToggleButtonBehavior, Label):
    """A choice that stays pressed: filters, scopes, popular occupations."""

    value = StringProperty("")


def keep(widget: W, **props) -> W:
    """Give ``widget`` sizes or colours from Python that stay. The class rules bind font sizes,
    heights and colours to the look (``T``), so without this a value passed to the constructor
    is replaced at once, and again whenever 长辈模式 changes."""
    for name, value in props.items():
        Builder.unbind_property(widget, name)
        setattr(widget, name, value)
    return widget


class Tile(ButtonBehavior, BoxLayout):
    """A home-menu tile; a tile whose feature is not open yet says 即将开放."""

    title = StringProperty("")
    subtitle = StringProperty("")
    tile_color = ColorProperty(theme.BRAND)
    available = BooleanProperty(True)
    key = StringProperty("")
    #: title only (长辈模式's 更多服务, where ten tiles share the screen in large type)
    brief = BooleanProperty(False)


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


class Tag(Label):
    bg_color = ColorProperty(theme.BRAND)


class Toast(Label):
    """A short message over the screen that fades away by itself."""

    def show(self, text: str, seconds: float = 3.0) -> None:
        self.text = text
        Animation.cancel_all(self)
        self.opacity = 1
        Clock.unschedule(self._fade)
        Clock.schedule_once(self._fade, seconds)

    def hide(self) -> None:
        Clock.unschedule(self._fade)
        Animation.cancel_all(self)
        self.opacity = 0

    def _fade(self, _dt: float) -> None:
        Animation(opacity=0, duration=0.3).start(self)


class QRView(Image):
    """Shows ``data`` as a QR code, drawn pixel-exact from the qrcode matrix."""

    data = StringProperty("")
    modules = ListProperty([])

    def on_data(self, _inst, value: str) -> None:
        if not value:
            self.texture = None
            return
        import qrcode

        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        qr.add_data(value)
        qr.make(fit=True)
        matrix = qr.get_matrix()
        n = len(matrix)
        buf = bytearray()
        for row in reversed(matrix):
            for cell in row:
                buf += b"\x00\x00\x00" if cell else b"\xff\xff\xff"
        tex = Texture.create(size=(n, n), colorfmt="rgb")
        tex.mag_filter = "nearest"
        tex.min_filter = "nearest"
        tex.blit_buffer(bytes(buf), colorfmt="rgb", bufferfmt="ubyte")
        self.texture = tex


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
