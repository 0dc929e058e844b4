"""Finding a display for the kiosk window, or starting a virtual one (Xvfb)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess

from kiosk.errors import KioskError

NO_DISPLAY_HELP = (
    "没有找到显示器 / no display found (DISPLAY is not set).\n"
    "  - On the kiosk, start it from its graphical session (or set DISPLAY=:0).\n"
    "  - Without a screen, start a virtual display: `make run XVFB=1` or `python -m kiosk run --xvfb`,\n"
    "    or render off-screen with SDL_VIDEODRIVER=offscreen."
)


def has_display(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("SDL_VIDEODRIVER")
                in ("offscreen", "kmsdrm", "x11", "wayland"))


def start_xvfb(width: int = 1920, height: int = 1920) -> str:
    """Start Xvfb on a free display number; returns the DISPLAY value. Stopped at exit."""
    exe = shutil.which("Xvfb")
    if not exe:
        raise KioskError("Xvfb is not installed: `apt-get install xvfb` (the set-up of `make run` installs it)")
    r, w = os.pipe()
    proc = subprocess.Popen(
        [exe, "-displayfd", str(w), "-screen", "0", f"{width}x{height}x24", "+extension", "GLX", "-nolisten", "tcp"],
        pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        raise KioskError("Xvfb did not start (no display number reported)")
    atexit.register(proc.terminate)
    os.environ["DISPLAY"] = f":{number}"
    return os.environ["DISPLAY"]
