"""招聘会 on the real app: upcoming fairs nearest first, details, printing with a QR, the fallbacks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kiosk.domain.queue_rules import utc_now
from kiosk.screens.job_fairs import EMPTY, RATED_FAIR
from kiosk.store.models import OutboxEvent
from kiosk.store.outbox import read_payload
from tests.appfixture import go_home, pump, tap, wait_until
from tests.qrcodes import qr_texts


def open_fairs(app):
    go_home(app)
    tap(app.screen("home").tile("fairs"))
    screen = app.screen("job_fairs")
    wait_until(lambda: app.nav.current == "job_fairs" and screen.ids.rv.data and app.background.pending == 0,
               what="the fairs")
    return screen


def open_first_fair(app):
    screen = open_fairs(app)
    pump(3)
    tap(max(screen.ids.rv.layout_manager.children, key=lambda w: w.y))
    detail = app.screen("job_fair_detail")
    wait_until(lambda: app.nav.current == "job_fair_detail" and detail.item is not None, what="the fair")
    return detail


def test_upcoming_fairs_nearest_first_past_hidden_online_last(app):
    screen = open_fairs(app)
    rows = screen.ids.rv.data
    views = app.services.job_fairs.upcoming()
    assert [r["fair_id"] for r in rows] == [v.id for v in views]
    titles = [r["title"] for r in rows]
    assert "冬季综合招聘会" not in titles  # over three days ago
    on_site = [v for v in views if v.on_site]
    assert [v.distance_m for v in on_site] == sorted(v.distance_m for v in on_site)
    assert views.index(on_site[-1]) < min(i for i, v in enumerate(views) if not v.on_site)
    assert rows[0]["distance"].startswith("距本驿站") and "米" in rows[0]["distance"]
    assert any("线上举办" in r["distance"] for r in rows)
    assert "离本驿站最近的在前" in screen.summary


def test_print_a_fair_with_its_qr_then_rate_it_once(app):
    sim = app.printer_simulator
    detail = open_first_fair(app)
    fair = detail.item
    assert detail.qr_data == app.kiosk_config.fair_url(fair.id)
    assert detail.rating.parent is None  # no rating before a service was completed
    before = len(sim.receipts)
    tap(detail.ids.print_button)
    wait_until(lambda: len(sim.receipts) == before + 1 and detail.print_status.startswith("打印完成"), timeout=15,
               what=f"the printed fair ({detail.print_status!r})")
    text = sim.receipts[-1].text()
    assert fair.title in text and fair.venue in text and fair.when_text in text
    assert qr_texts(sim.image(-1)) == [app.kiosk_config.fair_url(fair.id)]
    bar = detail.rating
    assert bar.parent is not None
    with app.store.read() as s:
        before_ratings = len(s.scalars(select(OutboxEvent).where(OutboxEvent.type == "feedback.given")).all())
    tap(next(b for b in bar.ids.buttons.children if b.text == "非常满意"))
    wait_until(lambda: app.background.pending == 0, what="rating saved")
    tap(next(b for b in bar.ids.buttons.children if b.text == "不满意"))  # disabled after one tap
    wait_until(lambda: app.background.pending == 0, what="nothing more")
    with app.store.read() as s:
        ratings = [read_payload(e, None) for e in
                   s.scalars(select(OutboxEvent).where(OutboxEvent.type == "feedback.given")
                             .order_by(OutboxEvent.seq)).all()]
    assert ratings[before_ratings:] == [{"station_id": app.kiosk_config.station.id, "service": RATED_FAIR,
                                         "score": 5}]


def test_out_of_paper_says_so_and_shows_the_qr(app):
    sim = app.printer_simulator
    detail = open_first_fair(app)
    before = len(sim.receipts)
    sim.faults.add("paper_out")
    try:
        tap(detail.ids.print_button)
        wait_until(lambda: not detail.printing and detail.print_status and app.background.pending == 0, timeout=20,
                   what="the print outcome")
        assert "缺纸" in detail.print_status and "二维码" in detail.print_status
        assert len(sim.receipts) == before
        assert detail.ids.qr.data == app.kiosk_config.fair_url(detail.item.id) and detail.ids.qr.texture is not None
        assert detail.ids.scroll.scroll_y == 0  # scrolled to the QR
        assert detail.rating.parent is None  # nothing was completed, nothing to rate
        assert not detail.ids.print_button.disabled  # can try again once paper is in
    finally:
        sim.faults.discard("paper_out")
        app.printer.check_status()  # back to "ok" now, not at the next 30 s poll


def test_no_upcoming_fair_gives_a_clear_empty_state(app):
    app.services.queue.clock = lambda: utc_now() + timedelta(days=90)
    try:
        screen = open_fairs_empty(app)
        assert screen.summary == EMPTY and screen.ids.rv.data == []
        tap(screen.ids.to_jobs)
        wait_until(lambda: app.nav.current == "vacancy_list", what="the vacancies")
    finally:
        app.services.queue.clock = utc_now


def open_fairs_empty(app):
    go_home(app)
    tap(app.screen("home").tile("fairs"))
    screen = app.screen("job_fairs")
    wait_until(lambda: app.nav.current == "job_fairs" and screen.summary == EMPTY, what="the empty state")
    return screen


def test_back_from_detail_then_from_list(app):
    detail = open_first_fair(app)
    tap(detail.ids.header.ids.back_button)
    wait_until(lambda: app.nav.current == "job_fairs", what="the list")
    tap(app.screen("job_fairs").ids.header.ids.back_button)
    wait_until(lambda: app.nav.current == "home", what="home")


def test_idle_timeout_on_the_detail_forgets_it(app):
    detail = open_first_fair(app)
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 1
    app.idle.check()
    pump(2)
    assert app.nav.current == "attract"
    assert detail.item is None and detail.qr_data == "" and app.screen("job_fairs").ids.rv.data == []
