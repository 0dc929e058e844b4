"""排队取号 on the real app: choose a service, get a numbered ticket, or a clear reason why not."""

from __future__ import annotations

from datetime import date

import pytest

from tests.appfixture import beijing, go_home, pump, tap, wait_until


@pytest.fixture
def queue_screen(app):
    monday = date(2030, 1, 7)  # a day no other test issues tickets on
    app.services.queue.clock = lambda: beijing(monday, 10)
    go_home(app)
    tap(app.screen("home").tile("queue"))
    screen = app.screen("queue_services")
    wait_until(lambda: app.nav.current == "queue_services" and len(screen.ids.rows.children) == 7, what="services")
    yield screen
    from kiosk.core.queue import utc_now

    app.services.queue.clock = utc_now
    if getattr(screen, "dialog", None) and screen.dialog.parent:
        screen.dialog.dismiss(animation=False)


def test_take_a_ticket(app, queue_screen):
    row = queue_screen.row("career_guidance")
    assert row.open_now and "无需等候" in row.state_text
    tap(row)
    ticket = app.screen("queue_ticket")
    wait_until(lambda: app.nav.current == "queue_ticket", what="ticket screen")
    number = ticket.ids.number.text
    assert number.startswith("C") and len(number) == 4
    assert ticket.qr_data == app.kiosk_config.ticket_url(ticket.ticket.id)
    assert "无需等候" in ticket.ids.ahead.text or "前面还有" in ticket.ids.ahead.text
    tap(ticket.ids.done)
    assert app.nav.current == "attract"
    assert ticket.ticket is None  # nothing of the visit stays on screen


def test_long_queue_asks_before_issuing(app, queue_screen):
    q = app.services.queue
    code = "policy_consultation"
    for _ in range(q.services[code].ask_when_ahead):
        q.issue(code, confirmed=True)
    tap(queue_screen.row(code))
    wait_until(lambda: getattr(queue_screen, "dialog", None) is not None and queue_screen.dialog.parent is not None,
               what="confirmation")
    assert "前面还有" in queue_screen.dialog.ids.message.text
    tap(queue_screen.dialog.ids.yes)
    wait_until(lambda: app.nav.current == "queue_ticket", what="ticket screen")
    assert app.screen("queue_ticket").ticket.people_ahead >= q.services[code].ask_when_ahead


def test_identity_required_service_asks_for_identity_then_issues(app, queue_screen):
    from kiosk.core.identity import check_char

    tap(queue_screen.row("job_registration"))
    login = app.screen("login")
    wait_until(lambda: app.nav.current == "login", what="login screen")
    assert "求职登记" in login.purpose
    number = "12010419850612003"
    number += check_char(number)
    for d in number:
        tap(next(k for k in login.ids.keypad.children if k.text == d))
    tap(login.ids.ok)
    wait_until(lambda: app.nav.current == "queue_ticket", what="ticket after login")
    t = app.screen("queue_ticket").ticket
    assert t.display_number.startswith("A") and not t.priority
    assert app.identity_text == "120104********" + number[-4:]


def test_identity_from_the_visit_is_used(app, queue_screen):
    from kiosk.core.identity import Resident

    app.visits.set_identity(Resident("110105195003030000", date(1950, 3, 3)))
    tap(queue_screen.row("job_registration"))
    wait_until(lambda: app.nav.current == "queue_ticket", what="ticket screen")
    t = app.screen("queue_ticket").ticket
    assert t.display_number.startswith("A") and t.priority  # 60+ by birth date
    app.end_visit()
    assert app.visits.current.identity is None


def test_closed_service_says_when_it_opens(app, queue_screen):
    app.services.queue.clock = lambda: beijing(date(2030, 1, 12), 10)  # Saturday
    queue_screen.activate()
    wait_until(lambda: len(queue_screen.ids.rows.children) == 7 and not queue_screen.row("career_guidance").open_now,
               what="refresh")
    assert "周一至周五" in queue_screen.row("career_guidance").state_text
    tap(queue_screen.row("career_guidance"))
    wait_until(lambda: getattr(queue_screen, "dialog", None) is not None and queue_screen.dialog.parent is not None,
               what="refusal")
    assert "不在办理时间" in queue_screen.dialog.ids.message.text
    pump()

