"""Everything that must happen before Kivy is imported.

Kivy reads its environment and window settings at import time, writes a config and logs under
``~/.kivy`` unless told otherwise, and parses ``sys.argv`` itself. A kiosk wants none of that:
its Kivy home lives in the data directory, its logs go through Python logging (journald), and its
window settings come from the kiosk config.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk import heap, pictograms
from kiosk.config import KioskConfig
from kiosk.fonts import FontPair, find_cjk_fonts


def prepare_environment(data_dir: Path) -> None:
    """Set the environment Kivy and Mesa read at import time. Call before importing kivy."""
    if "kivy" in sys.modules:
        return
    (data_dir / "cache" / "mesa").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_HOME", str(data_dir / "kivy"))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("MESA_SHADER_CACHE_DIR", str(data_dir / "cache" / "mesa"))


def configure_kivy(cfg: KioskConfig, size: tuple[int, int] | None = None, fullscreen: bool | None = None) -> None:
    """Window, input and keyboard settings; must run before kivy.core.window is imported."""
    from kivy.config import Config

    width, height = size or (cfg.screen.width, cfg.screen.height)
    full = cfg.screen.fullscreen if fullscreen is None else fullscreen
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0" if full else "1")
    Config.set("graphics", "fullscreen", "auto" if full else "0")
    Config.set("graphics", "borderless", "1" if full else "0")
    Config.set("graphics", "show_cursor", "1" if cfg.screen.show_cursor else "0")
    Config.set("graphics", "allow_screensaver", "0")
    Config.set("graphics", "maxfps", str(cfg.screen.maxfps))
    Config.set("graphics", "multisamples", "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "pause_on_minimize", "0")
    Config.set("kivy", "keyboard_mode", "")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if Config.has_option("modules", "touchring"):
        Config.remove_option("modules", "touchring")
    if Config.has_section("postproc"):
        Config.set("postproc", "double_tap_time", "250")


def register_fonts(fonts: FontPair) -> None:
    """Make the CJK font Kivy's default for every Label, Button and TextInput."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    LabelBase.register(DEFAULT_FONT, fn_regular=str(fonts.regular), fn_bold=str(fonts.bold))
    LabelBase.register("KioskCJK", fn_regular=str(fonts.regular), fn_bold=str(fonts.bold))
    icons = pictograms.find_font()
    if icons is not None:
        LabelBase.register(pictograms.FONT_NAME, fn_regular=str(icons))
    pictograms.use_font(icons)


def bootstrap(
    cfg: KioskConfig,
    size: tuple[int, int] | None = None,
    fullscreen: bool | None = None,
    font_cache: Path | None = None,
) -> FontPair:
    """Environment, fonts and Kivy config, in the order Kivy needs them. Returns the fonts used."""
    heap.tune()
    prepare_environment(cfg.data_path)
    fonts = find_cjk_fonts(font_cache or cfg.data_path / "fonts")
    configure_kivy(cfg, size=size, fullscreen=fullscreen)
    register_fonts(fonts)
    return fonts
