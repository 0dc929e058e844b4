"""招聘登记 over HTTP: the employer's phone form with bad input and a flood, review by the station's
staff (publish, send back, edit, withdraw, other stations refused), duplicates, the vacancy on
the feed and its phone page, day jobs, and the employer's link with what the job received."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from central.app import create_app
from central.models import FeedItem, Interest, PostingRow, ServiceRecord
from central.seed import seed
from central.staff_auth import add_staff
from tests.central.office_data import in_district
from tests.central.posting_data import code, day_job, form, wrong_check
from tests.clock import station_today
from tests.sync.centralserver import STATION, central_database

OTHER = "TJ-0101"


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    return request.param


@pytest.fixture
def db(central_db_url):
    d = central_database(central_db_url)
    seed(d, 5)
    in_district(d, STATION, "南市街就业驿站", "和平区")
    add_staff(d, STATION, "王芳", "2468")
    add_staff(d, OTHER, "赵六", "1357")
    d.other_station = OTHER
    yield d
    d.dispose()


@pytest.fixture
def client(db):
    with TestClient(create_app(db), base_url="http://127.0.0.1") as c:
        yield c


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" (?:value|content)="([^"]+)"', html).group(1)


def _employer_post(c, data: dict, station: str = STATION):
    page = c.get(f"/employer/new?s={station}")
    assert page.status_code == 200
    return c.post(f"/employer/new?s={station}", data={**data, "csrf": _csrf(page.text)}, follow_redirects=False)


def _staff(c, name="王芳", password="2468", station=STATION) -> str:
    r = c.post("/staff/login", data={"station": station, "counter": "", "name": name, "password": password},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return _csrf(c.get("/staff/postings").text)


def _act(c, csrf: str, row: PostingRow, action: str, **extra):
    return c.post(f"/staff/postings/{row.id}/{action}", data={"csrf": csrf, "version": str(row.version), **extra},
                  follow_redirects=False)


def _row(db, **where) -> PostingRow:
    with db.session() as s:
        q = select(PostingRow).order_by(PostingRow.created_at.desc())
        for k, v in where.items():
            q = q.where(getattr(PostingRow, k) == v)
        row = s.scalars(q).first()
        s.expunge(row)
        return row


def test_the_employer_form_offers_the_stations_district_streets(client):
    r = client.get(f"/employer/new?s={STATION}")
    assert r.status_code == 200 and "no-store" in r.headers["cache-control"]
    assert "南市街道" in r.text and "劝业场街道" in r.text and "杨柳青镇" not in r.text  # 和平区 only
    assert 'maxlength="60"' in r.text and "保洁员" in r.text and "零工" in r.text
    assert client.get("/employer/new?s=NOPE").status_code == 404


@pytest.mark.parametrize("over, field, words", [
    ({"credit_code": wrong_check(code())}, "credit_code", "校验不对"),
    ({"credit_code": "91120101MA05JQ5K8I"}, "credit_code", "不会有“I”"),
    ({"credit_code": "12345"}, "credit_code", "18 位"),
    ({"salary_min": "2000", "salary_max": "2200"}, "salary", "最低工资标准 2320"),
    ({"job_type": "兼职", "salary_unit": "时", "salary_min": "20", "salary_max": "22"}, "salary", "24.4"),
    ({"expires_on": (station_today() - timedelta(days=1)).isoformat()}, "expires_on", "已经过去"),
    ({"street": "杨柳青镇"}, "street", "和平区的街道"),
    ({"company": "长" * 61}, "company", "最多 60 个字"),
    ({"requirements": "要" * 501}, "requirements", "最多 500 个字"),
    ({"contact_phone": "123"}, "contact_phone", "联系电话"),
    ({"consent": ""}, "consent", "勾选同意"),
])
def test_bad_input_is_named_on_the_form_and_nothing_typed_is_lost(client, db, over, field, words):
    data = form(**over)
    r = _employer_post(client, data)
    assert r.status_code == 400
    msg = re.search(rf'<p class="ferr" id="err-{field}">([^<]+)</p>', r.text)
    assert msg and words in msg.group(1), (field, msg and msg.group(1))
    assert "需要修改" in r.text and 'role="alert"' in r.text
    for key in ("company", "contact_name", "address"):  # what was typed comes back
        assert f'value="{data[key][:60]}' in r.text or data[key][:60] in r.text
    with db.session() as s:
        assert s.scalar(select(PostingRow.id)) is None


def test_a_past_day_job_date_is_refused(client):
    r = _employer_post(client, day_job(work_from=(station_today() - timedelta(days=1)).isoformat()))
    assert r.status_code == 400 and "用工日期已经过去了" in r.text


def test_a_flood_of_postings_from_one_address_is_throttled(client, db):
    for i in range(5):
        r = _employer_post(client, form(title=f"保洁员{i}"))
        assert r.status_code == 303, r.text
    r = _employer_post(client, form(title="保洁员9"))
    assert r.status_code == 429 and "提交太频繁" in r.text and r.headers["retry-after"]
    with db.session() as s:
        assert len(s.scalars(select(PostingRow)).all()) == 5


def test_review_publish_edit_and_withdraw_reach_the_feed_and_the_job_page(client, db):
    r = _employer_post(client, form())
    assert r.status_code == 303
    link = r.headers["location"].split("?")[0]
    assert "待审核" in client.get(link).text
    row = _row(db)
    assert row.status == "pending" and row.source == "employer"
    with db.session() as s:
        assert s.get(FeedItem, ("vacancies", row.reference)) is None  # nothing public before review

    csrf = _staff(client)
    listing = client.get("/staff/postings").text
    assert row.reference in listing and "商场保洁员" in listing and "审核通过，发布" in listing
    assert _act(client, csrf, row, "return").status_code == 400  # a reason is needed
    r = _act(client, csrf, row, "return", reason="请写明工作时间是否包含周末")
    assert r.status_code == 303
    page = client.get(link).text
    assert "已退回" in page and "请写明工作时间是否包含周末" in page

    edit = client.get(link + "/edit").text
    data = {**form(work_hours="周一至周五 早7点到下午4点"), "csrf": _csrf(edit)}
    assert client.post(link + "/edit", data=data, follow_redirects=False).status_code == 303
    row = _row(db)
    assert row.status == "pending" and row.fields["work_hours"].startswith("周一至周五")

    assert _act(client, csrf, row, "publish").status_code == 303
    row = _row(db)
    with db.session() as s:
        item = s.get(FeedItem, ("vacancies", row.reference))
        assert item is not None and not item.deleted
        v = item.data
        assert v["employer"] == "天津海河保洁服务有限公司" and v["district"] == "和平区" and v["street"] == "南市街道"
        assert v["job_group"] == "家政服务" and "阿姨" in v["search_terms"] and v["pinyin_initials"].startswith("scbjy")
        assert s.scalars(select(ServiceRecord).where(ServiceRecord.service == "employer_posting")).one().station_id == STATION
    job = client.get(f"/jobs/{row.reference}")
    assert job.status_code == 200 and "商场保洁员" in job.text and "荣吉大街100号" in job.text
    assert "已发布" in client.get(link).text

    # staff's own edit of a published posting is published at once, as a newer version
    edit = client.get(f"/staff/postings/{row.id}/edit").text
    r = client.post(f"/staff/postings/{row.id}/edit", data={**form(headcount="5"), "csrf": _csrf(edit),
                                                            "version": str(row.version)}, follow_redirects=False)
    assert r.status_code == 303
    with db.session() as s:
        again = s.get(FeedItem, ("vacancies", row.reference))
        assert again.data["headcount"] == 5 and again.version > item.version

    row = _row(db)
    assert _act(client, csrf, row, "withdraw").status_code == 303
    with db.session() as s:
        assert s.get(FeedItem, ("vacancies", row.reference)).deleted
    assert client.get(f"/jobs/{row.reference}").status_code == 410
    assert "已撤下" in client.get(link).text


def test_a_stale_or_foreign_change_is_refused(client, db):
    _employer_post(client, form())
    row = _row(db)
    csrf = _staff(client)
    assert _act(client, csrf, row, "publish").status_code == 303
    r = _act(client, csrf, row, "withdraw")  # the version before publishing
    assert r.status_code == 409 and "已被他人更新" in r.text
    client.post("/staff/logout", data={"csrf": csrf})
    csrf = _staff(client, "赵六", "1357", db.other_station)
    r = _act(client, csrf, _row(db), "withdraw")
    assert r.status_code == 403 and "其他驿站" in r.text
    with db.session() as s:
        assert not s.get(FeedItem, ("vacancies", row.reference)).deleted


def test_a_second_posting_of_the_same_job_by_the_same_company_is_flagged(client, db):
    _employer_post(client, form())
    first = _row(db)
    client.app.state.posting_throttle = None
    _employer_post(client, form(title="商场保洁员", headcount="2"))
    _employer_post(client, form(credit_code=code("91120101MA05JQ5K9"), title="商场保洁员"))
    _staff(client)
    html = client.get("/staff/postings").text
    assert html.count('class="badge dup"') == 1 and f"疑似重复：{first.reference}" in html


def test_a_day_job_is_published_with_its_date_and_meeting_point(client, db):
    assert _employer_post(client, day_job()).status_code == 303
    row = _row(db)
    csrf = _staff(client)
    assert _act(client, csrf, row, "publish").status_code == 303
    with db.session() as s:
        v = s.get(FeedItem, ("vacancies", row.reference)).data
    today = station_today().isoformat()
    assert (v["job_type"], v["work_from"], v["expires_on"], v["meet_time"], v["salary_unit"]) == (
        "零工", today, today, "07:30", "天")
    assert v["meet_place"] == "南市街道办事处门口"


def test_the_employer_sees_what_the_job_received_masked_unless_shared(client, db):
    _employer_post(client, day_job())
    row = _row(db)
    r = client.get(f"/employer/new?s={STATION}")
    link_resp = _employer_post(client, form(title="另一个"))
    assert link_resp.status_code == 303
    csrf = _staff(client)
    _act(client, csrf, row, "publish")
    from central.office.interests import on_expressed
    from central.tickets import utcnow

    with db.session() as s:
        on_expressed(s, STATION, "11111111-1111-4111-8111-111111111111", utcnow(), {
            "vacancy_id": row.reference, "title": row.title, "phone": "13712345678", "name": "张三丰",
            "id_number": "120101199001011234", "kind": "signup", "shared": True})
        on_expressed(s, STATION, "22222222-2222-4222-8222-222222222222", utcnow(), {
            "vacancy_id": row.reference, "title": row.title, "phone": "13698765432", "name": "李四",
            "id_number": "120101199001015678"})
    # the staff link replaces the employer's (the old one stops working)
    page = _act(client, csrf, _row(db, id=row.id), "link").text
    url = re.search(r'id="link">([^<]+)<', page).group(1)
    path = "/" + url.split("/", 3)[3]
    html = client.get(path).text
    assert "张三丰" in html and 'href="tel:13712345678"' in html  # shared by the 报名
    assert "13698765432" not in html and "136****5432" in html and "李四" not in html
    assert "120101199001011234" not in html  # the ID number never reaches the employer
    first = re.search(r'action="(/employer/p/[^"]+/contacted/11111111[^"]+)"', html).group(1)
    r = client.post(first, data={"csrf": _csrf(html.split(first)[1])}, follow_redirects=False)
    assert r.status_code == 303
    with db.session() as s:
        assert s.get(Interest, "11111111-1111-4111-8111-111111111111").employer_contacted_at is not None
        assert s.get(Interest, "11111111-1111-4111-8111-111111111111").kind == "signup"
    assert "已联系" in client.get(path).text
    assert client.get("/employer/p/" + "x" * 22).status_code == 404


def test_the_employer_withdraws_after_confirming_and_the_job_is_gone(client, db):
    link = _employer_post(client, form()).headers["location"].split("?")[0]
    csrf = _staff(client)
    _act(client, csrf, _row(db), "publish")
    row = _row(db)
    page = client.get(link).text
    action = re.search(r'action="(/employer/p/[^"]+/withdraw)"', page).group(1)
    r = client.post(action, data={"csrf": _csrf(page.split(action)[1])}, follow_redirects=False)
    assert r.status_code == 200 and "确定撤下" in r.text and "不能恢复" in r.text
    with db.session() as s:
        assert not s.get(FeedItem, ("vacancies", row.reference)).deleted  # asked, not done
    r = client.post(action, data={"csrf": _csrf(r.text), "confirm": "1"}, follow_redirects=False)
    assert r.status_code == 303
    with db.session() as s:
        assert s.get(FeedItem, ("vacancies", row.reference)).deleted
    assert client.get(f"/jobs/{row.reference}").status_code == 410
    gone = client.get(link)
    assert "已撤下" in gone.text and "/withdraw" not in gone.text
    assert client.get(link + "/edit").status_code == 410


def test_the_flyer_carries_the_stations_form_and_only_a_station_prints_one(client, db):
    from central.staff_auth import add_staff

    _staff(client)
    r = client.get("/staff/postings/flyer")
    assert r.status_code == 200 and "<svg" in r.text and f"/employer/new?s={STATION}" in r.text
    assert "单位招人，免费发布" in r.text
    client.cookies.clear()
    add_staff(db, "", "市管理员", "7777", role="city")
    _staff(client, "市管理员", "7777", "-")
    assert client.get("/staff/postings/flyer").status_code == 403


JUNK = ["", "x" * 5000, "%00%ff", "\u0000", "年" * 3000, "a=1&" * 60, "csrf=1.2&confirm=1", "version=abc&reason=" + "r" * 900]


@pytest.mark.parametrize("body", JUNK)
def test_junk_on_every_posting_route_is_a_4xx_with_a_page_never_a_5xx(client, db, body):
    link = _employer_post(client, form()).headers["location"].split("?")[0]
    row = _row(db)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    employer = [f"/employer/new?s={STATION}", f"/employer/new?s={'z' * 300}", link + "/edit", link + "/withdraw",
                f"{link}/contacted/{row.id}", "/employer/p/short/withdraw"]
    for path in employer:
        r = client.post(path, content=body.encode(), headers=headers, follow_redirects=False)
        assert 400 <= r.status_code < 500 and "<h1>" in r.text, (path, r.status_code)
    csrf = _staff(client)
    staff = ["/staff/postings/new", f"/staff/postings/{row.id}/edit", f"/staff/postings/{row.id}/publish",
             f"/staff/postings/{row.id}/return", f"/staff/postings/{row.id}/nope", f"/staff/postings/{'9' * 80}/withdraw",
             "/staff/registrations/x/refer"]
    for path in staff:
        r = client.post(path, content=body.encode(), headers=headers, follow_redirects=False)
        assert 400 <= r.status_code < 500, (path, r.status_code)  # no CSRF token in junk: refused first
        # with the session's token the junk reaches the handler: still a 4xx with the reason on the page
        r = client.post(path, content=(body + "&csrf=" + csrf).encode(), headers=headers, follow_redirects=False)
        assert 400 <= r.status_code < 500 or (r.status_code == 303 and "err=1" in r.headers["location"]), (
            path, r.status_code)
    assert _row(db).status == "pending"
