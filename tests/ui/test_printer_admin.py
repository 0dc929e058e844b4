"""The demo's virtual printer starts with the kiosk; staff see its state and print a test page."""

from __future__ import annotations

from kiosk.devices.printer.status import PrinterState
from tests.appfixture import pump, tap, wait_until
from tests.ui.test_admin import _hold_clock, _type


def _open_admin(app):
    app.screen("attract").admin_hold_s = 0.3
    _hold_clock(app, 0.4)
    _type(app, "2468")
    tap(app.screen("admin_login").ids.ok)
    admin = app.screen("admin")
    wait_until(lambda: app.nav.current == "admin" and any(s.title == "打印机" for s in admin.sections),
               what="the printer section")
    return admin


def test_staff_see_the_printer_and_print_a_test_page(app):
    assert app.printer_simulator is not None and app.services.printer is app.printer
    wait_until(lambda: app.printer.state is PrinterState.OK, what="the virtual printer answering")
    admin = _open_admin(app)
    section = next(s for s in admin.sections if s.title == "打印机")
    rows = {r.label: r.value for r in section.rows}
    assert rows["状态"] == "正常" and "generic-gb18030" in rows["配置"]
    before = len(app.printer_simulator.receipts)
    button = next(w for w in admin.ids.sections.children if getattr(w, "text", "") == "测试打印")
    admin.ids.sections.parent.scroll_y = 0  # the printer section is below the fold
    pump(3)
    tap(button)
    wait_until(lambda: admin.status == "测试页已打印", timeout=15, what=f"the test page ({admin.status!r})")
    assert len(app.printer_simulator.receipts) == before + 1
    assert "打印测试" in app.printer_simulator.receipts[-1].text()
    assert list((app.kiosk_config.data_path / "printed").glob("receipt-*.png"))  # the demo keeps a picture
    app.printer_simulator.faults.add("cover_open")
    try:
        button = next(w for w in admin.ids.sections.children if getattr(w, "text", "") == "测试打印")
        admin.ids.sections.parent.scroll_y = 0
        pump(3)
        tap(button)
        wait_until(lambda: "failed:cover_open" in admin.status, timeout=15, what="the refused test page")
        assert len(app.printer_simulator.receipts) == before + 1
    finally:
        app.printer_simulator.faults.clear()
    app.end_visit()
