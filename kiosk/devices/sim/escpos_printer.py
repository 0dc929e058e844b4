"""A virtual ESC/POS receipt printer: takes bytes on a pseudo-terminal or a TCP port, prints
them on virtual paper, answers real-time status, and draws each receipt as a PNG.

It understands the subset the kiosk sends and a little more: text in Chinese mode (GB18030
two-byte characters, ASCII otherwise), ``ESC @ a E ! d J 3``, ``GS !``, ``FS & . !``, QR codes
(``GS ( k``), raster images (``GS v 0``), cuts (``GS V``), ``DLE EOT n`` and ``GS a``. Anything
else is skipped by its known length, or byte by byte, and counted; no input can make it raise
(a property test feeds it random bytes). Like Epson printers it starts *outside* Chinese mode,
so a job that forgets ``FS &`` comes out as ``?``.

Faults on demand, as a station sees them: ``paper_out`` and ``cover_open`` (status says so,
nothing is printed), ``paper_near_end``, ``offline`` (no answer at all, nothing printed), a
short roll (``paper_left_mm``: the paper runs out in the middle of a job), ``vanish_after``
(the printer disappears after so many more bytes: the pty or socket is closed mid-job), and
``reply_noise`` (stray bytes before each status reply, as from automatic status back).
"""

from __future__ import annotations

import os
import pickle
import select
import socket
import threading
import time
import tty
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LINE_DOTS = 30
MAX_IMAGE_BYTES = 2_000_000
MAX_IMAGE_WIDTH_BYTES = 512
MAX_RENDER_DOTS = 40_000

# fixed argument counts after ESC x / FS x / GS x (commands with variable data are handled apart)
ESC_ARGS = {b"@": 0, b"a": 1, b"E": 1, b"!": 1, b"d": 1, b"J": 1, b"2": 0, b"3": 1, b"t": 1, b"M": 1, b"-": 1,
            b"G": 1, b"V": 1, b"R": 1, b"{": 1, b" ": 1, b"$": 2, b"\\": 2, b"p": 3, b"r": 1, b"U": 1,
            b"T": 1, b"L": 0, b"S": 0, b"W": 8, b"i": 0, b"m": 0, b"=": 1, b"%": 1, b"?": 1, b"c": 2,
            b"K": 1, b"e": 1, b"B": 2, b"C": 1, b"F": 1, b"<": 0}
FS_ARGS = {b"&": 0, b".": 0, b"!": 1, b"-": 1, b"W": 1, b"S": 2, b"C": 1, b"p": 2}
GS_ARGS = {b"!": 1, b"a": 1, b"B": 1, b"H": 1, b"h": 1, b"w": 1, b"f": 1, b"b": 1, b"E": 1, b"r": 1, b"I": 1,
           b"L": 2, b"W": 2, b"P": 2, b"/": 1, b"$": 2, b"\\": 2, b"^": 3, b":": 0, b"T": 1}


@dataclass
class Run:
    text: str
    width: int  # dots per half-width cell column (12 × width multiplier)
    height: int  # multiplier
    bold: bool
    wide: bool  # a two-column character


@dataclass
class Line:
    runs: list[Run]
    align: int
    height_dots: int


@dataclass
class Image:
    width: int
    rows: list[bytes]
    align: int


@dataclass
class QRCode:
    data: str
    module: int
    ec: str
    align: int


@dataclass
class Gap:
    dots: int


@dataclass
class Receipt:
    elements: list = field(default_factory=list)
    cut: str = ""  # "partial" | "full" | "" (still on the printer)

    def text(self) -> str:
        """The printed text, line by line (runs joined)."""
        return "\n".join("".join(r.text for r in e.runs) for e in self.elements if isinstance(e, Line))

    def lines(self) -> list[str]:
        return [("".join(r.text for r in e.runs)) for e in self.elements if isinstance(e, Line)]

    def qr_codes(self) -> list[str]:
        return [e.data for e in self.elements if isinstance(e, QRCode)]


class ReceiptRoll:
    """The receipts a printer has cut: counted from the first, the last ``keep`` of them kept.

    Indexes and ``len`` count every receipt ever cut (``[-1]`` is the newest), so callers can
    wait for "one more"; a receipt older than the kept ones raises IndexError. A demo kiosk
    prints all day, and a parsed receipt is hundreds of objects (one per character), so each
    is kept packed (a few kilobytes) and unpacked, as a fresh copy, only when someone looks."""

    def __init__(self, keep: int | None = None) -> None:
        self._kept: deque[bytes] = deque(maxlen=keep)
        self._count = 0

    def append(self, receipt: Receipt) -> None:
        self._kept.append(zlib.compress(pickle.dumps(receipt, pickle.HIGHEST_PROTOCOL), 1))
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> Receipt:
        i = index + self._count if index < 0 else index
        first = self._count - len(self._kept)
        if not first <= i < self._count:
            raise IndexError(f"receipt {index} is not kept (the last {len(self._kept)} of {self._count} are)")
        return _unpack(self._kept[i - first])

    def __iter__(self) -> Iterator[Receipt]:
        return map(_unpack, list(self._kept))

    def __add__(self, more: list[Receipt]) -> list[Receipt]:
        return [*self, *more]

    @property
    def packed_bytes(self) -> int:
        """What the kept receipts take, packed."""
        return sum(len(b) for b in self._kept)


def _unpack(packed: bytes) -> Receipt:
    return pickle.loads(zlib.decompress(packed))


class Interpreter:
    """ESC/POS bytes in, receipts out. ``feed`` may be given any split of the stream."""

    def __init__(self, dots: int = 576, chinese_default: bool = False,
                 on_status: Callable[[int], None] = lambda n: None,
                 can_print: Callable[[], bool] = lambda: True,
                 on_paper: Callable[[int], None] = lambda dots: None, keep: int | None = None) -> None:
        """``keep``: how many cut receipts stay in memory (None: all)."""
        self.dots = dots
        self.chinese_default = chinese_default
        self.on_status = on_status
        self.can_print = can_print
        self.on_paper = on_paper
        self.buf = bytearray()
        self.receipts = ReceiptRoll(keep)
        self.page = Receipt()
        self.unknown = 0  # commands skipped
        self.wrapped = 0  # lines longer than the paper, wrapped by the printer
        self.dropped = 0  # lines and images not printed (no paper, cover open)
        self.asb = 0
        self._qr = {"data": b"", "module": 3, "ec": "L"}
        self._reset()
        self._line: list[Run] = []
        self._line_align = 0
        self._x = 0

    def _reset(self) -> None:
        self.align = 0
        self.bold = False
        self.gs_w = self.gs_h = 1
        self.mode_w = self.mode_h = 1  # ESC !
        self.fs_w = self.fs_h = 1  # FS !
        self.chinese = self.chinese_default
        self.spacing = LINE_DOTS

    # -- output ------------------------------------------------------------------------------
    def _emit(self, element) -> None:
        if not self.can_print():
            self.dropped += 1
            return
        dots = element.height_dots if isinstance(element, Line) else (
            len(element.rows) if isinstance(element, Image) else
            element.dots if isinstance(element, Gap) else 0)
        if isinstance(element, QRCode):
            dots = _qr_size(element)
        self.page.elements.append(element)
        self.on_paper(dots)

    def _char(self, ch: str, wide: bool) -> None:
        w = max(self.gs_w, self.mode_w, self.fs_w if wide else 1)
        h = max(self.gs_h, self.mode_h, self.fs_h if wide else 1)
        cell = 12 * w * (2 if wide else 1)
        if self._x + cell > self.dots and self._line:
            self.wrapped += 1
            self._newline()
        if not self._line:
            self._line_align = self.align
        self._line.append(Run(ch, 12 * w, h, self.bold, wide))
        self._x += cell

    def _newline(self) -> None:
        # an empty line feeds one line spacing; a line of characters is at least as tall as they are
        tall = max((24 * r.height + 6 for r in self._line), default=0)
        self._emit(Line(self._line, self._line_align if self._line else self.align, max(self.spacing, tall)))
        self._line = []
        self._x = 0

    def _flush_line(self) -> None:
        if self._line:
            self._newline()

    def pages(self) -> list[Receipt]:
        """The kept receipts, and the paper still hanging out of the printer (no cutter, or not cut yet)."""
        return self.receipts + ([self.page] if self.page.elements else [])

    def _cut(self, kind: str) -> None:
        self._flush_line()
        if not self.can_print():
            return
        self.page.cut = kind
        self.receipts.append(self.page)
        self.page = Receipt()

    # -- parsing -----------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self.buf += data
        i = 0
        n = len(self.buf)
        while i < n:
            used = self._step(i)
            if used is None:
                break
            i += used
        del self.buf[:i]

    def _step(self, i: int) -> int | None:
        """Handle the item at ``buf[i]``; returns the bytes used, or None to wait for more."""
        b = self.buf
        c = b[i]
        avail = len(b) - i
        if c == 0x0A:
            self._newline()
            return 1
        if c == 0x10:
            return self._dle(i, avail)
        if c == 0x1B:
            return self._esc(i, avail)
        if c == 0x1C:
            return self._fs(i, avail)
        if c == 0x1D:
            return self._gs(i, avail)
        if c == 0x09:
            self._char(" ", False)
            return 1
        if c < 0x20 or c == 0x7F:
            return 1
        if c < 0x80:
            self._char(chr(c), False)
            return 1
        if self.chinese and 0x81 <= c <= 0xFE:
            if avail < 2:
                return None
            d = b[i + 1]
            if 0x40 <= d <= 0xFE and d != 0x7F:
                try:
                    ch = bytes((c, d)).decode("gb18030")
                except UnicodeDecodeError:
                    ch = "?"
                self._char(ch, True)
                return 2
        self._char("?", False)
        return 1

    def _dle(self, i: int, avail: int) -> int | None:
        if avail < 2:
            return None
        cmd = self.buf[i + 1]
        if cmd == 0x04:
            if avail < 3:
                return None
            self.on_status(self.buf[i + 2])
            return 3
        if cmd == 0x05:
            return 3 if avail >= 3 else None
        if cmd == 0x14:
            return 5 if avail >= 5 else None
        return 1

    def _fixed(self, table: dict, i: int, avail: int) -> tuple[bytes, int] | None | int:
        if avail < 2:
            return None
        key = bytes(self.buf[i + 1:i + 2])
        if key not in table:
            self.unknown += 1
            return 2
        need = 2 + table[key]
        if avail < need:
            return None
        return key, need

    def _esc(self, i: int, avail: int) -> int | None:
        if avail >= 2 and self.buf[i + 1] == 0x2A:  # ESC * m nL nH: column bit image
            if avail < 5:
                return None
            m, nl, nh = self.buf[i + 2], self.buf[i + 3], self.buf[i + 4]
            k = (nl + 256 * nh) * (3 if m in (32, 33) else 1)
            if avail < 5 + k:
                return None
            self.unknown += 1
            return 5 + k
        got = self._fixed(ESC_ARGS, i, avail)
        if not isinstance(got, tuple):
            return got
        key, need = got
        a = self.buf[i + 2] if need > 2 else 0
        if key == b"@":
            self._flush_line()
            self._reset()
        elif key == b"a":
            self.align = (a - 48 if a >= 48 else a) if (a % 48) <= 2 else self.align
        elif key == b"E":
            self.bold = bool(a & 1)
        elif key == b"!":
            self.bold = bool(a & 0x08)
            self.mode_h = 2 if a & 0x10 else 1
            self.mode_w = 2 if a & 0x20 else 1
        elif key == b"d":
            self._flush_line()
            for _ in range(a):
                self._newline()
        elif key == b"J":
            self._flush_line()
            if a:
                self._emit(Gap(a))
        elif key == b"2":
            self.spacing = LINE_DOTS
        elif key == b"3":
            self.spacing = a
        elif key in (b"i", b"m"):
            self._cut("full" if key == b"i" else "partial")
        return need

    def _fs(self, i: int, avail: int) -> int | None:
        got = self._fixed(FS_ARGS, i, avail)
        if not isinstance(got, tuple):
            return got
        key, need = got
        a = self.buf[i + 2] if need > 2 else 0
        if key == b"&":
            self.chinese = True
        elif key == b".":
            self.chinese = False
        elif key == b"!":
            self.fs_w = 2 if a & 0x04 else 1
            self.fs_h = 2 if a & 0x08 else 1
        return need

    def _gs(self, i: int, avail: int) -> int | None:
        if avail < 2:
            return None
        key = bytes(self.buf[i + 1:i + 2])
        if key == b"V":
            if avail < 3:
                return None
            m = self.buf[i + 2]
            if m in (65, 66):
                if avail < 4:
                    return None
                self._cut("full" if m == 65 else "partial")
                return 4
            if m in (0, 1, 48, 49):
                self._cut("full" if m in (0, 48) else "partial")
            else:
                self.unknown += 1
            return 3
        if key == b"v":
            return self._raster(i, avail)
        if key == b"(":
            if avail < 5:
                return None
            size = self.buf[i + 3] + 256 * self.buf[i + 4]
            if avail < 5 + size:
                return None
            if self.buf[i + 2] == ord("k"):
                self._qr_fn(bytes(self.buf[i + 5:i + 5 + size]))
            else:
                self.unknown += 1
            return 5 + size
        if key == b"k":  # barcode: m < 7 NUL-terminated, m >= 65 length-prefixed
            if avail < 3:
                return None
            m = self.buf[i + 2]
            if m >= 65:
                if avail < 4:
                    return None
                need = 4 + self.buf[i + 3]
                return need if avail >= need else None
            end = self.buf.find(b"\x00", i + 3)
            if end < 0:
                return None if avail < 256 else 3
            self.unknown += 1
            return end + 1 - i
        got = self._fixed(GS_ARGS, i, avail)
        if not isinstance(got, tuple):
            return got
        key, need = got
        a = self.buf[i + 2] if need > 2 else 0
        if key == b"!":
            self.gs_w = min(8, (a >> 4) + 1)
            self.gs_h = min(8, (a & 0x0F) + 1)
        elif key == b"a":
            self.asb = a
        elif key == b"r":
            self.on_status(0x100 | a)  # GS r n: the non-real-time status, after the data before it
        return need

    def _raster(self, i: int, avail: int) -> int | None:
        if avail < 8:
            return None
        if self.buf[i + 2] not in (0x30, 0x00):
            self.unknown += 1
            return 3
        wb = self.buf[i + 4] + 256 * self.buf[i + 5]
        h = self.buf[i + 6] + 256 * self.buf[i + 7]
        k = wb * h
        if wb > MAX_IMAGE_WIDTH_BYTES or k > MAX_IMAGE_BYTES:
            self.unknown += 1
            return 8  # impossible size: skip the header, the rest prints as whatever it is
        if avail < 8 + k:
            return None
        self._flush_line()
        data = bytes(self.buf[i + 8:i + 8 + k])
        if wb * 8 > self.dots:
            self.wrapped += 1
        rows = [data[r * wb:(r + 1) * wb] for r in range(h)]
        if h:
            self._emit(Image(wb * 8, rows, self.align))
        return 8 + k

    def _qr_fn(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:
            self.unknown += 1
            return
        fn, args = body[1], body[2:]
        if fn == 0x43 and args:
            self._qr["module"] = max(1, min(16, args[0]))
        elif fn == 0x45 and args:
            self._qr["ec"] = {0x30: "L", 0x31: "M", 0x32: "Q", 0x33: "H"}.get(args[0], "L")
        elif fn == 0x50 and args:
            self._qr["data"] = args[1:]
        elif fn == 0x51:
            data = self._qr["data"].decode("utf-8", errors="replace")
            if data and len(self._qr["data"]) <= 2953:
                self._flush_line()
                self._emit(QRCode(data, self._qr["module"], self._qr["ec"], self.align))


def _qr_matrix(e: QRCode) -> list[list[bool]] | None:
    return _qr_matrix_of(e.data, e.ec)


@lru_cache(maxsize=64)
def _qr_matrix_of(data: str, ec: str) -> list[list[bool]] | None:
    import qrcode
    from qrcode import constants

    levels = {"L": constants.ERROR_CORRECT_L, "M": constants.ERROR_CORRECT_M,
              "Q": constants.ERROR_CORRECT_Q, "H": constants.ERROR_CORRECT_H}
    q = qrcode.QRCode(error_correction=levels[ec], border=0)
    try:
        q.add_data(data.encode("utf-8"))
        q.make(fit=True)
    except Exception:  # noqa: BLE001 - data a QR cannot hold: the printer prints nothing
        return None
    return q.get_matrix()


def _qr_size(e: QRCode) -> int:
    m = _qr_matrix(e)
    return len(m) * e.module if m else 0


# -- drawing -------------------------------------------------------------------------------------

def draw(receipt: Receipt, dots: int = 576, margin: int = 16, cut_mark: bool = True):
    """The receipt as a Pillow image, one pixel per printer dot, with a margin of white paper
    and a dashed line where it was cut."""
    from PIL import Image as PImage
    from PIL import ImageDraw

    from kiosk.fonts import pil_font

    heights = []
    for e in receipt.elements:
        if isinstance(e, Line):
            heights.append(e.height_dots)
        elif isinstance(e, Image):
            heights.append(len(e.rows))
        elif isinstance(e, QRCode):
            heights.append(_qr_size(e))
        else:
            heights.append(e.dots)
    total = min(MAX_RENDER_DOTS, sum(heights))
    cut_mark = cut_mark and bool(receipt.cut)
    img = PImage.new("L", (dots + 2 * margin, total + 2 * margin + (12 if cut_mark else 0)), 255)
    d = ImageDraw.Draw(img)
    y = margin
    for e, h in zip(receipt.elements, heights):
        if y + h > margin + total:
            break
        if isinstance(e, Line):
            width = sum(r.width * (2 if r.wide else 1) for r in e.runs)
            x = margin + _offset(e.align, width, dots)
            base = y + h - 6
            for r in e.runs:
                cell = r.width * (2 if r.wide else 1)
                size = 24 * r.height
                font = pil_font(size, r.bold, "Noto Sans Mono CJK SC")
                if r.width // 12 == r.height:
                    d.text((x, base - round(3 * r.height)), r.text, font=font, fill=0, anchor="ls")
                else:  # stretched glyph (double width only, or height only)
                    g = PImage.new("L", (12 * r.height * (2 if r.wide else 1), size + 4), 255)
                    ImageDraw.Draw(g).text((0, size + 4 - round(3 * r.height)), r.text, font=font, fill=0, anchor="ls")
                    g = g.resize((cell, size + 4))
                    img.paste(g, (x, base - size - 4 + round(3 * r.height)))
                x += cell
        elif isinstance(e, Image):
            bitmap = PImage.frombytes("1", (e.width, len(e.rows)), b"".join(e.rows))
            mask = bitmap.crop((0, 0, min(e.width, dots), len(e.rows)))
            img.paste(0, (margin + _offset(e.align, mask.width, dots), y), mask)
        elif isinstance(e, QRCode):
            m = _qr_matrix(e)
            if m:
                x0 = margin + _offset(e.align, len(m) * e.module, dots)
                for r, row in enumerate(m):
                    for c, dark in enumerate(row):
                        if dark:
                            d.rectangle((x0 + c * e.module, y + r * e.module,
                                         x0 + (c + 1) * e.module - 1, y + (r + 1) * e.module - 1), fill=0)
        y += h
    if cut_mark:
        for x in range(0, img.width, 12):
            d.line((x, img.height - 6, x + 6, img.height - 6), fill=128)
    return img


def _offset(align: int, width: int, dots: int) -> int:
    if align == 1:
        return max(0, (dots - width) // 2)
    if align == 2:
        return max(0, dots - width)
    return 0


# -- the device ----------------------------------------------------------------------------------

class VirtualPrinter:
    """The printer on a pty (``port``) and/or TCP on loopback (``tcp_port``).

    ``faults``: a set of ``paper_out``, ``paper_near_end``, ``cover_open``, ``offline``.
    ``paper_left_mm``: a short roll (None: endless). ``vanish_after``: disappear after that many
    more bytes. ``out_dir``: write each cut receipt there as a PNG (the demo).
    """

    def __init__(self, paper_width_mm: int = 80, pty: bool = True, tcp: bool = False,
                 paper_left_mm: float | None = None, near_end_mm: float = 1000.0, out_dir: Path | None = None,
                 chinese_default: bool = False, keep_png: int = 50,
                 keep_receipts: int | None = None) -> None:
        self.dots = 576 if paper_width_mm == 80 else 384
        self.faults: set[str] = set()
        self.paper_left_mm = paper_left_mm
        self.near_end_mm = near_end_mm
        self.vanish_after: int | None = None
        #: bytes sent before every status reply (a printer with automatic status back left on)
        self.reply_noise = b""
        self.out_dir = Path(out_dir) if out_dir else None
        self.keep_png = keep_png
        self.bytes_received = 0
        self.last_byte_at = 0.0
        self.last_cut_at = 0.0  # when the last receipt was cut: the end of a job's bytes
        self.status_queries = 0
        self.gone = False
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._reply: Callable[[bytes], None] = lambda data: None
        self.interp = Interpreter(self.dots, chinese_default, on_status=self._status, can_print=self._can_print,
                                  on_paper=self._used, keep=keep_receipts)
        self.port = ""
        self.tcp_port = 0
        self._threads: list[threading.Thread] = []
        self.master = self.slave = -1
        self._server: socket.socket | None = None
        self._conn: socket.socket | None = None
        if pty:
            self.master, self.slave = os.openpty()
            tty.setraw(self.slave)
            self.port = os.ttyname(self.slave)
            self._spawn(self._run_pty, "escpos-sim-pty")
        if tcp:
            self._server = socket.create_server(("127.0.0.1", 0))
            self.tcp_port = self._server.getsockname()[1]
            self._spawn(self._run_tcp, "escpos-sim-tcp")

    def _spawn(self, target, name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    # -- state -------------------------------------------------------------------------------
    @property
    def receipts(self) -> ReceiptRoll:
        return self.interp.receipts

    def pages(self) -> list[Receipt]:
        return self.interp.pages()

    def _paper_out(self) -> bool:
        return "paper_out" in self.faults or (self.paper_left_mm is not None and self.paper_left_mm <= 0)

    def _can_print(self) -> bool:
        return not (self._paper_out() or {"cover_open", "offline"} & self.faults)

    def _used(self, dots: int) -> None:
        if self.paper_left_mm is not None:
            self.paper_left_mm -= dots / 8

    def status_byte(self, n: int) -> int | None:
        if "offline" in self.faults:
            return None
        out, cover = self._paper_out(), "cover_open" in self.faults
        near = "paper_near_end" in self.faults or (
            self.paper_left_mm is not None and self.paper_left_mm < self.near_end_mm)
        if n == 1:
            return 0x12 | (0x08 if out or cover else 0)
        if n == 2:
            return 0x12 | (0x04 if cover else 0) | (0x20 if out else 0)
        if n == 3:
            return 0x12
        if n == 4:
            return 0x12 | (0x60 if out else 0) | (0x0C if near or out else 0)
        return None

    def _status(self, n: int) -> None:
        self.status_queries += 1
        if n & 0x100:  # GS r n: paper sensor bits (2,3 near end; 5,6 out), when the printer answers at all
            b = None if "offline" in self.faults else (0x6C if self._paper_out() else 0x00)
        else:
            b = self.status_byte(n)
        if b is not None:
            try:
                self._reply(self.reply_noise + bytes((b,)))
            except OSError:
                pass

    def wait_for_receipts(self, count: int, timeout_s: float = 5.0) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: len(self.interp.receipts) >= count, timeout_s)

    def wait_idle(self, quiet_s: float = 0.1, timeout_s: float = 5.0) -> None:
        """Wait until no byte has arrived for ``quiet_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and time.monotonic() - self.last_byte_at < quiet_s:
            time.sleep(quiet_s / 4)

    def image(self, index: int = -1):
        """Receipt ``index`` drawn (counting the uncut paper still on the printer as the last one)."""
        return draw(self.interp.pages()[index], self.dots)

    def save_png(self, path: Path, index: int = -1) -> Path:
        self.image(index).save(path)
        return path

    # -- bytes in ----------------------------------------------------------------------------
    def _received(self, data: bytes) -> bool:
        """Feed the interpreter; returns False when the printer vanishes at this point."""
        if self.vanish_after is not None:
            if len(data) >= self.vanish_after:
                data = data[:self.vanish_after]
                self.vanish_after = 0
            else:
                self.vanish_after -= len(data)
        self.bytes_received += len(data)
        self.last_byte_at = time.monotonic()
        if "offline" not in self.faults:
            before = len(self.interp.receipts)
            with self._lock:
                self.interp.feed(data)
                self._lock.notify_all()
            if len(self.interp.receipts) > before:
                self.last_cut_at = self.last_byte_at
                if self.out_dir is not None:
                    self._save_new(before)
        if self.vanish_after == 0:
            self.vanish()
            return False
        return True

    def _save_new(self, first: int) -> None:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for i in range(first, len(self.interp.receipts)):
                draw(self.interp.receipts[i], self.dots).save(self.out_dir / f"receipt-{time.strftime('%Y%m%d-%H%M%S')}-{i:04d}.png")
            old = sorted(self.out_dir.glob("receipt-*.png"))[:-self.keep_png]
            for p in old:
                p.unlink(missing_ok=True)
        except OSError:
            pass

    def _run_pty(self) -> None:
        master = self.master
        self._reply = lambda data: os.write(master, data)
        try:
            while not self._stop.is_set():
                if not select.select([master], [], [], 0.05)[0]:
                    continue
                chunk = os.read(master, 4096)
                if not chunk or not self._received(chunk):
                    break
        except OSError:
            pass
        finally:
            # closed here, by the thread that reads it, so the fd cannot be reused under a read
            for fd in (self.master, self.slave):
                if fd >= 0:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            self.master = self.slave = -1

    def _run_tcp(self) -> None:
        server = self._server
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            self._conn = conn
            self._reply = conn.sendall
            try:
                while not self._stop.is_set():
                    chunk = conn.recv(4096)
                    if not chunk or not self._received(chunk):
                        break
            except OSError:
                pass
            finally:
                try:
                    conn.close()
                except OSError:
                    pass

    # -- going away --------------------------------------------------------------------------
    def vanish(self) -> None:
        """Pulled plug: the pty disappears and the TCP port stops answering."""
        self.gone = True
        self.close()

    def close(self) -> None:
        self._stop.set()
        for s in (self._conn, self._server):
            if s is not None:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    s.close()
                except OSError:
                    pass
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=2)
