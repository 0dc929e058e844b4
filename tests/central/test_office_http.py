"""The back office over HTTP: roles and scope, sessions that end when an account is disabled, the
403 across stations, 已被他人更新, audited reveals, 差评 deadlines, filters and the roll-up, the CLI."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from central.__main__ import main as central_main
from central.app import create_app
from central.models import AuditEntry, Interest, Rating, Registration, ServiceRecord, StaffUser, StationConfig
from central.office import interests, ratings, registrations
from central.scope import stations_in_scope
from central.staff_auth import StaffSession, add_staff
from central.tickets import utcnow
from tests.central.conftest import STATION
from tests.central.office_data import in_district

OTHER = "TJ-OTHER-01"
FAR = "TJ-FAR-01"
NOW = datetime(2026, 3, 2, 2, 0)  # a Monday, 10:00 in Tianjin


@pytest.fixture
def office_db(db):
    with db.session() as s:
        s.add(StationConfig(station_id=FAR, version=1, config={"name": "远处驿站"}))
    in_district(db, STATION, "南市街就业驿站", "和平区")
    in_district(db, OTHER, "另一驿站", "和平区")
    in_district(db, FAR, "远处驿站", "蓟州区")
    add_staff(db, STATION, "王芳", "2468")
    add_staff(db, OTHER, "赵六", "1357")
    add_staff(db, "", "和平区管理员", "5555", role="district", district="和平区")
    add_staff(db, "", "市管理员", "7777", role="city")
    return db


@pytest.fixture
def client(office_db):
    with TestClient(create_app(office_db), base_url="http://127.0.0.1") as c:
        yield c


def login(c, name="王芳", password="2468", station=STATION, counter=""):
    r = c.post("/staff/login", data={"station": station, "counter": counter, "name": name, "password": password},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def csrf_of(html: str) -> str:
    return re.search(r'<meta name="csrf" content="([^"]+)"', html).group(1)


def interest(db, station=STATION, phone="13812345678", id_number="120101199001011234") -> str:
    eid = str(uuid.uuid4())
    with db.session() as s:
        interests.on_expressed(s, station, eid, NOW, {"vacancy_id": "V1", "title": "保洁员", "employer": "和平物业",
                                                      "id_number": id_number, "phone": phone, "person_key": "pk1"})
    return eid


def registration(db, station=STATION, groups=("高校毕业生",), status="失业，正在找工作", training=("电工",)) -> str:
    eid = str(uuid.uuid4())
    with db.session() as s:
        registrations.on_submitted(s, station, eid, NOW, {
            "id_number": "120101199001011234", "phone": "13900001111", "employment_status": status,
            "desired_occupations": ["电工"], "desired_district": "和平区", "expected_salary": "3000-5000元",
            "training_needs": list(training), "key_groups": list(groups)})
    return eid


def rating(db, score: int, station=STATION, at: datetime = NOW) -> str:
    eid = str(uuid.uuid4())
    with db.session() as s:
        ratings.on_given(s, station, eid, at, {"service": "job_registration", "score": score})
    return eid


def sess(role: str, station: str = "", district: str = "") -> StaffSession:
    return StaffSession(1, "x", station, "", role, 0, "", 0, district)


def test_scope_by_role(office_db):
    with office_db.session() as s:
        assert stations_in_scope(s, sess("staff", STATION)) == [STATION]
        assert stations_in_scope(s, sess("district", district="和平区")) == sorted([STATION, OTHER])
        assert stations_in_scope(s, sess("district", district="河西区")) == []
        assert stations_in_scope(s, sess("city")) == sorted([STATION, OTHER, FAR])
        assert stations_in_scope(s, sess("admin", STATION)) == sorted([STATION, OTHER, FAR])
        assert stations_in_scope(s, sess("staff", "")) == []


def test_older_admin_role_is_a_city_administrator(office_db, client):
    add_staff(office_db, STATION, "老管理员", "9999", role="admin")
    with office_db.session() as s:
        assert s.scalars(select(StaffUser.role).where(StaffUser.name == "老管理员")).one() == "city"
    login(client, "老管理员", "9999")
    assert client.get("/staff/accounts").status_code == 200


def test_disabling_an_account_ends_its_sessions(office_db, client):
    login(client, counter="2")
    assert client.get("/staff/api/state").status_code == 200
    assert client.get("/staff/interests").status_code == 200
    admin = TestClient(client.app, base_url="http://127.0.0.1")
    login(admin, "市管理员", "7777", station="-")
    page = admin.get("/staff/accounts")
    with office_db.session() as s:
        uid = s.scalars(select(StaffUser.id).where(StaffUser.name == "王芳")).one()
    r = admin.post(f"/staff/accounts/{uid}/disable", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    # the same cookie, still signed and unexpired, opens nothing any more
    assert client.get("/staff/api/state").status_code == 401
    assert client.get("/staff/interests", follow_redirects=False).headers["location"] == "/staff/login"
    # enabling again does not bring the old session back: it must log in anew
    admin.post(f"/staff/accounts/{uid}/enable", data={"csrf": csrf_of(page.text)})
    assert client.get("/staff/api/state").status_code == 401
    login(client)
    assert client.get("/staff/interests").status_code == 200


def test_a_new_password_ends_the_sessions_too(office_db, client):
    login(client)
    assert client.get("/staff/interests").status_code == 200
    add_staff(office_db, STATION, "王芳", "new-pass")
    assert client.get("/staff/interests", follow_redirects=False).status_code == 303


def test_interest_moves_audit_403_and_stale(office_db, client):
    mine, theirs = interest(office_db), interest(office_db, station=OTHER, phone="13700000000")
    login(client)
    page = client.get("/staff/interests")
    assert "保洁员" in page.text and "138****5678" in page.text and "13812345678" not in page.text
    assert "120101********1234" in page.text and "13700000000" not in page.text and "137****0000" not in page.text
    token = csrf_of(page.text)
    # another station's record: 403 and an audit row, the record unchanged
    r = client.post(f"/staff/interests/{theirs}", data={"csrf": token, "to": "contacted", "version": "1"})
    assert r.status_code == 403 and "其他驿站" in r.text
    with office_db.session() as s:
        assert s.get(Interest, theirs).status == "new"
        row = s.scalars(select(AuditEntry).where(AuditEntry.action == "refused_change")).one()
        assert (row.user_name, row.record_id, row.record_station) == ("王芳", theirs, OTHER)
    # a move, then a second move made against the same version: 已被他人更新
    r = client.post(f"/staff/interests/{mine}", data={"csrf": token, "to": "contacted", "version": "1", "note": "已电话"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/staff/interests/{mine}", data={"csrf": token, "to": "failed", "version": "1"})
    assert r.status_code == 409 and "已被他人更新" in r.text
    # a move that skips steps is refused
    r = client.post(f"/staff/interests/{mine}", data={"csrf": token, "to": "hired", "version": "2"})
    assert r.status_code == 409 and "不能改为" in r.text
    r = client.post(f"/staff/interests/{mine}", data={"csrf": token, "to": "referred", "version": "2"},
                    follow_redirects=False)
    assert r.status_code == 303
    with office_db.session() as s:
        row = s.get(Interest, mine)
        assert (row.status, row.version, row.updated_by) == ("referred", 3, "王芳")
        recs = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == mine)).all()
        assert sorted(r.service for r in recs) == ["interest_followup", "referral"]
        assert {r.station_id for r in recs} == {STATION} and {r.person_key for r in recs} == {"pk1"}
    # no CSRF token: refused
    assert client.post(f"/staff/interests/{mine}", data={"to": "interview", "version": "3"}).status_code == 403


def test_reveal_is_for_the_station_and_audited(office_db, client):
    mine, theirs = interest(office_db), interest(office_db, station=OTHER)
    login(client)
    token = csrf_of(client.get("/staff/interests").text)
    r = client.post(f"/staff/reveal/interest/{mine}/phone", headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json() == {"value": "13812345678"}
    assert client.post(f"/staff/reveal/interest/{theirs}/phone", headers={"X-CSRF-Token": token}).status_code == 404
    assert client.post(f"/staff/reveal/interest/{mine}/phone").status_code == 403
    assert client.post(f"/staff/reveal/interest/{mine}/name", headers={"X-CSRF-Token": token}).status_code == 404
    # a district administrator sees both lists, masked, and cannot reveal
    admin = TestClient(client.app, base_url="http://127.0.0.1")
    login(admin, "和平区管理员", "5555", station="-")
    page = admin.get("/staff/interests")
    assert page.text.count('class="card item') == 2 and 'class="reveal"' not in page.text
    r = admin.post(f"/staff/reveal/interest/{mine}/phone", headers={"X-CSRF-Token": csrf_of(page.text)})
    assert r.status_code == 403
    with office_db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "view_phone")).all()
        assert [(r.user_name, r.record_id, r.record_type) for r in rows] == [("王芳", mine, "interest")]


def test_registrations_filters_follow_up_and_rollup(office_db, client):
    grad = registration(office_db)
    registration(office_db, groups=("农民工", "退役军人"), status="在职，想换工作", training=())
    registration(office_db, station=OTHER, groups=("农民工",))
    registration(office_db, station=FAR, groups=("农民工",))
    login(client)
    page = client.get("/staff/registrations")
    assert page.text.count('class="card item') == 2
    assert client.get("/staff/registrations?group=农民工").text.count('class="card item') == 1
    assert client.get("/staff/registrations?need=技能培训").text.count('class="card item') == 1
    assert client.get("/staff/registrations?need=换工作&group=退役军人").text.count('class="card item') == 1
    token = csrf_of(page.text)
    r = client.post(f"/staff/registrations/{grad}", data={"csrf": token, "version": "1"})
    assert r.status_code == 400  # nothing offered, nothing written
    r = client.post(f"/staff/registrations/{grad}", data={"csrf": token, "version": "1", "offered": ["岗位推荐", "技能培训报名"],
                                                          "note": "推荐电工岗位"}, follow_redirects=False)
    assert r.status_code == 303
    with office_db.session() as s:
        row = s.get(Registration, grad)
        assert (row.followup, row.offered, row.followed_by) == ("done", ["岗位推荐", "技能培训报名"], "王芳")
    assert client.get("/staff/registrations?followup=pending").text.count('class="card item') == 1
    # the district roll-up: both 和平区 stations, not 蓟州区
    admin = TestClient(client.app, base_url="http://127.0.0.1")
    login(admin, "和平区管理员", "5555", station="-")
    table = admin.get("/staff/registrations/rollup").text
    assert f'data-station="{STATION}"' in table and f'data-station="{OTHER}"' in table and FAR not in table
    row = re.search(rf'<tr data-station="{STATION}">(.*?)</tr>', table).group(1)
    cells = re.findall(r"<td>(\d+)</td>", row)
    assert cells[:3] == ["2", "1", "1"] and cells[3:5] == ["1", "1"]  # 登记 已回访 待回访 高校毕业生 农民工
    r = admin.post(f"/staff/registrations/{grad}", data={"csrf": csrf_of(table), "version": "2", "offered": ["岗位推荐"]})
    assert r.status_code == 403


def test_bad_ratings_are_due_in_five_working_days(office_db, client):
    assert ratings.due_date(date(2026, 3, 2)) == date(2026, 3, 9)  # Monday → next Monday
    assert ratings.due_date(date(2026, 3, 6)) == date(2026, 3, 13)  # Friday → next Friday
    assert ratings.due_date(date(2026, 3, 7)) == date(2026, 3, 13)  # Saturday → Friday
    old_bad = rating(office_db, 1, at=utcnow() - timedelta(days=20))
    rating(office_db, 2, at=utcnow())
    rating(office_db, 5, at=utcnow())
    with office_db.session() as s:
        assert [r.followup for r in s.scalars(select(Rating).order_by(Rating.score))] == ["open", "open", ""]
    login(client)
    page = client.get("/staff/ratings")
    assert page.text.count('class="card item') == 3 and page.text.count("card item overdue") == 1
    assert 'id="n-late">1<' in page.text
    token = csrf_of(page.text)
    r = client.post(f"/staff/ratings/{old_bad}", data={"csrf": token, "version": "1", "callback": "已核查"})
    assert r.status_code == 400
    r = client.post(f"/staff/ratings/{old_bad}", data={"csrf": token, "version": "1", "callback": "已核查当日窗口",
                                                       "fix": "高峰时加开窗口"}, follow_redirects=False)
    assert r.status_code == 303
    assert "card item overdue" not in client.get("/staff/ratings").text
    assert client.get("/staff/ratings?bad=1").text.count('class="card item') == 2


def test_accounts_and_audit_are_for_the_city_administrator(office_db, client):
    login(client)
    assert client.get("/staff/accounts").status_code == 403
    assert client.get("/staff/audit").status_code == 403
    client.cookies.clear()
    login(client, "市管理员", "7777", station="-")
    page = client.get("/staff/accounts")
    assert page.status_code == 200 and "和平区管理员" in page.text
    token = csrf_of(page.text)
    r = client.post("/staff/accounts", data={"csrf": token, "name": "新人", "role": "staff", "station": STATION,
                                             "password": "1111"}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post("/staff/accounts", data={"csrf": token, "name": "区", "role": "district", "password": "1111"})
    assert r.status_code == 400 and "区管理员要选择区" in r.text
    r = client.post("/staff/accounts", data={"csrf": token, "name": "x", "role": "staff", "station": "NOPE",
                                             "password": "1111"})
    assert r.status_code == 400
    other = TestClient(client.app, base_url="http://127.0.0.1")
    login(other, "新人", "1111")
    assert other.get("/staff/interests").status_code == 200
    assert client.get("/staff/audit").status_code == 200


def test_cli_roles_and_disable(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert central_main(["--db", url, "add-staff", "--name", "区管", "--role", "district", "--district", "和平区",
                         "--password", "8642"]) == 0
    assert "added district 区管 of district 和平区" in capsys.readouterr().out
    assert central_main(["--db", url, "add-staff", "--name", "x", "--role", "district", "--password", "8642"]) == 2
    assert central_main(["--db", url, "add-staff", "--name", "y", "--password", "8642"]) == 2  # staff needs a station
    assert central_main(["--db", url, "disable-staff", "--name", "区管"]) == 0
    from central.db import Database

    db = Database(url)
    with db.session() as s:
        row = s.scalars(select(StaffUser)).one()
        assert (row.role, row.district, row.enabled, row.session_gen) == ("district", "和平区", False, 1)
    db.dispose()


def _home_visit(db, station: str, reference: str) -> str:
    from central import service_requests

    rid = str(uuid.uuid4())
    with db.session() as s:
        service_requests.on_requested(s, station, str(uuid.uuid4()), {
            "request_id": rid, "reference": reference, "kind": "home_visit", "id_number": "120101194901011234",
            "window_day": "2030-01-15", "window_half": "am", "reason": "失业登记", "name": "周敏", "phone": "13900000000"})
    return rid


def test_home_visits_follow_the_scope_and_refuse_other_stations(office_db, client):
    mine = _home_visit(office_db, STATION, "HAAAA111")
    theirs = _home_visit(office_db, OTHER, "HBBBB222")
    _home_visit(office_db, FAR, "HCCCC333")
    login(client)
    page = client.get("/staff/requests")
    assert "HAAAA111" in page.text and "HBBBB222" not in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post(f"/staff/requests/{theirs}", data={"csrf": token, "action": "accept"})
    assert r.status_code == 403
    r = client.post(f"/staff/requests/{mine}", data={"csrf": token, "action": "accept"}, follow_redirects=False)
    assert r.status_code == 303
    with office_db.session() as s:
        from central.models import ServiceRequestRow

        assert s.get(ServiceRequestRow, theirs).status == "submitted" and s.get(ServiceRequestRow, mine).status == "accepted"
        assert s.scalars(select(AuditEntry.record_type).where(AuditEntry.action == "refused_change")).all() == [
            "service_request"]
    admin = TestClient(client.app, base_url="http://127.0.0.1")
    login(admin, "和平区管理员", "5555", station="-")
    page = admin.get("/staff/requests").text
    assert "HAAAA111" in page and "HBBBB222" in page and "HCCCC333" not in page
    assert 'name="action"' not in page  # administrators read; the station acts
