"""A widget that shows video frames from any thread through one Texture.

Frames arrive on the video loop's thread (``push``); only the latest is kept, and a Clock
trigger blits it on the main thread. The Texture is created once per frame size and flipped
vertically once, as Kivy's own camera provider does: frames are rows top-down, GL is bottom-up.
"""

from __future__ import annotations

import threading

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.widget import Widget

from kiosk.domain.consult import RemoteFrame


class VideoView(Widget):
    """Letter-boxed video (aspect kept, centred). ``frames_rendered`` counts blits."""

    texture = ObjectProperty(None, allownone=True)
    frames_rendered = NumericProperty(0)
    #: mirror horizontally (for the resident's own picture)
    mirror = BooleanProperty(False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._lock = threading.Lock()
        self._latest: RemoteFrame | None = None
        self._trigger = Clock.create_trigger(self._blit, 0)
        with self.canvas:
            Color(0.08, 0.08, 0.1, 1)
            self._bg = Rectangle(pos=self.pos, size=self.size)
            self._color = Color(1, 1, 1, 1)
            self._rect = Rectangle(pos=self.pos, size=(0, 0))
        self.bind(pos=self._layout, size=self._layout, mirror=self._layout)

    # any thread
    def push(self, frame: RemoteFrame) -> None:
        with self._lock:
            self._latest = frame
        self._trigger()

    # main thread
    def clear(self) -> None:
        """Forget the picture (end of call, idle wipe): the view shows its dark background."""
        with self._lock:
            self._latest = None
        self._trigger.cancel()
        self.texture = None
        self._rect.texture = None
        self._layout()

    def reset_count(self) -> None:
        self.frames_rendered = 0

    def _blit(self, *_args) -> None:
        with self._lock:
            frame, self._latest = self._latest, None
        if frame is None:
            return
        expected = frame.width * frame.height * 3
        if len(frame.rgb) != expected:
            return  # a malformed frame is dropped, never drawn half
        tex = self.texture
        if tex is None or tuple(tex.size) != (frame.width, frame.height):
            tex = Texture.create(size=(frame.width, frame.height), colorfmt="rgb")
            tex.flip_vertical()
            self.texture = tex
            self._rect.texture = tex
            self._layout()
        tex.blit_buffer(frame.rgb, colorfmt="rgb", bufferfmt="ubyte")
        self.canvas.ask_update()
        self.frames_rendered += 1

    def _layout(self, *_args) -> None:
        self._bg.pos = self.pos
        self._bg.size = self.size
        tex = self.texture
        if tex is None or not self.width or not self.height:
            self._rect.size = (0, 0)
            return
        tw, th = tex.size
        scale = min(self.width / tw, self.height / th)
        w, h = tw * scale, th * scale
        x = self.x + (self.width - w) / 2
        y = self.y + (self.height - h) / 2
        self._rect.pos = (x, y)
        self._rect.size = (w, h)
        if self.mirror:
            # flip_vertical already set tex_coords; swap u for a mirror image
            u0, v0, u1, v1, u2, v2, u3, v3 = tex.tex_coords
            self._rect.tex_coords = (u1, v1, u0, v0, u3, v3, u2, v2)
        else:
            self._rect.tex_coords = tex.tex_coords
