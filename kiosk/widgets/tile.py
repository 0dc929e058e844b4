"""A tile of the home menu (and of the job groups)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk import theme


class Tile(ButtonBehavior, BoxLayout):
    """A home-menu tile; a tile whose feature is not open yet says 即将开放."""

    title = StringProperty("")
    subtitle = StringProperty("")
    tile_color = ColorProperty(theme.BRAND)
    available = BooleanProperty(True)
    key = StringProperty("")
    #: title only (长辈模式's 更多服务, where ten tiles share the screen in large type)
    brief = BooleanProperty(False)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
