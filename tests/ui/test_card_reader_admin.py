"""Staff run a test read of the ID card reader from the staff screen: nobody is logged in."""

from __future__ import annotations

from tests.appfixture import wait_until
from tests.ui.test_printer_admin import _open_admin, tap_action


def test_staff_test_read_shows_the_masked_card_and_logs_nobody_in(app):
    wait_until(lambda: app.card_reader is not None and app.card_reader.state == "ok", what="the simulated reader")
    admin = _open_admin(app)
    wait_until(lambda: any(s.title == "身份证读卡器" for s in admin.sections), what="the reader section")
    admin.status = ""
    tap_action(app, admin, "测试读卡")
    wait_until(lambda: admin.status.startswith("读卡器正常"), timeout=20, what=f"the test read ({admin.status!r})")
    assert "居民身份证" in admin.status and "*" in admin.status  # the number is masked
    assert app.visits.current.identity is None
