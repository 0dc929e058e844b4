"""排队取号 end to end: the real central service, the kiosk app under Xvfb with its virtual
printer, and a staff member in headless Chromium.

The session's kiosk app is pointed at a central service on loopback (through a TCP proxy that
can cut the link) for the length of this module, and put back as it was afterwards:

1. a resident takes a ticket by touches → the printed PNG has the number and a QR that decodes
   to the ticket's status page (which answers) → staff log into the console and call it → the
   kiosk shows the call banner with that number and counter;
2. the printer is out of paper → the ticket is on screen (number and a QR that decodes to the
   same URL), the failure is recorded at central and reported in the heartbeat;
3. central is unreachable → staff mark the ticket priority and call it from the kiosk's PIN
   panel (窗口叫号) → banner → central comes back over a flaky link → every step arrives
   exactly once: one service record.

The queue's services come from central's station config (all day, one service fewer than the
kiosk's built-in list), so the test also shows a config applied without restart.
Screenshots go to $E2E_SCREENSHOTS when set.
"""

from __future__ import annotations

import copy
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from central.models import Event, Kiosk, QueueTicket, ServiceRecord, StationConfig
from central.seed import DEFAULT_PRIORITY, DEFAULT_SERVICES
from central.staff_auth import add_staff
from tests.appfixture import fresh_visit, go_home, pump, tap, wait_until
from tests.browser import keep_screenshots, needs_chromium
from tests.qrcodes import qr_texts
from tests.sync.centralserver import KIOSK, SECRET, STATION
from tests.sync.faultproxy import FaultProxy

ALL_DAY = [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]
#: central's list for the station: the built-in services open all day, without 创业服务
SERVICES = [{**copy.deepcopy(s), "hours": ALL_DAY} for s in DEFAULT_SERVICES if s["code"] != "entrepreneurship"]
SETTINGS = ("central.config", "central.config_etag", "central.calls_after")

def _station(central) -> None:
    """Staff at counter 2, and central's services for the station (config version 7)."""
    add_staff(central.db, STATION, "王芳", "2468")
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = {"name": "和平区南市街就业驿站", "services": SERVICES, "priority": DEFAULT_PRIORITY}
        row.version = 7


pytestmark = [
    pytest.mark.browser,
    needs_chromium,
    pytest.mark.central(setup=_station),
]


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    d = tmp_path_factory.mktemp("e2e-shots")
    yield d
    keep_screenshots(d, "E2E_SCREENSHOTS")


@pytest.fixture(scope="module")
def proxy(module_central):
    """Kiosk → proxy → central. ``enabled = False``: every request passes; True: the link is cut
    (or flaky, by its weights)."""
    p = FaultProxy(module_central.port, seed=7, weights={"refuse": 1.0})
    p.enabled = False
    yield p
    p.close()


@pytest.fixture(scope="module")
def linked(kiosk_app, module_central, proxy):
    """The session app, linked to this central for the module; everything put back afterwards."""
    from kiosk.central_link import CentralLink

    app = kiosk_app
    cfg = replace(app.kiosk_config, central=replace(app.kiosk_config.central, url=proxy.url, kiosk_id=KIOSK,
                                                     secret=SECRET, enabled=True))
    assert cfg.station.id == STATION
    queue = app.services.queue
    saved = {"config": (app.kiosk_config, app.services.config, app.services.printing.config),
             "link": app.link, "queue": (queue.services, queue.policy, queue.setup_version),
             "settings": {k: app.store.get_setting(k) for k in SETTINGS}}
    app.kiosk_config = app.services.config = app.services.printing.config = cfg
    link = CentralLink(
        cfg, app.store, app.outbox_cipher,
        on_status=lambda text: None, on_call=app.on_call, health=app._device_health,
        on_config=queue.apply_config,
        # no feeds: the session's seeded vacancies stay; a heartbeat on every round
        worker_options={"feeds_to_pull": (), "heartbeat_s": 0},
    )
    app.link = link
    link.start()
    link.calls.wait_s = 2  # short long-polls, so none is left open when central stops
    try:
        # no restart: the queue takes central's services as soon as the config arrives
        wait_until(lambda: queue.setup_version == 7, timeout=20, what="central's station config")
        yield app
    finally:
        link.stop()
        app.link = saved["link"]
        app.kiosk_config, app.services.config, app.services.printing.config = saved["config"]
        queue.services, queue.policy, queue.setup_version = saved["queue"]
        for k, v in saved["settings"].items():
            app.store.set_setting(k, v or "")
        app.printer_simulator.faults.clear()
        app.printer.check_status()  # back to "ok" now, not at the next 30 s poll
        app.banner.hide()
        app.end_visit()


@pytest.fixture(scope="module")
def console(browser, module_central, linked, shots):
    """Counter 2's console in the browser, logged in."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{module_central.url}/staff/login?station={STATION}&counter=2")
    page.fill("#name", "王芳")
    page.fill("#password", "2468")
    page.click("#login")
    page.wait_for_selector("#cur-number.empty")
    yield page
    ctx.close()


# --- helpers ------------------------------------------------------------------------------------

def _sync_until(app, predicate, what: str, timeout: float = 30.0) -> None:
    """Ask the kiosk to sync now (again every second) until central shows ``predicate``."""
    last = [0.0]

    def check() -> bool:
        if time.monotonic() - last[0] > 1.0:
            app.link.sync_now()
            last[0] = time.monotonic()
        return predicate()

    wait_until(check, timeout=timeout, what=what)


def _at_central(central, fn):
    with central.db.session() as s:
        return fn(s)


def _take_ticket(app, code: str, shots: Path, name: str):
    """A resident's touches: attract → home → 排队取号 → the service; returns the ticket screen."""
    fresh_visit(app)
    go_home(app)
    tap(app.screen("home").tile("queue"))
    services = app.screen("queue_services")
    wait_until(lambda: app.nav.current == "queue_services" and len(services.ids.rows.children) == len(SERVICES),
               what="central's services on the queue screen")
    assert {r.code for r in services.ids.rows.children} == {s["code"] for s in SERVICES}
    assert all(r.open_now for r in services.ids.rows.children)  # central's hours: all day
    _shot(services, shots / f"{name}-services.png")
    tap(services.row(code))
    screen = app.screen("queue_ticket")
    wait_until(lambda: app.nav.current == "queue_ticket" and screen.ticket is not None and screen.print_status
               and not screen.print_status.startswith("正在打印"), timeout=20,
               what=f"the ticket ({screen.print_status!r})")
    return screen


def _shot(widget, path: Path) -> None:
    pump(3)
    widget.export_to_png(str(path))


def _banner(app, number: str, counter: str) -> None:
    wait_until(lambda: app.banner.opacity == 1 and app.banner.text == f"请 {number} 号到 {counter} 号窗口",
               timeout=10, what=f"the call banner for {number} at counter {counter} (shows {app.banner.text!r})")


def _call_in_console(page, number: str, shots: Path, name: str) -> None:
    page.wait_for_selector(f".chip[data-number='{number}']", timeout=15000)
    page.click(f".chip[data-number='{number}']")
    page.wait_for_selector("dialog[open] #prio-box")
    page.screenshot(path=str(shots / f"{name}-console-dialog.png"))
    page.click("#dlg-ok")  # 叫到本窗口
    page.wait_for_function("n => document.getElementById('cur-number').textContent === n", arg=number, timeout=5000)
    page.screenshot(path=str(shots / f"{name}-console-called.png"))


def _finish_in_console(page, number: str) -> None:
    page.click("#b-finish")
    page.wait_for_selector("dialog[open] input[name='delivered']:checked")
    page.click("#dlg-ok")
    page.wait_for_selector("#cur-number.empty")


# --- the three ways -----------------------------------------------------------------------------

def test_ticket_printed_called_from_the_console_banner_on_the_kiosk(linked, module_central, proxy, console, shots):
    app = linked
    sim = app.printer_simulator
    before = len(sim.receipts)
    screen = _take_ticket(app, "career_guidance", shots, "1")
    assert screen.print_status.startswith("打印完成"), screen.print_status
    t = screen.ticket
    url = f"{proxy.url}/tickets/{t.id}"
    assert screen.qr_data == url
    _shot(screen, shots / "1-ticket-screen.png")

    assert len(sim.receipts) == before + 1
    assert t.display_number in sim.receipts[-1].text()
    img = sim.image(-1)
    img.save(shots / "1-printed-ticket.png")
    assert qr_texts(img) == [url]

    _sync_until(app, lambda: _at_central(module_central, lambda s: s.get(QueueTicket, t.id) is not None),
                "the ticket at central")
    page = requests.get(url, timeout=10)  # what the resident's phone opens
    assert page.status_code == 200 and t.display_number in page.text and "职业指导" in page.text

    app.end_visit()  # the resident walks away; the call comes on the attract screen
    _call_in_console(console, t.display_number, shots, "1")
    _banner(app, t.display_number, "2")
    _shot(app.root, shots / "1-kiosk-banner.png")
    assert "已经叫到，请到 2 号窗口" in requests.get(url, timeout=10).text
    _finish_in_console(console, t.display_number)
    with app.store.read() as s:  # the kiosk's copy follows the console's call
        from kiosk.store.models import Ticket

        assert (s.get(Ticket, t.id).status, s.get(Ticket, t.id).counter) == ("called", "2")


def test_out_of_paper_ticket_on_screen_failure_reported_to_central(linked, module_central, console, shots):
    app = linked
    sim = app.printer_simulator
    sim.faults.add("paper_out")
    try:
        before = len(sim.receipts)
        screen = _take_ticket(app, "policy_consultation", shots, "2")
        t = screen.ticket
        assert screen.print_failed and "缺纸" in screen.print_status and t.display_number in screen.print_status
        assert screen.ids.number.text == t.display_number
        _shot(screen, shots / "2-ticket-on-screen.png")
        qr_png = shots / "2-on-screen-qr.png"
        _shot(screen.ids.qr, qr_png)
        from PIL import Image

        assert qr_texts(Image.open(qr_png)) == [app.kiosk_config.ticket_url(t.id)]
        assert len(sim.receipts) == before
    finally:
        sim.faults.discard("paper_out")
        app.printer.check_status()  # back to "ok" now, not at the next 30 s poll

    def reported(s) -> bool:
        failed = s.scalar(select(func.count()).select_from(Event).where(Event.type == "ticket.print_failed",
                                                                       Event.payload["ticket_id"].as_string() == t.id))
        beat = s.get(Kiosk, KIOSK).last_heartbeat or {}
        return failed == 1 and beat.get("print_failures", 0) >= 1

    _sync_until(app, lambda: _at_central(module_central, reported), "the print failure at central")
    _call_in_console(console, t.display_number, shots, "2")
    _banner(app, t.display_number, "2")
    _finish_in_console(console, t.display_number)


def test_central_unreachable_kiosk_panel_calls_and_it_syncs_once(linked, module_central, proxy, shots):
    from tests.ui.test_printer_admin import _open_admin

    app = linked
    proxy.weights, proxy.enabled = {"refuse": 1.0}, True  # the link is down
    screen = _take_ticket(app, "career_guidance", shots, "3")
    t = screen.ticket
    assert screen.print_status.startswith("打印完成")
    fresh_visit(app)
    app.banner.hide()  # the last call's banner lies over the clock that staff hold

    admin = _open_admin(app)
    for _ in range(3):  # on a loaded machine a tap can land while the staff screen still fades in
        tap(admin.ids.counter_panel)
        try:
            wait_until(lambda: app.nav.current == "staff_queue", timeout=4, what="the panel")
            break
        except AssertionError:
            continue
    panel = app.screen("staff_queue")
    wait_until(lambda: app.nav.current == "staff_queue" and "空闲" in panel.current_text,
               what="the panel showing its counter 空闲")
    tap(panel.ids.priority)
    wait_until(lambda: getattr(panel, "dialog", None) is not None and panel.dialog.parent is not None,
               what="the priority dialog")
    dialog = panel.dialog
    number = dialog.button("numbers", t.display_number)
    pump(3)  # scrolled into view
    tap(number)
    tap(dialog.button("groups", "其他"))
    tap(dialog.ids.ok)
    assert "原因" in dialog.message  # 其他 needs a reason
    tap(dialog.button("notes", "行动不便"))
    _shot(dialog, shots / "3-panel-priority-dialog.png")
    tap(dialog.ids.ok)
    wait_until(lambda: "已设为优先" in panel.message, what=f"the mark ({panel.message!r})")
    tap(panel.ids.call)
    wait_until(lambda: panel.message.startswith("已叫") and app.background.pending == 0, what="the call")
    assert panel.message == f"已叫 {t.display_number}"  # priority first
    _banner(app, t.display_number, "1")
    _shot(app.root, shots / "3-panel-called.png")
    tap(panel.ids.start)
    wait_until(lambda: "开始办理" in panel.message, what="start")
    tap(panel.ids.finish)
    wait_until(lambda: "办理完成" in panel.message, what="finish")
    assert _at_central(module_central, lambda s: s.get(QueueTicket, t.id)) is None  # nothing got through

    # central is back, over a link that still drops some replies after central applied them
    proxy.weights = {"ok": 0.6, "reset_mid_body": 0.4}

    def synced(s) -> bool:
        q = s.get(QueueTicket, t.id)
        return q is not None and q.status == "done" and app.link.worker.status.pending == 0

    _sync_until(app, lambda: _at_central(module_central, synced), "the panel's steps at central", timeout=60)
    proxy.enabled = False
    with module_central.db.session() as s:
        q = s.get(QueueTicket, t.id)
        assert (q.priority, q.priority_group, q.priority_note, q.counter) == (True, "其他", "行动不便", "1")
        records = s.scalars(select(ServiceRecord).where(ServiceRecord.ticket_id == t.id)).all()
        assert [(r.counter, r.service, r.outcome) for r in records] == [("1", "career_guidance", "served")]
        for type_ in ("ticket.issued", "ticket.printed", "ticket.prioritized", "ticket.called", "ticket.finished",
                      "service.rendered"):
            n = s.scalar(select(func.count()).select_from(Event).where(
                Event.type == type_, Event.payload["ticket_id"].as_string() == t.id))
            assert n == 1, f"{type_} arrived {n} times"
    app.end_visit()
