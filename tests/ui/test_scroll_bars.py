"""A list scrolled many times keeps one bar-colour binding (kiosk.widgets.scroll_bars)."""

from __future__ import annotations

from tests.appfixture import open_list, pump


def test_scrolling_binds_the_bar_colour_once(app):
    rv = open_list(app)
    for y in (0.9, 0.5, 0.1, 0.6, 0.3, 0.8):
        rv.scroll_y = y
        pump(1)
    bound = [cb for cb in rv.get_property_observers("bar_color") if getattr(cb, "__name__", "") == "_change_bar_color"]
    assert len(bound) <= 1
    rv.scroll_y = 1
    pump(2)
