"""The idle timeout ends an abandoned visit and wipes what every screen held."""

from __future__ import annotations

from tests.appfixture import first_row, open_list, pump, tap, wait_until


def _open_detail(app):
    rv = open_list(app)
    tap(first_row(rv))
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="vacancy detail")
    return detail


def test_idle_timeout_shows_countdown_then_clears_the_visit(app):
    detail = _open_detail(app)
    visit = app.visits.current
    visit.shortlist.append(detail.vacancy.id)
    assert not visit.is_empty
    watcher = app.idle.watcher
    # a whole-second fake clock: the countdown reads the same however long the frames take
    clock = [1000.0]
    watcher.clock = lambda: clock[0]
    try:
        watcher.poke()
        clock[0] += watcher.timeout_s + 1
        app.idle.check()
        pump()
        overlay = app.idle.overlay
        assert overlay.parent is not None
        assert overlay.remaining == watcher.countdown_s - 1
        assert f"{int(watcher.countdown_s - 1)} 秒后将返回首页" in overlay.ids.countdown.text
        assert app.nav.current == "vacancy_detail"  # not yet
        clock[0] += watcher.countdown_s
        app.idle.check()
        pump()
    finally:
        import time

        watcher.clock = time.monotonic
        watcher.poke()
    assert app.nav.current == "attract"
    assert app.idle.overlay.parent is None
    assert app.visits.current is not visit and app.visits.current.is_empty
    assert visit.is_empty
    assert detail.vacancy is None and detail.qr_data == "" and detail.ids.title.text == ""
    assert app.screen("vacancy_list").ids.rv.data == []
    assert app.nav.history == []


def test_a_touch_during_the_countdown_keeps_the_visit(app):
    detail = _open_detail(app)
    visit = app.visits.current
    watcher = app.idle.watcher
    clock = [1000.0]
    watcher.clock = lambda: clock[0]
    try:
        watcher.poke()
        clock[0] += watcher.timeout_s + 1
        app.idle.check()
        pump()
        assert app.idle.overlay.parent is not None
        tap(app.idle.overlay.ids.keep)
        app.idle.check()
        pump()
    finally:
        import time

        watcher.clock = time.monotonic
        watcher.poke()
    assert app.idle.overlay.parent is None
    assert app.nav.current == "vacancy_detail"
    assert app.visits.current is visit and detail.vacancy is not None


def test_late_background_result_is_dropped_after_the_visit_ends(app):
    import threading

    release = threading.Event()
    got = []
    app.background.submit(lambda: release.wait(5) and "late", on_done=got.append)
    app.end_visit()
    release.set()
    wait_until(lambda: app.background.pending == 0, what="the late job")
    assert got == []
