"""The appointment's phone page and the staff's 今日预约 in real headless Chromium, against a real
central on loopback: the page at 360×640 (content, masked identity, headers, no horizontal
scroll, text and tap-target sizes), cancel with its confirmation step and again, the friendly
404; staff mark arrived / no-show, and a change made meanwhile by someone else is refused.
Screenshots go to a temporary directory, or to $APPOINTMENT_SCREENSHOTS when set."""

from __future__ import annotations

import copy
import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from central.appointments import local_now
from central.models import AppointmentRow, ServiceRecord, StationConfig
from central.seed import DEFAULT_SERVICES
from central.staff_auth import add_staff
from kiosk.sync import protocol as p
from tests.browser import keep_screenshots, needs_chromium
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client

pytestmark = [pytest.mark.browser, needs_chromium]

SLOT_MINUTES = p.AppointmentRules().slot_minutes
ALL_DAY = [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]
NUMBER = "120104198001011233"
#: measures what a phone shows: horizontal overflow, the smallest body text, the smallest tap target
LAYOUT_JS = """() => {
  const de = document.documentElement;
  const texts = [...document.querySelectorAll('p,dd,dt,div,span,a,button,h1,li,b')]
    .filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
  const targets = [...document.querySelectorAll('a.button,button,input[type=submit]')].filter(e => e.offsetParent !== null);
  return {overflow: de.scrollWidth - de.clientWidth,
          minFont: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
          minTarget: Math.min(...targets.map(e => Math.min(e.getBoundingClientRect().width, e.getBoundingClientRect().height)))};
}"""


def _two_staff_bookable_all_day(c) -> None:  # noqa: ANN001
    add_staff(c.db, STATION, "王芳", "2468")
    add_staff(c.db, STATION, "李强", "1357")
    with c.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {"name": "和平区南市街就业驿站", "appointments": {"lead_minutes": 0},
                      "services": [{**copy.deepcopy(x), "hours": ALL_DAY} for x in DEFAULT_SERVICES]}


pytestmark = [*pytestmark, pytest.mark.central(setup=_two_staff_bookable_all_day)]


@pytest.fixture(scope="module")
def central(module_central):
    return module_central


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = tmp_path_factory.mktemp("appointment-shots")
    yield d
    keep_screenshots(d, "APPOINTMENT_SCREENSHOTS")


def book(central, starts_at: datetime, service: str = "career_guidance", person: str = "pk-1",
         name: str = "张三丰") -> tuple[str, str, p.AppointmentReply]:
    token = secrets.token_hex(16)
    req = p.AppointmentRequest(id=str(uuid.uuid4()), service=service, starts_at=starts_at,
                               token_sha256=hashlib.sha256(token.encode()).hexdigest(), person_key=person,
                               id_number=NUMBER, name=name, identity="idcard", consent=True)
    reply = make_client(central.url).call("POST", p.PREFIX + "/appointments", p.AppointmentReply, body=req)[0]
    return req.id, token, reply


def later_today(minutes: int) -> datetime:
    now = local_now()
    t = now.replace(second=0, microsecond=0, minute=0 if now.minute < 30 else 30) + timedelta(minutes=minutes)
    if t + timedelta(minutes=SLOT_MINUTES) > now.replace(hour=23, minute=59, second=0, microsecond=0):
        pytest.skip("too near midnight for a slot later today")  # ALL_DAY's last slot starts 23:00
    return t


def test_phone_page_shows_the_booking_and_cancels_it_after_a_confirmation(central, browser, shots):
    d = local_now().date() + timedelta(days=2)
    appt_id, token, booked = book(central, datetime(d.year, d.month, d.day, 10, 30))
    url = f"{central.url}/appointments/{token}"
    raw = requests.get(url, timeout=10)
    assert raw.status_code == 200
    assert raw.headers["cache-control"] == "no-store" and "noindex" in raw.headers["x-robots-tag"]
    assert raw.headers["referrer-policy"] == "no-referrer"
    assert NUMBER not in raw.text and "张三丰" not in raw.text and "张**" in raw.text and "1233" in raw.text
    assert "http://" not in raw.text.replace(central.url, "") and "https://" not in raw.text  # nothing from outside
    for bad in (booked.reference, "0" * 32, "not-a-token", "%00", "x" * 500):  # the reference alone opens nothing
        r = requests.get(f"{central.url}/appointments/{bad}", timeout=10)
        assert r.status_code == 404 and "没有找到这个预约" in r.text, bad

    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN", is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    page = ctx.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(central.url) else None)
    page.goto(url)
    assert page.inner_text("#service") == "职业指导" and "10:30" in page.inner_text("#when")
    assert page.inner_text("#status") == "待到场" and booked.reference in page.inner_text("body")
    layout = page.evaluate(LAYOUT_JS)
    assert layout["overflow"] <= 0 and layout["minFont"] >= 16 and layout["minTarget"] >= 44, layout
    page.screenshot(path=str(shots / "phone-booked-360.png"), full_page=True)
    page.set_viewport_size({"width": 414, "height": 896})
    layout = page.evaluate(LAYOUT_JS)
    assert layout["overflow"] <= 0 and layout["minFont"] >= 16 and layout["minTarget"] >= 44, layout
    page.screenshot(path=str(shots / "phone-booked-414.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})

    page.click("#cancel")
    page.wait_for_selector("#confirm")
    layout = page.evaluate(LAYOUT_JS)
    assert layout["overflow"] <= 0 and layout["minFont"] >= 16 and layout["minTarget"] >= 44, layout
    page.screenshot(path=str(shots / "phone-confirm-360.png"), full_page=True)
    with central.db.session() as s:
        assert s.get(AppointmentRow, appt_id).status == "booked"  # the first tap only asks
    page.click("#confirm")
    page.wait_for_selector("#msg")
    assert "预约已取消" in page.inner_text("#msg") and page.inner_text("#status") == "已取消"
    assert page.locator("#cancel").count() == 0
    page.screenshot(path=str(shots / "phone-cancelled-360.png"), full_page=True)
    page.go_back()  # the confirmation page again, posted a second time
    page.reload()
    assert "已经取消了" in page.inner_text("#msg")
    with central.db.session() as s:
        assert s.get(AppointmentRow, appt_id).status == "cancelled"
    assert outside == []
    ctx.close()

    r = requests.post(f"{url}/cancel", data={"csrf": "forged"}, timeout=10)  # no valid CSRF value
    assert r.status_code == 403
    from central.appointments_web import _csrf
    from central.staff_auth import server_secret

    r = requests.post(f"{url}/cancel", data={"csrf": _csrf(server_secret(central.db), token)}, timeout=10)
    assert r.status_code == 200 and "已经取消了" in r.text  # a second cancel: answered, nothing changes
    r = requests.post(f"{central.url}/appointments/{'f' * 32}/cancel", data={"csrf": "x"}, timeout=10)
    assert r.status_code == 404
    r = requests.post(f"{url}/cancel", data={"csrf": "x" * 5000}, timeout=10)
    assert r.status_code == 413 and "太长" in r.text


def _login(browser, central, name: str, password: str, width: int):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{central.url}/staff/login?station={STATION}&counter=3")
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("#login")
    page.wait_for_url("**/staff/")
    return ctx, page


def test_staff_mark_arrived_and_no_show_and_a_stale_change_is_refused(central, browser, shots):
    first, _, a = book(central, later_today(30), "career_guidance", "pk-s1", "李四")
    second, _, b = book(central, later_today(60), "policy_consultation", "pk-s2", "")
    third, token3, c = book(central, later_today(90), "job_registration", "pk-s3", "王五")
    requests.post(f"{central.url}/appointments/{token3}/cancel", timeout=10)  # refused (no CSRF): stays booked
    ctx, page = _login(browser, central, "王芳", "2468", 1366)
    ctx2, other = _login(browser, central, "李强", "1357", 820)
    try:
        page.click("text=今日预约")
        page.wait_for_url("**/staff/appointments")
        for r in (a, b, c):
            assert page.locator(f"#appt-{r.reference}").count() == 1
        assert "1233" in page.inner_text(f"#appt-{a.reference}") and NUMBER not in page.content()
        page.screenshot(path=str(shots / "staff-desktop.png"), full_page=True)
        other.goto(central.url + "/staff/appointments")
        other.screenshot(path=str(shots / "staff-tablet.png"), full_page=True)

        page.click(f"#appt-{a.reference} .b-arrived")
        page.wait_for_selector("#flash")
        assert "已到场" in page.inner_text("#flash")
        assert page.get_attribute(f"#appt-{a.reference}", "data-status") == "arrived"

        # the tablet still shows b as booked; the desktop marks it no-show first
        page.click(f"#appt-{b.reference} .b-no_show")
        page.wait_for_selector("#flash")
        other.click(f"#appt-{b.reference} .b-arrived")
        other.wait_for_selector("#flash.err")
        assert "已被他人更新" in other.inner_text("#flash")
        assert other.get_attribute(f"#appt-{b.reference}", "data-status") == "no_show"
        other.screenshot(path=str(shots / "staff-tablet-stale.png"), full_page=True)
        other.click(f"#appt-{b.reference} .b-arrived")  # late, but here: a no-show may still arrive
        other.wait_for_selector("#flash:not(.err)")
        assert other.get_attribute(f"#appt-{b.reference}", "data-status") == "arrived"
        page.screenshot(path=str(shots / "staff-desktop-after.png"), full_page=True)
        # a booking of another station cannot be changed from this one, whatever the form says
        with central.db.session() as s:
            elsewhere = s.get(AppointmentRow, third)
            elsewhere.station_id = "TJ-OTHER-01"
        csrf = page.get_attribute("input[name=csrf]", "value")
        r = page.request.post(f"{central.url}/staff/appointments/{third}", headers={"Origin": central.url},
                              form={"csrf": csrf, "action": "arrived", "version": "1"})
        assert r.status == 403 and "不属于本驿站" in r.text()
        with central.db.session() as s:
            elsewhere = s.get(AppointmentRow, third)
            assert elsewhere.status == "booked"
            elsewhere.station_id = STATION
    finally:
        ctx.close()
        ctx2.close()
    with central.db.session() as s:
        records = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id.in_([first, second]))
                            .order_by(ServiceRecord.counter)).all()
        assert sorted((r.ticket_id, r.channel, r.identity, r.service, r.counter) for r in records) == sorted([
            (first, "counter", "idcard", "appointment", "3"), (second, "counter", "idcard", "appointment", "3")])
        assert s.get(AppointmentRow, third).status == "booked"
