"""The back office in real headless Chromium against a real central on loopback: each list and
action (意向, 登记与需求 and its roll-up, 好差评, accounts, the audit log), the 403 across stations,
two staff moving one interest at once (the second reads 已被他人更新), and a disabled account
whose open page stops working. Screenshots of every page at desktop (1366×768) and tablet
(768×1024) width go to a temporary directory, or to $OFFICE_SCREENSHOTS when set.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from central.models import AuditEntry, Interest, Rating, Registration, StationConfig
from central.office import interests, ratings, registrations
from central.staff_auth import add_staff
from central.tickets import utcnow
from tests.browser import chromium, keep_screenshots, needs_chromium
from tests.central.office_data import in_district
from tests.sync.centralserver import STATION

pytestmark = [pytest.mark.browser, needs_chromium]
OTHER = "TJ-OTHER-01"
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def shots(tmp_path):
    d = tmp_path / "shots"
    d.mkdir()
    yield d
    keep_screenshots(d, "OFFICE_SCREENSHOTS")


def _two_stations_and_their_people(c) -> None:  # noqa: ANN001
    with c.db.session() as s:
        for sid, name in ((STATION, "和平区南市街就业驿站"), (OTHER, "和平区劝业场街就业驿站")):
            row = s.get(StationConfig, sid)
            row.config = {**row.config, "name": name}
    in_district(c.db, STATION, "和平区南市街就业驿站", "和平区")
    in_district(c.db, OTHER, "和平区劝业场街就业驿站", "和平区")
    add_staff(c.db, STATION, "王芳", "2468")
    add_staff(c.db, STATION, "李强", "1357")
    add_staff(c.db, OTHER, "赵六", "1357")
    add_staff(c.db, "", "和平区管理员", "5555", role="district", district="和平区")
    add_staff(c.db, "", "市管理员", "7777", role="city")


pytestmark = [*pytestmark, pytest.mark.central(setup=_two_stations_and_their_people)]


def _interest(db, station=STATION, title="保洁员", phone="13812345678", id_number="120101199001011234") -> Interest:
    eid = str(uuid.uuid4())
    with db.session() as s:
        interests.on_expressed(s, station, eid, utcnow() - timedelta(hours=2), {
            "vacancy_id": "V1", "title": title, "employer": "和平物业服务有限公司", "id_number": id_number, "phone": phone})
        return s.get(Interest, eid)


def _registration(db, station=STATION, groups=("高校毕业生",), training=("电工",)) -> str:
    eid = str(uuid.uuid4())
    with db.session() as s:
        registrations.on_submitted(s, station, eid, utcnow() - timedelta(hours=3), {
            "id_number": "120101199001011234", "phone": "13900001111", "employment_status": "失业，正在找工作",
            "desired_occupations": ["电工", "保安"], "desired_district": "和平区", "expected_salary": "3000-5000元",
            "training_needs": list(training), "key_groups": list(groups)})
    return eid


def _rating(db, score, station=STATION, days_ago=0, service="job_registration") -> str:
    eid = str(uuid.uuid4())
    with db.session() as s:
        ratings.on_given(s, station, eid, utcnow() - timedelta(days=days_ago), {"service": service, "score": score})
    return eid


def _login(browser, url, name, password, station=STATION, viewport=DESKTOP):
    ctx = browser.new_context(viewport=viewport, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{url}/staff/login")
    page.select_option("#station", station)
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("#login")
    page.wait_for_url("**/staff/interests")
    return page


def _flash(page, text: str) -> None:
    page.wait_for_selector(f"#flash:has-text('{text}')")


def test_interests_move_reveal_403_and_race(central, browser, shots):
    mine = _interest(central.db)
    _interest(central.db, title="仓库管理员", phone="")
    theirs = _interest(central.db, station=OTHER, title="收银员", phone="13700000000")
    page = _login(browser, central.url, "王芳", "2468")
    card = page.locator(f"#i-{mine.reference}")
    assert page.locator(".card.item").count() == 2  # the other station's interest is not listed
    assert "138****5678" in card.inner_text() and "120101********1234" in card.inner_text()
    assert "13812345678" not in page.content()
    page.screenshot(path=str(shots / "interests-desktop.png"), full_page=True)

    # 显示完整: the full phone, and one audit row
    card.locator("button.reveal").click()
    page.wait_for_function("r => document.querySelector('#i-' + r + ' .val').textContent === '13812345678'",
                           arg=mine.reference)
    with central.db.session() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "view_phone")).all()
        assert [(r.user_name, r.record_id) for r in rows] == [("王芳", mine.id)]

    # two staff members open the list; both move the same interest
    other = _login(browser, central.url, "李强", "1357", viewport=TABLET)
    other.screenshot(path=str(shots / "interests-tablet.png"), full_page=True)
    card.locator("input[name=note]").fill("已电话联系，本人愿意面试")
    card.locator("button[value=contacted]").click()
    _flash(page, "已改为“已联系”")
    assert page.locator(f"#i-{mine.reference}").get_attribute("data-status") == "contacted"
    other.locator(f"#i-{mine.reference} button[value=failed]").click()
    _flash(other, "已被他人更新")
    assert other.locator(f"#i-{mine.reference}").get_attribute("data-status") == "contacted"  # the list is fresh
    other.screenshot(path=str(shots / "interests-tablet-stale.png"), full_page=True)
    with central.db.session() as s:
        assert (s.get(Interest, mine.id).status, s.get(Interest, mine.id).version) == ("contacted", 2)

    # on through the steps; 录用 closes it (no more buttons)
    for to, name in (("referred", "已推荐"), ("interview", "面试"), ("hired", "录用")):
        page.locator(f"#i-{mine.reference} button[value={to}]").click()
        _flash(page, f"已改为“{name}”")
    assert page.locator(f"#i-{mine.reference} form").count() == 0
    page.select_option("#f-status", "hired")
    page.click("form.filters button")
    page.wait_for_url("**status=hired**")
    assert page.locator(".card.item").count() == 1

    # a change of another station's record, sent with this page's own token: 403, logged
    status = page.evaluate("""id => fetch('/staff/interests/' + id, {method: 'POST',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({csrf: document.querySelector('meta[name=csrf]').content, to: 'contacted',
                                   version: '1'})}).then(r => r.status)""", theirs.id)
    assert status == 403
    with central.db.session() as s:
        assert s.get(Interest, theirs.id).status == "new"
        refused = s.scalars(select(AuditEntry).where(AuditEntry.action == "refused_change")).one()
        assert (refused.user_name, refused.record_id, refused.record_station) == ("王芳", theirs.id, OTHER)

    # the district administrator reads both stations, masked, without buttons
    admin = _login(browser, central.url, "和平区管理员", "5555", station="-")
    assert admin.locator(".card.item").count() == 3
    assert admin.locator("button.reveal").count() == 0 and admin.locator(".card.item form").count() == 0
    admin.screenshot(path=str(shots / "interests-district-desktop.png"), full_page=True)


def test_registrations_filter_follow_up_and_rollup(central, browser, shots):
    grad = _registration(central.db)
    _registration(central.db, groups=("农民工", "退役军人"), training=())
    _registration(central.db, station=OTHER, groups=("农民工",))
    page = _login(browser, central.url, "王芳", "2468")
    page.goto(f"{central.url}/staff/registrations")
    assert page.locator(".card.item").count() == 2 and page.inner_text("#n-pending") == "2"
    page.screenshot(path=str(shots / "registrations-desktop.png"), full_page=True)
    page.select_option("#f-group", "高校毕业生")
    page.select_option("#f-need", "技能培训")
    page.click("form.filters button")
    page.wait_for_url("**group=**")
    assert page.locator(".card.item").count() == 1
    card = page.locator(f"#r-{grad[:8]}")
    card.locator("button.reveal").first.click()  # the ID number
    page.wait_for_function("r => document.querySelector('#r-' + r + ' .val').textContent === '120101199001011234'",
                           arg=grad[:8])
    card.locator("input[value='岗位推荐']").check()
    card.locator("input[value='技能培训报名']").check()
    card.locator("input[name=note]").fill("推荐了两个电工岗位")
    card.locator("button:has-text('记为已回访')").click()
    _flash(page, "已记为已回访")
    assert page.locator(f"#r-{grad[:8]}").get_attribute("data-followup") == "done"
    assert "岗位推荐、技能培训报名；推荐了两个电工岗位" in page.inner_text(f"#r-{grad[:8]}")
    with central.db.session() as s:
        assert s.get(Registration, grad).offered == ["岗位推荐", "技能培训报名"]
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.record_id == grad)).all() == ["view_id_number"]

    tab = _login(browser, central.url, "王芳", "2468", viewport=TABLET)
    tab.goto(f"{central.url}/staff/registrations")
    tab.screenshot(path=str(shots / "registrations-tablet.png"), full_page=True)

    admin = _login(browser, central.url, "和平区管理员", "5555", station="-")
    admin.goto(f"{central.url}/staff/registrations/rollup")
    row = admin.locator(f"#rollup tr[data-station='{STATION}'] td")
    assert [row.nth(i).inner_text() for i in range(6)] == ["和平区南市街就业驿站", "2", "1", "1", "1", "1"]
    assert admin.locator(f"#rollup tr[data-station='{OTHER}']").count() == 1
    assert admin.locator("#rollup tr.total td").nth(1).inner_text() == "3"
    admin.screenshot(path=str(shots / "rollup-desktop.png"), full_page=True)
    admin.set_viewport_size(TABLET)
    admin.screenshot(path=str(shots / "rollup-tablet.png"), full_page=True)
    admin.set_viewport_size(DESKTOP)
    admin.goto(f"{central.url}/staff/registrations")
    assert admin.locator(".card.item").count() == 3 and admin.locator(".card.item form").count() == 0


def test_ratings_follow_up_and_overdue(central, browser, shots):
    late = _rating(central.db, 1, days_ago=12)
    fresh = _rating(central.db, 2, service="career_guidance")
    _rating(central.db, 5)
    _rating(central.db, 4, station=OTHER)
    page = _login(browser, central.url, "王芳", "2468")
    page.goto(f"{central.url}/staff/ratings")
    assert page.locator(".card.item").count() == 3
    assert page.locator(".card.item.overdue").count() == 1
    assert page.locator(f"#g-{late[:8]}.overdue .badge.late").inner_text() == "已超期"
    assert "职业指导" in page.inner_text(f"#g-{fresh[:8]}")  # the service by its name
    assert page.inner_text("#n-open") == "2" and page.inner_text("#n-late") == "1"
    page.screenshot(path=str(shots / "ratings-desktop.png"), full_page=True)
    card = page.locator(f"#g-{late[:8]}")
    card.locator("textarea[name=callback]").fill("核查当日录像，窗口人手不足")
    card.locator("textarea[name=fix]").fill("高峰时段加开一个窗口")
    card.locator("button[type=submit]").click()
    _flash(page, "差评回访已记录")
    assert page.locator(".card.item.overdue").count() == 0 and page.inner_text("#n-open") == "1"
    with central.db.session() as s:
        row = s.get(Rating, late)
        assert (row.followup, row.answered_by, row.fix_note) == ("answered", "王芳", "高峰时段加开一个窗口")
    page.select_option("#f-bad", "1")
    page.click("form.filters button")
    page.wait_for_url("**bad=1**")
    assert page.locator(".card.item").count() == 2
    tab = _login(browser, central.url, "王芳", "2468", viewport=TABLET)
    tab.goto(f"{central.url}/staff/ratings")
    tab.screenshot(path=str(shots / "ratings-tablet.png"), full_page=True)


def test_accounts_disable_and_audit_log(central, browser, shots):
    mine = _interest(central.db)
    staff = _login(browser, central.url, "王芳", "2468")
    staff.locator(f"#i-{mine.reference} button.reveal").click()
    staff.wait_for_selector(f"#i-{mine.reference} .val:has-text('13812345678')")
    assert staff.locator("nav.office a[href='/staff/accounts']").count() == 0

    city = _login(browser, central.url, "市管理员", "7777", station="-")
    city.goto(f"{central.url}/staff/accounts")
    assert city.locator("#accounts tr[data-user='和平区管理员']").count() == 1
    city.screenshot(path=str(shots / "accounts-desktop.png"), full_page=True)
    # a new district administrator from the page
    city.fill("#a-name", "南开区管理员")
    city.select_option("#a-role", "district")
    city.fill("#a-password", "4321")
    city.click("#a-save")
    _flash(city, "区管理员要选择区")  # no district chosen
    city.fill("#a-name", "新同事")
    city.select_option("#a-role", "staff")
    city.select_option("#a-station", OTHER)
    city.fill("#a-password", "4321")
    city.click("#a-save")
    _flash(city, "已新建账号 新同事")
    # disabling 王芳 ends her open session: her next click goes to the login page
    city.locator("#accounts tr[data-user='王芳'] button").click()
    _flash(city, "已停用")
    assert "已停用" in city.inner_text("#accounts tr[data-user='王芳']")
    staff.goto(f"{central.url}/staff/registrations")
    staff.wait_for_url("**/staff/login")
    city.set_viewport_size(TABLET)
    city.screenshot(path=str(shots / "accounts-tablet.png"), full_page=True)
    city.set_viewport_size(DESKTOP)

    city.goto(f"{central.url}/staff/audit")
    rows = city.locator("#audit tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "王芳" in text and "查看完整电话" in text and mine.reference in text and "13812345678" not in text
    city.screenshot(path=str(shots / "audit-desktop.png"), full_page=True)
    city.set_viewport_size(TABLET)
    city.screenshot(path=str(shots / "audit-tablet.png"), full_page=True)
