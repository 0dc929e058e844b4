"""Screens are built when first asked for (kiosk.app.SCREENS): the few most visits open in idle
frames after the first frame, the rest when first opened, in the visit's language and mode."""

from __future__ import annotations

import pytest

from kiosk import theme
from kiosk.app import EARLY_SCREENS
from kiosk.widgets.look import T
from tests.appfixture import go_home, tap, wait_until

pytestmark = pytest.mark.ui

#: a screen few visits open, on 长辈模式's home menu too
RARE = "appointment"


def _not_built_yet(app, name: str) -> None:
    """The session's app as if nobody had opened ``name`` yet (another test may have)."""
    if app.manager.has_screen(name):
        app.manager.remove_widget(app.manager.get_screen(name))
    assert not app.manager.has_screen(name)


def test_the_screens_most_visits_open_are_built_without_being_opened(app):
    wait_until(lambda: all(app.manager.has_screen(n) for n in EARLY_SCREENS), what="the early screens")


def test_opening_a_screen_builds_that_one_and_no_other(visit):
    app = visit
    for name in (RARE, "stations"):
        _not_built_yet(app, name)
    go_home(app)
    tap(app.screen("home").tile("stations"))
    wait_until(lambda: app.nav.current == "stations", what="the stations screen")
    assert not app.manager.has_screen(RARE)


def test_a_screen_is_built_when_first_opened_in_the_visits_language_and_mode(visit):
    app = visit
    _not_built_yet(app, RARE)
    tap(app.screen("attract").ids.elder)
    wait_until(lambda: app.nav.current == "home", what="home")
    home = app.screen("home")
    tap(home.ids.language_switch)
    wait_until(lambda: app.language == "en", what="English")
    assert not app.manager.has_screen(RARE)

    tap(home.tile("booking"))
    wait_until(lambda: app.nav.current == RARE, what="the booking screen")
    header = app.screen(RARE).ids.header
    assert header.title == "Book a time" and header.ids.back_button.text == "Back"
    assert header.ids.back_button.font_size == T.FONT_BODY == theme.ELDER_SIZES["FONT_BODY"]

    app.end_visit()
    wait_until(lambda: app.nav.current == "attract", what="the attract screen")
    assert header.title == "预约服务" and header.ids.back_button.text == "返回"
    assert header.ids.back_button.font_size == theme.FONT_BODY
