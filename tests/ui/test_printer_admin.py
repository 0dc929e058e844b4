"""The demo's virtual printer starts with the kiosk; staff see its state and print a test page."""

from __future__ import annotations

from kiosk.devices.printer.status import PrinterState
from kiosk.screens.attract import ADMIN_HOLD_S
from tests.appfixture import pump, tap, wait_until
from tests.ui.test_admin import _hold_clock, _type


def _open_admin(app):
    app.screen("attract").admin_hold_s = 0.3
    _hold_clock(app, 0.4)
    app.screen("attract").admin_hold_s = ADMIN_HOLD_S  # a later test's tap must stay a tap however slow
    _type(app, "2468")
    tap(app.screen("admin_login").ids.ok)
    admin = app.screen("admin")
    wait_until(lambda: app.nav.current == "admin" and any(s.title == "打印机" for s in admin.sections),
               what="the printer section")
    return admin


def tap_action(app, admin, label: str) -> None:
    """Scroll the staff screen to the action's button and tap it (again, if the list was rebuilt
    under the tap), until the screen says the action is running."""
    for _ in range(3):
        button = next(w for w in admin.ids.sections.children if getattr(w, "text", "") == label)
        admin.ids.sections.parent.scroll_to(button, animate=False)
        pump(3)
        button = next(w for w in admin.ids.sections.children if getattr(w, "text", "") == label)
        tap(button)
        pump(2)
        if admin.status.startswith(f"正在执行：{label}") or admin.status and not admin.status.startswith("正在执行"):
            return
    raise AssertionError(f"the {label} button did not take the tap ({admin.status!r})")


def test_staff_see_the_printer_and_print_a_test_page(app):
    assert app.printer_simulator is not None and app.services.printer is app.printer
    app.background.submit(app.printer.check_status)  # ask now rather than wait for the next poll
    wait_until(lambda: app.printer.state is PrinterState.OK, what="the virtual printer answering")
    admin = _open_admin(app)
    section = next(s for s in admin.sections if s.title == "打印机")
    rows = {r.label: r.value for r in section.rows}
    assert rows["状态"] == "正常" and "generic-gb18030" in rows["配置"]
    before = len(app.printer_simulator.receipts)
    admin.status = ""
    tap_action(app, admin, "测试打印")
    wait_until(lambda: admin.status == "测试页已打印", timeout=15, what=f"the test page ({admin.status!r})")
    assert len(app.printer_simulator.receipts) == before + 1
    assert "打印测试" in app.printer_simulator.receipts[-1].text()
    assert list((app.kiosk_config.data_path / "printed").glob("receipt-*.png"))  # the demo keeps a picture
    app.printer_simulator.faults.add("cover_open")
    try:
        admin.status = ""
        tap_action(app, admin, "测试打印")
        wait_until(lambda: "failed:cover_open" in admin.status, timeout=15, what="the refused test page")
        assert len(app.printer_simulator.receipts) == before + 1
    finally:
        app.printer_simulator.faults.clear()
    app.end_visit()
