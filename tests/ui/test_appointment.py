"""预约服务 on the real app against a real central: service, day, time, identity, consent, a
booking confirmed by central and its slip; nothing booked without consent or on the idle wipe;
central unreachable → no booking, a ticket or a call-back instead; the slip's QR scanned on the
day checks the resident in for a priority ticket."""

import tests.appfixture  # noqa: F401, I001 - Kivy window options before any test imports kivy



import copy
import hashlib
import secrets
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from central.appointments import local_now
from central.models import AppointmentRow, StationConfig
from central.seed import DEFAULT_SERVICES
from kiosk.domain.identity import Resident
from kiosk.store.models import OutboxEvent
from kiosk.sync import protocol as p
from kiosk.sync.appointments import CentralAppointments
from tests.appfixture import fresh_visit, go_home, pump, tap, wait_until
from tests.qrcodes import qr_texts
from tests.sync.centralserver import STATION, free_port
from tests.sync.conftest import make_client

NUMBER = "11010519491231002X"
ALL_DAY = [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]


def _bookable_all_day(c) -> None:  # noqa: ANN001
    with c.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {"name": "和平区南市街就业驿站", "appointments": {"lead_minutes": 0},
                      "services": [{**copy.deepcopy(x), "hours": ALL_DAY} for x in DEFAULT_SERVICES]}


pytestmark = pytest.mark.central(setup=_bookable_all_day)


@pytest.fixture(scope="module")
def central(module_central):
    return module_central


@pytest.fixture
def booking_app(app, central):
    """The session app booking at this central; put back afterwards."""
    desk = app.services.appointments
    saved = desk.backend
    book = CentralAppointments(make_client(central.url))
    desk.backend = lambda: book
    try:
        yield app
    finally:
        desk.backend = saved


def _at_central(central, *where) -> int:
    with central.db.session() as s:
        return s.scalar(select(func.count()).select_from(AppointmentRow).where(*where)) or 0


def _to_times(app, service: str):
    go_home(app)
    tap(app.screen("home").tile("booking"))
    screen = app.screen("appointment")
    wait_until(lambda: app.nav.current == "appointment" and len(screen.ids.services.children) == 7,
               what="the services")
    tap(next(b for b in screen.ids.services.children if b.text == service))
    return screen


def _first_free(screen):
    return next(b for b in reversed(screen.ids.slots.children) if not b.disabled)


def test_book_a_time_after_identity_and_consent_and_print_the_slip(booking_app, central):
    app = booking_app
    screen = _to_times(app, "职业指导")
    wait_until(lambda: screen.step == "time" and screen.ids.slots.children and app.background.pending == 0,
               what="central's times")
    button = _first_free(screen)
    starts_at = button.slot
    assert "余 2 位" in button.text  # central's default: two places a slot
    tap(button)
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(Resident(NUMBER, date(1949, 12, 31), name="张三", source="card"))
    wait_until(lambda: app.nav.current == "appointment" and getattr(screen, "dialog", None) is not None
               and screen.dialog.parent is not None, what="back to the consent")
    assert f"{starts_at:%H:%M}" in screen.dialog.ids.message.text
    tap(screen.dialog.ids.yes)
    wait_until(lambda: screen.step == "done" and "打印完成" in screen.print_status, timeout=15,
               what=f"the booking ({screen.message!r} {screen.print_status!r})")
    booked = screen.booked
    ref = booked.reference
    assert ref in screen.ids.reference.text and screen.qr_data == app.kiosk_config.appointment_url(booked.token)
    slip = app.printer_simulator.receipts[-1].text()
    assert ref in slip and "职业指导" in slip and NUMBER not in slip and "张三" not in slip
    assert qr_texts(app.printer_simulator.image(-1)) == [screen.qr_data]
    with central.db.session() as s:
        row = s.get(AppointmentRow, booked.id)
        assert (row.reference, row.starts_at, row.status, row.identity) == (ref, starts_at, "booked", "idcard")
        assert row.token_hash == hashlib.sha256(booked.token.encode()).hexdigest()
    with app.store.read() as s:  # nothing of it on the kiosk's disk
        assert not s.scalars(select(OutboxEvent.id).where(OutboxEvent.type.like("appointment.%"),
                                                          OutboxEvent.state == "pending")).all()
    tap(screen.ids.finish)
    assert app.nav.current == "attract" and screen.booked is None


def _to_consent(app, service: str):
    screen = _to_times(app, service)
    wait_until(lambda: screen.step == "time" and screen.ids.slots.children and app.background.pending == 0,
               what="the times")
    app.visits.set_identity(Resident(NUMBER, date(1949, 12, 31)))
    tap(_first_free(screen))
    wait_until(lambda: getattr(screen, "dialog", None) is not None and screen.dialog.parent is not None,
               what="the consent")
    return screen


def test_refusing_consent_books_nothing_and_back_walks_out(booking_app, central):
    app = booking_app
    before = _at_central(central)
    screen = _to_consent(app, "创业服务")
    tap(screen.dialog.ids.no)  # 不预约
    wait_until(lambda: screen.dialog.parent is None, what="the dialog closed")
    assert screen.step == "time"
    header = screen.ids.header
    tap(header.ids.back_button)  # from the times back to the services
    assert screen.step == "service" and app.nav.current == "appointment"
    tap(header.ids.back_button)
    wait_until(lambda: app.nav.current == "home", what="home")
    assert _at_central(central) == before


def test_idle_timeout_with_the_consent_open_books_nothing_and_closes_it(booking_app, central):
    app = booking_app
    before = _at_central(central)
    screen = _to_consent(app, "政策咨询")
    dialog = screen.dialog
    watcher = app.idle.watcher
    watcher.last_activity -= watcher.timeout_s + watcher.countdown_s + 1
    app.idle.check()
    pump(2)
    assert app.nav.current == "attract" and app.identity_text == ""
    assert dialog.parent is None  # not left over the attract screen for the next person to tap
    assert screen.step == "service" and screen.service_code == "" and screen.day is None
    assert _at_central(central) == before


def test_central_unreachable_no_booking_a_ticket_or_a_call_back_instead(app, central):
    desk = app.services.appointments
    saved = desk.backend
    live = CentralAppointments(make_client(central.url))
    dead = CentralAppointments(make_client(f"http://127.0.0.1:{free_port()}"))
    try:
        desk.backend = lambda: dead
        screen = _to_times(app, "职业指导")
        wait_until(lambda: screen.step == "offline" and app.background.pending == 0, what="the offline panel")
        assert "暂时不能预约" in screen.message
        tap(screen.ids.offline_ticket)
        wait_until(lambda: app.nav.current == "queue_services", what="the queue")
        fresh_visit(app)

        # the times came, then central went away before the consent
        before = _at_central(central)
        desk.backend = lambda: live
        screen = _to_consent(app, "招聘对接")
        desk.backend = lambda: dead
        tap(screen.dialog.ids.yes)
        wait_until(lambda: screen.step == "offline" and app.background.pending == 0, timeout=20,
                   what="the offline panel after the booking failed")
        assert screen.booked is None and _at_central(central) == before
        with app.store.read() as s:
            ev = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "appointment.abandoned")
                           .order_by(OutboxEvent.seq.desc())).first()
        assert ev is not None and ev.state == "pending" and NUMBER.encode() not in ev.payload
        tap(screen.ids.offline_callback)
        wait_until(lambda: app.nav.current == "consult_callback", what="the call-back form")
        assert app.screen("consult_callback").topic == "预约服务"
    finally:
        desk.backend = saved


def test_scanning_the_slip_on_the_day_checks_in_with_a_priority_ticket(booking_app, central):
    app = booking_app
    now = local_now()
    slot = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0) + timedelta(minutes=30)
    if slot + timedelta(minutes=p.AppointmentRules().slot_minutes) > now.replace(hour=23, minute=59):
        pytest.skip("no slot left today (the all-day hours' last slot starts at 23:00)")
    token = secrets.token_hex(16)
    req = p.AppointmentRequest(id=str(uuid.uuid4()), service="policy_consultation", starts_at=slot,
                               token_sha256=hashlib.sha256(token.encode()).hexdigest(), person_key="pk-scan-1",
                               id_number="120104198001011233", identity="essc", consent=True)
    make_client(central.url).call("POST", p.PREFIX + "/appointments", p.AppointmentReply, body=req)
    queue = app.services.queue
    saved = queue.services
    queue.services = {code: svc.__class__(**{**svc.__dict__, "hours": {d: ((datetime.min.time(), datetime.max.time()),)
                                                                       for d in range(7)}})
                      for code, svc in saved.items()}  # open now, whatever the hour the test runs
    try:
        app.scanner_simulator.scan(app.kiosk_config.appointment_url(token).upper())
        ticket_screen = app.screen("queue_ticket")
        wait_until(lambda: app.nav.current == "queue_ticket" and ticket_screen.ticket is not None, timeout=15,
                   what=f"the priority ticket ({app.toast.text if hasattr(app.toast, 'text') else ''})")
        assert ticket_screen.ticket.priority and ticket_screen.ticket.service_code == "policy_consultation"
        with central.db.session() as s:
            assert s.get(AppointmentRow, req.id).status == "arrived"
    finally:
        queue.services = saved
