"""岗位推荐 end to end: a resident's interest taken by touch at the kiosk and a registration at the
kiosk, pushed to a real central; in headless Chromium staff refer the first (已联系 → 已推荐, the
推荐单 printed, 面试 → 录用) and refer the registered resident to an open job by its number (推荐单,
面试 → 未成功). The workload ledger then says 推荐 2 / 录用 1, from its records: two 岗位推荐 and
one 推荐成功, the latter not a second service."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.domain.identity import Resident, check_char
from tests.appfixture import wait_until
from tests.browser import chromium, needs_chromium, staff_login
from tests.clock import station_today
from tests.ui.test_backoffice_e2e import _express_interest_by_touch

pytestmark = [pytest.mark.browser, needs_chromium]

FIRST17 = "12010119700303004"
NUMBER = FIRST17 + check_char(FIRST17)
REG17 = "12010119880909005"
REG_NUMBER = REG17 + check_char(REG17)


def _shot(page, name: str) -> None:
    keep = os.environ.get("OFFICE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(keep) / f"{name}.png"), full_page=True)


def test_an_interest_and_a_registration_are_referred_and_counted_in_the_ledger(app, tmp_path):
    from central.models import FeedItem, Interest, Registration, ServiceRecord
    from central.seed import seed
    from central.staff_auth import add_staff
    from kiosk.core.registration import Answers
    from tests.central.office_data import in_district
    from tests.sync.centralserver import running_central
    from tests.sync.conftest import make_worker

    who = Resident(NUMBER, date(1970, 3, 3))
    vacancy = _express_interest_by_touch(app, who)
    registered = Resident(REG_NUMBER, date(1988, 9, 9))
    app.services.registration.submit(registered, Answers({
        "status": ["失业，正在找工作"], "occupations": ["保洁员"], "district": ["和平区"], "salary": ["3000-5000元"],
        "training": ["不需要"], "groups": ["就业困难人员"], "phone": ["13755556666"]}))
    app.services.end_visit()
    wait_until(lambda: app.nav.current == "attract" and app.background.pending == 0, what="attract")

    station = app.kiosk_config.station.id
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central, chromium() as browser:
        seed(central.db, 30)
        in_district(central.db, station, "南市街就业驿站", "和平区")
        add_staff(central.db, station, "王芳", "2468")
        make_worker(app.store, central.url).run_once()
        with central.db.session() as s:
            interest = next(i for i in s.scalars(select(Interest)) if i.id_number == NUMBER)
            reg = next(r for r in s.scalars(select(Registration)) if r.id_number == REG_NUMBER)
            job = next(dict(r.data) for r in s.scalars(select(FeedItem).where(FeedItem.feed == "vacancies",
                                                                             FeedItem.deleted.is_(False)))
                       if r.data["status"] == "open" and r.data["expires_on"] >= station_today().isoformat())
        assert interest.title == vacancy.title

        page = staff_login(browser, central.url, station, "王芳", "2468")
        card = f"#i-{interest.reference}"
        page.click(f"{card} button[value=contacted]")
        page.wait_for_selector("#flash:has-text('已联系')")
        page.click(f"{card} button[value=referred]")
        page.wait_for_selector("#flash:has-text('已推荐')")
        page.click(f"#slip-{interest.reference}")
        page.wait_for_selector("#slip")
        slip = page.inner_text("#slip")
        assert "就业推荐单" in slip and interest.reference in slip and vacancy.title in slip
        assert "120101********" + NUMBER[-4:] in slip and NUMBER not in page.content()
        assert page.locator("#slip svg path").count() >= 1  # the job's QR, drawn on the server
        _shot(page, "staff-referral-slip")
        page.goto(f"{central.url}/staff/interests")
        page.click(f"{card} button[value=interview]")
        page.wait_for_selector("#flash:has-text('面试')")
        page.click(f"{card} button[value=hired]")
        page.wait_for_selector("#flash:has-text('录用')")

        # the registered resident, referred to an open job by its number
        page.goto(f"{central.url}/staff/registrations")
        rcard = f"#r-{reg.id[:8]}"
        page.fill(f"#refer-{reg.id[:8]}", "nope-000")
        page.click(f"{rcard} button:has-text('推荐并打印推荐单')")
        page.wait_for_selector("#flash:has-text('没有编号为')")
        page.fill(f"#refer-{reg.id[:8]}", f" {job['id']} ")
        page.click(f"{rcard} button:has-text('推荐并打印推荐单')")
        page.wait_for_selector("#slip")
        slip = page.inner_text("#slip")
        assert job["title"] in slip and job["employer"] in slip and "137****6666" in slip
        assert REG_NUMBER not in page.content()
        with central.db.session() as s:
            referral = s.scalars(select(Interest).where(Interest.channel == "counter")).one()
            assert (referral.status, referral.kind, referral.vacancy_id) == ("referred", "referral", job["id"])
        page.goto(f"{central.url}/staff/interests")
        rc = f"#i-{referral.reference}"
        assert "工作人员推荐" in page.inner_text(rc)
        page.click(f"{rc} button[value=interview]")
        page.wait_for_selector("#flash:has-text('面试')")
        page.click(f"{rc} button[value=failed]")
        page.wait_for_selector("#flash:has-text('未成功')")

        with central.db.session() as s:
            records = [(r.service, r.outcome) for r in s.scalars(select(ServiceRecord).where(
                ServiceRecord.station_id == station, ServiceRecord.service.in_(("referral", "referral_hired"))))]
        assert sorted(records) == [("referral", "served"), ("referral", "served"), ("referral_hired", "hired")]

        page.goto(f"{central.url}/staff/ledger?scope=s:{station}")
        page.wait_for_selector("#kpis")
        assert page.text_content("[data-k='推荐 / 录用'] .v").replace(" ", "") == "2/1"
        _shot(page, "staff-ledger-referrals")
