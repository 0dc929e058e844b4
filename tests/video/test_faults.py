"""What goes wrong in a consultation, each with a clean end on both sides: no advisor, the
resident cancelling while waiting, the advisor going away mid-call, central unreachable, and a
session description that cannot be used."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import select

from central.consult import ConsultRequest
from central.models import Event
from kiosk.domain.consult import ConsultState
from kiosk.sync.client import CentralClient
from kiosk.sync.pusher import push_all
from kiosk.video import harness
from tests.sync.centralserver import KIOSK, SECRET, free_port
from tests.video.conftest import ADVISOR, OTHER_POOL_ADVISOR, AdvisorHttp, Recorder, make_service


def _wait(pred, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _ended_events(central, store) -> list[dict]:  # noqa: ANN001
    push_all(store, CentralClient(central.url, KIOSK, SECRET), None)
    with central.db.session() as s:
        return [e.payload for e in s.scalars(select(Event).where(Event.type == "consult.ended")).all()]


def test_no_advisor_online_or_all_on_break(service, central, kiosk_store):
    a = service.availability("求职指导")
    assert (a.open, a.reason, a.advisors_online, a.estimated_wait_s) == (False, "closed", 0, None)
    rec = Recorder()
    call = service.start("求职指导", None, rec)
    _wait(lambda: rec.final is not None, what="the refusal")
    assert rec.final == (ConsultState.FAILED, {"reason": "no_advisor"})
    assert call.call_id == ""  # nothing was created on central, so nothing is recorded
    assert _ended_events(central, kiosk_store) == []
    # an advisor of another pool does not count; one of ours on a break makes it "no_advisor"
    AdvisorHttp.login(central.url, *OTHER_POOL_ADVISOR[:2])
    assert service.availability("求职指导").reason == "closed"
    adv = AdvisorHttp.login(central.url)
    assert adv.post("status", {"status": "break"}).status_code == 200
    a = service.availability("求职指导")
    assert (a.open, a.reason) == (False, "no_advisor")
    assert adv.post("status", {"status": "available"}).status_code == 200
    a = service.availability("求职指导")
    assert (a.open, a.reason, a.advisors_online) == (True, "", 1)


def test_resident_cancels_while_waiting(service, central, kiosk_store):
    adv = AdvisorHttp.login(central.url)
    other = AdvisorHttp.login(central.url, *OTHER_POOL_ADVISOR[:2])
    rec = Recorder()
    call = service.start("政策咨询", "pk-" + "0" * 20, rec)
    _wait(lambda: rec.queue, what="the place in line")
    assert rec.queue[0][0] == 1 and rec.seen(ConsultState.WAITING)
    listed = adv.state()["waiting"]
    assert [(w["id"], w["topic"], w["identified"]) for w in listed] == [(call.call_id, "政策咨询", True)]
    assert other.state()["waiting"] == []  # another pool never sees it
    call.cancel()
    _wait(lambda: rec.final is not None, what="the cancel")
    assert rec.final == (ConsultState.ENDED, {"reason": "cancelled"})
    _wait(lambda: adv.state()["waiting"] == [], what="the line to empty")
    r = adv.post("accept", {"request_id": call.call_id})
    assert r.status_code == 409 and "已不在等候" in r.json()["message"]
    with central.db.session() as s:
        req = s.get(ConsultRequest, call.call_id)
        assert (req.state, req.reason) == ("cancelled", "cancelled")
    [ended] = _ended_events(central, kiosk_store)
    assert ended["outcome"] == "cancelled" and ended["duration_s"] == 0 and ended["person_key"].startswith("pk-")


def test_identity_required_topic_needs_a_person(service):
    with pytest.raises(ValueError, match="identify"):
        service.start("政策咨询", None, Recorder())
    with pytest.raises(ValueError, match="unknown"):
        service.start("算命", None, Recorder())


@pytest.mark.browser
@pytest.mark.central(advisors=True, advisor_stale_s=4.0)
def test_advisor_goes_away_mid_call(service, browser, central, kiosk_store):
    page = harness.advisor_login(browser, central.url, ADVISOR[0], ADVISOR[1])
    rec = Recorder()
    call = service.start("求职指导", None, rec)
    page.wait_for_function("document.querySelectorAll('#waiting button').length === 1", timeout=15000)
    page.click("#b-next")
    _wait(lambda: call.state is ConsultState.IN_CALL, timeout=30, what="the call")
    _wait(lambda: call.video_frames_received > 10, what="video from the advisor")
    page.context.close()  # the advisor's browser closes (tab shut, machine off)
    _wait(lambda: rec.final is not None, timeout=20, what="the kiosk to notice")
    assert rec.final[0] is ConsultState.ENDED and rec.final[1]["reason"] == "advisor_left"
    with central.db.session() as s:
        assert s.get(ConsultRequest, call.call_id).reason == "advisor_left"
    [ended] = _ended_events(central, kiosk_store)
    assert ended["reason"] == "advisor_left" and ended["outcome"] == "completed"
    assert service.availability("求职指导").reason == "closed"


def test_central_unreachable(kiosk_store):
    svc = make_service(f"http://127.0.0.1:{free_port()}", kiosk_store)
    try:
        a = svc.availability("求职指导")
        assert (a.open, a.reason) == (False, "unreachable")
        rec = Recorder()
        svc.start("求职指导", None, rec)
        _wait(lambda: rec.final is not None, what="the failure")
        assert rec.final == (ConsultState.FAILED, {"reason": "unreachable"})
    finally:
        svc.stop()


def test_a_call_that_fails_before_the_media_open_does_not_wait_for_them(kiosk_store):
    """The media open on the video loop itself: a call ending on that loop must not block it
    waiting for them (it did, for a minute, when a call failed within seconds of the warm-up)."""
    svc = make_service(f"http://127.0.0.1:{free_port()}", kiosk_store)
    release = threading.Event()
    open_media = svc._open_media

    async def held_back():  # the camera, microphone and aiortc taking their time
        await asyncio.get_running_loop().run_in_executor(None, release.wait)
        return await open_media()

    svc._open_media = held_back
    try:
        rec = Recorder()
        svc.start("求职指导", None, rec)
        _wait(lambda: rec.final is not None, what="the failure")
        assert rec.final == (ConsultState.FAILED, {"reason": "unreachable"})
        assert svc.opened_media() is None
    finally:
        release.set()
        svc.stop()


def test_central_goes_away_while_waiting(tmp_path, kiosk_store, monkeypatch):
    from central import consult
    from tests.sync.centralserver import running_central

    with running_central(f"sqlite:///{tmp_path / 'c.db'}") as c:
        with c.db.session() as s:
            consult.add_advisor(s, *ADVISOR[:2])
        AdvisorHttp.login(c.url)
        svc = make_service(c.url, kiosk_store)
        rec = Recorder()
        svc.start("求职指导", None, rec)
        _wait(lambda: rec.seen(ConsultState.WAITING), what="waiting")
    try:
        _wait(lambda: rec.final is not None, timeout=30, what="the kiosk to give up")
        assert rec.final == (ConsultState.FAILED, {"reason": "unreachable"})
    finally:
        svc.stop()


def test_bad_sdp(service, central, kiosk_store):
    adv = AdvisorHttp.login(central.url)
    rec = Recorder()
    call = service.start("求职指导", None, rec)
    _wait(lambda: rec.seen(ConsultState.WAITING), what="waiting")
    assert adv.post("accept").status_code == 200
    _wait(lambda: adv.state()["call"] and adv.state()["call"]["offer_gen"] == 1, what="the kiosk's offer")
    offer = adv.session.get(f"{central.url}/advisor/api/calls/{call.call_id}/offer").json()
    assert offer["sdp"].startswith("v=0") and "m=video" in offer["sdp"] and "m=audio" in offer["sdp"]
    # an "answer" that is not one: the kiosk refuses it, tells central, and both sides end
    r = adv.post(f"calls/{call.call_id}/answer", {"sdp": "v=0\r\nm=nonsense\r\n", "generation": 1})
    assert r.status_code == 200
    _wait(lambda: rec.final is not None, what="the kiosk to refuse the answer")
    assert rec.final[0] is ConsultState.FAILED and rec.final[1]["reason"] == "bad_sdp"
    _wait(lambda: adv.state()["call"] is None, what="the advisor's call to end")
    assert adv.state()["last"]["reason"] == "bad_sdp"
    [ended] = _ended_events(central, kiosk_store)
    assert ended["reason"] == "bad_sdp" and ended["outcome"] == "bad_sdp"
