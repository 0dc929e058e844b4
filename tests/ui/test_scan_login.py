"""Scanning codes at the kiosk through the simulated scanner and the real serial adapter."""

from __future__ import annotations

from kiosk.domain.identity import check_char
from kiosk.domain.scans import UNKNOWN_MESSAGE, demo_essc_payload
from tests.appfixture import go_home, tap, wait_until

FIRST17 = "12010419800101123"
NUMBER = FIRST17 + check_char(FIRST17)


def test_scanned_essc_on_the_login_screen_logs_in_and_continues(app):
    assert app.scanner is not None and app.scanner_simulator is not None
    go_home(app)
    app.nav.go("login", next="stations", purpose="测试")
    wait_until(lambda: app.nav.current == "login", what="login")
    tap(app.screen("login").ids.demo_essc)
    wait_until(lambda: app.nav.current == "stations", timeout=10, what="the code to be scanned")
    who = app.visits.current.identity
    assert who.source == "qr" and "********" in app.identity_text
    assert app.scanner.state == "ok" and app.scanner.scans >= 1
    app.end_visit()
    assert app.visits.current.identity is None


def test_scanned_essc_on_the_attract_screen_starts_a_visit(app):
    app.scanner_simulator.scan(demo_essc_payload(NUMBER))
    wait_until(lambda: app.visits.current.identity is not None, timeout=10, what="the scan")
    assert app.nav.current == "home" and app.visits.current.identity.id_number == NUMBER
    assert app.toast.text == "已读取电子社保卡"


def test_wrong_check_digit_and_unknown_codes_get_a_toast_and_no_login(app):
    go_home(app)
    wrong = FIRST17 + ("1" if check_char(FIRST17) != "1" else "2")
    app.scanner_simulator.scan(demo_essc_payload(wrong))
    wait_until(lambda: "无效" in app.toast.text, timeout=10, what="the refusal")
    assert app.visits.current.identity is None
    app.scanner_simulator.scan("https://example.com/something-else")
    wait_until(lambda: app.toast.text == UNKNOWN_MESSAGE, timeout=10, what="the unknown-code toast")
    app.scanner_simulator.send_garbage()
    wait_until(lambda: app.toast.text.startswith("无法识别此二维码，请再扫一次"), timeout=10, what="the garbage toast")
    assert app.scanner.state == "ok"


def test_scanned_ticket_shows_its_place_in_the_queue(app):
    import uuid
    from datetime import datetime

    from kiosk.store.models import Ticket

    go_home(app)
    today = app.services.queue.now().date()
    tid = str(uuid.uuid4())
    with app.store.session() as s:
        s.add(Ticket(id=tid, service_code="policy_consultation", prefix="D", number=917, day=today,
                     issued_at=datetime.now(), status="waiting"))
    app.scanner_simulator.scan(app.kiosk_config.ticket_url(tid))
    wait_until(lambda: "D917" in app.toast.text, timeout=10, what="the ticket status toast")
    assert "等候" in app.toast.text


def test_staff_scanner_test_action(app):
    section = next(s for s in app.services.diagnostics.snapshot() if s.title == "扫码器")
    assert "测试扫码" in section.actions and any(r.label == "状态" and r.ok for r in section.rows)
    scans = app.scanner.scans
    message = app.services.diagnostics.run("扫码器", "测试扫码")  # blocks until the scan: no UI involved
    assert message.startswith("扫码器正常") and "测试码" in message
    assert app.scanner.scans == scans + 1
