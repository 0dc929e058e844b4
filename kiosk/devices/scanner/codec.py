"""Scanner lines: what a QR / barcode scanner sends after each scan.

A scanner in serial (USB-CDC / RS-232) mode sends the decoded text followed by a suffix that
is configured on the scanner itself: CR, LF or CR LF. A keyboard-wedge scanner sends the same
text as key presses ended by Enter, which the wedge adapter turns into the same bytes. Either
way the bytes arrive in pieces, sometimes after line noise (NULs when the adapter powers up,
an STX prefix some models add), and sometimes without their suffix (a scanner configured
without one, or unplugged mid-scan).

``LineDecoder`` turns that stream into scanned texts and typed errors, and keeps going after
every error. ``Debouncer`` drops a code scanned again within a short window, as happens when a
resident holds a phone under a scanner in continuous mode. Neither reads a clock: the caller
passes the time in, so both are pure and tested without sleeping.

Scanned texts can carry personal data (an e-social-security-card token): errors name lengths
and reasons, never the content.
"""

from __future__ import annotations

#: Far longer than any code the kiosk understands (ticket and job URLs, e-SSC tokens: a few hundred
#: bytes at most), so a longer line is scans run together by a scanner without a suffix, or noise.
MAX_LINE = 1024
#: A scan arrives in well under this; bytes left waiting longer than this lost their suffix.
INCOMPLETE_AFTER_S = 0.8
#: The same code again within this window is the same scan (continuous mode, a shaky hand).
DEBOUNCE_S = 1.5

TERMINATORS = b"\r\n"
#: Kept inside a scan: tab (field separator on some ID labels) and GS (the GS1 FNC1 separator).
ALLOWED_CONTROLS = {"\t", "\x1d"}


class ScanError(ValueError):
    """A scan that cannot be used. ``message`` is what the resident is told."""

    message = "扫码没有成功，请再扫一次"


class TooLong(ScanError):
    message = "二维码内容过长，无法识别"


class NotText(ScanError):
    message = "无法识别此二维码，请再扫一次"


class Incomplete(ScanError):
    message = "扫码不完整，请再扫一次"


def decode_text(raw: bytes) -> str:
    """The text of one line: UTF-8, or GB18030 (Chinese scanners set to GBK output); raises NotText."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if all(c.isprintable() or c in ALLOWED_CONTROLS for c in text):
            return text
    raise NotText(f"a {len(raw)}-byte line is neither UTF-8 nor GB18030 text")


def _strip_noise(raw: bytes) -> bytes:
    """Drop NULs anywhere, and control bytes and spaces around the code (STX/ETX prefixes, padding)."""
    raw = raw.replace(b"\x00", b"")
    return raw.strip(bytes(range(0x20)) + b" \x7f")


class LineDecoder:
    """Reassembles CR-, LF- or CRLF-terminated lines from pieces.

    ``feed`` returns, in order, each scanned text (``str``) and each ``ScanError`` found in the
    bytes; ``expire`` returns an ``Incomplete`` error for bytes that waited too long for their
    suffix. An empty line (the LF of a CRLF, a bare suffix) is no scan and is ignored.
    """

    def __init__(self, max_line: int = MAX_LINE, incomplete_after_s: float = INCOMPLETE_AFTER_S) -> None:
        self.max_line = max_line
        self.incomplete_after_s = incomplete_after_s
        self._buf = bytearray()
        self._overflow = False  # discarding the rest of an over-long line
        self._last_at = 0.0

    @property
    def pending(self) -> int:
        """Bytes waiting for their suffix."""
        return len(self._buf)

    def reset(self) -> None:
        self._buf.clear()
        self._overflow = False

    def feed(self, data: bytes, now: float = 0.0) -> list[str | ScanError]:
        out: list[str | ScanError] = []
        if not data:
            return out
        self._last_at = now
        for b in data:
            if b in TERMINATORS:
                if self._overflow:
                    self._overflow = False
                    self._buf.clear()
                    continue
                raw = _strip_noise(bytes(self._buf))
                self._buf.clear()
                if raw:
                    try:
                        out.append(decode_text(raw))
                    except ScanError as e:
                        out.append(e)
                continue
            if self._overflow:
                continue
            if b == 0 and not self._buf:
                continue  # NULs before a scan (an adapter powering up) are not its first byte
            self._buf.append(b)
            if len(self._buf) > self.max_line:
                out.append(TooLong(f"a line of more than {self.max_line} bytes without a suffix; dropped"))
                self._buf.clear()
                self._overflow = True
        return out

    def expire(self, now: float) -> list[ScanError]:
        """Give up on bytes that have waited longer than ``incomplete_after_s`` for their suffix."""
        if now - self._last_at < self.incomplete_after_s:
            return []
        self._overflow = False  # an over-long line was reported when it overflowed
        raw = _strip_noise(bytes(self._buf))
        self._buf.clear()
        if not raw:
            return []  # noise alone is no scan
        return [Incomplete(f"{len(raw)} bytes arrived without a CR/LF suffix within {self.incomplete_after_s} s; "
                           "dropped (is the scanner's suffix set?)")]


class Debouncer:
    """Accepts a code unless the same code was seen less than ``window_s`` ago.

    Each repeat restarts the window, so a code held under a scanner in continuous mode is
    accepted once, and again only after it has been away for ``window_s``.
    """

    def __init__(self, window_s: float = DEBOUNCE_S) -> None:
        self.window_s = window_s
        self._last: str | None = None
        self._at = 0.0

    def accept(self, code: str, now: float) -> bool:
        repeat = code == self._last and now - self._at < self.window_s
        self._last, self._at = code, now
        return not repeat

    def forget(self) -> None:
        """Forget the last code (a visit ended: the next resident may scan the same ticket)."""
        self._last = None

