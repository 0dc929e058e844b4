"""Backend registries: ``devices.<kind>.backend`` in the config names an entry, the entry builds
the link to the device.

Each device kind keeps a ``REGISTRY`` of backend name → ``"module:factory"`` in its ``setup``
module (the printer's transports live in ``kiosk/devices/printer/transports``). Modules are
imported only when configured, so a kiosk with a serial reader never loads evdev, and the
simulators only load in the demo.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.config import DeviceConfig
    from kiosk.domain.status import Section

#: a backend value that means "this kiosk has no such device"
NO_DEVICE = ("", "none")


class Simulator(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class Backend:
    """What a registry entry gives: how to open the device (called on the device's own thread,
    again after each lost link) and, for ``simulated``, the simulator it talks to."""

    open: Callable[[], Any]
    simulator: Simulator | None = None


def resolve(kind: str, registry: dict[str, str], cfg: DeviceConfig) -> Backend | None:
    """The backend ``cfg.backend`` names (None: no device); a ValueError naming the key when the
    backend is unknown or its settings cannot work."""
    if cfg.backend in NO_DEVICE:
        return None
    target = registry.get(cfg.backend)
    if target is None:
        raise ValueError(f"devices.{kind}.backend: unknown backend {cfg.backend!r} "
                         f"(known: {', '.join([*registry, 'none'])})")
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)(cfg)


def needs_port(kind: str, cfg: DeviceConfig) -> str:
    if not cfg.port:
        raise ValueError(f"devices.{kind}.port: the {cfg.backend} backend needs a port (e.g. /dev/ttyUSB0)")
    return cfg.port


def config_error_section(title: str, error: Exception) -> Section:
    """The staff screen's section for a device the config names wrongly: the kiosk runs on
    without it, and staff see why."""
    from kiosk.domain.status import Section, StatusRow

    return Section(title, lambda: [StatusRow("配置错误", str(error), False)])
