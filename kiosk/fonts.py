"""Finding the system CJK font and making it Kivy's default.

Kivy's wheel has no font fallback, so one font must cover every character we show, including
rare characters in names (生僻字). Noto Sans CJK covers them best. Debian ships it as a font
collection whose first face is the Japanese one, and Kivy always opens face 0, which would draw
Japanese glyph forms for Chinese text (e.g. 关, 说). So the Simplified Chinese face is copied
out of the collection once into the data directory and loaded from there.

No font file is kept in the repository; the set-up installs Debian's fonts-noto-cjk.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kiosk.errors import KioskError

log = logging.getLogger(__name__)

FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/share/fonts/truetype/wqy",
)
# (regular, bold, face name to take out of a collection); first found wins.
CANDIDATES = (
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
    ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf", None),
    ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf", None),
    ("wqy-zenhei.ttc", None, "WenQuanYi Zen Hei"),
    ("wqy-microhei.ttc", None, "WenQuanYi Micro Hei"),
)
INSTALL_HINT = (
    "Install Debian's fonts-noto-cjk (`apt-get install fonts-noto-cjk`, which `make run` does), "
    "or point KIOSK_FONT at a font file that covers Simplified Chinese."
)


class FontError(KioskError):
    """No usable CJK font."""


@dataclass(frozen=True)
class FontPair:
    regular: Path
    bold: Path
    family: str


def _face_index(path: Path, family: str) -> int:
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            if font["name"].getDebugName(1) == family:
                return i
    finally:
        coll.close()
    raise FontError(f"font collection {path} has no face named {family!r}. {INSTALL_HINT}")


def _extract(path: Path, family: str | None, cache_dir: Path) -> Path:
    """The font file Kivy should open: the file itself, or the face copied out of a collection."""
    if path.suffix.lower() != ".ttc" or family is None:
        return path
    st = path.stat()
    out = cache_dir / f"{path.stem}-{family.replace(' ', '')}-{st.st_size}-{int(st.st_mtime)}.otf"
    if out.exists():
        return out  # checked before fontTools is even imported: this runs at every start
    index = _face_index(path, family)
    if index == 0:
        return path
    from fontTools.ttLib import TTFont

    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    log.info("copying the %s face out of %s (once)", family, path.name)
    font = TTFont(str(path), fontNumber=index, lazy=True)
    font.save(str(tmp))
    font.close()
    os.replace(tmp, out)
    return out


def _fc_list_cjk() -> Path | None:
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(p.strip().rstrip(":") for p in out.splitlines() if p.strip())
    return Path(files[0]) if files else None


def find_cjk_fonts(cache_dir: Path, env: dict[str, str] | None = None) -> FontPair:
    """Locate a Simplified Chinese font pair (regular, bold) or raise FontError saying what to install.

    ``KIOSK_FONT`` (one file) overrides the search; ``KIOSK_FONT_DIRS`` (colon-separated)
    replaces the list of directories searched (and turns off the fontconfig fallback).
    """
    env = dict(os.environ) if env is None else env
    forced = env.get("KIOSK_FONT")
    if forced:
        p = Path(forced)
        if not p.is_file():
            raise FontError(f"KIOSK_FONT points at {p}, which is not a file. {INSTALL_HINT}")
        return FontPair(p, p, p.stem)
    dirs = env["KIOSK_FONT_DIRS"].split(":") if env.get("KIOSK_FONT_DIRS") else list(FONT_DIRS)
    for reg_name, bold_name, family in CANDIDATES:
        for d in dirs:
            reg = Path(d) / reg_name
            if not reg.is_file():
                continue
            bold = Path(d) / bold_name if bold_name and (Path(d) / bold_name).is_file() else reg
            r = _extract(reg, family, cache_dir)
            b = _extract(bold, family, cache_dir) if bold != reg else r
            return FontPair(r, b, family or reg.stem)
    if not env.get("KIOSK_FONT_DIRS"):
        found = _fc_list_cjk()
        if found is not None:
            log.warning("using %s found by fontconfig; install fonts-noto-cjk for the best coverage", found)
            return FontPair(found, found, found.stem)
    raise FontError(f"没有找到中文字体 / no Chinese (CJK) font found in {', '.join(dirs)}. {INSTALL_HINT}")


@lru_cache(maxsize=8)
def font_codepoints(path: str) -> frozenset[int]:
    """Every code point the font has a glyph for (for glyph-coverage checks)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True, fontNumber=0)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_glyphs(text: str, path: str) -> set[str]:
    cps = font_codepoints(path)
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cps}


@lru_cache(maxsize=16)
def pil_font(size: int, bold: bool = False, family: str | None = None):
    """A Pillow font of the Simplified Chinese face (for images drawn off screen: receipts, logos).

    Opens the collection's SC face by name, so Japanese glyph forms never appear; ``family``
    asks for another face of the same collection (``"Noto Sans Mono CJK SC"``: the monospaced
    one, half-width ASCII, as a receipt printer draws). Raises FontError with the install hint
    when no CJK font is installed.
    """
    from PIL import ImageFont

    forced = os.environ.get("KIOSK_FONT")
    if forced:
        return ImageFont.truetype(forced, size)
    for reg_name, bold_name, face in CANDIDATES:
        name = bold_name if bold and bold_name else reg_name
        for d in FONT_DIRS:
            path = Path(d) / name
            if not path.is_file():
                continue
            if path.suffix.lower() != ".ttc" or face is None:
                return ImageFont.truetype(str(path), size)
            wanted = [family, face] if family else [face]
            faces = {}
            for index in range(32):
                try:
                    font = ImageFont.truetype(str(path), size, index=index)
                except OSError:
                    break
                faces.setdefault(font.getname()[0], font)
            for w in wanted:
                if w in faces:
                    return faces[w]
    found = _fc_list_cjk()
    if found is not None:
        return ImageFont.truetype(str(found), size)
    raise FontError(f"没有找到中文字体 / no Chinese (CJK) font found in {', '.join(FONT_DIRS)}. {INSTALL_HINT}")
