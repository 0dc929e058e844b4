"""Building the printer from ``[devices.printer]``: the profile, the transport, and in the demo
the virtual printer it talks to (over a pseudo-terminal, exactly as to a serial printer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.devices.printer.profile import make_profile
from kiosk.devices.printer.service import PrinterService, Settings

#: the printer's section on the staff screen (``printer_section`` shows it under this title)
TITLE = "打印机"
#: the demo's virtual printer keeps this many receipts in memory (and as many PNGs), not a day's
KEEP_RECEIPTS = 50

if TYPE_CHECKING:
    from kiosk.config import DeviceConfig
    from kiosk.devices.sim.escpos_printer import VirtualPrinter


def build_printer(cfg: DeviceConfig, settings: Settings | None, png_dir: Path | None = None,
                  ) -> tuple[PrinterService | None, VirtualPrinter | None]:
    """The printer service (not started) and, for ``backend = "simulated"``, the virtual printer.

    ``backend = "none"`` (or an empty backend) means the kiosk has no printer: (None, None).
    ``settings`` keeps the paper-roll counter across restarts (the store's settings table).
    """
    if cfg.backend in ("", "none"):
        return None, None
    profile = make_profile(cfg.options)
    sim = None
    if cfg.backend == "simulated":
        from kiosk.devices.printer.transports.serial import SerialTransport
        from kiosk.devices.sim.escpos_printer import VirtualPrinter

        sim = VirtualPrinter(profile.paper_width_mm, out_dir=png_dir, keep_receipts=KEEP_RECEIPTS)
        port = sim.port
        service = PrinterService(lambda: SerialTransport(port, cfg.baudrate), profile, settings,
                                 status_timeout_s=float(cfg.options.get("status_timeout_s", 0.5)),
                                 description=f"模拟打印机 {port}")
        return service, sim
    from kiosk.devices.printer.transports import make_transport

    make_transport(cfg)  # a wrong backend or port is reported at start, not at the first job
    service = PrinterService(lambda: make_transport(cfg), profile, settings,
                             status_timeout_s=float(cfg.options.get("status_timeout_s", 0.5)),
                             poll_s=float(cfg.options.get("poll_s", 30.0)))
    return service, None
