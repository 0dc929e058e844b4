"""The keyboard-wedge key mapping, with synthetic key events (no input device needed)."""

from __future__ import annotations

import pytest

from kiosk.devices.scanner import LineDecoder
from kiosk.devices.scanner.evdev_wedge import (
    EVDEV_MISSING,
    EvdevWedgeScanner,
    KeyMapper,
    ScannerUnavailable,
    key_name,
)

DOWN, UP, HOLD = 1, 0, 2

US_KEYS = {
    **{c: f"KEY_{c.upper()}" for c in "abcdefghijklmnopqrstuvwxyz"},
    **{d: f"KEY_{d}" for d in "0123456789"},
    ":": "KEY_SEMICOLON", "/": "KEY_SLASH", ".": "KEY_DOT", "-": "KEY_MINUS", "_": "KEY_MINUS",
    "?": "KEY_SLASH", "=": "KEY_EQUAL", "&": "KEY_7", "~": "KEY_GRAVE",
}
SHIFTED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ:_?&~")


def typed(text: str) -> list[tuple[str, int]]:
    """The key events a wedge scanner sends for ``text`` and its Enter suffix."""
    events: list[tuple[str, int]] = []
    for ch in text:
        key = US_KEYS[ch.lower()] if ch.isalpha() else US_KEYS[ch]
        if ch in SHIFTED:
            events.append(("KEY_LEFTSHIFT", DOWN))
        events += [(key, DOWN), (key, UP)]
        if ch in SHIFTED:
            events.append(("KEY_LEFTSHIFT", UP))
    return events + [("KEY_ENTER", DOWN), ("KEY_ENTER", UP)]


def run(events, mapper=None) -> bytes:
    m = mapper or KeyMapper()
    return b"".join(m.event(k, v) for k, v in events)


def test_a_url_typed_with_shift_comes_out_as_sent():
    url = "http://127.0.0.1:8700/tickets/6f1c2b0e-4a7d?x=A_B&y=~"
    assert run(typed(url)) == url.encode() + b"\r"


def test_mapped_events_through_the_line_decoder_give_the_scan():
    code = "ESSC1:DEMO-12010419800101123X"
    assert LineDecoder().feed(run(typed(code))) == [code]


def test_caps_lock_inverts_letters_only():
    m = KeyMapper()
    out = run([("KEY_CAPSLOCK", DOWN), ("KEY_CAPSLOCK", UP), ("KEY_A", DOWN), ("KEY_1", DOWN),
               ("KEY_LEFTSHIFT", DOWN), ("KEY_B", DOWN), ("KEY_LEFTSHIFT", UP)], m)
    assert out == b"A1b"
    run([("KEY_CAPSLOCK", DOWN)], m)
    assert run([("KEY_C", DOWN)], m) == b"c"


def test_right_shift_and_keypad_and_kp_enter():
    assert run([("KEY_RIGHTSHIFT", DOWN), ("KEY_Q", DOWN), ("KEY_RIGHTSHIFT", UP), ("KEY_KP4", DOWN),
                ("KEY_KPDOT", DOWN), ("KEY_KPENTER", DOWN)]) == b"Q4.\r"


def test_releases_auto_repeat_and_other_keys_give_nothing():
    assert run([("KEY_A", UP), ("KEY_A", HOLD), ("KEY_ESC", DOWN), ("KEY_F1", DOWN), ("KEY_LEFTCTRL", DOWN),
                ("KEY_UP", DOWN)]) == b""


def test_alt_keypad_codes_give_gbk_bytes_for_chinese():
    gbk = "津".encode("gbk")
    digits = str(int.from_bytes(gbk, "big"))
    events = [("KEY_LEFTALT", DOWN)] + [(f"KEY_KP{d}", DOWN) for d in digits] + [("KEY_LEFTALT", UP)]
    events += [("KEY_LEFTALT", DOWN), ("KEY_KP6", DOWN), ("KEY_KP5", DOWN), ("KEY_LEFTALT", UP)]  # 'A'
    out = run(events + [("KEY_ENTER", DOWN)])
    assert out == gbk + b"A\r"
    assert LineDecoder().feed(out) == ["津A"]


def test_alt_without_digits_gives_nothing():
    assert run([("KEY_LEFTALT", DOWN), ("KEY_TAB", DOWN), ("KEY_LEFTALT", UP)]) == b""


def test_key_names_from_evdev_aliases():
    names = {30: "KEY_A", 113: ["KEY_MIN_INTERESTING", "KEY_MUTE"], 28: "KEY_ENTER"}
    assert key_name(30, names) == "KEY_A"
    assert key_name(113, names) == "KEY_MIN_INTERESTING"
    assert key_name(999, names) == ""


def test_missing_evdev_package_is_a_clear_error():
    try:
        import evdev  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("evdev is installed here")
    with pytest.raises(ScannerUnavailable, match="pip install evdev") as e:
        EvdevWedgeScanner("/dev/input/by-id/usb-scanner-event-kbd")
    assert str(e.value) == EVDEV_MISSING


def test_service_with_the_wedge_backend_but_no_evdev_reports_what_to_install():
    import time

    from kiosk.devices.scanner.service import ScannerService

    try:
        import evdev  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("evdev is installed here")
    svc = ScannerService(lambda: EvdevWedgeScanner("/dev/input/by-id/usb-scanner-event-kbd"), lambda _c: None,
                         reconnect_s=0.05)
    svc.start()
    try:
        deadline = time.monotonic() + 5
        while svc.state != "offline" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert svc.state == "offline" and "pip install evdev" in svc.last_error
    finally:
        svc.stop()
