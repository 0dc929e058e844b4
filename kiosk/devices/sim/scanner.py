"""A serial QR / barcode scanner on a pseudo-terminal, scanning codes on demand.

The real adapter opens ``simulator.port`` with pyserial and cannot tell it from hardware.
``port`` is a symbolic link, like ``/dev/serial/by-id/…``: ``unplug()`` closes the terminal and
removes the link, ``replug()`` creates a new terminal behind the same link, as a USB adapter
that comes back as ttyACM1 does.

``scan(text)`` sends what a scanner sends: the text and its suffix (CR by default; LF or CR LF
on request). Faults on demand, in ``faults``: ``noise`` (NULs and an STX before the code),
``split`` (the bytes in small pieces), ``no_suffix`` (the suffix never comes), ``double`` (the
same code twice, as a scanner in continuous mode does). ``send_garbage``, ``send_overlong`` and
``send_raw`` send bytes that are not a scan at all.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import tty
from pathlib import Path

from kiosk.domain.identity import check_char
from kiosk.domain.scans import demo_essc_payload

SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


class ScannerSimulator:
    def __init__(self, suffix: str = "CR", encoding: str = "utf-8") -> None:
        self.suffix = suffix
        self.encoding = encoding
        self.faults: set[str] = set()
        self.split_every = 3
        self.sent: list[bytes] = []
        self._dir = Path(tempfile.mkdtemp(prefix="scanner-sim-"))
        self.port = str(self._dir / "usb-scanner-if00")
        self.master = self.slave = -1
        self.replug()

    @property
    def plugged(self) -> bool:
        return self.master >= 0

    def replug(self) -> None:
        """Plug the scanner (back) in: a new terminal behind the same link."""
        if self.plugged:
            return
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no CR → LF translation, no echo: the bytes as a scanner sends them
        os.symlink(os.ttyname(self.slave), self.port)

    def unplug(self) -> None:
        if not self.plugged:
            return
        try:
            os.unlink(self.port)
        except FileNotFoundError:
            pass
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self.master = self.slave = -1

    def close(self) -> None:
        self.unplug()
        try:
            self._dir.rmdir()
        except OSError:
            pass

    def send_raw(self, data: bytes) -> None:
        if not self.plugged:
            return  # nothing reaches an unplugged cable
        self.sent.append(data)
        if "split" in self.faults:
            for i in range(0, len(data), self.split_every):
                os.write(self.master, data[i:i + self.split_every])
                time.sleep(0.003)
            return
        view = memoryview(data)
        while view:
            n = os.write(self.master, view)
            view = view[n:]

    def scan(self, text: str | bytes, suffix: str | None = None) -> None:
        """Scan one code (a str is encoded with ``encoding``)."""
        body = text.encode(self.encoding) if isinstance(text, str) else text
        if "noise" in self.faults:
            body = b"\x00\x00\x02" + body
        end = b"" if "no_suffix" in self.faults else SUFFIXES[suffix or self.suffix]
        for _ in range(2 if "double" in self.faults else 1):
            self.send_raw(body + end)

    def send_garbage(self, rng: random.Random | None = None, suffix: str | None = None) -> bytes:
        """Bytes that decode as neither UTF-8 nor GB18030 (a wrong baud rate looks like this), then a suffix."""
        rng = rng or random.Random()
        junk = bytes([0xFF, 0x80]) + bytes(rng.choice([0x80, 0xFE, 0xFF, 0xC0]) for _ in range(rng.randint(4, 16)))
        self.send_raw(junk + SUFFIXES[suffix or self.suffix])
        return junk

    def send_overlong(self, length: int = 5000, suffix: str | None = None) -> None:
        self.send_raw(b"A" * length + SUFFIXES[suffix or self.suffix])


def demo_essc_code(rng: random.Random | None = None) -> str:
    """An e-social-security-card QR of the demo format for a made-up resident (valid check digit)."""
    rng = rng or random.Random()
    year = rng.randint(1955, 2000)
    first17 = f"120104{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return demo_essc_payload(first17 + check_char(first17))
