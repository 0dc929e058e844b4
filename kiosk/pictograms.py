"""Pictograms beside the words of home tiles and main actions, from an icon font Debian ships.

Which picture goes with which action is ``assets/pictograms.toml``; the pictures are glyphs of
Material Icons (Debian's fonts-material-design-icons-iconfont, installed by the set-up). A kiosk
without that font still works: ``glyph`` gives "" and every button keeps its words.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kiosk.config import ASSETS

log = logging.getLogger(__name__)

TABLE_PATH = ASSETS / "pictograms.toml"
FONT_NAME = "KioskIcons"
FONT_FILE = "MaterialIcons-Regular.ttf"
FONT_DIRS = ("/usr/share/fonts/truetype/material-design-icons-iconfont",)
INSTALL_HINT = "install Debian's fonts-material-design-icons-iconfont (`make run` does) or set KIOSK_ICON_FONT"

_font: Path | None = None


@dataclass(frozen=True)
class Pictogram:
    key: str
    #: the glyph's name in Material Icons
    icon: str
    codepoint: int


class PictogramError(ValueError):
    """The pictogram table is malformed."""


@lru_cache(maxsize=4)
def table(path: Path = TABLE_PATH) -> dict[str, Pictogram]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")).get("pictograms", {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise PictogramError(f"cannot read the pictogram table {path}: {e}") from e
    out: dict[str, Pictogram] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("icon"), str) \
                or not isinstance(entry.get("codepoint"), int) or not 0xE000 <= entry["codepoint"] <= 0x10FFFF:
            raise PictogramError(f"{path}: pictogram {key!r} needs icon = \"name\" and codepoint = 0xE000 or above")
        out[key] = Pictogram(key, entry["icon"], entry["codepoint"])
    return out


def find_font(env: dict[str, str] | None = None) -> Path | None:
    """The icon font file, or None (with a warning saying what to install)."""
    env = dict(os.environ) if env is None else env
    forced = env.get("KIOSK_ICON_FONT")
    candidates = [Path(forced)] if forced else [Path(d) / FONT_FILE for d in FONT_DIRS]
    for p in candidates:
        if p.is_file():
            return p
    log.warning("pictograms are off: no icon font at %s; %s", ", ".join(map(str, candidates)), INSTALL_HINT)
    return None


def use_font(path: Path | None) -> None:
    """Called once Kivy has registered ``path`` as ``FONT_NAME`` (kiosk.bootstrap)."""
    global _font
    _font = path


def font_path() -> Path | None:
    return _font


def glyph(key: str) -> str:
    """The character that draws ``key``'s pictogram in ``FONT_NAME``; "" without a font or a key."""
    if not key or _font is None:
        return ""
    p = table().get(key)
    if p is None:
        log.warning("no pictogram %r in %s", key, TABLE_PATH)
        return ""
    return chr(p.codepoint)
