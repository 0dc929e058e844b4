"""A USB keyboard-wedge scanner read directly from its Linux input device, grabbed exclusively.

A wedge scanner is a keyboard to the computer: each scan arrives as key presses ended by Enter.
Left to the desktop, those keys would go into whatever has focus (and an Esc or an input method
would get in the way), so the kiosk opens the scanner's own event device
(``/dev/input/by-id/usb-…-event-kbd``) with python-evdev and ``grab()``s it: its keys then reach
the kiosk only, never the window. The kiosk user needs read access to the device (the ``input``
group, or a udev rule).

``KeyMapper`` is the pure part: key events in, the bytes a serial scanner would have sent out
(Enter → CR), so the same ``LineDecoder`` reassembles both. It follows a US keyboard layout, which
is what scanners emulate by default, including Shift, Caps Lock and the numeric keypad. Chinese
text arrives as Alt + keypad digits of its GBK code (the "Alt 小键盘输入" mode of most scanners);
those become the GBK bytes, decoded later as GB18030.

The ``evdev`` package is optional and imported only when this backend is configured.
"""

from __future__ import annotations

import select

from kiosk.devices.scanner.serial import READ_WAIT_S

EVDEV_MISSING = ("the keyboard-wedge scanner backend needs the python 'evdev' package "
                 "(pip install evdev; on Debian: apt install python3-evdev)")


class ScannerUnavailable(RuntimeError):
    """The configured scanner backend cannot run on this machine; the message says what to install."""


KEY_UP, KEY_DOWN, KEY_HOLD = 0, 1, 2

_LETTERS = {f"KEY_{c}": c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_DIGITS = {f"KEY_{d}": (d, s) for d, s in zip("1234567890", "!@#$%^&*()")}
_PUNCT = {
    "KEY_MINUS": ("-", "_"), "KEY_EQUAL": ("=", "+"), "KEY_LEFTBRACE": ("[", "{"), "KEY_RIGHTBRACE": ("]", "}"),
    "KEY_SEMICOLON": (";", ":"), "KEY_APOSTROPHE": ("'", '"'), "KEY_GRAVE": ("`", "~"),
    "KEY_BACKSLASH": ("\\", "|"), "KEY_COMMA": (",", "<"), "KEY_DOT": (".", ">"), "KEY_SLASH": ("/", "?"),
    "KEY_SPACE": (" ", " "), "KEY_TAB": ("\t", "\t"),
}
_KEYPAD = {f"KEY_KP{d}": d for d in "0123456789"}
_KEYPAD.update({"KEY_KPMINUS": "-", "KEY_KPPLUS": "+", "KEY_KPASTERISK": "*", "KEY_KPSLASH": "/",
                "KEY_KPDOT": "."})
ENTER_KEYS = {"KEY_ENTER", "KEY_KPENTER"}
SHIFT_KEYS = {"KEY_LEFTSHIFT", "KEY_RIGHTSHIFT"}
ALT_KEYS = {"KEY_LEFTALT", "KEY_RIGHTALT"}


class KeyMapper:
    """Key events (evdev key names and values: 1 down, 0 up, 2 auto-repeat) → scanner bytes."""

    def __init__(self) -> None:
        self.shift = False
        self.caps = False
        self.alt = False
        self._alt_digits = ""

    def event(self, key: str, value: int) -> bytes:
        if key in SHIFT_KEYS:
            self.shift = value != KEY_UP
            return b""
        if key in ALT_KEYS:
            if value == KEY_DOWN:
                self.alt, self._alt_digits = True, ""
            elif value == KEY_UP:
                self.alt = False
                return self._alt_code()
            return b""
        if value != KEY_DOWN:
            return b""  # releases, and auto-repeat (a scanner never holds a key)
        if key == "KEY_CAPSLOCK":
            self.caps = not self.caps
            return b""
        if self.alt:
            if key in _KEYPAD and _KEYPAD[key].isdigit():
                self._alt_digits += _KEYPAD[key]
            return b""
        if key in ENTER_KEYS:
            return b"\r"
        if key in _LETTERS:
            c = _LETTERS[key]
            return (c.upper() if self.shift != self.caps else c).encode()
        if key in _DIGITS:
            return _DIGITS[key][self.shift].encode()
        if key in _PUNCT:
            return _PUNCT[key][self.shift].encode()
        if key in _KEYPAD:
            return _KEYPAD[key].encode()
        return b""  # function keys, arrows, Esc: no part of a code

    def _alt_code(self) -> bytes:
        digits, self._alt_digits = self._alt_digits, ""
        if not digits:
            return b""
        n = int(digits)
        if n < 0x100:
            return bytes((n,))
        if n < 0x10000:
            return n.to_bytes(2, "big")  # a GBK double-byte code
        return b""


def key_name(code: int, names: dict) -> str:
    """evdev's name for a key code (``ecodes.KEY`` maps some codes to a list of aliases)."""
    name = names.get(code, "")
    if isinstance(name, (list, tuple)):
        return next((n for n in name if n.startswith("KEY_")), name[0] if name else "")
    return name


def import_evdev():
    try:
        import evdev
    except ImportError:
        raise ScannerUnavailable(EVDEV_MISSING) from None
    return evdev


class EvdevWedgeScanner:
    """Reads one input device; ``grab`` (the default) keeps its keys from the desktop and the window."""

    def __init__(self, path: str, grab: bool = True, read_wait_s: float = READ_WAIT_S) -> None:
        evdev = import_evdev()
        if not path:
            raise ScannerUnavailable("devices.scanner.port must name the scanner's input device, "
                                     "e.g. /dev/input/by-id/usb-…-event-kbd")
        self.port_name = path
        self.read_wait_s = read_wait_s
        self._ecodes = evdev.ecodes
        self.device = evdev.InputDevice(path)
        if grab:
            try:
                self.device.grab()
            except OSError as e:
                self.device.close()
                raise OSError(f"cannot grab {path} exclusively (another program holds it?): {e}") from e
        self.mapper = KeyMapper()

    def read_chunk(self) -> bytes:
        ready, _, _ = select.select([self.device.fd], [], [], self.read_wait_s)
        if not ready:
            return b""
        out = bytearray()
        try:
            events = list(self.device.read())  # raises OSError (ENODEV) when the scanner is unplugged
        except BlockingIOError:
            return b""
        for ev in events:
            if ev.type == self._ecodes.EV_KEY:
                out += self.mapper.event(key_name(ev.code, self._ecodes.KEY), ev.value)
        return bytes(out)

    def close(self) -> None:
        try:
            self.device.ungrab()
        except OSError:
            pass
        self.device.close()
