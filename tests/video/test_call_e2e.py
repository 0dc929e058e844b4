"""A whole consultation on loopback: the kiosk's real aiortc peer (test pattern + tone) asks,
a real advisor in headless Chromium (fake camera + microphone) accepts on the advisor console,
video and audio flow both ways (every counter grows, again and again), the kiosk draws the advisor's frames into a
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

#: how many times every media counter must grow again, both ways
MEDIA_ROUNDS = 4
#: audio packets the advisor receives per measuring window (20 ms each: about a second)
AUDIO_WINDOW = 50


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


def _media(call, page, view) -> tuple:
    c = _counters(page)
    # advisor → kiosk: decoded video and audio frames, frames drawn into the texture;
    # kiosk → advisor: frames the browser rendered (requestVideoFrameCallback), audio packets
    return (call.video_frames_received, call.audio_frames_received, view.frames_rendered,
            c["framesRendered"], c["audioPackets"])


def _assert_media_both_ways(page, rec, call, view) -> None:  # noqa: ANN001
    """Media keeps arriving, both ways: every counter grows, then grows again, several times.
    Each round waits for that state, however slow the machine; rates belong to ``bench video``."""
    page.wait_for_function("window.__consult.framesRendered > 0 && window.__consult.audioPackets > 0", timeout=15000)
    wait_until(lambda: view.frames_rendered > 0, timeout=15, what="the first frame in the texture")
    names = ("advisor video at the kiosk", "advisor audio at the kiosk", "frames drawn in the kiosk's texture",
             "kiosk video shown in the browser", "kiosk audio at the browser")
    for round_ in range(MEDIA_ROUNDS):
        prev = _media(call, page, view)
        now = [prev]

        def grown(prev=prev, now=now) -> bool:
            now[0] = _media(call, page, view)
            return all(n > p for n, p in zip(now[0], prev))

        try:
            wait_until(grown, timeout=20, what=f"media both ways, round {round_ + 1}")
        except AssertionError as e:
            stuck = ", ".join(f"{name} at {n}" for name, n, p in zip(names, now[0], prev) if n <= p)
            raise AssertionError(f"{e}: {stuck}") from None
    # the browser's encoder starts small and adapts: the texture follows the frames' size
    assert view.texture is not None and tuple(view.texture.size) in rec.sizes and view.texture.size[0] >= 320
    assert rec.local > 0, "the kiosk's own picture never reached the listener"
    wait_until(lambda: rec.stats and rec.stats[-1]["fps_received"] > 0, timeout=20, what="call statistics")
    st = rec.stats[-1]
    assert set(st) == {"rtt_ms", "loss_pct", "fps_received", "quality"} and st["quality"] in ("good", "fair", "poor")
    # the round trip comes from the browser's RTCP reports; on a loaded machine aiortc may not have
    # one yet however long the call has run, so "unknown" is an allowed answer, a wrong one is not
    assert st["rtt_ms"] is None or st["rtt_ms"] >= 0


def _audio_window(page) -> tuple[float, int]:
    """(sound energy, packets) the advisor received over the next AUDIO_WINDOW audio packets."""
    c0 = _counters(page)
    last = [c0]

    def enough() -> bool:
        last[0] = _counters(page)
        return last[0]["audioPackets"] >= c0["audioPackets"] + AUDIO_WINDOW

    wait_until(enough, timeout=30, what=f"{AUDIO_WINDOW} audio packets at the advisor")
    return last[0]["audioEnergy"] - c0["audioEnergy"], last[0]["audioPackets"] - c0["audioPackets"]


def _assert_one_ended(central, store, call_id: str, reason: str, at_least_s: float) -> None:  # noqa: ANN001
    client = CentralClient(central.url, KIOSK, SECRET)
    for _ in range(2):  # a second push is a no-op: nothing pending, and the record stays single
        push_all(store, client, None)
    with central.db.session() as s:
        events = s.scalars(select(Event).where(Event.type == "consult.ended")).all()
        mine = [e for e in events if e.payload.get("call_id") == call_id]
        assert len(mine) == 1, f"expected one consult.ended, got {len(mine)}"
        assert mine[0].payload["reason"] == reason and mine[0].payload["outcome"] == "completed"
        assert mine[0].payload["duration_s"] >= at_least_s - 1
        assert s.scalar(select(func.count()).select_from(ServiceRecord)
                        .where(ServiceRecord.ticket_id == call_id)) == 1
        assert s.scalar(select(func.count()).select_from(Event).where(Event.type == "consult.requested")) == 1


@pytest.mark.parametrize("side", ["kiosk", "advisor"])
def test_call_both_ways_then_hang_up(side, service, browser, central, kiosk_store, video_view, tmp_path):
    page, rec, call = _start_call(service, browser, central, video_view)
    connected = time.monotonic()  # the call was up at least from here until the hang-up below
    try:
        _assert_media_both_ways(page, rec, call, video_view)
        shot = tmp_path / f"advisor-console-in-call-{side}.png"
        page.screenshot(path=str(shot))
        keep = os.environ.get("VIDEO_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(keep) / shot.name)
        if side == "kiosk":
            # mute: the advisor keeps receiving packets, but no sound energy arrives (measured
            # per packet over windows of packets, not of seconds)
            loud, loud_n = _audio_window(page)
            assert loud > 0, "the tone never reached the advisor"
            call.set_muted(True)
            # what was already on its way and the browser's jitter buffer drain first (more of it on
            # a loaded machine): wait, window by window, for the silence; it must come
            for _ in range(10):
                quiet, quiet_n = _audio_window(page)
                if quiet / quiet_n < loud / loud_n / 10:
                    break
            assert quiet_n >= AUDIO_WINDOW, "muting must not stop the audio stream"
            assert quiet / quiet_n < loud / loud_n / 10, "sound still arrives while muted"
            call.set_muted(False)
            up_s = time.monotonic() - connected
            call.hang_up()
            want = "hung_up"
        else:
            up_s = time.monotonic() - connected
            page.click("#b-end")
            want = "advisor_ended"
        wait_until(lambda: rec.final is not None, timeout=15, what="the kiosk side to end")
        assert rec.final == (ConsultState.ENDED, {**rec.final[1], "reason": want})
        assert rec.final[1]["advisor_name"] == ADVISOR[2] and rec.final[1]["duration_s"] >= up_s - 1
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
        _assert_one_ended(central, kiosk_store, call.call_id, want, up_s)
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
