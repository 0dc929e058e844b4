"""预约服务 end to end: the kiosk app under Xvfb with its virtual printer, linked to a real
central on loopback, the resident's phone and the staff console in headless Chromium.

1. A resident books at the kiosk by touches; the slot list is central's (one place fewer now);
   the printed confirmation's QR decodes to the phone page; the page, opened at 360×640, cancels
   the booking after its confirmation step; the kiosk's slot list shows the place free again.
2. Another booking at the kiosk; staff open 今日预约 in the console and mark it arrived; the
   kept appointment is one service record in the ledger.

Screenshots go to $E2E_SCREENSHOTS when set.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from central.models import AppointmentRow, ServiceRecord, StationConfig
from central.seed import DEFAULT_PRIORITY, DEFAULT_SERVICES
from central.staff_auth import add_staff
from kiosk.domain.identity import Resident
from tests.appfixture import fresh_visit, go_home, pump, tap, wait_until
from tests.browser import chromium, keep_screenshots, needs_chromium
from tests.qrcodes import qr_texts
from tests.sync.centralserver import KIOSK, SECRET, STATION

ALL_DAY = [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]
SERVICES = [{**copy.deepcopy(s), "hours": ALL_DAY} for s in DEFAULT_SERVICES]
SETTINGS = ("central.config", "central.config_etag", "central.calls_after")
CONFIG_VERSION = 11

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = tmp_path_factory.mktemp("e2e-appointment-shots")
    yield d
    keep_screenshots(d, "E2E_SCREENSHOTS")


def _station_with_bookings(c) -> None:  # noqa: ANN001
    add_staff(c.db, STATION, "王芳", "2468")
    with c.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {"name": "和平区南市街就业驿站", "services": SERVICES, "priority": DEFAULT_PRIORITY,
                      "appointments": {"lead_minutes": 0, "capacity": 2}}
        row.version = CONFIG_VERSION


pytestmark = [*pytestmark, pytest.mark.central(setup=_station_with_bookings)]


@pytest.fixture(scope="module")
def central(module_central):
    return module_central


@pytest.fixture(scope="module")
def linked(kiosk_app, central):
    """The session app, linked to this central for the module; everything put back afterwards."""
    from kiosk.central_link import CentralLink

    app = kiosk_app
    cfg = replace(app.kiosk_config, central=replace(app.kiosk_config.central, url=central.url, kiosk_id=KIOSK,
                                                     secret=SECRET, enabled=True))
    queue = app.services.queue
    saved = {"config": (app.kiosk_config, app.services.config, app.services.printing.config),
             "link": app.link, "queue": (queue.services, queue.policy, queue.setup_version),
             "settings": {k: app.store.get_setting(k) for k in SETTINGS}}
    app.kiosk_config = app.services.config = app.services.printing.config = cfg
    link = CentralLink(cfg, app.store, app.outbox_cipher, on_status=lambda text: None, on_call=app.on_call,
                       health=app._device_health, on_config=queue.apply_config,
                       worker_options={"feeds_to_pull": (), "heartbeat_s": 0})
    app.link = link
    link.start()
    link.calls.wait_s = 2
    try:
        wait_until(lambda: queue.setup_version == CONFIG_VERSION, timeout=20, what="central's station config")
        yield app
    finally:
        link.stop()
        app.link = saved["link"]
        app.kiosk_config, app.services.config, app.services.printing.config = saved["config"]
        queue.services, queue.policy, queue.setup_version = saved["queue"]
        for k, v in saved["settings"].items():
            app.store.set_setting(k, v or "")
        app.end_visit()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _shot(widget, path: Path) -> None:
    pump(3)
    widget.export_to_png(str(path))


def _times(app, service: str = "职业指导"):
    """Attract → home → 预约服务 → the service: central's times on screen."""
    fresh_visit(app)
    go_home(app)
    tap(app.screen("home").tile("booking"))
    screen = app.screen("appointment")
    wait_until(lambda: app.nav.current == "appointment" and len(screen.ids.services.children) == len(SERVICES),
               what="the services")
    tap(next(b for b in screen.ids.services.children if b.text == service))
    wait_until(lambda: screen.step == "time" and screen.ids.slots.children and app.background.pending == 0,
               what="central's times")
    return screen


def _slot_text(screen, starts_at) -> str:
    if screen.day != starts_at.date():
        tap(next(b for b in screen.ids.days.children if b.day == starts_at.date()))
    return next(b.text for b in screen.ids.slots.children if b.slot == starts_at)


def _book(app, shots: Path, name: str):
    """Book the first free time of 职业指导 by touches; returns (screen, booked, the slot's text before)."""
    screen = _times(app)
    button = next(b for b in reversed(screen.ids.slots.children) if not b.disabled)
    before = button.text
    _shot(screen, shots / f"{name}-kiosk-times.png")
    tap(button)
    wait_until(lambda: app.nav.current == "login", what="identity first")
    app.screen("login").accept(Resident("11010519491231002X", date(1949, 12, 31), name="赵敏", source="card"))
    wait_until(lambda: getattr(screen, "dialog", None) is not None and screen.dialog.parent is not None,
               what="the consent")
    tap(screen.dialog.ids.yes)
    wait_until(lambda: screen.step == "done" and "打印完成" in screen.print_status, timeout=20,
               what=f"the booking ({screen.message!r} {screen.print_status!r})")
    _shot(screen, shots / f"{name}-kiosk-done.png")
    return screen, screen.booked, before


def test_booked_at_the_kiosk_cancelled_on_the_phone_free_again_at_the_kiosk(linked, central, browser, shots):
    app = linked
    sim = app.printer_simulator
    _, booked, before = _book(app, shots, "1")
    assert before.endswith("余 2 位")
    img = sim.image(-1)
    img.save(shots / "1-printed-confirmation.png")
    [url] = qr_texts(img)
    assert url.startswith(f"{central.url}/appointments/") and booked.reference in sim.receipts[-1].text()
    with central.db.session() as s:
        assert s.get(AppointmentRow, booked.id).status == "booked"

    again = _times(app)  # another resident at the kiosk sees one place fewer
    assert _slot_text(again, booked.starts_at).endswith("余 1 位")

    ctx = browser.new_context(viewport={"width": 360, "height": 640}, locale="zh-CN", is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    phone.goto(url)
    assert phone.inner_text("#service") == "职业指导" and f"{booked.starts_at:%H:%M}" in phone.inner_text("#when")
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    phone.screenshot(path=str(shots / "1-phone-page.png"), full_page=True)
    phone.click("#cancel")
    phone.click("#confirm")
    phone.wait_for_selector("#msg")
    assert "预约已取消" in phone.inner_text("#msg")
    phone.screenshot(path=str(shots / "1-phone-cancelled.png"), full_page=True)
    ctx.close()

    free = _times(app)  # the kiosk's list is central's: the place is free again
    assert _slot_text(free, booked.starts_at).endswith("余 2 位")
    _shot(free, shots / "1-kiosk-free-again.png")
    app.end_visit()


def test_booked_at_the_kiosk_marked_arrived_by_staff_in_the_console(linked, central, browser, shots):
    app = linked
    _, booked, _ = _book(app, shots, "2")
    app.end_visit()
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{central.url}/staff/login?station={STATION}&counter=2")
    page.fill("#name", "王芳")
    page.fill("#password", "2468")
    page.click("#login")
    page.wait_for_url("**/staff/")
    page.goto(f"{central.url}/staff/appointments?day={booked.starts_at.date().isoformat()}")
    card = f"#appt-{booked.reference}"
    assert "职业指导" in page.inner_text(card) and "赵*" in page.inner_text(card)
    page.screenshot(path=str(shots / "2-staff-list.png"), full_page=True)
    page.click(f"{card} .b-arrived")
    page.wait_for_selector("#flash")
    assert page.get_attribute(card, "data-status") == "arrived"
    page.screenshot(path=str(shots / "2-staff-arrived.png"), full_page=True)
    ctx.close()
    with central.db.session() as s:
        records = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == booked.id)).all()
        assert [(r.service, r.channel, r.identity, r.counter) for r in records] == [
            ("appointment", "counter", "idcard", "2")]
