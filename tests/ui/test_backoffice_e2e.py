"""From a tap at the kiosk to the station's back office and back to the resident.

On the real app: a resident registers interest in a job by touch (identity, consent), fills the
employment registration and rates a service 1 of 5. The sync worker pushes the three events
through the signed API to a real central service on loopback. A staff member, in headless
Chromium, moves the interest to 已联系 and 已推荐, follows the registration up and answers the
差评. The kiosk pulls the interests feed, and the resident, after identity, sees the interest at
已推荐给用人单位 under 我的申请.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.domain.identity import Resident, check_char
from tests.appfixture import first_row, go_home, open_list, pump, tap, wait_until
from tests.browser import chromium, needs_chromium, staff_login

pytestmark = [pytest.mark.browser, needs_chromium]

FIRST17 = "12010119850505002"
NUMBER = FIRST17 + check_char(FIRST17)
PHONE = "13712345678"


def _express_interest_by_touch(app, who: Resident):
    rv = open_list(app)
    tap(first_row(rv))
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="detail")
    vacancy = detail.vacancy
    tap(detail.ids.apply)
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(who)
    wait_until(lambda: app.nav.current == "vacancy_detail" and detail.vacancy is not None, what="back to the job")
    tap(detail.ids.apply)
    form = app.screen("interest")
    wait_until(lambda: app.nav.current == "interest" and form.step == "phone", what="the phone form")
    for d in PHONE:
        tap(next(k for k in form.ids.phone.children if k.text == d))
    tap(form.ids.next)
    tap(form.ids.submit)
    wait_until(lambda: form.step == "done" and app.background.pending == 0, timeout=20, what="the interest")
    return vacancy


def _end_visit(app) -> None:
    app.services.end_visit()
    wait_until(lambda: app.nav.current == "attract" and app.background.pending == 0, what="the attract screen")


def test_interest_registration_and_rating_from_kiosk_to_staff_and_back(app, tmp_path):
    from central.models import Interest, Rating, Registration, StationConfig
    from central.staff_auth import add_staff
    from kiosk.core.registration import Answers
    from kiosk.store.models import InterestMark
    from tests.sync.centralserver import running_central
    from tests.sync.conftest import make_worker

    who = Resident(NUMBER, date(1985, 5, 5))
    key = who.person(app.kiosk_config.central.person_key_secret.encode()).key
    vacancy = _express_interest_by_touch(app, who)
    with app.store.read() as s:
        mark = s.scalars(select(InterestMark).where(InterestMark.person_key == key)).one()
        assert mark.title == vacancy.title and NUMBER not in repr(vars(mark))
    app.services.registration.submit(who, Answers({
        "status": ["失业，正在找工作"], "occupations": ["电工"], "district": ["和平区"], "salary": ["3000-5000元"],
        "training": ["电工"], "groups": ["农民工", "退役军人"], "phone": ["13912340000"]}))
    app.services.feedback.give("job_registration", 1)
    _end_visit(app)

    station = app.kiosk_config.station.id
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central, chromium() as browser:
        with central.db.session() as s:
            cfg = s.get(StationConfig, station)
            cfg.config = {**cfg.config, "name": "和平区南市街就业驿站"}
        worker = make_worker(app.store, central.url)
        worker.run_once()
        with central.db.session() as s:
            interest = s.get(Interest, mark.id)
            assert interest is not None and interest.station_id == station and interest.person_key == key
            assert interest.id_number == NUMBER and interest.title == vacancy.title
            (reg,) = [r for r in s.scalars(select(Registration)) if r.id_number == NUMBER]  # sealed: compared here
            assert reg.key_groups == ["农民工", "退役军人"] and reg.phone == "13912340000"
            bad = s.scalars(select(Rating).where(Rating.station_id == station, Rating.score == 1)
                            .order_by(Rating.given_at.desc())).first()
            assert bad is not None and bad.followup == "open"
        add_staff(central.db, station, "王芳", "2468")

        page = staff_login(browser, central.url, station, "王芳", "2468", viewport=(1366, 768))
        card = f"#i-{interest.reference}"
        assert "120101********" + NUMBER[-4:] in page.inner_text(card) and NUMBER not in page.content()
        page.click(f"{card} button[value=contacted]")
        page.wait_for_selector("#flash:has-text('已联系')")
        page.fill(f"{card} input[name=note]", "已推荐给用人单位，等待面试通知")
        page.click(f"{card} button[value=referred]")
        page.wait_for_selector("#flash:has-text('已推荐')")

        page.goto(f"{central.url}/staff/registrations?group=退役军人")
        rcard = f"#r-{reg.id[:8]}"
        page.check(f"{rcard} input[value='岗位推荐']")
        page.click(f"{rcard} button:has-text('记为已回访')")
        page.wait_for_selector(f"{rcard}[data-followup=done]")

        page.goto(f"{central.url}/staff/ratings?bad=1")
        gcard = f"#g-{bad.id[:8]}"
        page.fill(f"{gcard} textarea[name=callback]", "匿名评价，已核查当日窗口")
        page.fill(f"{gcard} textarea[name=fix]", "增加引导员")
        page.click(f"{gcard} button[type=submit]")
        page.wait_for_selector("#flash:has-text('差评回访已记录')")
        with central.db.session() as s:
            assert s.get(Interest, mark.id).status == "referred"
            assert s.get(Registration, reg.id).followup == "done"
            assert s.get(Rating, bad.id).followup == "answered"
        worker.pull("interests")

    # the resident comes back: 我的申请 shows the interest where staff left it
    go_home(app)
    tap(app.screen("home").tile("home_service"))
    hs = app.screen("home_service")
    wait_until(lambda: hs.page == "menu", what="the chooser")
    tap(hs.choice("我的申请"))
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(who)
    wait_until(lambda: app.nav.current == "home_service" and hs.page == "mine" and hs.ids.cards.children
               and app.background.pending == 0, what="我的申请")
    card = next(c for c in hs.ids.cards.children if getattr(c.view, "id", "") == mark.id)
    assert "已推荐给用人单位" in card.ids.status.text and vacancy.title in card.view.reason
    assert not card.can_cancel and card.ids.cancel.parent is None
    assert "等待面试通知" not in card.ids.status.text  # staff notes stay on central
    keep = os.environ.get("OFFICE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        pump(3)
        hs.export_to_png(str(Path(keep) / "kiosk-my-requests-interest.png"))
    _end_visit(app)
