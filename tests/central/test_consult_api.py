"""Video consultation on central over real HTTP: the kiosk's signed signaling API, the advisor
console's login and JSON API, pools, estimated wait, time-outs, and the service record that
consult.ended makes exactly once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select

from central import consult
from central.__main__ import main as central_main
from central.consult import ConsultRequest
from central.models import ServiceRecord, StationConfig
from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient, Refused
from kiosk.video.signaling import Signaling
from tests.centralfixture import ADVISOR, OTHER_POOL_ADVISOR
from tests.sync.centralserver import KIOSK, SECRET, STATION
from tests.video.conftest import AdvisorHttp

SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 96\r\n"


#: both advisors; a console counts as online for a minute without polling (these tests poll by hand)
pytestmark = pytest.mark.central(advisors=True, advisor_stale_s=60.0)


def kiosk(c, kiosk_id: str = KIOSK, secret: str = SECRET) -> Signaling:  # noqa: ANN001
    return Signaling(CentralClient(c.url, kiosk_id, secret))


def test_line_positions_estimates_and_pools(central):
    adv = AdvisorHttp.login(central.url)
    a, b = kiosk(central), kiosk(central, "other-kiosk", "other-secret-0123456789")
    first = a.create("求职指导", False)
    second = b.create("政策咨询", True)
    assert (first.state, first.position, first.estimated_wait_s) == ("waiting", 1, 0)
    # one advisor, nobody in a call, no finished calls yet: the second waits one assumed call
    assert (second.position, second.estimated_wait_s) == (2, consult.POLICY.default_call_s)
    av = a.availability("求职指导")
    assert (av.open, av.advisors_online, av.waiting) == (True, 1, 2)
    listed = adv.state()["waiting"]
    assert [w["id"] for w in listed] == [first.id, second.id] and listed[0]["station"] == STATION
    # a kiosk sees only its own requests
    with pytest.raises(Refused) as e:
        b.status(first.id)
    assert e.value.status == 404
    # accepting the next takes the first in line; the second moves up
    r = adv.post("accept")
    assert r.status_code == 200 and r.json()["state"]["call"]["id"] == first.id
    assert adv.state()["status"] == "busy"
    st = b.status(second.id)
    assert st.position == 1 and st.estimated_wait_s == consult.POLICY.default_call_s // 2
    assert a.status(first.id).state == "accepted" and a.status(first.id).advisor_name == ADVISOR[2]
    # a station whose config names another pool goes to that pool's advisors only
    with central.db.session() as s:
        row = s.get(StationConfig, "TJ-OTHER-01")
        row.config = {**row.config, "consult_pool": "binhai"}
    a.end(first.id, "hung_up")
    b.end(second.id, "cancelled")
    other = AdvisorHttp.login(central.url, *OTHER_POOL_ADVISOR[:2])
    third = b.create("创业指导", False)
    assert [w["id"] for w in other.state()["waiting"]] == [third.id]
    assert adv.state()["waiting"] == []
    r = adv.post("accept", {"request_id": third.id})
    assert r.status_code == 409


def test_offer_answer_and_refusals(central):
    adv = AdvisorHttp.login(central.url)
    k = kiosk(central)
    req = k.create("求职指导", False)
    with pytest.raises(Refused) as e:
        k.offer(req.id, SDP, 1)
    assert (e.value.status, e.value.code) == (409, "not_accepted")
    adv.post("accept")
    with pytest.raises(Refused) as e:
        k.offer(req.id, "hello, not a description", 1)
    assert (e.value.status, e.value.code) == (400, "bad_sdp")
    st = k.offer(req.id, SDP, 1)
    assert (st.state, st.offer_gen, st.answer_sdp) == ("offered", 1, "")
    assert k.offer(req.id, SDP, 1).version == st.version  # a retried post changes nothing
    got = adv.session.get(f"{central.url}/advisor/api/calls/{req.id}/offer").json()
    assert got == {"offer_gen": 1, "sdp": SDP, "state": "offered"}
    assert adv.post(f"calls/{req.id}/answer", {"sdp": SDP, "generation": 2}).status_code == 409
    assert adv.post(f"calls/{req.id}/answer", {"sdp": SDP, "generation": 1}).status_code == 200
    st = k.status(req.id, since=st.version)
    assert (st.state, st.answer_sdp) == ("connected", SDP)
    # a reconnect: a new offer generation clears the old answer until the advisor answers again
    st = k.offer(req.id, SDP + "a=x\r\n", 2)
    assert (st.offer_gen, st.answer_sdp) == (2, "")
    with pytest.raises(Refused) as e:
        k.offer(req.id, SDP, 1)
    assert e.value.code == "stale_offer"
    # the advisor's status cannot change mid-call; logging out ends the call for the kiosk
    r = adv.post("status", {"status": "break"})
    assert r.status_code == 409 and "结束当前通话" in r.json()["message"]
    r = adv.session.post(central.url + "/advisor/logout", data={"csrf": adv.csrf}, allow_redirects=False)
    assert r.status_code == 303
    st = k.status(req.id)
    assert (st.state, st.reason) == ("ended", "advisor_left")


def test_requests_time_out_and_stale_advisors_leave(central, monkeypatch):
    AdvisorHttp.login(central.url)
    k = kiosk(central)
    req = k.create("其他", False)
    monkeypatch.setattr(consult.POLICY, "request_timeout_s", 0.0)
    st = k.status(req.id)
    assert (st.state, st.reason) == ("timeout", "timeout")
    monkeypatch.setattr(consult.POLICY, "advisor_stale_s", 0.0)  # the console stopped polling
    av = k.availability("其他")
    assert (av.open, av.reason, av.estimated_wait_s) == (False, "closed", None)
    with pytest.raises(Refused) as e:
        k.create("其他", False)
    assert (e.value.status, e.value.code) == (409, "closed")


def test_advisor_login_csrf_and_kiosk_auth(central):
    s = requests.Session()
    r = s.post(central.url + "/advisor/login", data={"login": ADVISOR[0], "password": "wrong"}, allow_redirects=False)
    assert r.status_code == 401 and "账号或密码不对" in r.text and "jincai_advisor" not in r.headers.get("set-cookie", "")
    assert s.get(central.url + "/advisor/api/state").status_code == 401
    assert s.get(central.url + "/advisor/", allow_redirects=False).headers["location"] == "/advisor/login"
    adv = AdvisorHttp.login(central.url)
    r = adv.session.post(central.url + "/advisor/api/accept", json={})  # no CSRF token
    assert r.status_code == 403
    r = adv.session.post(central.url + "/advisor/api/accept", json={}, headers={"X-CSRF-Token": adv.csrf,
                                                                                 "Origin": "http://evil.example"})
    assert r.status_code == 403
    page = adv.session.get(central.url + "/advisor/").text
    assert "王顾问" in page
    assert "RTCPeerConnection" in page and "getUserMedia" in page
    # the kiosk side is signed like every kiosk request
    r = requests.get(central.url + p.PREFIX + "/consult/availability")
    assert r.status_code == 401 and r.json()["error"] == "missing_auth"
    with pytest.raises(Refused) as e:
        kiosk(central, secret="wrong-secret-0123456789").availability("其他")
    assert e.value.code == "bad_signature"


def _event(type_: str, payload: dict) -> p.EventIn:
    return p.EventIn(id=str(uuid.uuid4()), seq=1, type=type_, occurred_at=datetime.now(UTC), payload=payload)


def test_consult_ended_makes_one_service_record(central):
    client = CentralClient(central.url, KIOSK, SECRET)
    call_id = str(uuid.uuid4())
    ended = {"call_id": call_id, "topic": "求职指导", "outcome": "completed", "duration_s": 300,
             "started_at": "2026-11-25T02:00:00+00:00", "ended_at": "2026-11-25T02:05:00+00:00",
             "person_key": "k" * 32}
    first = _event("consult.ended", ended)
    batch = p.EventBatch(events=[_event("consult.requested", {"call_id": call_id, "topic": "求职指导"}), first,
                                 _event("consult.ended", ended), _event("consult.ended", {"topic": "其他"})])
    reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=batch)
    assert [r.status for r in reply.results] == ["accepted", "accepted", "accepted", "rejected"]
    assert "call_id" in reply.results[3].reason
    again, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=[first]))
    assert again.results[0].status == "duplicate"
    with central.db.session() as s:
        rows = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == call_id)).all()
        assert len(rows) == 1
        rec = rows[0]
        assert (rec.service, rec.counter, rec.outcome, rec.event_id) == ("video_consult", "求职指导", "completed", first.id)
        assert (rec.finished_at - rec.started_at).total_seconds() == 300
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 1


def test_add_advisor_command(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert central_main(["--db", db, "add-advisor", "li", "--password", "abcd", "--pool", "binhai",
                         "--name", "李顾问"]) == 0
    assert "added advisor li of pool binhai" in capsys.readouterr().out
    assert central_main(["--db", db, "add-advisor", "li", "--password", "ab"]) == 2
    assert "at least 4" in capsys.readouterr().err
    assert central_main(["--db", db, "add-advisor", "li", "--password", "efgh"]) == 0
    assert "updated advisor li" in capsys.readouterr().out


def test_estimate_learns_from_recent_calls(central):
    from datetime import timedelta

    now = consult._now()
    with central.db.session() as s:
        for minutes in (4, 6):  # two finished calls: 5 minutes on average
            s.add(ConsultRequest(id=str(uuid.uuid4()), kiosk_id=KIOSK, station_id=STATION, pool="tianjin", topic="其他",
                                 state="ended", version=3, created_at=now - timedelta(hours=1),
                                 connected_at=now - timedelta(minutes=30), ended_at=now - timedelta(minutes=30 - minutes)))
    adv = AdvisorHttp.login(central.url)
    k = kiosk(central)
    k.create("其他", False)
    second = k.create("其他", False)  # replaces the first: one request per kiosk at a time
    assert second.position == 1 and second.estimated_wait_s == 0
    other = kiosk(central, "other-kiosk", "other-secret-0123456789").create("其他", False)
    assert (other.position, other.estimated_wait_s) == (2, 300)
    adv.post("accept")
    assert kiosk(central, "other-kiosk", "other-secret-0123456789").status(other.id).estimated_wait_s == 150


def test_five_wrong_passwords_stop_that_address_not_the_advisor(central):
    s = requests.Session()
    guesser = {"X-Forwarded-For": "10.9.8.7"}  # central trusts the proxy on loopback for the client address
    for _ in range(5):
        r = s.post(central.url + "/advisor/login", data={"login": ADVISOR[0], "password": "nope"}, headers=guesser,
                   allow_redirects=False)
        assert r.status_code == 401 and "账号或密码不对" in r.text
    r = s.post(central.url + "/advisor/login", data={"login": ADVISOR[0], "password": ADVISOR[1]}, headers=guesser,
               allow_redirects=False)
    assert r.status_code == 429 and "分钟后再试" in r.text
    # the advisor at their own desk is not locked out by the guesser
    r = requests.post(central.url + "/advisor/login", data={"login": ADVISOR[0], "password": ADVISOR[1]},
                      headers={"X-Forwarded-For": "10.1.1.1"}, allow_redirects=False)
    assert r.status_code == 303
