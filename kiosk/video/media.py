"""Media of a consultation: the kiosk's camera and microphone (a synthetic pattern and tone in
the demo, V4L2 / ALSA / PulseAudio through aiortc's MediaPlayer on a station) and the speaker.

The test pattern carries its frame number as a row of black and white blocks (``CODE_BITS``
blocks of ``CODE_BLOCK`` px, top left), so a receiver on the same machine can read when each
frame was sent: that is how ``bench video`` measures end-to-end frame latency.
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import math
import time
from array import array
from collections.abc import Callable

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from kiosk.domain.consult import RemoteFrame

log = logging.getLogger(__name__)

CODE_BITS = 16
CODE_BLOCK = 24
AUDIO_RATE = 48000
AUDIO_PTIME = 0.02
#: frames a second of the resident's own picture on the screen
PREVIEW_FPS = 10.0
#: a frame this much before its turn still counts as on time (timestamps are rounded)
PTS_SLACK_S = 0.002


def _yuv(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """BT.601 limited range, what the VP8 encoder and the browser assume."""
    r, g, b = rgb
    return (round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
            round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
            round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255))


class PatternTrack(MediaStreamTrack):
    """A 640x480 (configurable) test pattern at ``fps``: colour bars, a moving bar, the frame code.

    It is drawn straight into yuv420p planes, the encoder's own format: an RGB picture would
    cost a copy of three times the bytes and a colour conversion in the encoder each frame."""

    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: int = 30,
                 sent: Callable[[int, float], None] | None = None) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._sent = sent
        colors = [(235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16), (235, 16, 235),
                  (235, 16, 16), (16, 16, 235), (16, 16, 16)]
        bar_w = math.ceil(width / len(colors))
        self._cw, self._ch = (width + 1) // 2, (height + 1) // 2
        rows = [bytearray(), bytearray(), bytearray()]
        for x in range(width):
            yuv = _yuv(colors[min(x // bar_w, len(colors) - 1)])
            rows[0].append(yuv[0])
            if x % 2 == 0:
                rows[1].append(yuv[1])
                rows[2].append(yuv[2])
        self._base = (bytes(rows[0]) * height, bytes(rows[1]) * self._ch, bytes(rows[2]) * self._ch)
        self._n = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            wait = self._start + self._n / self.fps - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        n = self._n
        self._n += 1
        y, u, v = (bytearray(p) for p in self._base)
        x = (n * 8) % max(2, self.width - 24)
        _fill(y, self.width, x, self.height // 2 - 40, 24, 80, 235)
        for chroma in (u, v):
            _fill(chroma, self._cw, x // 2, (self.height // 2 - 40) // 2, 12, 40, 128)
        draw_code(y, u, v, self.width, n)
        frame = frame_from_yuv((y, u, v), self.width, self.height)
        frame.pts = int(n * 90000 / self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        if self._sent is not None:
            self._sent(n, time.time())
        return frame


def _fill(plane: bytearray, stride: int, x: int, y: int, w: int, h: int, value: int) -> None:
    run = bytes([value]) * w
    for row in range(y, y + h):
        plane[row * stride + x:row * stride + x + w] = run


def draw_code(y: bytearray, u: bytearray, v: bytearray, width: int, n: int) -> None:
    """The frame number as a row of white (235) and black (16) blocks, no colour, top left."""
    cw = (width + 1) // 2
    for bit in range(CODE_BITS):
        on = (n >> (CODE_BITS - 1 - bit)) & 1
        _fill(y, width, bit * CODE_BLOCK, 0, CODE_BLOCK, CODE_BLOCK, 235 if on else 16)
        for chroma in (u, v):
            _fill(chroma, cw, bit * CODE_BLOCK // 2, 0, CODE_BLOCK // 2, CODE_BLOCK // 2, 128)


def frame_from_yuv(planes: tuple[bytes | bytearray, ...], width: int, height: int) -> av.VideoFrame:
    """A yuv420p frame from unpadded planes (rows top-down)."""
    frame = av.VideoFrame(width, height, "yuv420p")
    for i, data in enumerate(planes):
        plane = frame.planes[i]
        w = width if i == 0 else (width + 1) // 2
        if plane.line_size == w:
            plane.update(data)
        else:
            rows = len(data) // w
            pad = bytes(plane.line_size - w)
            plane.update(b"".join(bytes(data[r * w:(r + 1) * w]) + pad for r in range(rows)))
    return frame


def remote_frame(frame: av.VideoFrame, received: float, yuv: bool) -> RemoteFrame:
    """A decoded frame for the screen: its yuv420p planes as they are (views, no copy) when the
    screen takes them, else converted to rgb24."""
    if not yuv:
        return RemoteFrame(frame.width, frame.height, rgb_bytes(frame), received)
    if frame.format.name != "yuv420p":
        frame = frame.reformat(format="yuv420p")
    y, u, v = frame.planes[:3]
    return RemoteFrame(frame.width, frame.height, b"", received,
                       planes=(memoryview(y), memoryview(u), memoryview(v)),
                       strides=(y.line_size, u.line_size, v.line_size))


def frame_from_rgb(rgb: bytes, width: int, height: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "rgb24")
    plane = frame.planes[0]
    w3 = width * 3
    if plane.line_size == w3:
        plane.update(rgb)
    else:
        pad = bytes(plane.line_size - w3)
        plane.update(b"".join(rgb[y * w3:(y + 1) * w3] + pad for y in range(height)))
    return frame


def rgb_bytes(frame: av.VideoFrame) -> bytes:
    """The frame as rgb24, rows top-down, no row padding (what RemoteFrame and Kivy's blit take)."""
    rgb = frame.reformat(format="rgb24") if frame.format.name != "rgb24" else frame
    plane = rgb.planes[0]
    w3 = rgb.width * 3
    data = bytes(plane)
    if plane.line_size == w3:
        return data[:w3 * rgb.height]
    ls = plane.line_size
    return b"".join(data[y * ls:y * ls + w3] for y in range(rgb.height))


def read_code(rgb: bytes, width: int) -> int:
    """The frame number drawn by ``draw_code`` (rgb24, rows top-down)."""
    n = 0
    half = CODE_BLOCK // 2
    w3 = width * 3
    for bit in range(CODE_BITS):
        i = half * w3 + (bit * CODE_BLOCK + half) * 3
        n = (n << 1) | int(sum(rgb[i:i + 3]) > 3 * 127)
    return n


class ToneTrack(MediaStreamTrack):
    """A 440 Hz tone, beeping half a second in each second; silence while muted."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.muted = False
        self._samples = int(AUDIO_RATE * AUDIO_PTIME)
        self._n = 0
        self._start: float | None = None
        wave = array("h", (int(math.sin(2 * math.pi * 440 * i / AUDIO_RATE) * 6000) if i < AUDIO_RATE // 2 else 0
                           for i in range(AUDIO_RATE)))
        self._second = wave.tobytes()
        self._silence = bytes(self._samples * 2)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.time()
        else:
            wait = self._start + self._n * AUDIO_PTIME - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
        off = (self._n * self._samples) % AUDIO_RATE
        chunk = self._silence if self.muted else self._second[off * 2:(off + self._samples) * 2]
        frame = av.AudioFrame(format="s16", layout="mono", samples=self._samples)
        frame.planes[0].update(chunk)
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._n * self._samples
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._n += 1
        return frame


class MutableAudio(MediaStreamTrack):
    """A microphone track that sends silence while muted (the device keeps running)."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source
        self.muted = False

    async def recv(self) -> av.AudioFrame:
        frame = await self.source.recv()
        if self.muted:
            for plane in frame.planes:
                plane.update(bytes(plane.buffer_size))
        return frame


class PreviewTap(MediaStreamTrack):
    """Passes the camera's frames on and hands ``fps`` of them a second (by their timestamps)
    to ``on_frame``, as yuv420p planes when ``takes_yuv()`` says the screen draws them, else as
    rgb24. The resident's own picture only shows them where they sit: ``PREVIEW_FPS`` is
    plenty, and each frame shown costs a conversion on the video loop and a texture upload."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack, on_frame: Callable[[RemoteFrame], None],
                 fps: float = PREVIEW_FPS, takes_yuv: Callable[[], bool] = lambda: False) -> None:
        super().__init__()
        self.source, self._on_frame = source, on_frame
        self._period = 1 / fps
        self._due: float | None = None
        self._takes_yuv = takes_yuv

    def _wanted(self, frame: av.VideoFrame) -> bool:
        t = frame.time if frame.time is not None else time.monotonic()
        if self._due is not None and t < self._due - PTS_SLACK_S:
            return False
        # on the grid while the camera keeps time (its frames need not divide the rate); anew after a gap
        self._due = t + self._period if self._due is None or t - self._due > self._period else self._due + self._period
        return True

    async def recv(self) -> av.VideoFrame:
        frame = await self.source.recv()
        if self._wanted(frame):
            try:
                self._on_frame(remote_frame(frame, time.monotonic(), self._takes_yuv()))
            except Exception:  # noqa: BLE001 - a preview must never stop what is sent
                log.exception("local preview failed")
        return frame


def _device(spec: str) -> tuple[str, str]:
    kind, _, dev = spec.partition(":")
    return kind, dev


class LocalMedia:
    """The kiosk's camera and microphone for the whole service life; each call subscribes to them."""

    def __init__(self, camera: str, microphone: str, width: int = 640, height: int = 480, fps: int = 30,
                 sent: Callable[[int, float], None] | None = None) -> None:
        from aiortc.contrib.media import MediaRelay

        self.relay = MediaRelay()
        self._players: list = []
        self.video = self._video(camera, width, height, fps, sent)
        self.audio_source = self._audio(microphone)
        self.muted = False
        self._mutables: list[MutableAudio] = []

    def _video(self, spec: str, width: int, height: int, fps: int, sent) -> MediaStreamTrack | None:  # noqa: ANN001
        kind, dev = _device(spec)
        if kind == "none":
            return None
        if kind == "v4l2":
            try:
                from aiortc.contrib.media import MediaPlayer

                player = MediaPlayer(dev or "/dev/video0", format="v4l2",
                                     options={"video_size": f"{width}x{height}", "framerate": str(fps)})
                self._players.append(player)
                if player.video is not None:
                    return player.video
            except Exception as e:  # noqa: BLE001
                log.error("camera %s cannot be opened (%s); sending the test pattern instead", spec, e)
        return PatternTrack(width, height, fps, sent)

    def _audio(self, spec: str) -> MediaStreamTrack | None:
        kind, dev = _device(spec)
        if kind == "none":
            return None
        if kind in ("alsa", "pulse"):
            try:
                from aiortc.contrib.media import MediaPlayer

                player = MediaPlayer(dev or "default", format=kind)
                self._players.append(player)
                if player.audio is not None:
                    return player.audio
            except Exception as e:  # noqa: BLE001
                log.error("microphone %s cannot be opened (%s); sending the test tone instead", spec, e)
        return ToneTrack()

    def tracks(self, on_local_frame: Callable[[RemoteFrame], None] | None,
               takes_yuv: Callable[[], bool] = lambda: False) -> list[MediaStreamTrack]:
        """Fresh tracks for one peer connection (a reconnect makes a new one)."""
        out: list[MediaStreamTrack] = []
        if self.video is not None:
            v = self.relay.subscribe(self.video, buffered=False)
            out.append(PreviewTap(v, on_local_frame, takes_yuv=takes_yuv) if on_local_frame else v)
        if self.audio_source is not None:
            # audio buffered: a late loop turn must not drop 20 ms pieces of speech
            a = self.relay.subscribe(self.audio_source, buffered=True)
            mutable = MutableAudio(a)
            mutable.muted = self.muted
            self._mutables.append(mutable)
            out.append(mutable)
        return out

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        for m in self._mutables:
            m.muted = muted

    def forget_calls(self) -> None:
        self._mutables = []
        self.muted = False

    def close(self) -> None:
        for track in (self.video, self.audio_source):
            if track is not None:
                track.stop()
        for player in self._players:
            for t in (player.audio, player.video):
                if t is not None:
                    t.stop()


class AudioOut:
    """Plays the advisor's voice on the configured output (``alsa:DEVICE`` / ``pulse:DEVICE``).
    With no output, or one that cannot be opened, frames are dropped after one clear log line."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self._container = None
        self._stream = None
        self._failed = spec.split(":", 1)[0] == "none"
        self.frames = 0

    def write(self, frame: av.AudioFrame) -> None:
        self.frames += 1
        if self._failed:
            return
        try:
            if self._container is None:
                kind, dev = _device(self.spec)
                self._container = av.open(dev or "default", mode="w", format=kind)
                self._stream = self._container.add_stream("pcm_s16le", rate=frame.sample_rate,
                                                          layout=frame.layout.name)
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except Exception as e:  # noqa: BLE001
            self._failed = True
            log.error("audio output %s cannot be used (%s): the advisor will not be heard; "
                      "check video.audio_out", self.spec, e)
            self.close()

    def close(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except Exception:  # noqa: BLE001
                pass
            self._container = None
