"""The kiosk's small widget set: text, big buttons, toasts and a QR view.

Each class sets its own defaults in kiosk/widgets/common.kv; there is no global Label rule.
The header bar and the home menu's tiles have modules of their own (kiosk.widgets.header and
kiosk.widgets.tile), loaded with the first screen that shows one: the attract screen has neither,
and their rules would be parsed on the way to its first frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior, ToggleButtonBehavior
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk import theme
from kiosk.widgets import scroll_bars  # noqa: F401 - one bar-colour binding per ScrollView

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
Factory.register("Header", module="kiosk.widgets.header")
Factory.register("Tile", module="kiosk.widgets.tile")
