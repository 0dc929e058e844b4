"""The consultation screens with the real thing behind them: the kiosk's consultation service
(aiortc peer, signaling) against a real central on loopback, and an advisor on the advisor
console (over HTTP, or in headless Chromium with a fake camera for a call with media)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from central.consult import ConsultRequest
from kiosk.domain.consult import ConsultState
from tests.appfixture import go_home, pump, tap, wait_until
from tests.centralfixture import ADVISOR
from tests.video.conftest import AdvisorHttp, make_service

#: central counts a silent console as gone after the production 20 s: with 4 s, a loaded machine's
#: headless console that polled late ended the call as "left" before the advisor's hang-up arrived
pytestmark = [pytest.mark.ui, pytest.mark.central(advisors=True)]


@pytest.fixture
def real(app, central):
    service = make_service(central.url, app.store)
    before, app.services.consult = app.services.consult, service
    yield service
    app.end_visit()
    pump(2)
    app.services.consult = before
    service.stop()


def _topics(app):
    go_home(app)
    tap(app.screen("home").tile("video"))
    screen = app.screen("consult_topic")
    wait_until(lambda: app.nav.current == "consult_topic" and len(screen.ids.topics.children) == 5
               and app.background.pending == 0, timeout=20, what="the topics and their availability")
    return screen


def _choose(app, topic: str) -> None:
    screen = app.screen("consult_topic")
    tap(screen.topic_button(topic))
    wait_until(lambda: not screen.busy_topic and app.background.pending == 0, timeout=20, what="availability")


def _waiting(app, real):
    _choose(app, "求职指导")
    assert app.nav.current == "consult_consent"
    tap(app.screen("consult_consent").ids.agree)
    wait = app.screen("consult_wait")
    wait_until(lambda: wait.live is not None and wait.live.state == ConsultState.WAITING.value
               and wait.queue_line, timeout=20, what="the place in line")
    return wait


def test_nobody_online_offers_the_alternatives(app, real):
    screen = _topics(app)
    assert screen.topic_button("求职指导").status == "现在不在视频咨询服务时间"
    _choose(app, "求职指导")
    assert app.nav.current == "consult_offer"
    assert app.screen("consult_offer").ids.title.text == "现在不在视频咨询服务时间"


def test_waiting_in_the_real_line_then_cancel(app, real, central):
    advisor = AdvisorHttp.login(central.url)
    screen = _topics(app)
    assert screen.topic_button("求职指导").status.startswith("1 位指导师在线")
    wait = _waiting(app, real)
    assert wait.ids.queue_line.text.startswith("下一位就是您")
    call_id = wait.live.call.call_id
    assert [w["id"] for w in advisor.state()["waiting"]] == [call_id]
    tap(wait.ids.cancel)
    assert app.nav.current == "home"
    wait_until(lambda: advisor.state()["waiting"] == [], timeout=20, what="the line to empty on central")
    with central.db.session() as s:
        req = s.scalar(select(ConsultRequest).where(ConsultRequest.id == call_id))
        assert (req.state, req.reason) == ("cancelled", "cancelled")
    pump(3)
    assert app.nav.current == "home"


@pytest.mark.browser
def test_a_real_call_on_the_call_screen_ended_by_the_advisor(app, real, central, browser):
    from kiosk.video import harness

    page = harness.advisor_login(browser, central.url, ADVISOR[0], ADVISOR[1])
    try:
        _topics(app)
        wait = _waiting(app, real)
        page.wait_for_function("document.querySelectorAll('#waiting button').length === 1", timeout=15000)
        page.click("#b-next")
        call = app.screen("consult_call")
        wait_until(lambda: app.nav.current == "consult_call", timeout=40, what="the call screen")
        assert wait.live is call.live
        wait_until(lambda: call.ids.remote.frames_rendered > 10 and call.ids.local.frames_rendered > 10,
                   timeout=30, what="the advisor's and the resident's pictures")
        wait_until(lambda: call.quality_text != "", timeout=20, what="the network quality")
        wait_until(lambda: call.timer_text >= "00:02", timeout=20, what="the call timer")
        keep = os.environ.get("VIDEO_SCREENSHOTS")
        if keep:  # the call screen in a real call, to look at
            from kivy.core.window import Window

            Path(keep).mkdir(parents=True, exist_ok=True)
            real_path = Window.screenshot(name=str(Path(keep) / "kiosk-call-screen-real.png"))
            os.replace(real_path, Path(keep) / "kiosk-call-screen-real.png")
        tap(call.ids.mute)
        wait_until(lambda: call.muted, what="muted")
        page.click("#b-end")
        ended = app.screen("consult_ended")
        wait_until(lambda: app.nav.current == "consult_ended", timeout=20, what="the end screen")
        assert ended.ids.title.text == f"指导师{ADVISOR[2]}已结束通话"
        assert ended.ids.rating.parent is not None
        assert call.ids.remote.texture is None
    finally:
        page.context.close()
