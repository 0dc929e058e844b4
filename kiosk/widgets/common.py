"""The kiosk's small widget set: text, big buttons, tiles, the header bar, toasts and a QR view.

Each class sets its own defaults in kiosk/widgets/common.kv; there is no global Label rule.
"""

from __future__ import annotations

from pathlib import Path

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk import theme


class KLabel(Label):
    """Wrapping text whose height follows its content."""


class KTitle(KLabel):
    pass


class BigButton(ButtonBehavior, Label):
    bg_color = ColorProperty(theme.BRAND)
    fg_color = ColorProperty(theme.ON_BRAND)
    radius = NumericProperty(theme.RADIUS)


class Chip(ToggleButtonBehavior, Label):
    """A choice that stays pressed: filters, scopes, popular occupations."""

    value = StringProperty("")


class Tile(ButtonBehavior, BoxLayout):
    """A home-menu tile; a tile whose feature is not open yet says 即将开放."""

    title = StringProperty("")
    subtitle = StringProperty("")
    tile_color = ColorProperty(theme.BRAND)
    available = BooleanProperty(True)
    key = StringProperty("")


class Header(BoxLayout):
    title = StringProperty("")
    show_back = BooleanProperty(True)
    show_home = BooleanProperty(True)
    #: 呼叫工作人员 on every resident's screen (staff screens turn it off)
    show_help = BooleanProperty(True)

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
