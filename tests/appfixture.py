"""One real kiosk app for the whole test session, driven frame by frame (Kivy allows one window
per process). Tests tap real widgets through Kivy's input pipeline and check what is shown.

Importing this module sets Kivy's window options, so it must be imported before any test module
imports kivy.core.window: the conftest of every folder with UI tests imports it."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC

from kiosk.bootstrap import bootstrap
from kiosk.config import DeviceConfig, load_config

UI_VACANCIES = 600

# Kivy's window settings must be in place before any test module imports kivy.core.window,
# and this conftest is imported before the test modules next to it.
CONFIG = load_config(env={})
CONFIG = replace(
    CONFIG,
    data_dir=tempfile.mkdtemp(prefix="kiosk-ui-"),
    demo=replace(CONFIG.demo, seed_vacancies=UI_VACANCIES),
    # speech is synthesized but not played: the test machine has no sound card
    devices=replace(CONFIG.devices, speaker=DeviceConfig(backend="espeak-ng", options={"voice": "cmn-latn-pinyin", "player": ""})),
)
FONTS = bootstrap(CONFIG, size=(1080, 1920), fullscreen=False)

from kiosk.widgets import frames  # noqa: E402 - imports kivy: after the window settings
from kiosk.widgets.frames import pump, tap  # noqa: E402, F401 - the tests' helpers, from one place


def running_app():
    cfg, fonts = CONFIG, FONTS
    from kivy.base import runTouchApp, stopTouchApp

    from kiosk.app import KioskApp
    from kiosk.commands.run import open_and_seed

    store = open_and_seed(cfg)
    app = KioskApp(cfg, store, fonts, animate=False)
    app._run_prepare()
    runTouchApp(embedded=True)
    clock = app.screen("attract").ids.clock
    wait_until(lambda: clock.texture is not None and clock.width > 40, what="the first frames")
    yield app
    app.stop()
    stopTouchApp()
    store.close()


#: A wait's time-out guards against a hang, it is not a speed limit: on a loaded machine every
#: frame and every request is slower, so each waits this many times what its caller names.
HANG_SLACK = 3.0


def wait_until(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    frames.wait_until(predicate, what, timeout * HANG_SLACK)


def fresh_visit(kiosk_app):
    """The session app, back on the attract screen with a fresh visit."""
    kiosk_app.end_visit()
    kiosk_app.idle.watcher.poke()
    wait_until(lambda: kiosk_app.background.pending == 0, what="background jobs")
    pump(2)
    assert kiosk_app.nav.current == "attract"
    return kiosk_app


def go_home(app) -> None:
    tap(app.screen("attract").ids.start)  # 轻触屏幕开始 (the screen's middle may be a one-tap pill)
    wait_until(lambda: app.nav.current == "home" and app.background.pending == 0, what="home screen")


def open_list(app):
    go_home(app)
    tap(app.screen("home").tile("jobs"))
    rv = app.screen("vacancy_list").ids.rv
    wait_until(lambda: bool(rv.data) and app.background.pending == 0, what="vacancy rows")
    return rv


def type_search(app, letters: str):
    """Open the job list's keyboard and type ``letters`` on it; returns the list screen."""
    listing = app.screen("vacancy_list")
    tap(listing.ids.search_box)
    for ch in letters:
        tap(listing.ids.keyboard.key(ch))
    wait_until(lambda: listing.query_text == letters, what=f"{letters!r} typed")
    return listing


def first_row(rv):
    pump(3)
    return max(rv.layout_manager.children, key=lambda w: w.y)


def beijing(day, hour: int, minute: int = 0):
    """The UTC instant of a Beijing wall-clock time (what the kiosk's clock reports)."""
    from datetime import datetime, timedelta

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)
