"""VideoView: frames from any thread, the newest drawn, one texture per size, bad frames dropped;
yuv420p planes drawn in their colours by the GPU shader, and the RGB fallback when it cannot compile."""

from __future__ import annotations

import threading

import pytest

from kiosk.domain.consult import RemoteFrame, network_quality
from tests.appfixture import pump, wait_until

pytestmark = pytest.mark.ui


def _frame(w: int, h: int, value: int) -> RemoteFrame:
    return RemoteFrame(w, h, bytes([value]) * (w * h * 3), 0.0)


@pytest.fixture
def view(kiosk_app):
    from kivy.core.window import Window

    from kiosk.widgets.video_view import VideoView

    v = VideoView(size_hint=(None, None), size=(400, 400), pos=(10, 10))
    Window.add_widget(v)
    pump(2)
    yield v
    Window.remove_widget(v)
    pump(1)


def test_latest_frame_from_another_thread(view):
    def feed() -> None:
        for i in range(10):
            view.push(_frame(64, 48, i * 20))

    t = threading.Thread(target=feed)
    t.start()
    t.join()
    wait_until(lambda: view.frames_rendered >= 2, what="two blits")
    pump(3)
    assert view.frames_rendered == 2  # ten pushes between two frames: the last two are drawn, one a turn
    tex = view.texture
    assert tuple(tex.size) == (64, 48) and tex.colorfmt == "rgb"
    assert tex.pixels[:3] == bytes([180, 180, 180])  # the last frame's colour, not an older one
    # letter-boxed: 4:3 in a square, centred
    assert view._rect.size == (400, 300) and view._rect.pos == (10, 60)
    view.push(_frame(64, 48, 7))
    wait_until(lambda: view.frames_rendered == 2, what="the next blit")
    assert view.texture is tex  # same size: the texture is reused
    view.push(_frame(32, 24, 7))
    wait_until(lambda: view.frames_rendered == 3, what="a new size")
    assert tuple(view.texture.size) == (32, 24)


def test_bars_left_to_what_lies_under_the_view(view):
    view.push(_frame(64, 48, 1))  # 4:3 in a square: bars below and above
    wait_until(lambda: view.frames_rendered == 1, what="a blit")
    assert [b.size for b in view._bars] == [(400, 50), (400, 50)]
    view.bars = False
    assert [b.size for b in view._bars] == [(0, 0), (0, 0)] and view._rect.size == (400, 300)
    view.clear()
    assert view._bars[0].size == (0, 0)  # no picture: nothing drawn at all
    view.bars = True
    assert view._bars[0].size == (400, 400)


def test_bad_frame_dropped_and_clear(view):
    view.push(RemoteFrame(64, 48, b"\x00" * 10, 0.0))
    pump(3)
    assert view.frames_rendered == 0 and view.texture is None
    view.push(_frame(64, 48, 1))
    wait_until(lambda: view.frames_rendered == 1, what="a blit")
    view.clear()
    assert view.texture is None and view._rect.size == (0, 0)


@pytest.fixture
def pair(kiosk_app):
    """The call screen's two pictures: the advisor's, and the resident's paced by it (here waiting
    for the pacer as long as the test may run, so a draw of its own shows as one)."""
    from kivy.core.window import Window

    from kiosk.widgets.video_view import VideoView

    remote = VideoView(size_hint=(None, None), size=(400, 300), pos=(10, 10))
    local = VideoView(paced_by=remote, pace_wait_s=600, size_hint=(None, None), size=(120, 90), pos=(20, 20))
    for v in (remote, local):
        Window.add_widget(v)
    pump(2)
    yield remote, local
    for v in (remote, local):
        Window.remove_widget(v)
    pump(1)


def test_paced_view_draws_only_when_its_pacer_does(pair):
    remote, local = pair
    local.push(_frame(32, 24, 10))
    local.push(_frame(32, 24, 50))
    pump(4)
    assert local.frames_rendered == 0  # no redraw of the window for the resident's picture alone
    remote.push(_frame(64, 48, 90))
    wait_until(lambda: remote.frames_rendered == 1, what="the advisor's frame")
    assert local.frames_rendered == 1  # in the same turn: one redraw carries both pictures
    assert local.texture.pixels[:3] == bytes([50, 50, 50])  # the newest; the older one dropped
    remote.push(_frame(64, 48, 91))
    wait_until(lambda: remote.frames_rendered == 2, what="the next advisor frame")
    assert local.frames_rendered == 1  # nothing new of its own: nothing drawn
    local.paced_by = None
    local.push(_frame(32, 24, 70))
    wait_until(lambda: local.frames_rendered == 2, what="a draw of its own once unpaced")
    assert remote.frames_rendered == 2


def test_paced_view_draws_by_itself_while_its_pacer_is_silent(kiosk_app):
    from kivy.core.window import Window

    from kiosk.widgets.video_view import VideoView

    remote = VideoView(size_hint=(None, None), size=(400, 300))
    local = VideoView(size_hint=(None, None), size=(120, 90))
    local.paced_by = remote
    Window.add_widget(local)
    try:
        local.push(_frame(32, 24, 10))  # the advisor's picture not there yet: the resident still sees theirs
        wait_until(lambda: local.frames_rendered == 1, what="the resident's picture without the advisor's")
        assert remote.frames_rendered == 0
    finally:
        Window.remove_widget(local)


def test_network_quality():
    assert network_quality(20, 0, 25) == "good"
    assert network_quality(200, 0, 25) == "fair"
    assert network_quality(20, 3, 25) == "fair"
    assert network_quality(20, 0, 12) == "fair"
    assert network_quality(500, 0, 25) == "poor"
    assert network_quality(None, None, None) == "good"


#: BT.601 limited-range Y, U, V of pure colours, and the RGB they stand for
QUADRANTS = {"red": ((81, 90, 240), (255, 0, 0)), "green": ((145, 54, 34), (0, 255, 0)),
             "blue": ((41, 240, 110), (0, 0, 255)), "white": ((235, 128, 128), (255, 255, 255))}


def _yuv_quadrants(w: int, h: int, strides: tuple[int, int, int]) -> RemoteFrame:
    """Red top left, green top right, blue bottom left, white bottom right; rows padded to ``strides``."""
    planes = []
    for i, (pw, ph) in enumerate(((w, h), (w // 2, h // 2), (w // 2, h // 2))):
        plane = bytearray(strides[i] * ph)
        for y in range(ph):
            for x in range(pw):
                name = ("red" if x < pw // 2 else "green") if y < ph // 2 else ("blue" if x < pw // 2 else "white")
                plane[y * strides[i] + x] = QUADRANTS[name][0][i]
        planes.append(memoryview(plane))
    return RemoteFrame(w, h, b"", 0.0, planes=tuple(planes), strides=strides)


def _shown(view) -> dict[str, tuple[int, ...]]:
    """The colours drawn at the middle of each quadrant, read back from the GPU."""
    tex = view.export_as_image().texture  # rows top-down
    px, tw = tex.pixels, tex.size[0]
    rw, rh = view._rect.size
    rx, ry = view._rect.pos[0] - view.x, view.top - (view._rect.pos[1] + rh)

    def at(fx: float, fy: float) -> tuple[int, ...]:
        i = (int(ry + fy * rh) * tw + int(rx + fx * rw)) * 4
        return tuple(px[i:i + 3])

    return {"red": at(.25, .25), "green": at(.75, .25), "blue": at(.25, .75), "white": at(.75, .75)}


def _close(got: tuple[int, ...], want: tuple[int, ...]) -> bool:
    return all(abs(g - w) <= 12 for g, w in zip(got, want, strict=True))


def test_yuv_planes_drawn_in_colour_upright(view):
    assert view.draws_yuv, "the YUV shader should compile on this machine's GL"
    view.push(_yuv_quadrants(64, 48, (80, 48, 48)))  # padded rows, as decoders leave them
    wait_until(lambda: view.frames_rendered == 1, what="a yuv blit")
    assert tuple(view.texture.size) == (64, 48) and view.texture.colorfmt == "luminance"
    assert view._rect.size == (400, 300)
    shown = _shown(view)
    for name, (_yuv, rgb) in QUADRANTS.items():
        assert _close(shown[name], rgb), f"{name} drawn as {shown[name]}"
    view.mirror = True
    pump(2)
    mirrored = _shown(view)
    assert _close(mirrored["red"], QUADRANTS["green"][1]) and _close(mirrored["green"], QUADRANTS["red"][1])
    view.clear()
    assert view.texture is None and view._rect.size == (0, 0)


def test_cpu_fallback_when_the_shader_does_not_compile(kiosk_app, caplog):
    from kiosk.widgets.video_view import VideoView

    v = VideoView(yuv_shader="$HEADER$\nvoid main(void) { not glsl }", size_hint=(None, None), size=(64, 48))
    assert not v.yuv and not v.draws_yuv
    assert any("converted to RGB on the CPU" in r.getMessage() for r in caplog.records)
    v.push(_yuv_quadrants(64, 48, (64, 32, 32)))  # a producer that did not ask: dropped, not drawn wrong
    v.push(_frame(64, 48, 90))
    wait_until(lambda: v.frames_rendered == 1, what="the rgb blit")
    pump(2)
    assert v.frames_rendered == 1 and v.texture.colorfmt == "rgb"
