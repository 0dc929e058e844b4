"""附近驿站 (back, idle timeout) and the 好差评 rating (optional, once, and delivered once later)."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.screens.job_fairs import RATED_FAIR
from kiosk.store.models import OutboxEvent
from tests.appfixture import go_home, pump, tap, wait_until
from tests.ui.test_job_fairs import open_first_fair


def _open_stations(app):
    go_home(app)
    tap(app.screen("home").tile("stations"))
    screen = app.screen("stations")
    wait_until(lambda: app.nav.current == "stations" and screen.ids.rv.data, what="the stations")
    return screen


def _ratings(app) -> list[str]:
    with app.store.read() as s:
        return list(s.scalars(select(OutboxEvent.id).where(OutboxEvent.type == "feedback.given")))


def test_stations_back_to_home(app):
    screen = _open_stations(app)
    tap(screen.ids.header.ids.back_button)
    wait_until(lambda: app.nav.current == "home", what="home")


def test_stations_idle_timeout_returns_to_attract_and_forgets_the_list(app):
    screen = _open_stations(app)
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 1
    app.idle.check()
    pump(2)
    assert app.nav.current == "attract" and screen.ids.rv.data == [] and screen.summary == ""


def _print_fair(app):
    sim = app.printer_simulator
    detail = open_first_fair(app)
    before = len(sim.receipts)
    tap(detail.ids.print_button)
    wait_until(lambda: len(sim.receipts) == before + 1 and detail.print_status.startswith("打印完成"), timeout=15,
               what="the printed fair")
    return detail


def test_the_rating_is_optional_leaving_without_it_sends_nothing(app):
    before = _ratings(app)
    detail = _print_fair(app)
    assert detail.rating.parent is not None
    tap(detail.ids.back_to_list)
    wait_until(lambda: app.nav.current == "job_fairs", what="the list")
    app.end_visit()
    wait_until(lambda: app.background.pending == 0, what="quiet")
    assert _ratings(app) == before and detail.rating.parent is None


def test_a_rating_given_while_central_is_unreachable_arrives_later_exactly_once(app):
    from tests.ui.central_later import deliver_later

    before = set(_ratings(app))
    detail = _print_fair(app)
    tap(next(b for b in detail.rating.ids.buttons.children if b.text == "基本满意"))
    wait_until(lambda: app.background.pending == 0 and len(_ratings(app)) == len(before) + 1, what="the rating")
    (event_id,) = set(_ratings(app)) - before
    stored = deliver_later(app, event_id)
    assert stored == {"station_id": app.kiosk_config.station.id, "service": RATED_FAIR, "score": 3}
