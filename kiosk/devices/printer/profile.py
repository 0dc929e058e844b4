"""Printer profiles: what a model understands, and the paper it holds.

python-escpos's capability database has no Chinese-market profile and no CJK code page, so the
kiosk keeps its own small table. A profile says how Chinese text is encoded (GB18030 limited to
its two-byte area, or GBK), whether ``FS &`` (Chinese mode) and ``FS !`` (Chinese character
size) are sent, whether the printer draws QR codes itself (``GS ( k``) or needs a raster image,
how it cuts, and whether it answers real-time status (``DLE EOT``). Any field can be overridden
from ``[devices.printer] options`` in the config.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

#: paper width (mm) → (printable dots per line at 203 dpi, columns of the 12×24 font)
PAPER = {58: (384, 32), 80: (576, 48)}
DOTS_PER_MM = 8


class ProfileError(ValueError):
    """A printer profile or option that cannot work; the message names the option."""


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    encoding: Literal["gb18030", "gbk"] = "gb18030"
    #: send FS & before the text (and FS . after); Chinese-market printers start in this mode
    chinese_mode: bool = True
    #: send FS ! along with GS ! so Chinese glyphs get the same size as ASCII ones (clones)
    chinese_size: bool = True
    native_qr: bool = True
    qr_module_dots: int = 6
    cut: Literal["partial", "full", "none"] = "partial"
    #: the printer answers DLE EOT; False: status is unknown and the paper-roll counter decides
    status: bool = True
    paper_width_mm: int = 80
    roll_length_mm: float = 50_000.0
    #: below this much paper left (by the roll counter) the printer counts as near its end
    near_end_mm: float = 3_000.0
    print_speed_mm_s: float = 150.0
    logo: bool = False
    #: a small image to print as the logo instead of the drawn 津彩e就业 mark
    logo_file: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.paper_width_mm not in PAPER:
            raise ProfileError(f"paper_width_mm: {self.paper_width_mm} is not one of {sorted(PAPER)}")
        if self.encoding not in ("gb18030", "gbk"):
            raise ProfileError(f"encoding: {self.encoding!r} is not gb18030 or gbk")
        if self.cut not in ("partial", "full", "none"):
            raise ProfileError(f"cut: {self.cut!r} is not partial, full or none")
        if not 1 <= self.qr_module_dots <= 16:
            raise ProfileError(f"qr_module_dots: {self.qr_module_dots} is not between 1 and 16")
        if self.roll_length_mm <= 0 or self.print_speed_mm_s <= 0:
            raise ProfileError("roll_length_mm and print_speed_mm_s must be positive")

    @property
    def dots(self) -> int:
        return PAPER[self.paper_width_mm][0]

    @property
    def columns(self) -> int:
        return PAPER[self.paper_width_mm][1]


PROFILES: dict[str, PrinterProfile] = {
    p.name: p for p in (
        PrinterProfile("generic-gb18030", description="Chinese-market 80/58 mm printers (Xprinter, GPrinter, "
                                                      "Zjiang 80 …): resident GB18030 font, GS ( k, cutter"),
        PrinterProfile("generic-gbk", encoding="gbk", description="as generic-gb18030, for firmware with a GBK font"),
        PrinterProfile("pos58-clone", paper_width_mm=58, native_qr=False, qr_module_dots=5, cut="none",
                       roll_length_mm=30_000.0, print_speed_mm_s=70.0,
                       description="58 mm clones without GS ( k and without a cutter (POS-5890, ZJ-5870)"),
        PrinterProfile("epson-tm-t88-cn", chinese_size=False, description="Epson TM-T88V/VI Chinese models "
                                                                          "(GB18030, GS ! sizes every glyph)"),
        PrinterProfile("no-status", status=False, description="printers or links that never answer DLE EOT; "
                                                              "the paper-roll counter stands in"),
    )
}


def make_profile(options: dict[str, Any]) -> PrinterProfile:
    """The named profile (option ``profile``) with any of its fields overridden by ``options``."""
    name = options.get("profile", "generic-gb18030")
    if name not in PROFILES:
        raise ProfileError(f"devices.printer.options.profile: unknown profile {name!r} "
                           f"(known: {', '.join(PROFILES)})")
    base = PROFILES[name]
    fields = {f.name: f for f in dataclasses.fields(PrinterProfile)}
    changes: dict[str, Any] = {}
    for key, value in options.items():
        if key == "profile" or key not in fields:
            continue  # transport options (usb ids, timeouts) live in the same table
        kind = type(getattr(base, key))
        try:
            changes[key] = kind(value) if kind is not bool else _bool(value, key)
        except (TypeError, ValueError):
            raise ProfileError(f"devices.printer.options.{key}: {value!r} is not a {kind.__name__}") from None
    return dataclasses.replace(base, **changes)


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(key)
