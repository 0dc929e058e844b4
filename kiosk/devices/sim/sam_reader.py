"""A SAM ID card reader that speaks the real byte protocol on a pseudo-terminal.

The real adapter opens ``simulator.port`` with pyserial and cannot tell it from hardware.
A card can be laid on and taken off; once read, a card left on the reader answers "no card"
to the next find, as real readers do, until it is taken off and laid again. Faults on demand:
``garbage`` (noise before the reply), ``bad_checksum``, ``split`` (the reply in small pieces),
``slow`` (a delay), ``silent`` (no reply).
"""

from __future__ import annotations

import os
import threading
import time
import tty
from collections import deque

from kiosk.devices.idcard.frame import PREAMBLE, xor


def reply_frame(sw3: int, data: bytes = b"") -> bytes:
    body = (3 + len(data) + 1).to_bytes(2, "big") + bytes((0, 0, sw3)) + data
    return PREAMBLE + body + bytes((xor(body),))


#: the latest commands received, kept for tests to look at (a demo kiosk polls all day)
COMMANDS_KEPT = 64


class SamReaderSimulator:
    def __init__(self, photo: bytes = b"\x00" * 1024) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self.photo = photo
        self.card: bytes | None = None  # the 256-byte text block on the reader
        self._read_since_laid = False
        self.faults: set[str] = set()
        self.slow_s = 1.5
        self.commands: deque[tuple[int, int]] = deque(maxlen=COMMANDS_KEPT)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sam-sim", daemon=True)
        self._thread.start()

    def lay_card(self, text_block: bytes) -> None:
        self.card = text_block
        self._read_since_laid = False

    def remove_card(self) -> None:
        self.card = None

    def close(self) -> None:
        self._stop.set()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _answer(self, cmd: int, para: int) -> bytes:
        if (cmd, para) == (0x20, 0x01):
            if self.card is None or self._read_since_laid:
                return reply_frame(0x80)
            return reply_frame(0x9F, b"\x00" * 4)
        if (cmd, para) == (0x20, 0x02):
            return reply_frame(0x90, b"\x00" * 8) if self.card is not None else reply_frame(0x81)
        if (cmd, para) == (0x30, 0x01):
            if self.card is None:
                return reply_frame(0x41)
            self._read_since_laid = True
            words = len(self.card).to_bytes(2, "big") + len(self.photo).to_bytes(2, "big")
            return reply_frame(0x90, words + self.card + self.photo)
        if cmd in (0x10, 0x11, 0x12):
            return reply_frame(0x90, b"\x00" * 16 if cmd == 0x12 else b"")
        return reply_frame(0x21)

    def _send(self, frame: bytes) -> None:
        if "silent" in self.faults:
            return
        if "slow" in self.faults:
            time.sleep(self.slow_s)
        if "bad_checksum" in self.faults:
            frame = frame[:-1] + bytes((frame[-1] ^ 0xFF,))
        if "garbage" in self.faults:
            frame = b"\x13\x37\xaa\x00" + frame
        if "split" in self.faults:
            for i in range(0, len(frame), 5):
                os.write(self.master, frame[i:i + 5])
                time.sleep(0.002)
            return
        os.write(self.master, frame)

    def _run(self) -> None:
        buf = bytearray()
        while not self._stop.is_set():
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            buf += chunk
            while True:
                start = buf.find(PREAMBLE)
                if start < 0 or len(buf) - start < 7:
                    break
                del buf[:start]
                length = int.from_bytes(buf[5:7], "big")
                if len(buf) < 7 + length:
                    break
                frame = bytes(buf[:7 + length])
                del buf[:7 + length]
                if xor(frame[5:-1]) != frame[-1]:
                    try:
                        self._send(reply_frame(0x10))
                    except OSError:
                        return
                    continue
                self.commands.append((frame[7], frame[8]))
                try:
                    self._send(self._answer(frame[7], frame[8]))
                except OSError:  # closed while replying (a simulated unplug, or the end of a test)
                    return
