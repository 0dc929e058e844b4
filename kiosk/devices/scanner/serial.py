"""A QR / barcode scanner in serial mode (RS-232, or USB-CDC "virtual COM"), through pyserial.

The scanner only talks: each scan is sent as text followed by its configured suffix (CR, LF or
CR LF); the kiosk sends nothing. Most scanners leave the factory at 9600 8N1; set the same
``baudrate`` in the config.
"""

from __future__ import annotations

#: How long one read waits for bytes; also how often the service checks for stale partial scans.
READ_WAIT_S = 0.1


class SerialScanner:
    def __init__(self, port: str, baudrate: int = 9600, read_wait_s: float = READ_WAIT_S) -> None:
        import serial

        self.port_name = port
        # exclusive: a second program (or a stray ModemManager probe) must not share the port
        self.serial = serial.serial_for_url(port, baudrate=baudrate, timeout=read_wait_s, exclusive=True)
        self.serial.reset_input_buffer()  # whatever waited in the buffer before we opened is stale

    def read_chunk(self) -> bytes:
        """The bytes that arrived, waiting at most ``read_wait_s``; raises when the port is gone."""
        return self.serial.read(max(1, self.serial.in_waiting))

    def close(self) -> None:
        self.serial.close()
