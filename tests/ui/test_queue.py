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
    from kiosk.domain.queue_rules import utc_now

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
    from kiosk.domain.identity import check_char

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
    from kiosk.domain.identity import Resident

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



def _outbox_types(app, ticket_id: str) -> list[str]:
    from sqlalchemy import select

    from kiosk.store.models import OutboxEvent
    from kiosk.store.outbox import read_payload

    with app.store.read() as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        return [e.type for e in rows if not e.encrypted and read_payload(e, None).get("ticket_id") == ticket_id]


def test_the_ticket_is_printed_with_its_number_and_a_qr_to_its_status(app, queue_screen):
    import zxingcpp

    from kiosk.store.models import Ticket

    sim = app.printer_simulator
    before = len(sim.receipts)
    tap(queue_screen.row("career_guidance"))
    screen = app.screen("queue_ticket")
    wait_until(lambda: app.nav.current == "queue_ticket" and screen.print_status.startswith("打印完成"),
               timeout=15, what=f"the printed ticket ({screen.print_status!r})")
    assert len(sim.receipts) == before + 1
    number = screen.ticket.display_number
    assert number in sim.receipts[-1].text()
    qr = [r.text for r in zxingcpp.read_barcodes(sim.image(-1)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert qr == [app.kiosk_config.ticket_url(screen.ticket.id)]
    assert _outbox_types(app, screen.ticket.id) == ["ticket.issued", "ticket.printed"]  # issued first
    with app.store.read() as s:
        assert s.get(Ticket, screen.ticket.id).printed is True
    assert not screen.print_failed


def test_out_of_paper_shows_the_ticket_on_screen_and_records_the_failure(app, queue_screen):
    from kiosk.store.models import Ticket

    sim = app.printer_simulator
    sim.faults.add("paper_out")
    try:
        before = len(sim.receipts)
        tap(queue_screen.row("career_guidance"))
        screen = app.screen("queue_ticket")
        wait_until(lambda: app.nav.current == "queue_ticket" and screen.print_failed, timeout=15,
                   what=f"the on-screen ticket ({screen.print_status!r})")
        number = screen.ticket.display_number
        assert "缺纸" in screen.print_status and number in screen.print_status
        assert screen.ids.number.text == number and screen.qr_data == app.kiosk_config.ticket_url(screen.ticket.id)
        pump(3)
        assert len(sim.receipts) == before  # nothing came out
        assert _outbox_types(app, screen.ticket.id) == ["ticket.issued", "ticket.print_failed"]
        with app.store.read() as s:
            assert s.get(Ticket, screen.ticket.id).printed is False
        assert app.printer.failed >= 1  # reported in the heartbeat
    finally:
        sim.faults.discard("paper_out")
        app.printer.check_status()  # back to "ok" now, not at the next 30 s poll
