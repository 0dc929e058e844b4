"""Receipt documents → ESC/POS bytes, for one printer profile and paper width.

Text is laid out here (48 columns on 80 mm paper, 32 on 58 mm; every non-ASCII character is a
two-byte, two-column glyph in GB18030/GBK) and encoded by the kiosk itself, not by
python-escpos's "magic encode": characters outside the two-byte area, which most printer
fonts lack, become ``?`` instead of garbage, and control characters that arrived inside feed
data can never turn into printer commands.

Byte layout of a job::

    ESC @                      reset
    FS &                       Chinese mode (when the profile asks)
    per line: ESC a n, ESC E n, GS ! n [FS ! n], text, LF
    QR: GS ( k (model 2, module size, level M, store, print), or a GS v 0 raster image
    FS .                       leave Chinese mode
    ESC d 4, GS V 1|0          feed and cut (only the feed on printers without a cutter)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kiosk.devices.printer.profile import DOTS_PER_MM, PrinterProfile
from kiosk.domain import receipts as R

ESC, GS, FS, DLE, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\n"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
CUT_FEED_LINES = 4
CUT = {"partial": GS + b"V\x01", "full": GS + b"V\x00", "none": b""}
ALIGN = {"left": 0, "center": 1, "right": 2}
LINE_DOTS = 30  # the printers' default line spacing (ESC 2)
LOGO_MAX = (256, 64)
RASTER_BAND = 256  # rows per GS v 0 command: stays inside every printer's limits and buffers


@dataclass(frozen=True)
class RenderedJob:
    data: bytes
    #: estimated paper used, for the roll counter and the wait before the check after a job
    length_mm: float
    #: characters the printer's font cannot show, printed as "?"
    replaced: int = 0
    #: text was cut short to keep the receipt within its kind's length (receipts.MAX_LENGTH_MM)
    truncated: bool = False


# -- text --------------------------------------------------------------------------------------

def clean(text: str) -> str:
    """Drop control characters (an ESC inside a vacancy title must not become a command)."""
    text = text.replace("\t", " ")
    return "".join(c for c in text if (c >= " " or c == "\n") and c != "\x7f" and not 0x80 <= ord(c) < 0xA0)


@lru_cache(maxsize=8192)
def _encode_char(ch: str, encoding: str) -> bytes | None:
    try:
        b = ch.encode(encoding)
    except UnicodeEncodeError:
        return None
    if len(b) > 2 or (len(b) == 1 and b[0] >= 0x80):
        return None  # four-byte GB18030 (missing from printer fonts), or a lone high byte
    return b


def encode(text: str, encoding: str) -> tuple[bytes, int]:
    """Encode for the printer; returns the bytes and how many characters became ``?``."""
    out = bytearray()
    replaced = 0
    for ch in text:
        b = _encode_char(ch, encoding)
        if b is None:
            out += b"?" if ord(ch) < 0x80 else b"??"  # keep the column count the layout used
            replaced += 1
        else:
            out += b
    return bytes(out), replaced


def size_bytes(size: int, profile: PrinterProfile) -> bytes:
    n = ((size - 1) << 4) | (size - 1)
    out = GS + b"!" + bytes((n,))
    if profile.chinese_size:
        out += FS + b"!" + (b"\x0c" if size > 1 else b"\x00")
    return out


# -- images ------------------------------------------------------------------------------------

def raster(width_dots: int, rows: list[bytes]) -> bytes:
    """``GS v 0`` commands for a 1-bit image (rows of packed bits, MSB = leftmost dot)."""
    wb = (width_dots + 7) // 8
    out = bytearray()
    for start in range(0, len(rows), RASTER_BAND):
        band = rows[start:start + RASTER_BAND]
        out += GS + b"v0\x00" + wb.to_bytes(2, "little") + len(band).to_bytes(2, "little")
        for r in band:
            out += r[:wb].ljust(wb, b"\x00")
    return bytes(out)


def image_rows(img) -> tuple[int, list[bytes]]:
    """A Pillow image → (width, packed rows), dark pixels printed."""
    from PIL import Image, ImageOps

    bw = ImageOps.invert(img.convert("L")).point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
    wb = (bw.width + 7) // 8
    data = bw.tobytes()
    return bw.width, [data[i * wb:(i + 1) * wb] for i in range(bw.height)]


def qr_matrix(data: str) -> list[list[bool]]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    q = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    q.add_data(data.encode("utf-8"))
    q.make(fit=True)
    return q.get_matrix()


#: bytes a QR code holds at level M, versions 1..10 (byte mode)
_QR_M_CAPACITY = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213)


def qr_modules(data: str) -> int:
    """Modules across the printer's QR for ``data`` (level M), for the paper estimate."""
    n = len(data.encode("utf-8"))
    for version, cap in enumerate(_QR_M_CAPACITY, 1):
        if n <= cap:
            return 17 + 4 * version
    return 17 + 4 * min(40, 10 + (n - 213) // 25 + 1)


def qr_raster_rows(data: str, module: int, quiet: int = 2) -> tuple[int, list[bytes]]:
    """The QR code as packed rows, ``module`` dots per module, ``quiet`` modules of margin."""
    m = qr_matrix(data)
    n = len(m) + 2 * quiet
    width = n * module
    wb = (width + 7) // 8
    rows: list[bytes] = []
    blank = bytes(wb)
    rows += [blank] * (quiet * module)
    for line in m:
        bits = 0
        for dark in [False] * quiet + line + [False] * quiet:
            for _ in range(module):
                bits = (bits << 1) | dark
        bits <<= wb * 8 - width
        row = bits.to_bytes(wb, "big")
        rows += [row] * module
    rows += [blank] * (quiet * module)
    return width, rows


def native_qr(data: str, module: int) -> bytes:
    payload = data.encode("utf-8")
    store = len(payload) + 3
    if store > 7092:
        raise ValueError("QR data too long for GS ( k")
    return (GS + b"(k\x04\x001A2\x00"  # fn 165: model 2
            + GS + b"(k\x03\x001C" + bytes((module,))  # fn 167: module size
            + GS + b"(k\x03\x001E1"  # fn 169: error correction M
            + GS + b"(k" + store.to_bytes(2, "little") + b"1P0" + payload  # fn 180: store
            + GS + b"(k\x03\x001Q0")  # fn 181: print


@lru_cache(maxsize=4)
def logo_rows(paper_dots: int, logo_file: str = "") -> tuple[int, list[bytes]]:
    """The brand mark, at most 256×64 dots (about 2 KB): a configured image, or 津彩e就业 drawn."""
    from PIL import Image, ImageDraw

    if logo_file:
        img = Image.open(logo_file)
        img.thumbnail((min(LOGO_MAX[0], paper_dots // 2), LOGO_MAX[1]))
        bg = Image.new("RGB", img.size, "white")
        bg.paste(img, mask=img.getchannel("A") if "A" in img.getbands() else None)
        return image_rows(bg)
    from kiosk.fonts import pil_font

    font = pil_font(30, bold=True)
    text = "津彩e就业"
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (min(LOGO_MAX[0], right - left + 24), 48), 255)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, img.width - 1, img.height - 1), radius=10, outline=0, width=3)
    d.text(((img.width - (right - left)) // 2 - left, (img.height - (bottom - top)) // 2 - top), text, font=font, fill=0)
    return image_rows(img)


# -- the document ------------------------------------------------------------------------------

class _Writer:
    def __init__(self, profile: PrinterProfile) -> None:
        self.p = profile
        self.out = bytearray()
        self.dots = 0
        self.replaced = 0
        self.truncated = False
        self.align, self.bold, self.size = "left", False, 1

    def style(self, align: str, bold: bool, size: int) -> None:
        if align != self.align:
            self.out += ESC + b"a" + bytes((ALIGN[align],))
            self.align = align
        if bold != self.bold:
            self.out += ESC + b"E" + (b"\x01" if bold else b"\x00")
            self.bold = bold
        if size != self.size:
            self.out += size_bytes(size, self.p)
            self.size = size

    def line(self, text: str) -> None:
        data, rep = encode(text, self.p.encoding)
        self.replaced += rep
        self.out += data + LF
        self.dots += max(LINE_DOTS, 24 * self.size + 6)

    def image(self, width: int, rows: list[bytes]) -> None:
        self.style("center", self.bold, self.size)
        self.out += raster(width, rows)
        self.dots += len(rows)

    def feed(self, lines: int) -> None:
        self.out += ESC + b"d" + bytes((max(0, min(lines, 255)),))
        self.dots += LINE_DOTS * lines


class _Full(Exception):
    """The receipt's paper budget is spent."""


def _line_dots(size: int) -> int:
    return max(LINE_DOTS, 24 * size + 6)


def _emit(w: _Writer, blocks: Sequence[R.Block], budget: float | None = None) -> None:
    """Write ``blocks``; with a ``budget`` (dots), raise ``_Full`` before a line or picture that
    would pass it (the lines before it are written)."""
    p, cols = w.p, w.p.columns

    def room(dots: float) -> None:
        if budget is not None and w.dots + dots > budget:
            raise _Full

    def fits(text: str) -> str:
        """No more text than the budget could hold, before it is wrapped (a 1 MB field costs
        nothing): a line holds at most ``cols`` characters."""
        return text if budget is None else text[:int(max(0.0, budget - w.dots) / LINE_DOTS + 2) * cols]

    for block in blocks:
        if isinstance(block, R.Text):
            w.style(block.align, block.bold, block.size)
            for ln in R.wrap(clean(fits(block.text)), cols // block.size):
                room(_line_dots(block.size))
                w.line(ln)
        elif isinstance(block, R.KeyValue):
            w.style("left", block.bold, 1)
            for ln in R.kv_lines(clean(fits(block.key)), clean(fits(block.value)), cols):
                room(_line_dots(1))
                w.line(ln)
        elif isinstance(block, R.Rule):
            ch = clean(block.char)[:1] or "-"
            w.style("left", False, 1)
            room(_line_dots(1))
            w.line(ch * (cols // R.cell_width(ch)))
        elif isinstance(block, R.QR):
            w.style("center", False, 1)
            if p.native_qr:
                room((qr_modules(block.data) + 2) * p.qr_module_dots + LINE_DOTS)
                w.out += native_qr(block.data, p.qr_module_dots) + LF
                w.dots += (qr_modules(block.data) + 2) * p.qr_module_dots + LINE_DOTS
            else:
                width, rows = qr_raster_rows(block.data, p.qr_module_dots)
                room(len(rows))
                w.image(width, rows)
            if block.caption:
                for ln in R.wrap(clean(block.caption), cols):
                    room(_line_dots(1))
                    w.line(ln)
        elif isinstance(block, R.Feed):
            room(LINE_DOTS * block.lines)
            w.feed(block.lines)
        elif isinstance(block, R.Logo):
            if p.logo:
                width, rows = logo_rows(p.dots, p.logo_file)
                room(len(rows))
                w.image(width, rows)


def render(receipt: R.Receipt, profile: PrinterProfile) -> RenderedJob:
    """The exact bytes the printer gets for ``receipt``, at most ``receipts.max_length_mm`` of its
    kind long: the text before its last QR code is cut short with a line saying so, and the QR
    code and what follows it (the footer) always print."""
    w = _Writer(profile)
    w.out += INIT
    if profile.chinese_mode:
        w.out += CHINESE_ON
    blocks = receipt.blocks
    last_qr = max((i for i, b in enumerate(blocks) if isinstance(b, R.QR)), default=len(blocks))
    head, tail = blocks[:last_qr], blocks[last_qr:]
    scratch = _Writer(profile)
    _emit(scratch, tail)
    budget = (R.max_length_mm(receipt.kind) * DOTS_PER_MM - scratch.dots - _line_dots(1)
              - (LINE_DOTS * CUT_FEED_LINES if receipt.cut else 0))
    try:
        _emit(w, head, budget)
    except _Full:
        w.style("center", True, 1)
        w.line(R.CUT_SHORT if tail and isinstance(tail[0], R.QR) else R.CUT_SHORT_NO_QR)
        w.truncated = True
    _emit(w, tail)
    w.style("left", False, 1)
    if profile.chinese_mode:
        w.out += CHINESE_OFF
    if receipt.cut:
        w.feed(CUT_FEED_LINES)
        w.out += CUT[profile.cut]
    return RenderedJob(bytes(w.out), round(w.dots / DOTS_PER_MM, 1), w.replaced, w.truncated)


def render_as_image(image, profile: PrinterProfile, cut: bool = True) -> bytes:
    """A whole receipt sent as one raster picture, as some kiosks print Chinese (for comparison)."""
    width, rows = image_rows(image)
    out = INIT + raster(width, rows)
    if cut:
        out += ESC + b"d" + bytes((CUT_FEED_LINES,)) + CUT[profile.cut]
    return out
