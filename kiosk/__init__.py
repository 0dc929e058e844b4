"""津彩e就业 station kiosk."""

from __future__ import annotations

import os
from functools import cache


@cache
def version() -> str:
    """The installed package's version; from a checkout, $KIOSK_VERSION or the project's.
    Looked up once: importlib.metadata reads the metadata of the installed packages each time."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("jincai-kiosk")
    except PackageNotFoundError:
        return os.environ.get("KIOSK_VERSION", "0.1.0")
