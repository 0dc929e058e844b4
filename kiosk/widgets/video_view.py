"""A widget that shows video frames from any thread.

Frames arrive on the video loop's thread (``push``); a Clock trigger blits them on the main
thread. A yuv420p frame goes up as its three planes, straight from the decoder's buffers, and
is turned into colour on the GPU (``yuv_shader``); an rgb24 frame (the CPU fallback when that
shader does not compile or GL runs in software, or a picture made on the CPU) goes into one
RGB texture. Textures are
made once per frame size and flipped vertically once, as Kivy's own camera provider does:
frames are rows top-down, GL is bottom-up.

Every frame redraws the whole window, and with no GPU (Mesa's llvmpipe) each pixel drawn is
CPU time: the picture and its bars are drawn without blending (``opaque``), and the dark
background only where the picture leaves bars, not under it. A view that fills most of the
window can leave its bars to the window's clear (``bars`` False, the window's ``clearcolor``
``BAR_COLOR``): llvmpipe clears a pixel for a fraction of what drawing one costs.

Only the newest frames wait: one being shown next and the one after it. A frame that arrives
in the same loop turn as another is thus still shown, one turn later, instead of being dropped
for arriving a moment early; anything older than that is dropped.

A view ``paced_by`` another (the resident's own small picture by the advisor's) draws no frame
of its own accord: its newest frame goes up in the turn that draws the pacer's next one, so the
two unsynchronised streams cost one redraw of the window per advisor frame, not one per frame of
either. Only while the pacer draws nothing (the advisor's picture stalled or not yet there) does
it draw by itself, at most ``PACE_WAIT_S`` after a frame arrived.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from kivy.clock import Clock
from kivy.graphics import BindTexture, Callback, Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.widget import Widget

from kiosk.domain.consult import RemoteFrame
from kiosk.widgets.opaque import blend, no_blend
from kiosk.widgets.yuv_shader import U_UNIT, V_UNIT, YUV_FS, software_gl, yuv_fbo

log = logging.getLogger(__name__)

#: frames waiting to be blitted: the next and the one after it
QUEUED = 2
#: the colour around the picture
BAR_COLOR = (0.08, 0.08, 0.1, 1)
#: how long a paced view's frame waits for its pacer's next draw before it is drawn by itself:
#: longer than the gap between two frames at 10 fps, so a flowing advisor picture always wins
PACE_WAIT_S = 0.12


def _texture(size: tuple[int, int], colorfmt: str) -> Texture:
    tex = Texture.create(size=size, colorfmt=colorfmt)
    tex.flip_vertical()
    return tex


def _plane(size: tuple[int, int]) -> Texture:
    """A plane's texture, sampled nearest: the luma 1:1 loses nothing, the chroma shows in 2x2
    blocks before the picture is scaled (and smoothed) as a whole; llvmpipe's filtering is dear."""
    tex = _texture(size, "luminance")
    tex.min_filter = tex.mag_filter = "nearest"
    return tex


class VideoView(Widget):
    """Letter-boxed video (aspect kept, centred). ``frames_rendered`` counts blits."""

    #: the frame's texture: the RGB picture, or for yuv420p frames the luma plane
    texture = ObjectProperty(None, allownone=True)
    frames_rendered = NumericProperty(0)
    #: mirror horizontally (for the resident's own picture)
    mirror = BooleanProperty(False)
    #: this view asks for yuv420p planes (read from any thread): the shader compiled, and GL
    #: runs on a GPU (``software_gl``) or ``prefer_yuv`` says so
    yuv = BooleanProperty(False)
    #: the view whose draws carry this one's frames (see the module's note), or None
    paced_by = ObjectProperty(None, allownone=True)
    #: draw the bars around the picture; False: what lies under the view shows there instead
    bars = BooleanProperty(True)

    def __init__(self, yuv_shader: str = YUV_FS, prefer_yuv: bool | None = None,
                 pace_wait_s: float = PACE_WAIT_S, **kwargs) -> None:
        self._lock = threading.Lock()
        self._queue: deque[RemoteFrame] = deque(maxlen=QUEUED)
        self._trigger = Clock.create_trigger(self._turn, 0)
        #: a paced view's own draw, when its pacer has drawn nothing for ``pace_wait_s``
        self._unpaced = Clock.create_trigger(self._catch_up, pace_wait_s)
        self._pacer: VideoView | None = None
        self._paced: list[VideoView] = []
        super().__init__(**kwargs)
        self._chroma: tuple[Texture, Texture] | None = None
        #: what the rectangle shows: the RGB texture, or the frame buffer's
        self._shown: Texture | None = None
        self._fbo = yuv_fbo(yuv_shader)
        if self._fbo is not None:
            self._u_bind, self._v_bind = BindTexture(index=U_UNIT), BindTexture(index=V_UNIT)
            self._luma = Rectangle(pos=(0, 0), size=(0, 0))
            for instruction in (self._u_bind, self._v_bind, Color(1, 1, 1, 1), self._luma):
                self._fbo.add(instruction)
            self.canvas.add(self._fbo)
            self.yuv = not software_gl() if prefer_yuv is None else prefer_yuv
        with self.canvas:
            Callback(self._opaque)  # the bars are as opaque as the picture
            Color(*BAR_COLOR)
            self._bars = (Rectangle(pos=self.pos, size=self.size), Rectangle(pos=self.pos, size=(0, 0)))
            Color(1, 1, 1, 1)
            self._rect = Rectangle(pos=self.pos, size=(0, 0))
            Callback(blend)
        self.bind(pos=self._layout, size=self._layout, mirror=self._layout, bars=self._layout)

    # any thread
    def push(self, frame: RemoteFrame) -> None:
        with self._lock:
            self._queue.append(frame)
        if self._pacer is not None:
            self._unpaced()  # unless the pacer draws first
        else:
            self._trigger()

    # main thread
    def clear(self) -> None:
        """Forget the picture (end of call, idle wipe): the view shows its dark background."""
        with self._lock:
            self._queue.clear()
        self._trigger.cancel()
        self._unpaced.cancel()
        self.texture = self._shown = self._chroma = None
        self._rect.texture = None
        if self._fbo is not None:
            self._luma.texture = self._u_bind.texture = self._v_bind.texture = None
        self._layout()

    @property
    def draws_yuv(self) -> bool:
        """The YUV shader compiled: yuv420p frames are drawn (whether or not this view asks for them)."""
        return self._fbo is not None

    def reset_count(self) -> None:
        self.frames_rendered = 0

    def on_paced_by(self, _view, pacer: VideoView | None) -> None:
        if self._pacer is not None and self in self._pacer._paced:
            self._pacer._paced.remove(self)
        self._pacer = pacer
        if pacer is not None:
            pacer._paced.append(self)
        elif self._queue:
            self._trigger()

    def _turn(self, *_args) -> None:
        drawn = self.frames_rendered
        self._blit()
        if self.frames_rendered != drawn:
            for view in self._paced:
                view._catch_up()

    def _blit(self, *_args) -> None:
        with self._lock:
            frame = self._queue.popleft() if self._queue else None
            more = bool(self._queue)
        if more:
            self._trigger()  # the next frame waits for the next loop turn
        if frame is not None:
            self._draw(frame)

    def _catch_up(self, *_args) -> None:
        """A paced view: its newest frame up now (the window is being redrawn anyway), older ones dropped."""
        self._unpaced.cancel()
        with self._lock:
            frame = self._queue[-1] if self._queue else None
            self._queue.clear()
        if frame is not None:
            self._draw(frame)

    def _draw(self, frame: RemoteFrame) -> None:
        drawn = self._blit_yuv(frame) if frame.yuv else self._blit_rgb(frame)
        if drawn:
            self.canvas.ask_update()
            self.frames_rendered += 1

    def _blit_rgb(self, frame: RemoteFrame) -> bool:
        if len(frame.rgb) != frame.width * frame.height * 3:
            return False  # a malformed frame is dropped, never drawn half
        tex = self.texture
        if tex is None or tex.colorfmt != "rgb" or tuple(tex.size) != (frame.width, frame.height):
            tex = self.texture = _texture((frame.width, frame.height), "rgb")
            self._show(tex)
        tex.blit_buffer(frame.rgb, colorfmt="rgb", bufferfmt="ubyte")
        return True

    def _blit_yuv(self, frame: RemoteFrame) -> bool:
        if self._fbo is None:
            return False  # the producer asked before this view could say it takes no yuv
        w, h = frame.width, frame.height
        cw, ch = (w + 1) // 2, (h + 1) // 2
        sizes = ((w, h), (cw, ch), (cw, ch))
        for (pw, ph), data, stride in zip(sizes, frame.planes, frame.strides, strict=True):
            if stride < pw or len(data) < stride * (ph - 1) + pw:
                return False
        tex = self.texture
        if tex is None or tex.colorfmt != "luminance" or tuple(tex.size) != (w, h):
            tex = self.texture = _plane((w, h))
            self._chroma = (_plane((cw, ch)), _plane((cw, ch)))
            self._u_bind.texture, self._v_bind.texture = self._chroma
            self._luma.texture, self._luma.size = tex, (w, h)
            self._fbo.size = (w, h)
            self._show(self._fbo.texture)
        for target, (pw, ph), data, stride in zip((tex, *self._chroma), sizes, frame.planes, frame.strides,
                                                  strict=True):
            target.blit_buffer(data, size=(pw, ph), colorfmt="luminance", bufferfmt="ubyte",
                               rowlength=stride if stride != pw else 0)
        self._fbo.ask_update()
        return True

    def _show(self, tex: Texture) -> None:
        self._shown = self._rect.texture = tex
        self._layout()

    def _opaque(self, _instruction) -> None:  # noqa: ANN001
        if self.opacity >= 1:
            no_blend()

    def _layout(self, *_args) -> None:
        tex, rect = self._shown, self._rect
        first, second = self._bars
        if tex is None or not self.width or not self.height:
            rect.size = second.size = (0, 0)
            first.pos, first.size = self.pos, self.size if self.bars else (0, 0)
            return
        tw, th = tex.size
        scale = min(self.width / tw, self.height / th)
        w, h = tw * scale, th * scale
        x, y = self.x + (self.width - w) / 2, self.y + (self.height - h) / 2
        rect.pos = (x, y)
        rect.size = (w, h)
        if w < self.width:  # bars left and right
            first.pos, first.size = self.pos, (x - self.x, self.height)
            second.pos, second.size = (x + w, self.y), (self.right - x - w, self.height)
        else:  # bars below and above
            first.pos, first.size = self.pos, (self.width, y - self.y)
            second.pos, second.size = (self.x, y + h), (self.width, self.top - y - h)
        if not self.bars:
            first.size = second.size = (0, 0)
        coords = tex.tex_coords
        if self.mirror:
            u0, v0, u1, v1, u2, v2, u3, v3 = coords
            coords = (u1, v1, u0, v0, u3, v3, u2, v2)
        rect.tex_coords = coords
