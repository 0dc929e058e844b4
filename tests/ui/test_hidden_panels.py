"""A hidden part of a screen leaves the widget tree (kiosk/widgets/visibility.py): not made
transparent, zero-sized or disabled, where its buttons would still take or swallow touches."""

from __future__ import annotations

import pytest

from tests.appfixture import go_home, open_list, pump, tap, wait_until

pytestmark = pytest.mark.ui


def in_tree(widget, screen) -> bool:
    while widget is not None:
        if widget is screen:
            return True
        widget = widget.parent
    return False


def test_the_search_keyboard_is_in_the_tree_only_while_open(app):
    open_list(app)
    screen = app.screen("vacancy_list")
    panel = screen.ids.keyboard_panel
    assert not screen.keyboard_open and not in_tree(panel, screen)
    screen.toggle_keyboard()
    pump(3)
    assert in_tree(panel, screen) and panel.opacity == 1 and not panel.disabled and panel.height > 100
    screen.toggle_keyboard()
    pump(3)
    assert not in_tree(panel, screen)


def test_the_catalogue_keyboard_and_clear_button_leave_the_tree_when_not_needed(app):
    go_home(app)
    tap(app.screen("home").tile("policy"))
    screen = app.screen("policy_list")
    wait_until(lambda: app.nav.current == "policy_list" and app.background.pending == 0, what="the catalogue")
    panel, clear = screen.ids.keyboard_panel, screen.ids.clear_button
    assert not in_tree(panel, screen) and not in_tree(clear, screen)
    tap(screen.ids.search_box)
    tap(screen.ids.keyboard.key("b"))
    wait_until(lambda: screen.query_text == "b", what="the typed letter")
    assert in_tree(panel, screen) and in_tree(clear, screen) and clear.width > 100
    tap(clear)
    wait_until(lambda: screen.query_text == "", what="the cleared query")
    assert not in_tree(clear, screen)
    screen.toggle_keyboard()
    pump(3)
    assert not in_tree(panel, screen)


def test_the_demo_controls_follow_the_developer_setting(app):
    go_home(app)
    app.nav.go("login")
    pump(3)
    login = app.screen("login")
    shown = app.kiosk_config.demo.developer_controls
    assert in_tree(login.ids.demo_card, login) is shown and in_tree(login.ids.demo_essc, login) is shown
