"""呼叫工作人员 on central: the console shows a kiosk's call, 我马上过去 answers it once (a call of
kind help for the kiosk, a workload record), another station cannot, and an answer given on the
kiosk's own panel while central was away counts the same."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from central import help_calls
from central.app import create_app
from central.models import HelpCall, ServiceRecord
from central.staff_auth import add_staff
from central.sync_api import calls_after
from tests.sync.centralserver import STATION, central_database

OTHER = "TJ-OTHER-01"


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    return request.param


@pytest.fixture
def db(central_db_url):
    d = central_database(central_db_url)
    add_staff(d, STATION, "王芳", "2468")
    add_staff(d, OTHER, "赵六", "1357")
    yield d
    d.dispose()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _ask(db, event_id: str, station: str = STATION, ago_s: int = 30, screen: str = "岗位详情") -> None:
    with db.session() as s:
        help_calls.on_requested(s, station, "kiosk-1", event_id, _now() - timedelta(seconds=ago_s),
                                {"screen": screen, "elder": True})


def _console(db, name="王芳", password="2468", station=STATION) -> tuple[TestClient, str]:
    c = TestClient(create_app(db), base_url="http://127.0.0.1")
    r = c.post("/staff/login", data={"station": station, "counter": "3", "name": name, "password": password},
               follow_redirects=False)
    assert r.status_code == 303
    return c, re.search(r'name="csrf" value="([^"]+)"', c.get("/staff/").text).group(1)


def test_the_console_shows_and_answers_a_call_once(db):
    hid = "11111111-1111-4111-8111-111111111111"
    _ask(db, hid)
    _ask(db, hid)  # the same event twice is one call
    _ask(db, "22222222-2222-4222-8222-222222222222", station=OTHER)
    c, csrf = _console(db)
    state = c.get("/staff/api/state").json()
    assert [(h["id"], h["screen"], h["elder"]) for h in state["help"]] == [(hid, "岗位详情", True)]
    assert state["help"][0]["waited_s"] >= 30
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    r = c.post("/staff/api/help-ack", json={"help_id": "22222222-2222-4222-8222-222222222222"}, headers=headers)
    assert r.status_code == 409 and "没有找到" in r.json()["message"]  # another station's call
    r = c.post("/staff/api/help-ack", json={"help_id": hid}, headers=headers)
    assert r.status_code == 200 and "马上就到" in r.json()["message"] and r.json()["state"]["help"] == []
    r = c.post("/staff/api/help-ack", json={"help_id": hid}, headers=headers)
    assert r.status_code == 409 and "王芳" in r.json()["message"]
    assert c.post("/staff/api/help-ack", json={"help_id": 5}, headers=headers).status_code == 409
    with db.session() as s:
        reply = calls_after(s, STATION, 0)
        assert [(x.kind, x.ticket_id, x.counter) for x in reply.calls] == [("help", hid, "3")]
        assert calls_after(s, OTHER, 0).calls == []
        rec = s.scalars(select(ServiceRecord).where(ServiceRecord.service == "help_call")).one()
        assert (rec.station_id, rec.channel, rec.counter) == (STATION, "kiosk", "3")


def test_an_answer_on_the_kiosk_panel_counts_once_and_tells_no_kiosk(db):
    hid = "33333333-3333-4333-8333-333333333333"
    _ask(db, hid)
    with db.session() as s:
        help_calls.on_answered_at_kiosk(s, OTHER, {"help_id": hid})  # not that station's call
        assert s.get(HelpCall, hid).acknowledged_at is None
        help_calls.on_answered_at_kiosk(s, STATION, {"help_id": hid, "counter": "1"})
        help_calls.on_answered_at_kiosk(s, STATION, {"help_id": hid, "counter": "1"})
    with db.session() as s:
        row = s.get(HelpCall, hid)
        assert (row.acknowledged_by, row.counter) == ("终端面板", "1")
        assert len(s.scalars(select(ServiceRecord).where(ServiceRecord.service == "help_call")).all()) == 1
        assert calls_after(s, STATION, 0).calls == []


def test_calls_older_than_two_hours_are_not_shown(db):
    _ask(db, "44444444-4444-4444-8444-444444444444", ago_s=help_calls.SHOWN_FOR_S + 60)
    with db.session() as s:
        assert help_calls.open_calls(s, STATION) == []
