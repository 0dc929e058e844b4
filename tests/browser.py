"""Debian's chromium driven by Playwright, for the staff, advisor and end-to-end tests (never a
downloaded browser), and the screenshots those tests keep when asked to."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: root in a container needs --no-sandbox; the rest keeps the browser off a network there is none of
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="Debian's chromium is not installed (scripts/system-packages.txt)")


@contextmanager
def chromium(args: list[str] | None = None) -> Iterator:
    """A headless Chromium for the length of the block (the shared ``browser`` fixture's)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args or ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def keep_screenshots(d: Path, env_var: str) -> None:
    """Copy the screenshots in ``d`` to the directory ``$env_var`` names, if it is set."""
    keep = os.environ.get(env_var)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for f in d.iterdir():
            shutil.copy(f, Path(keep) / f.name)


def staff_login(browser, url: str, station: str, name: str, password: str, *, counter: str = "",
                viewport: tuple[int, int] = (1366, 900)):
    """A new page logged in to central's staff pages (the console with a ``counter``, else the back office)."""
    page = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN").new_page()
    page.goto(f"{url}/staff/login")
    page.select_option("#station", station)
    if counter:
        page.fill("#counter", counter)
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("#login")
    page.wait_for_url("**/staff/" if counter else "**/staff/interests")
    return page


def screenshot(page, path: str, **kw) -> None:
    """``page.screenshot``, once more after the next frame when headless Chromium, busy, has no
    frame to capture yet ("Unable to capture screenshot")."""
    from playwright.sync_api import Error

    try:
        page.screenshot(path=path, **kw)
    except Error as e:
        if "Unable to capture screenshot" not in str(e):
            raise
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=path, **kw)
