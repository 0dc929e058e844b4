"""The pictograms beside tiles and main actions: each one is a real glyph of the installed icon font."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from kiosk import pictograms
from kiosk.fonts import font_codepoints

ROOT = Path(__file__).resolve().parents[2]
CSS = Path("/usr/share/fonts-material-design-icons-iconfont/css/material-design-icons.css")


def _css_codepoints() -> dict[str, int]:
    text = CSS.read_text(encoding="utf-8")
    return {m[1]: int(m[2], 16) for m in re.finditer(r"\.material-icons\.(\w+):before\s*\{\s*content:\s*\"\\(\w+)\"", text)}


def test_every_pictogram_is_a_glyph_of_the_installed_font_under_its_name():
    font = pictograms.find_font()
    assert font is not None, pictograms.INSTALL_HINT
    glyphs = font_codepoints(str(font))
    named = _css_codepoints()
    table = pictograms.table()
    assert len(table) >= 20
    for key, p in table.items():
        assert p.codepoint in glyphs, f"{key}: U+{p.codepoint:04X} is not in {font}"
        assert named.get(p.icon) == p.codepoint, f"{key}: {p.icon} is U+{named.get(p.icon, 0):04X} in {CSS.name}"


def test_every_home_tile_and_every_pictogram_the_screens_ask_for_is_in_the_table():
    table = pictograms.table()
    home = (ROOT / "kiosk/screens/home.py").read_text(encoding="utf-8")
    tiles = re.findall(r"^    \(\"(\w+)\", N_\(", home, re.M)
    assert len(tiles) == 10
    used = set(tiles)
    for kv in (ROOT / "kiosk").rglob("*.kv"):
        text = kv.read_text(encoding="utf-8")
        for expr in re.findall(r"^\s*icon: (.+)$", text, re.M):
            used |= set(re.findall(r'"(\w*)"', expr)) - {""}
        used |= set(re.findall(r'P\.glyph\("(\w+)"\)', text))
    assert {"print", "help", "elder", "ticket", "back", "home"} <= used
    assert used - set(table) == set()


def test_without_the_font_the_words_stay_and_the_log_says_what_to_install(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="kiosk.pictograms")
    assert pictograms.find_font({"KIOSK_ICON_FONT": str(tmp_path / "none.ttf")}) is None
    assert "fonts-material-design-icons-iconfont" in caplog.text
    before = pictograms.font_path()
    try:
        pictograms.use_font(None)
        assert pictograms.glyph("print") == ""
        pictograms.use_font(pictograms.find_font())
        assert pictograms.glyph("print") == "\ue8ad"
        assert pictograms.glyph("") == ""
    finally:
        pictograms.use_font(before)


def test_a_malformed_table_is_refused_with_its_path(tmp_path):
    bad = tmp_path / "pictograms.toml"
    bad.write_text('[pictograms]\nprint = { icon = "print", codepoint = 65 }\n', encoding="utf-8")
    with pytest.raises(pictograms.PictogramError, match="pictograms.toml.*'print'"):
        pictograms.table(bad)
    bad.write_text("[pictograms\n", encoding="utf-8")
    with pytest.raises(pictograms.PictogramError, match="cannot read"):
        pictograms.table(bad)
