"""VideoView: frames from any thread, only the latest drawn, one texture per size, bad frames dropped."""

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
    wait_until(lambda: view.frames_rendered >= 1, what="a blit")
    pump(3)
    assert view.frames_rendered == 1  # ten pushes between two frames: only the last is drawn
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


def test_bad_frame_dropped_and_clear(view):
    view.push(RemoteFrame(64, 48, b"\x00" * 10, 0.0))
    pump(3)
    assert view.frames_rendered == 0 and view.texture is None
    view.push(_frame(64, 48, 1))
    wait_until(lambda: view.frames_rendered == 1, what="a blit")
    view.clear()
    assert view.texture is None and view._rect.size == (0, 0)


def test_network_quality():
    assert network_quality(20, 0, 25) == "good"
    assert network_quality(200, 0, 25) == "fair"
    assert network_quality(20, 3, 25) == "fair"
    assert network_quality(20, 0, 12) == "fair"
    assert network_quality(500, 0, 25) == "poor"
    assert network_quality(None, None, None) == "good"
