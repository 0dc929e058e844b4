"""招聘登记 and 零工 from an employer's phone to a resident at the kiosk, on the real app.

An employer fills the 招聘登记 form on a 360×640 phone in headless Chromium (a wrong credit code
first: the message, and nothing lost), a staff member registers a second job on the console, and
reviews and publishes both. One sync round later the kiosk finds the staff's job by pinyin and the
day job under 零工 · 今天; a resident signs up for it (identity, phone, consent) and the employer
sees the sign-up with the name and phone on the posting's link. With the clock moved past
midnight the day job is gone from the kiosk; the staff's job, withdrawn, is gone after the next pull.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from kiosk.domain.identity import Resident, check_char
from kiosk.domain.queue_rules import utc_now
from tests.appfixture import beijing, open_list, pump, tap, wait_until
from tests.browser import chromium, needs_chromium, staff_login
from tests.central.posting_data import code, wrong_check
from tests.clock import station_today

pytestmark = [pytest.mark.browser, needs_chromium]

FIRST17 = "12010119760808003"
NUMBER = FIRST17 + check_char(FIRST17)
PHONE = "13612345678"


def _shot(page_or_widget, name: str) -> None:
    keep = os.environ.get("OFFICE_SCREENSHOTS")
    if not keep:
        return
    Path(keep).mkdir(parents=True, exist_ok=True)
    if hasattr(page_or_widget, "screenshot"):
        page_or_widget.screenshot(path=str(Path(keep) / f"{name}.png"), full_page=True)
    else:
        pump(3)
        page_or_widget.export_to_png(str(Path(keep) / f"{name}.png"))


def _settle(app, screen):
    wait_until(lambda: not screen._trigger.is_triggered and not screen.loading and app.background.pending == 0,
               what="search results")


def _employer_posts_a_day_job(browser, url: str, station: str) -> str:
    phone = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN", is_mobile=True,
                                has_touch=True).new_page()
    phone.goto(f"{url}/employer/new?s={station}")
    phone.fill("#company", "天津南市搬家服务部")
    phone.fill("#credit_code", wrong_check(code("92120101MA05XYK12")))
    phone.fill("#contact_name", "孙师傅")
    phone.fill("#contact_phone", "13822223333")
    phone.select_option("#occupation", "装卸工")
    phone.fill("#title", "搬家小工")
    phone.check("input[name=job_type][value=零工]")
    phone.fill("#salary_min", "220")
    phone.fill("#salary_max", "260")
    phone.select_option("#salary_unit", "天")
    phone.fill("#headcount", "4")
    phone.select_option("#street", "南市街道")
    phone.fill("#address", "荣吉大街8号")
    phone.fill("#work_from", station_today().isoformat())
    phone.fill("#meet_place", "南市街道办事处门口")
    phone.fill("#meet_time", "07:30")
    phone.check("#consent")
    phone.check("#promise")
    phone.click("#submit")
    phone.wait_for_selector("#err-credit_code")
    assert "校验不对" in phone.inner_text("#err-credit_code") and "1 处需要修改" in phone.inner_text("#errors")
    assert phone.input_value("#company") == "天津南市搬家服务部" and phone.input_value("#meet_place") == "南市街道办事处门口"
    assert phone.is_checked("input[name=job_type][value=零工]") and phone.input_value("#street") == "南市街道"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    _shot(phone, "employer-form-error-360")
    phone.fill("#credit_code", code("92120101MA05XYK12"))
    phone.click("#submit")
    phone.wait_for_selector("#status")
    assert "待审核" in phone.inner_text("#status")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, "employer-posting-submitted-360")
    link = phone.url.split("?")[0]
    phone.context.close()
    return link


def _staff_registers_and_publishes(browser, url: str, station: str, db) -> tuple[str, str]:
    from central.models import PostingRow

    page = staff_login(browser, url, station, "王芳", "2468")
    page.click("nav.office a:has-text('招聘登记')")
    page.wait_for_selector("#new")
    page.click("#new")
    page.fill("#company", "天津南市社区食堂有限公司")
    page.fill("#credit_code", code("91120101MA05QRT31"))
    page.fill("#contact_name", "周经理")
    page.fill("#contact_phone", "022-27351234")
    page.select_option("#occupation", "餐厅服务员")
    page.fill("#title", "社区食堂帮厨")
    page.check("input[name=job_type][value=全职]")
    page.fill("#salary_min", "1800")  # under the minimum wage: named, and nothing lost
    page.fill("#salary_max", "4200")
    page.fill("#work_hours", "早9点到下午5点")
    page.fill("#headcount", "2")
    page.select_option("#street", "南市街道")
    page.fill("#address", "清和大街20号")
    page.fill("#expires_on", (station_today() + timedelta(days=30)).isoformat())
    page.check("#consent")
    page.check("#promise")
    page.click("#submit")
    page.wait_for_selector("#err-salary")
    assert "2320" in page.inner_text("#err-salary") and page.input_value("#address") == "清和大街20号"
    _shot(page, "staff-posting-form-error")
    page.fill("#salary_min", "3600")
    page.click("#submit")
    page.wait_for_selector("#flash:has-text('请审核后发布')")
    with db.session() as s:
        refs = {r.title: r.reference for r in s.scalars(select(PostingRow))}
    assert set(refs) == {"搬家小工", "社区食堂帮厨"}
    assert page.inner_text("#n-review") == "2"
    _shot(page, "staff-postings-review")
    for title in ("搬家小工", "社区食堂帮厨"):
        page.click(f"#p-{refs[title]} button:has-text('审核通过，发布')")
        page.wait_for_selector(f"#flash:has-text('{refs[title]} 已发布')")
    page.context.close()
    return refs["社区食堂帮厨"], refs["搬家小工"]


def test_postings_reach_the_kiosk_and_a_day_job_signs_up_and_expires_at_midnight(app, tmp_path):
    from central.models import Interest
    from central.staff_auth import add_staff
    from kiosk.store.models import FeedCursor, Vacancy
    from tests.central.office_data import in_district
    from tests.sync.centralserver import running_central
    from tests.sync.conftest import make_worker

    station = app.kiosk_config.station.id
    try:
        with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central, chromium() as browser:
            in_district(central.db, station, "南市街就业驿站", "和平区")
            add_staff(central.db, station, "王芳", "2468")
            link = _employer_posts_a_day_job(browser, central.url, station)
            canteen, day_job = _staff_registers_and_publishes(browser, central.url, station, central.db)

            worker = make_worker(app.store, central.url)
            assert worker.pull("vacancies") == 2  # one sync round brings both

            # the staff's job, found by the pinyin initials of 社区食堂帮厨
            screen = app.screen("vacancy_list")
            open_list(app)
            tap(screen.ids.search_box)
            for ch in "sqstbc":
                tap(screen.ids.keyboard.key(ch))
            _settle(app, screen)
            assert [r["vacancy_id"] for r in screen.ids.rv.data][:1] == [canteen]
            tap(screen.ids.keyboard_done)
            while screen.ids.keyboard.value:
                screen.ids.keyboard.value = screen.ids.keyboard.value[:-1]
            _settle(app, screen)

            # 零工 · 今天: the day job, with its day in the row; 明天: not there
            tap(screen.day_chip)
            wait_until(lambda: screen.ids.day_row.parent is not None, what="the 今天/明天 chips")
            tap(screen.ids.day_today)
            _settle(app, screen)
            assert [r["vacancy_id"] for r in screen.ids.rv.data] == [day_job]
            assert screen.ids.rv.data[0]["place"].startswith("今天用工") and "今天的零工" in screen.summary
            _shot(screen, "kiosk-day-jobs-today")
            tap(screen.ids.day_tomorrow)
            _settle(app, screen)
            assert day_job not in [r["vacancy_id"] for r in screen.ids.rv.data]
            tap(screen.ids.day_today)
            _settle(app, screen)

            # 我要报名: identity, phone, consent
            detail = app.screen("vacancy_detail")
            screen.open_vacancy(day_job)
            wait_until(lambda: app.nav.current == "vacancy_detail" and detail.vacancy is not None, what="the day job")
            assert detail.ids.apply.text == "我要报名" and "07:30在南市街道办事处门口集合" in detail.day_job_text
            _shot(detail, "kiosk-day-job-detail")
            tap(detail.ids.apply)
            wait_until(lambda: app.nav.current == "login", what="identity first")
            app.screen("login").accept(Resident(NUMBER, date(1976, 8, 8), name="张建国"))
            wait_until(lambda: app.nav.current == "vacancy_detail" and detail.vacancy is not None, what="back")
            tap(detail.ids.apply)
            form = app.screen("interest")
            wait_until(lambda: app.nav.current == "interest" and form.step == "phone", what="the phone form")
            for d in PHONE:
                tap(next(k for k in form.ids.phone.children if k.text == d))
            tap(form.ids.next)
            assert "交给“天津南市搬家服务部”" in form.consent
            tap(form.ids.submit)
            wait_until(lambda: form.step == "done" and app.background.pending == 0, timeout=20, what="the sign-up")
            worker.run_once()
            with central.db.session() as s:
                (signup,) = s.scalars(select(Interest).where(Interest.vacancy_id == day_job)).all()
                assert (signup.kind, signup.shared, signup.name, signup.phone) == ("signup", True, "张建国", PHONE)

            # the employer's link lists the sign-up, name and phone shown (the resident agreed)
            phone = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN").new_page()
            phone.goto(link)
            card = phone.inner_text(".answer")
            assert "报名 · 张建国" in card and PHONE in card and NUMBER not in phone.content()
            phone.click(".answer button:has-text('标记为已联系')")
            phone.wait_for_selector(".answer .status:has-text('已联系')")
            _shot(phone, "employer-link-signups-360")
            app.services.end_visit()
            wait_until(lambda: app.nav.current == "attract" and app.background.pending == 0, what="attract")

            # past midnight the day job has expired by itself: gone from 零工 and from the detail
            app.services.queue.clock = lambda: beijing(station_today() + timedelta(days=1), 0, 1)
            open_list(app)
            tap(screen.day_chip)
            _settle(app, screen)
            assert day_job not in [r["vacancy_id"] for r in screen.ids.rv.data]
            assert app.services.vacancies.get(day_job) is None
            assert app.services.vacancies.get(canteen) is not None

            # withdrawn on central: a tombstone, gone from the kiosk after its next pull
            from central import postings
            from central.models import PostingRow

            with central.db.session() as s:
                row = s.scalars(select(PostingRow).where(PostingRow.reference == canteen)).one()
                postings.withdraw(s, row.id, row.version, "王芳")
            assert worker.pull("vacancies") == 1
            assert app.services.vacancies.get(canteen) is None
            app.services.end_visit()
            wait_until(lambda: app.nav.current == "attract" and app.background.pending == 0, what="attract")
            open_list(app)
            assert canteen not in [r["vacancy_id"] for r in screen.ids.rv.data]
    finally:
        app.services.queue.clock = utc_now
        with app.store.session() as s:
            s.execute(delete(Vacancy).where(Vacancy.id.like("ZP%")))
            s.execute(delete(FeedCursor).where(FeedCursor.feed == "vacancies"))
        app.services.end_visit()
        wait_until(lambda: app.background.pending == 0, what="background jobs")
    assert re.match(r"^http://127\.0\.0\.1:\d+/employer/p/[A-Za-z0-9_-]{22,}$", link)
