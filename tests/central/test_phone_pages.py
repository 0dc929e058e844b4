"""The phone pages over HTTP against a real central: caching, gone jobs, bad input, forms, capability
pages following what staff and advisors do, and the workload ledger."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from central import feeds
from central.models import FairSignup, FeedItem, Interest, PhoneLink, ServiceRecord, ServiceRequestRow
from central.seed import seed
from kiosk.domain.capability import new_token, token_hash
from tests.clock import station_today
from tests.sync.centralserver import STATION

TODAY = station_today()
PHONE = "13812345678"
HTML = {"Accept": "text/html"}


@pytest.fixture(params=["sqlite", "postgresql"])
def central_backend(request) -> str:
    """A seeded central on each backend (row locks and JSON paths differ between them)."""
    return request.param


pytestmark = pytest.mark.central(setup=lambda c: seed(c.db, 30, today=TODAY))


def _open_job(c) -> dict:
    with c.db.session() as s:
        rows = s.scalars(select(FeedItem).where(FeedItem.feed == "vacancies", FeedItem.deleted.is_(False))).all()
    return next(dict(r.data) for r in rows if r.data["expires_on"] >= TODAY.isoformat())


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _post(c, path: str, data: dict, **kw) -> requests.Response:
    return requests.post(c.url + path, data=data, allow_redirects=False, timeout=5, **kw)


def test_public_pages_are_cacheable_and_answer_304(central):
    job = _open_job(central)
    url = f"{central.url}/jobs/{job['id']}"
    r = requests.get(url, timeout=5)
    assert r.status_code == 200 and job["title"] in r.text and "tel:" in r.text
    assert "public" in r.headers["cache-control"] and r.headers["etag"]
    again = requests.get(url, headers={"If-None-Match": r.headers["etag"]}, timeout=5)
    assert again.status_code == 304 and again.content == b""
    assert requests.get(url, headers={"If-None-Match": '"other"'}, timeout=5).status_code == 200
    assert "<script" not in r.text and "http" not in r.text.split("</head>")[0]  # nothing loaded from elsewhere


def test_a_removed_or_expired_job_answers_410_with_similar_open_jobs(central):
    job = _open_job(central)
    with central.db.session() as s:
        feeds.put(s, "vacancies", [dict(job, expires_on=(TODAY - timedelta(days=1)).isoformat())])
        feeds.put(s, "vacancies", [dict(job, id="TJV-SAME-CAT", title="同类岗位甲", expires_on=(TODAY + timedelta(days=9)).isoformat())])
    r = requests.get(f"{central.url}/jobs/{job['id']}", timeout=5)
    assert r.status_code == 410 and "该岗位已下架" in r.text and "同类岗位甲" in r.text
    with central.db.session() as s:
        feeds.delete(s, "vacancies", ["TJV-SAME-CAT"])
    r = requests.get(f"{central.url}/jobs/TJV-SAME-CAT", timeout=5)
    assert r.status_code == 410 and "该岗位已下架" in r.text


@pytest.mark.parametrize("path", ["/jobs/NO-SUCH-JOB", "/jobs/" + "x" * 300, "/jobs/%27%3B--", "/job-fairs/nope",
                                  "/services/..%2F..", "/stations/nope", "/shortlists/nope", "/tickets/nope",
                                  "/interests/short", "/callbacks/" + "A" * 22, "/requests/PABCDEFG",
                                  "/requests/PABCDEFG?k=" + "A" * 22, "/jobs/a/b/c", "/no-such-page"])
def test_unknown_or_malformed_ids_get_a_friendly_404_in_chinese(central, path):
    r = requests.get(central.url + path, headers=HTML, timeout=5)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "没有找到" in r.text and 'href="/stations"' in r.text and "Traceback" not in r.text


def test_interest_from_the_phone_page_is_checked_recorded_once_and_kept_for_the_station(central):
    job = _open_job(central)
    page = requests.get(f"{central.url}/jobs/{job['id']}?s={STATION}", timeout=5).text
    form = {"csrf": _csrf(page), "s": STATION, "name": "李四", "phone": "1381234", "consent": "1"}
    r = _post(central, f"/jobs/{job['id']}/interest", form)
    assert r.status_code == 400 and "11 位手机号码" in r.text
    assert 'value="1381234"' in r.text and 'value="李四"' in r.text and "checked" in r.text  # what was typed stays
    r = _post(central, f"/jobs/{job['id']}/interest", dict(form, phone=PHONE, consent=""))
    assert r.status_code == 400 and "请勾选同意" in r.text and f'value="{PHONE}"' in r.text
    r = _post(central, f"/jobs/{job['id']}/interest", dict(form, phone="138 1234 5678"))
    assert r.status_code == 303 and r.headers["location"].startswith("/interests/")
    token = r.headers["location"].split("/interests/", 1)[1].split("?", 1)[0]
    mine = requests.get(central.url + r.headers["location"], timeout=5)
    assert mine.status_code == 200 and "待联系" in mine.text and "138****5678" in mine.text and "李*" in mine.text
    assert PHONE not in mine.text and mine.headers["cache-control"] == "no-store"
    assert mine.headers["referrer-policy"] == "no-referrer" and "noindex" in mine.headers["x-robots-tag"]
    again = _post(central, f"/jobs/{job['id']}/interest", dict(form, phone=PHONE, name=""))
    assert again.status_code == 200 and "已经登记过" in again.text
    with central.db.session() as s:
        rows = s.scalars(select(Interest).where(Interest.vacancy_id == job["id"])).all()
        assert [(r.station_id, r.phone, r.name, r.channel, r.status) for r in rows] == \
            [(STATION, PHONE, "李四", "phone", "new")]
        assert rows[0].token_hash == token_hash(token)
        rec = s.get(ServiceRecord, rows[0].id)
        assert rec.channel == "phone" and rec.station_id == STATION and rec.service == "job_interest"
        rows[0].status = "contacted"  # staff act on it
    assert "已联系" in requests.get(central.url + r.headers["location"], timeout=5).text


def test_posts_without_a_good_csrf_token_or_from_elsewhere_are_refused(central):
    job = _open_job(central)
    page = requests.get(f"{central.url}/jobs/{job['id']}", timeout=5).text
    form = {"phone": PHONE, "consent": "1"}
    assert _post(central, f"/jobs/{job['id']}/interest", form).status_code == 403
    assert _post(central, f"/jobs/{job['id']}/interest", dict(form, csrf="1.abc")).status_code == 403
    fair = _fair(central, 5)  # a token of another form does not fit this one
    assert _post(central, f"/job-fairs/{fair}/signup", dict(form, csrf=_csrf(page))).status_code == 403
    r = _post(central, f"/jobs/{job['id']}/interest", dict(form, csrf=_csrf(page)),
              headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "页面已过期" in r.text
    with central.db.session() as s:
        assert s.scalars(select(Interest)).all() == []


def test_an_oversized_form_is_refused_before_parsing_and_a_flood_is_throttled(central):
    job = _open_job(central)
    path = f"/jobs/{job['id']}/interest"
    r = _post(central, path, {"phone": "1" * 20_000})
    assert r.status_code == 413 and "太长" in r.text
    page = requests.get(central.url + f"/jobs/{job['id']}", timeout=5).text
    codes = [_post(central, path, {"csrf": _csrf(page), "phone": f"1390000{i:04d}", "consent": "1"}).status_code
             for i in range(15)]
    assert codes[0] == 303 and 429 in codes
    refused = _post(central, path, {"csrf": _csrf(page), "phone": PHONE, "consent": "1"})
    assert refused.status_code == 429 and "提交太频繁" in refused.text and refused.headers["retry-after"]
    with central.db.session() as s:
        assert len(s.scalars(select(Interest)).all()) == codes.count(303) < 15


def _fair(central, quota: int, ends: datetime | None = None) -> str:
    start = datetime.combine(TODAY + timedelta(days=3), datetime.min.time()).replace(hour=9)
    with central.db.session() as s:
        feeds.put(s, "job_fairs", [{"id": "JF-Q", "title": "报名测试招聘会", "kind": "线下", "venue": "驿站广场",
                                    "starts_at": start.isoformat(), "ends_at": (ends or start.replace(hour=12)).isoformat(),
                                    "signup_quota": quota, "employer_list": ["甲公司", "乙公司"], "lat": 39.13,
                                    "lon": 117.19, "updated_at": start.isoformat()}])
    return "JF-Q"


def test_fair_sign_up_once_per_phone_within_the_quota_and_recorded_in_the_ledger(central):
    fid = _fair(central, 2)
    page = requests.get(f"{central.url}/job-fairs/{fid}?s={STATION}", timeout=5).text
    assert "甲公司" in page and "还剩 <b id=\"left\">2</b>" in page
    form = {"csrf": _csrf(page), "s": STATION, "phone": PHONE, "consent": "1"}
    r = _post(central, f"/job-fairs/{fid}/signup", form)
    assert r.status_code == 200 and "报名成功" in r.text and "138****5678" in r.text
    r = _post(central, f"/job-fairs/{fid}/signup", form)
    assert r.status_code == 200 and "已经报过名" in r.text
    r = _post(central, f"/job-fairs/{fid}/signup", dict(form, phone="12345"))
    assert r.status_code == 400 and 'value="12345"' in r.text
    assert _post(central, f"/job-fairs/{fid}/signup", dict(form, phone="13900000001")).status_code == 200
    r = _post(central, f"/job-fairs/{fid}/signup", dict(form, phone="13900000002"))
    assert r.status_code == 409 and "名额已满" in r.text
    assert "名额已满" in requests.get(f"{central.url}/job-fairs/{fid}", timeout=5).text
    with central.db.session() as s:
        ups = s.scalars(select(FairSignup).where(FairSignup.fair_id == fid)).all()
        assert sorted(u.phone for u in ups) == sorted([PHONE, "13900000001"])
        recs = s.scalars(select(ServiceRecord).where(ServiceRecord.service == "job_fair_signup")).all()
        assert len(recs) == 2 and {(r.channel, r.station_id) for r in recs} == {("phone", STATION)}


def test_a_fair_without_a_quota_takes_no_sign_up(central):
    fid = _fair(central, 0)
    page = requests.get(f"{central.url}/job-fairs/{fid}", timeout=5).text
    assert "报名参加" not in page and "报名测试招聘会" in page
    r = _post(central, f"/job-fairs/{fid}/signup", {"csrf": "0.x", "phone": PHONE, "consent": "1"})
    assert r.status_code == 403  # the form is not on the page, so any post is a stale one


def _request_row(central, token: str, status: str = "submitted") -> str:
    from central import service_requests as sr

    now = datetime.utcnow()
    with central.db.session() as s:
        row = ServiceRequestRow(id="req-1", reference="PTESTREF", event_id="ev-1", station_id=STATION, kind="proxy",
                                window_day=TODAY + timedelta(days=1), window_half="pm", reason="代办失业保险金申领",
                                details={"name": "王五", "id_number": "120101195603150027", "phone": PHONE,
                                         "street": "南市街道"}, status=status, created_at=now, updated_at=now)
        s.add(row)
        s.add(PhoneLink(token_hash=token_hash(token), kind="request", target="PTESTREF", created_at=now))
        s.flush()
        sr._publish(s, row)  # noqa: SLF001
    return "PTESTREF"


def test_a_request_follows_staff_and_is_cancelled_once_after_a_confirmation(central):
    from central import service_requests as sr

    token = new_token()
    ref = _request_row(central, token)
    url = f"{central.url}/requests/{ref}?k={token}"
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and "待受理" in page.text and "王*" in page.text and "120101********0027" in page.text
    assert PHONE not in page.text and "120101195603150027" not in page.text
    with central.db.session() as s:
        sr.change(s, STATION, "req-1", "schedule", "赵六", when=datetime.combine(TODAY + timedelta(days=1),
                                                                                 datetime.min.time()).replace(hour=15),
                  staff="赵六", note="请备好身份证")
    page = requests.get(url, timeout=5).text
    assert "已安排" in page and "15:00" in page and "赵*" in page and "请备好身份证" in page
    form = {"csrf": _csrf(page), "k": token}
    ask = _post(central, f"/requests/{ref}/cancel", form)
    assert ask.status_code == 200 and "确定撤销这个申请吗" in ask.text
    with central.db.session() as s:
        assert s.get(ServiceRequestRow, "req-1").status == "scheduled"  # nothing until confirmed
    done = _post(central, f"/requests/{ref}/cancel", dict(form, confirm="1"))
    assert done.status_code == 200 and "申请已撤销" in done.text
    again = _post(central, f"/requests/{ref}/cancel", dict(form, confirm="1"))
    assert again.status_code == 200 and "已经撤销了" in again.text
    with central.db.session() as s:
        assert s.get(ServiceRequestRow, "req-1").status == "cancelled"
        assert s.get(FeedItem, ("service_requests", ref)).data["status"] == "cancelled"  # kiosks learn of it
    assert _post(central, f"/requests/{ref}/cancel", dict(form, k=new_token(), confirm="1")).status_code == 404


def test_a_request_done_meanwhile_cannot_be_cancelled(central):
    from central import service_requests as sr

    token = new_token()
    ref = _request_row(central, token, status="accepted")
    page = requests.get(f"{central.url}/requests/{ref}?k={token}", timeout=5).text
    form = {"csrf": _csrf(page), "k": token, "confirm": "1"}
    with central.db.session() as s:  # staff finish it while the resident's page is open
        sr.change(s, STATION, "req-1", "done", "赵六")
    r = _post(central, f"/requests/{ref}/cancel", form)
    assert r.status_code == 409 and "已经不能撤销" in r.text and "已完成" in r.text
    page = requests.get(f"{central.url}/requests/{ref}?k={token}", timeout=5).text
    assert "已完成" in page and "撤销申请" not in page


def test_a_call_back_page_shows_what_the_advisor_did(central):
    from central import callbacks
    from kiosk.domain.privacy import mask_phone

    token = new_token()
    now = datetime.utcnow()
    with central.db.session() as s:
        s.add(callbacks.CallbackRow(id="cb-1", reference="HD-ABCDE", station_id=STATION, topic="政策咨询", phone=PHONE,
                                    requested_at=now, received_at=now, status="open"))
        s.add(PhoneLink(token_hash=token_hash(token), kind="callback", target="cb-1", created_at=now))
    url = f"{central.url}/callbacks/{token}"
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and "待回电" in page.text and mask_phone(PHONE) in page.text
    assert PHONE not in page.text and page.headers["cache-control"] == "no-store"
    with central.db.session() as s:
        callbacks.handle(s, "tianjin", 1, "王顾问", "cb-1", "unreachable", "三次无人接听 13812345678")
    page = requests.get(url, timeout=5).text
    assert "联系不上" in page and "三次无人接听" in page and PHONE not in page
    assert requests.get(f"{central.url}/callbacks/{new_token()}", timeout=5).status_code == 404
