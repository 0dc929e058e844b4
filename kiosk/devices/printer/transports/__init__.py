"""How bytes reach the printer: one small module per link, chosen by ``devices.printer.backend``.

Every transport offers the same five calls (open, write, read, flush_input, close). ``read``
returns ``b""`` when nothing arrived in time and raises ``LinkGone`` when the link itself is
gone (cable pulled, socket closed, device node removed); ``write`` raises ``LinkGone`` too.
The modules are imported only when configured, so a kiosk with a serial printer never needs
pyusb, and one with a network printer never opens a tty.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiosk.config import DeviceConfig


class LinkGone(OSError):
    """The printer link broke: unplugged, closed by the other end, or cannot be opened."""


class Transport(Protocol):
    #: where the printer is, for the staff screen ("serial /dev/ttyUSB0 @ 9600")
    description: str
    #: False: the link cannot carry replies (a spooler, a plain file), so status is unknown
    bidirectional: bool

    def open(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, size: int, timeout_s: float) -> bytes: ...
    def flush_input(self) -> None: ...
    def close(self) -> None: ...


#: backend name → "module:factory"; each factory takes the DeviceConfig
REGISTRY: dict[str, str] = {
    "serial": "kiosk.devices.printer.transports.serial:from_config",
    "network": "kiosk.devices.printer.transports.network:from_config",
    "usb": "kiosk.devices.printer.transports.usb:from_config",
    "file": "kiosk.devices.printer.transports.file:from_config",
}


def make_transport(cfg: DeviceConfig) -> Transport:
    """The transport for ``cfg.backend`` (not opened yet)."""
    target = REGISTRY.get(cfg.backend)
    if target is None:
        raise ValueError(f"devices.printer.backend: unknown backend {cfg.backend!r} "
                         f"(known: {', '.join([*REGISTRY, 'simulated'])})")
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)(cfg)
