"""The console's HTTP side: login, sessions, CSRF, the JSON actions, statistics access, the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from central.__main__ import main as central_main
from central.app import create_app
from central.models import CallRecord, ServiceRecord, StaffUser
from central.passwords import check_password, hash_password
from central.staff_auth import add_staff
from central.tickets import utcnow
from tests.central.conftest import STATION, issue


@pytest.fixture
def client(db):
    add_staff(db, STATION, "王芳", "2468")
    add_staff(db, "TJ-OTHER-01", "赵六", "1357")
    with TestClient(create_app(db), base_url="http://127.0.0.1") as c:
        yield c


def login(c, name="王芳", password="2468", station=STATION, counter="3"):
    return c.post("/staff/login", data={"station": station, "counter": counter, "name": name, "password": password},
                  follow_redirects=False)


def csrf(c) -> str:
    page = c.get("/staff/")
    assert page.status_code == 200
    return re.search(r'<meta name="csrf" content="([^"]+)"', page.text).group(1)


def test_password_hashes_are_salted():
    a, b = hash_password("2468"), hash_password("2468")
    assert a != b and "2468" not in a
    assert check_password("2468", a) and not check_password("2469", a) and not check_password("2468", "junk")


def test_console_needs_login(client):
    r = client.get("/staff/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    assert client.get("/staff/api/state").status_code == 401
    assert client.post("/staff/api/call-next", json={}).status_code == 401
    form = client.get("/staff/login?station=" + STATION + "&counter=3")
    assert "工作人员登录" in form.text and 'value="3"' in form.text and "南市街就业驿站" in form.text


def _error(page: str) -> str:
    return re.search(r'class="error"[^>]*>([^<]*)<', page).group(1)


def test_wrong_passwords_stop_that_address_on_that_name_alike_for_every_name(client, db):
    r = login(client, password="0000")
    assert r.status_code == 401 and "密码不对" in r.text and "jincai_staff" not in r.headers.get("set-cookie", "")
    unknown = login(client, name="没有这个人")
    assert unknown.status_code == 401 and _error(unknown.text) == _error(r.text)  # the same answer
    assert login(client, station="TJ-OTHER-01").status_code == 401  # an account belongs to one station
    for name in ("王芳", "没有这个人"):
        for _ in range(4):
            login(client, name=name, password="0000")
    known, nobody = login(client), login(client, name="没有这个人")  # the right password is not even tried now
    assert known.status_code == nobody.status_code == 429
    assert _error(known.text) == _error(nobody.text) and "分钟后再试" in _error(known.text)
    assert int(known.headers["retry-after"]) > 0
    with db.session() as s:  # nothing on the account itself: no stranger can lock it
        row = s.scalar(select(StaffUser).where(StaffUser.name == "王芳"))
        assert row.locked_until is None and row.failed_logins == 0
    assert login(client, name="李明", password="1357").status_code in (401, 303)  # other names still open


def test_actions_need_the_csrf_token(client, db):
    issue(db, "A001", issued_at=utcnow() - timedelta(minutes=3))
    assert login(client).status_code == 303
    token = csrf(client)
    assert client.post("/staff/api/call-next", json={}).status_code == 403
    wrong = ("y" if token[0] == "x" else "x") + token[1:]  # a token starting with x must still change
    assert client.post("/staff/api/call-next", json={}, headers={"X-CSRF-Token": wrong}).status_code == 403
    evil = client.post("/staff/api/call-next", json={},
                       headers={"X-CSRF-Token": token, "Origin": "http://evil.example"})
    assert evil.status_code == 403
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CallRecord)) == 0
    r = client.post("/staff/api/call-next", json={}, headers={"X-CSRF-Token": token, "Origin": "http://127.0.0.1"})
    assert r.status_code == 200 and r.json()["message"] == "已呼叫 A001 号"


def test_a_tampered_or_foreign_cookie_is_refused(client):
    assert login(client).status_code == 303
    cookie = client.cookies.get("jincai_staff")
    body, sig = cookie.rsplit(".", 1)
    client.cookies.set("jincai_staff", body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig, path="/staff")
    assert client.get("/staff/api/state").status_code == 401


def test_a_working_session_through_the_api(client, db):
    tid = issue(db, "A001", issued_at=utcnow() - timedelta(minutes=4), person_key="pk-9")
    issue(db, "D001", service="policy_consultation", issued_at=utcnow() - timedelta(minutes=2))
    login(client)
    h = {"X-CSRF-Token": csrf(client)}
    st = client.get("/staff/api/state").json()
    assert st["counter"] == "3" and st["staff"] == "王芳" and st["current"] is None
    assert st["today"]["waiting"] == 2
    r = client.post("/staff/api/call-next", json={}, headers=h).json()
    assert r["state"]["current"]["number"] == "A001" and r["ticket_id"] == tid
    again = client.post("/staff/api/call-next", json={}, headers=h)
    assert again.status_code == 200 and again.json()["changed"] is False
    bad = client.post("/staff/api/no-show", json={"ticket_id": "not-mine"}, headers=h)
    assert bad.status_code == 409 and bad.json()["message"]
    assert client.post("/staff/api/start", json={"ticket_id": tid}, headers=h).status_code == 200
    r = client.post("/staff/api/transfer", json={"ticket_id": tid}, headers=h)
    assert r.status_code == 409 and "业务" in r.json()["message"]
    r = client.post("/staff/api/finish", json={"ticket_id": tid, "services": ["job_registration", "policy_consultation"]}, headers=h)
    assert r.status_code == 200 and r.json()["state"]["counter_today"]["served"] == 1
    r = client.post("/staff/api/finish", json={"ticket_id": tid}, headers=h)
    assert r.status_code == 200 and r.json()["changed"] is False
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 1
    r = client.post("/staff/api/services", json={"services": ["policy_consultation"]}, headers=h).json()
    assert [x["code"] for x in r["state"]["services"] if x["mine"]] == ["policy_consultation"]
    assert client.post("/staff/api/explode", json={}, headers=h).status_code == 404
    assert client.post("/staff/api/call", content=b"[1,2", headers=h).status_code == 400


def test_statistics_are_per_station_for_staff(client, db):
    issue(db, "A001", issued_at=utcnow() - timedelta(minutes=2))
    issue(db, "A001", issued_at=utcnow() - timedelta(minutes=2), station="TJ-OTHER-01")
    issue(db, "A002", issued_at=utcnow() - timedelta(minutes=1), station="TJ-OTHER-01")
    login(client, name="赵六", password="1357", station="TJ-OTHER-01")
    page = client.get(f"/staff/stats?station={STATION}")
    assert page.status_code == 200 and "另一驿站" in page.text and "南市街就业驿站" not in page.text
    csv_ = client.get(f"/staff/stats.csv?station={STATION}")
    assert csv_.headers["content-type"].startswith("text/csv") and "attachment" in csv_.headers["content-disposition"]
    lines = csv_.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and ",TJ-OTHER-01,另一驿站,job_registration,求职登记,2,0,0,0," in lines[1]
    add_staff(db, STATION, "管理员", "9999", role="admin")
    client.cookies.clear()
    login(client, name="管理员", password="9999")
    both = client.get("/staff/stats.csv").content.decode("utf-8-sig").strip().splitlines()
    assert len(both) == 3
    one = client.get(f"/staff/stats.csv?station={STATION}").content.decode("utf-8-sig").strip().splitlines()
    assert len(one) == 2 and STATION in one[1]


def test_logout_ends_the_session(client):
    login(client)
    token = csrf(client)
    r = client.post("/staff/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and "counter=3" in r.headers["location"]
    assert client.get("/staff/api/state").status_code == 401


def test_add_staff_command(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert central_main(["--db", url, "add-staff", "--station", STATION, "--name", "刘洋", "--password", "8642"]) == 0
    assert "added staff 刘洋" in capsys.readouterr().out
    assert central_main(["--db", url, "add-staff", "--station", STATION, "--name", "刘洋", "--password", "12"]) == 2
    from central.db import Database

    db = Database(url)
    with db.session() as s:
        row = s.scalars(select(StaffUser)).one()
        assert row.name == "刘洋" and check_password("8642", row.password_hash)
    db.dispose()


def test_priority_through_the_api_and_the_tickets_status_page(client, db):
    a1 = issue(db, "A001", issued_at=utcnow() - timedelta(minutes=6))
    a2 = issue(db, "A002", issued_at=utcnow() - timedelta(minutes=4))
    page = client.get(f"/tickets/{a2}")  # the QR's page: no login, nothing personal
    assert page.status_code == 200 and "A002" in page.text and "前面还有 1 人" in page.text
    assert client.get("/tickets/not-a-ticket").status_code == 404
    login(client)
    h = {"X-CSRF-Token": csrf(client)}
    st = client.get("/staff/api/state").json()
    assert st["priority_groups"] == ["残疾人", "孕妇/怀抱婴儿", "军人依法优先", "其他"] and st["note_max"] == 30
    r = client.post("/staff/api/priority", json={"ticket_id": a2, "group": "其他"}, headers=h)
    assert r.status_code == 409 and "写明原因" in r.json()["message"]
    r = client.post("/staff/api/priority", json={"ticket_id": a2, "group": "孕妇/怀抱婴儿"}, headers=h)
    assert r.status_code == 200 and r.json()["changed"]
    [line] = [x for x in r.json()["state"]["lines"] if x["code"] == "job_registration"]
    assert [(t["number"], t["priority_group"]) for t in line["tickets"]] == [("A002", "孕妇/怀抱婴儿"), ("A001", "")]
    page = client.get(f"/tickets/{a2}")
    assert "下一个就到您" in page.text and "优先" in page.text and "孕妇" not in page.text
    assert "前面还有 1 人" in client.get(f"/tickets/{a1}").text
