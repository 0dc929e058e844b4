"""预约服务 on the real app: service, day, time, identity, consent, booking and its slip."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kiosk.domain.identity import Resident
from kiosk.store.models import Appointment, OutboxEvent
from tests.appfixture import beijing, go_home, pump, tap, wait_until

NUMBER = "11010519491231002X"


def test_book_a_time_after_identity_and_consent_and_print_the_slip(app):
    monday = date(2030, 1, 7)
    app.services.queue.clock = lambda: beijing(monday, 9)
    try:
        go_home(app)
        tap(app.screen("home").tile("booking"))
        screen = app.screen("appointment")
        wait_until(lambda: app.nav.current == "appointment" and len(screen.ids.services.children) == 7,
                   what="the services")
        tap(next(b for b in screen.ids.services.children if b.text == "职业指导"))
        wait_until(lambda: screen.step == "time" and screen.ids.slots.children and app.background.pending == 0,
                   what="the times")
        assert screen.day == monday and screen.slot_button("10:00")  # 9:00 + the hour's lead
        tap(screen.slot_button("10:30"))
        wait_until(lambda: app.nav.current == "login", what="identity first")
        app.screen("login").accept(Resident(NUMBER, date(1949, 12, 31)))
        wait_until(lambda: app.nav.current == "appointment" and getattr(screen, "dialog", None) is not None
                   and screen.dialog.parent is not None, what="back to the consent")
        assert "10:30" in screen.dialog.ids.message.text
        tap(screen.dialog.ids.yes)
        wait_until(lambda: screen.step == "done" and "打印完成" in screen.print_status, timeout=15,
                   what=f"the booking ({screen.message!r} {screen.print_status!r})")
        ref = screen.booked.reference
        assert ref in screen.ids.reference.text and screen.qr_data.endswith(screen.booked.id)
        slip = app.printer_simulator.receipts[-1].text()
        assert ref in slip and "职业指导" in slip and NUMBER not in slip
        with app.store.read() as s:
            row = s.scalar(select(Appointment).where(Appointment.reference == ref))
            ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "appointment.requested")
                           .order_by(OutboxEvent.seq.desc())).first()
        assert row.starts_at.hour == 10 and row.starts_at.minute == 30
        assert ev.encrypted and NUMBER.encode() not in ev.payload
        tap(screen.ids.finish)
        assert app.nav.current == "attract" and screen.booked is None
    finally:
        from kiosk.domain.queue_rules import utc_now

        app.services.queue.clock = utc_now


def _to_consent(app, monday):
    """Service, time, identity: the consent dialog open."""
    app.services.queue.clock = lambda: beijing(monday, 9)
    go_home(app)
    tap(app.screen("home").tile("booking"))
    screen = app.screen("appointment")
    wait_until(lambda: app.nav.current == "appointment" and len(screen.ids.services.children) == 7,
               what="the services")
    tap(next(b for b in screen.ids.services.children if b.text == "创业服务"))
    wait_until(lambda: screen.step == "time" and screen.ids.slots.children and app.background.pending == 0,
               what="the times")
    app.visits.set_identity(Resident(NUMBER, date(1949, 12, 31)))
    tap(screen.slot_button("14:00"))
    wait_until(lambda: getattr(screen, "dialog", None) is not None and screen.dialog.parent is not None,
               what="the consent")
    return screen


def _bookings(app) -> tuple[int, int]:
    with app.store.read() as s:
        return (len(s.scalars(select(Appointment.id)).all()),
                len(s.scalars(select(OutboxEvent.id).where(OutboxEvent.type == "appointment.requested")).all()))


def test_refusing_consent_books_nothing_and_back_walks_out(app):
    from kiosk.domain.queue_rules import utc_now

    try:
        before = _bookings(app)
        screen = _to_consent(app, date(2030, 1, 14))
        tap(screen.dialog.ids.no)  # 不预约
        wait_until(lambda: screen.dialog.parent is None, what="the dialog closed")
        assert screen.step == "time" and _bookings(app) == before
        header = screen.ids.header
        tap(header.ids.back_button)  # from the times back to the services
        assert screen.step == "service" and app.nav.current == "appointment"
        tap(header.ids.back_button)
        wait_until(lambda: app.nav.current == "home", what="home")
        assert _bookings(app) == before
    finally:
        app.services.queue.clock = utc_now


def test_idle_timeout_with_the_consent_open_books_nothing_and_closes_it(app):
    from kiosk.domain.queue_rules import utc_now

    try:
        before = _bookings(app)
        screen = _to_consent(app, date(2030, 1, 21))
        dialog = screen.dialog
        watcher = app.idle.watcher
        watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 1
        app.idle.check()
        pump(2)
        assert app.nav.current == "attract" and app.identity_text == ""
        assert dialog.parent is None  # not left over the attract screen for the next person to tap
        assert screen.step == "service" and screen.service_code == "" and screen.day is None
        assert _bookings(app) == before
    finally:
        app.services.queue.clock = utc_now


def test_booked_while_central_is_unreachable_arrives_later_exactly_once(app):
    from kiosk.domain.queue_rules import utc_now
    from tests.ui.central_later import deliver_later

    try:
        screen = _to_consent(app, date(2030, 1, 28))
        tap(screen.dialog.ids.yes)
        wait_until(lambda: screen.step == "done" and screen.booked is not None, timeout=15, what="the booking")
        with app.store.read() as s:
            ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "appointment.requested")
                           .order_by(OutboxEvent.seq.desc())).first()
        stored = deliver_later(app, ev.id)
        assert stored["reference"] == screen.booked.reference and stored["id_number"] == NUMBER
    finally:
        app.services.queue.clock = utc_now
