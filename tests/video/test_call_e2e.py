"""A whole consultation on loopback: the kiosk's real aiortc peer (test pattern + tone) asks,
a real advisor in headless Chromium (fake camera + microphone) accepts on the advisor console,
video and audio flow both ways for several seconds, the kiosk draws the advisor's frames into a
VideoView texture in the session's kiosk window, and either side hangs up. Central then holds
exactly one consult.ended event and one service record for the call."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central.consult import ConsultRequest
from central.models import Event, ServiceRecord
from kiosk.domain.consult import ConsultState
from kiosk.sync.client import CentralClient
from kiosk.sync.pusher import push_all
from kiosk.video import harness
from tests.appfixture import pump, wait_until
from tests.sync.centralserver import KIOSK, SECRET
from tests.video.conftest import ADVISOR, Recorder

pytestmark = [pytest.mark.browser, pytest.mark.ui]

MEDIA_S = 4.0


@pytest.fixture
def video_view(kiosk_app):
    from kivy.core.window import Window

    from kiosk.widgets.video_view import VideoView

    view = VideoView(size_hint=(None, None), size=(480, 360), pos=(20, 20))
    Window.add_widget(view)
    pump(2)
    yield view
    Window.remove_widget(view)
    pump(1)


def _pause(seconds: float) -> None:
    t0 = time.monotonic()
    wait_until(lambda: time.monotonic() - t0 >= seconds, timeout=seconds + 5, what="time to pass")


def _counters(page) -> dict:  # noqa: ANN001
    return harness.counters(page)


def _start_call(service, browser, central, view):  # noqa: ANN001, ANN202
    page = harness.advisor_login(browser, central.url, ADVISOR[0], ADVISOR[1])
    rec = Recorder(view)
    call = service.start("求职指导", None, rec)
    wait_until(lambda: rec.seen(ConsultState.WAITING), timeout=15, what="the request in line")
    page.wait_for_function("document.querySelectorAll('#waiting button').length === 1", timeout=15000)
    page.click("#b-next")
    wait_until(lambda: call.state is ConsultState.IN_CALL, timeout=30, what="the call to connect")
    return page, rec, call


def _assert_media_both_ways(page, rec, call, view) -> None:  # noqa: ANN001
    """Media keeps arriving, both ways, in every second of several: counts must grow in each
    one-second window (rates depend on the machine's load, so they belong to ``bench video``)."""
    page.wait_for_function("window.__consult.framesRendered > 0 && window.__consult.audioPackets > 0", timeout=15000)
    wait_until(lambda: view.frames_rendered > 0, timeout=15, what="the first frame in the texture")
    drawn0 = view.frames_rendered
    prev = (call.video_frames_received, call.audio_frames_received, _counters(page))
    for second in range(int(MEDIA_S)):
        _pause(1.0)
        now = (call.video_frames_received, call.audio_frames_received, _counters(page))
        # advisor → kiosk: decoded video frames and audio frames
        assert now[0] > prev[0], f"no advisor video reached the kiosk in second {second + 1}"
        assert now[1] > prev[1], f"no advisor audio reached the kiosk in second {second + 1}"
        # kiosk → advisor: frames the browser rendered (requestVideoFrameCallback), audio packets
        assert now[2]["framesRendered"] > prev[2]["framesRendered"], f"no kiosk video shown in second {second + 1}"
        assert now[2]["audioPackets"] > prev[2]["audioPackets"], f"no kiosk audio received in second {second + 1}"
        prev = now
    assert view.frames_rendered - drawn0 >= MEDIA_S / 2, "the kiosk drew too few frames into its texture"
    # the browser's encoder starts small and adapts: the texture follows the frames' size
    assert view.texture is not None and tuple(view.texture.size) in rec.sizes and view.texture.size[0] >= 320
    assert rec.local > 0, "the kiosk's own picture never reached the listener"
    wait_until(lambda: rec.stats, timeout=10, what="call statistics")
    st = rec.stats[-1]
    assert set(st) == {"rtt_ms", "loss_pct", "fps_received", "quality"} and st["quality"] in ("good", "fair", "poor")
    assert st["rtt_ms"] is not None and st["fps_received"] > 0


def _assert_one_ended(central, store, call_id: str, reason: str) -> None:  # noqa: ANN001
    client = CentralClient(central.url, KIOSK, SECRET)
    for _ in range(2):  # a second push is a no-op: nothing pending, and the record stays single
        push_all(store, client, None)
    with central.db.session() as s:
        events = s.scalars(select(Event).where(Event.type == "consult.ended")).all()
        mine = [e for e in events if e.payload.get("call_id") == call_id]
        assert len(mine) == 1, f"expected one consult.ended, got {len(mine)}"
        assert mine[0].payload["reason"] == reason and mine[0].payload["outcome"] == "completed"
        assert mine[0].payload["duration_s"] >= MEDIA_S - 1
        assert s.scalar(select(func.count()).select_from(ServiceRecord)
                        .where(ServiceRecord.ticket_id == call_id)) == 1
        assert s.scalar(select(func.count()).select_from(Event).where(Event.type == "consult.requested")) == 1


@pytest.mark.parametrize("side", ["kiosk", "advisor"])
def test_call_both_ways_then_hang_up(side, service, browser, central, kiosk_store, video_view, tmp_path):
    page, rec, call = _start_call(service, browser, central, video_view)
    try:
        _assert_media_both_ways(page, rec, call, video_view)
        shot = tmp_path / f"advisor-console-in-call-{side}.png"
        page.screenshot(path=str(shot))
        keep = os.environ.get("VIDEO_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(keep) / shot.name)
        if side == "kiosk":
            # mute: the advisor keeps receiving packets, but no sound energy arrives
            e0 = _counters(page)["audioEnergy"]
            _pause(2.0)
            loud = _counters(page)["audioEnergy"] - e0
            assert loud > 0, "the tone never reached the advisor"
            call.set_muted(True)
            _pause(2.0)  # what was already on its way, and the browser's jitter buffer on a loaded machine
            e1, p1 = _counters(page)["audioEnergy"], _counters(page)["audioPackets"]
            _pause(2.0)
            after = _counters(page)
            assert after["audioPackets"] > p1, "muting must not stop the audio stream"
            assert after["audioEnergy"] - e1 < loud / 10, "sound still arrives while muted"
            call.set_muted(False)
            call.hang_up()
            want = "hung_up"
        else:
            page.click("#b-end")
            want = "advisor_ended"
        wait_until(lambda: rec.final is not None, timeout=15, what="the kiosk side to end")
        assert rec.final == (ConsultState.ENDED, {**rec.final[1], "reason": want})
        assert rec.final[1]["advisor_name"] == ADVISOR[2] and rec.final[1]["duration_s"] >= MEDIA_S - 1
        page.wait_for_function("window.__consult.state === 'ended'", timeout=15000)
        assert _counters(page)["endedReason"] == want
        page.wait_for_selector("#outcome", state="visible")
        with central.db.session() as s:
            req = s.get(ConsultRequest, call.call_id)
            assert (req.state, req.reason) == ("ended", want)
        # the advisor notes the outcome after the call
        page.select_option("#oc", "referred")
        page.fill("#note", "建议到窗口办理失业登记")
        page.click("#save-outcome")
        page.wait_for_selector("#outcome", state="hidden")
        with central.db.session() as s:
            assert s.get(ConsultRequest, call.call_id).outcome == "referred"
        wait_until(lambda: service.current is None, timeout=10, what="the service to forget the call")
        _assert_one_ended(central, kiosk_store, call.call_id, want)
    finally:
        page.context.close()


def test_dropped_call_reconnects_once_then_ends(service, browser, central, video_view):
    page, rec, call = _start_call(service, browser, central, video_view)
    try:
        # the media path breaks (as when the station's uplink flaps): ICE is torn down under the call
        service.loop.call(call._pc.close())
        wait_until(lambda: rec.seen(ConsultState.RECONNECTING), timeout=10, what="reconnecting")
        wait_until(lambda: call.state is ConsultState.IN_CALL and call.reconnects == 1, timeout=30,
                   what="the one reconnect")
        assert rec.states[-1][1].get("reconnected") is True
        frames = video_view.frames_rendered
        wait_until(lambda: video_view.frames_rendered > frames + 10, timeout=15, what="frames after reconnecting")
        service.loop.call(call._pc.close())
        wait_until(lambda: rec.final is not None, timeout=15, what="the second drop to end the call")
        assert rec.final[0] is ConsultState.ENDED and rec.final[1]["reason"] == "dropped"
        page.wait_for_function("window.__consult.state === 'ended'", timeout=15000)
        with central.db.session() as s:
            assert s.get(ConsultRequest, call.call_id).reason == "dropped"
    finally:
        page.context.close()
