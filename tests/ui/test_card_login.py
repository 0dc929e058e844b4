"""Laying a card on the (simulated) reader logs the resident in, through the real adapter."""

from __future__ import annotations

from tests.appfixture import go_home, tap, wait_until


def test_card_on_the_reader_logs_in_and_continues(app):
    assert app.card_reader is not None and app.card_simulator is not None
    go_home(app)
    app.nav.go("login", next="stations", purpose="测试")
    login = app.screen("login")
    wait_until(lambda: app.nav.current == "login", what="login")
    tap(login.ids.demo_card)
    wait_until(lambda: app.nav.current == "stations", timeout=10, what="the card to be read")
    who = app.visits.current.identity
    assert who.source == "card" and who.name
    assert who.masked_name in app.identity_text and "********" in app.identity_text
    assert who.name not in app.identity_text  # only the masked name is shown
    assert app.card_reader.state == "ok" and app.card_reader.reads >= 1
    app.end_visit()
    assert app.visits.current.identity is None
