"""The app builds the consultation service (services.consult) and a visit's end (logout, idle
wipe) ends any call or place in line."""

from __future__ import annotations

import pytest

from central.consult import ConsultRequest
from kiosk.domain.consult import ConsultCall, ConsultCalls, ConsultState
from kiosk.sync.client import CentralClient
from kiosk.video.signaling import Signaling
from tests.appfixture import fresh_visit, wait_until
from tests.sync.centralserver import KIOSK, SECRET
from tests.video.conftest import AdvisorHttp, Recorder

pytestmark = pytest.mark.ui


def test_app_has_the_consultation_service(kiosk_app):
    consult = kiosk_app.services.consult
    assert isinstance(consult, ConsultCalls)
    assert "求职指导" in consult.topics and "政策咨询" in consult.identity_required
    # the demo has central switched off: the screens hear "unreachable" and offer the alternatives
    assert consult.availability("求职指导").reason == "unreachable"
    rec = Recorder()
    call = consult.start("求职指导", None, rec)
    assert isinstance(call, ConsultCall)
    wait_until(lambda: rec.final is not None, what="the request to fail")
    assert rec.final == (ConsultState.FAILED, {"reason": "unreachable"})


def test_visit_end_ends_the_wait(kiosk_app, central):
    consult = kiosk_app.services.consult
    old = consult.signaling
    consult.signaling = Signaling(CentralClient(central.url, KIOSK, SECRET))
    try:
        AdvisorHttp.login(central.url)
        rec = Recorder()
        call = consult.start("求职指导", None, rec)
        wait_until(lambda: rec.seen(ConsultState.WAITING), timeout=15, what="waiting in line")
        fresh_visit(kiosk_app)  # what the idle timeout and logout do
        wait_until(lambda: rec.final is not None, timeout=15, what="the wait to end")
        assert rec.final == (ConsultState.ENDED, {"reason": "cancelled"})
        wait_until(lambda: consult.current is None, timeout=15, what="the service to forget it")
        with central.db.session() as s:
            assert s.get(ConsultRequest, call.call_id).state == "cancelled"
    finally:
        consult.signaling = old
