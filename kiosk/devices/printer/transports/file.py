"""A printer as a device file (``/dev/usb/lp0`` under the usblp driver) or a plain file.

Write-only by default: the kernel's usblp node can be read on some printers, but not all, so
status comes from the paper-roll counter unless ``options.read_status = true``. Writing to a
regular file is also how a job can be captured for inspection.
"""

from __future__ import annotations

import os
import select

from kiosk.devices.printer.transports import LinkGone


class FileTransport:
    def __init__(self, path: str, read_status: bool = False) -> None:
        if not path:
            raise ValueError("devices.printer.port: the file backend needs a path (e.g. /dev/usb/lp0)")
        self.path = path
        self.bidirectional = read_status
        self.description = f"设备文件 {path}"
        self._fd: int | None = None

    def open(self) -> None:
        flags = (os.O_RDWR if self.bidirectional else os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            self._fd = os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as e:
            raise LinkGone(f"cannot open {self.path}: {e}") from None

    def _handle(self) -> int:
        if self._fd is None:
            raise LinkGone(f"{self.path} is not open")
        return self._fd

    def write(self, data: bytes) -> None:
        fd = self._handle()
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(fd, view):]
        except OSError as e:
            raise LinkGone(f"{self.path}: {e}") from None

    def read(self, size: int, timeout_s: float) -> bytes:
        if not self.bidirectional:
            return b""
        fd = self._handle()
        try:
            if not select.select([fd], [], [], timeout_s)[0]:
                return b""
            return os.read(fd, size)
        except OSError as e:
            raise LinkGone(f"{self.path}: {e}") from None

    def flush_input(self) -> None:
        pass

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None


def from_config(cfg) -> FileTransport:
    from kiosk.devices.printer.profile import _bool

    return FileTransport(cfg.port, _bool(cfg.options.get("read_status", False), "read_status"))
