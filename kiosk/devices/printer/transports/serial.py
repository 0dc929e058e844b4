"""A printer on a serial port (RS-232 or USB-serial) through pyserial.

Flow control is set explicitly (``options.flow = "none" | "rtscts" | "xonxoff"``) to match the
printer's DIP switches, and writes have a timeout, so a printer holding the line busy cannot
hang the kiosk. Unplugging shows up as SerialException, OSError or termios.error depending on
where it happens; all become LinkGone.
"""

from __future__ import annotations

import termios
import time

import serial

from kiosk.devices.printer.transports import LinkGone

ERRORS = (serial.SerialException, OSError, termios.error)


class SerialTransport:
    bidirectional = True

    def __init__(self, port: str, baudrate: int = 9600, flow: str = "none", write_timeout_s: float = 10.0) -> None:
        if not port:
            raise ValueError("devices.printer.port: the serial printer needs a port (e.g. /dev/ttyUSB0)")
        if flow not in ("none", "rtscts", "xonxoff"):
            raise ValueError(f"devices.printer.options.flow: {flow!r} is not none, rtscts or xonxoff")
        self.port, self.baudrate, self.flow = port, baudrate, flow
        self.write_timeout_s = write_timeout_s
        self.description = f"串口 {port} @ {baudrate}"
        self._s: serial.Serial | None = None

    def open(self) -> None:
        try:
            self._s = serial.serial_for_url(
                self.port, baudrate=self.baudrate, timeout=0, write_timeout=self.write_timeout_s,
                rtscts=self.flow == "rtscts", xonxoff=self.flow == "xonxoff", dsrdtr=False, exclusive=True)
        except ERRORS as e:
            raise LinkGone(f"cannot open {self.port}: {e}") from None

    def _port(self) -> serial.Serial:
        if self._s is None:
            raise LinkGone(f"{self.port} is not open")
        return self._s

    def write(self, data: bytes) -> None:
        s = self._port()
        try:
            s.write(data)
            s.flush()
        except serial.SerialTimeoutException as e:
            raise TimeoutError(f"{self.port}: the printer did not take the data ({e})") from None
        except ERRORS as e:
            raise LinkGone(f"{self.port}: {e}") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        s = self._port()
        deadline = time.monotonic() + timeout_s
        out = b""
        try:
            while len(out) < size:
                s.timeout = max(0.0, deadline - time.monotonic())
                chunk = s.read(size - len(out))
                if not chunk:
                    break
                out += chunk
        except ERRORS as e:
            raise LinkGone(f"{self.port}: {e}") from None
        return out

    def flush_input(self) -> None:
        try:
            self._port().reset_input_buffer()
        except ERRORS as e:
            raise LinkGone(f"{self.port}: {e}") from None

    def close(self) -> None:
        if self._s is not None:
            try:
                self._s.close()
            except ERRORS:
                pass
            self._s = None


def from_config(cfg) -> SerialTransport:
    o = cfg.options
    return SerialTransport(cfg.port, cfg.baudrate, str(o.get("flow", "none")), float(o.get("write_timeout_s", 10.0)))
