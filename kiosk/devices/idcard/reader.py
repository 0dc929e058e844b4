"""The reader cycle over a serial port: find → select → read, one card at a time.

Every call runs on a device thread (never the Kivy main thread). A card left on the reader is
read once: the reader itself answers "no card" to the next find until the card is laid again.
"""

from __future__ import annotations

import logging
import time

from kiosk.devices.idcard.frame import (
    HEADER,
    MAX_LEN,
    PREAMBLE,
    Frame,
    FrameError,
    Status,
    decode_frame,
    encode_command,
)
from kiosk.devices.idcard.text_block import Identity, identity_from_reply

log = logging.getLogger(__name__)

FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ = (0x30, 0x01)


class ReaderTimeout(TimeoutError):
    """The reader did not answer in time (unplugged, powered off, or busy)."""


class ReaderError(RuntimeError):
    """The reader answered with a failure; the message is for the screen."""


class IdCardReader:
    def __init__(self, port: str, baudrate: int = 115200, timeout_s: float = 1.0) -> None:
        import serial

        self.port_name = port
        self.timeout_s = timeout_s
        self.serial = serial.serial_for_url(port, baudrate=baudrate, timeout=0.05, exclusive=False)

    def close(self) -> None:
        self.serial.close()

    def _read_frame(self) -> Frame:
        """Read one reply, skipping noise before the preamble; raises FrameError or ReaderTimeout."""
        deadline = time.monotonic() + self.timeout_s
        buf = bytearray()
        while time.monotonic() < deadline:
            buf += self.serial.read(max(1, self.serial.in_waiting))
            start = buf.find(PREAMBLE)
            if start < 0:
                del buf[: max(0, len(buf) - 4)]
                continue
            del buf[:start]
            if len(buf) < HEADER:
                continue
            length = int.from_bytes(buf[5:7], "big")
            if length > MAX_LEN:
                raise FrameError(f"reply length {length} is impossible")
            if len(buf) >= HEADER + length:
                return decode_frame(bytes(buf[: HEADER + length]))
        raise ReaderTimeout(f"no reply from the ID card reader on {self.port_name} within {self.timeout_s} s")

    def command(self, cmd: int, para: int) -> Frame:
        self.serial.reset_input_buffer()
        self.serial.write(encode_command(cmd, para))
        self.serial.flush()
        return self._read_frame()

    def poll(self) -> tuple[Identity, bytes] | None:
        """One cycle: None when there is no (new) card; the identity and raw photo otherwise."""
        found = self.command(*FIND)
        if found.status is not Status.CARD_FOUND:
            return None
        selected = self.command(*SELECT)
        if selected.status is not Status.OK:
            raise ReaderError(selected.message)
        read = self.command(*READ)
        if read.status is not Status.OK:
            raise ReaderError(read.message)
        return identity_from_reply(read.data)
