"""Test set-up shared by every suite. Environment first: Kivy reads it at import time."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="kiosk-tests-"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ["KIVY_HOME"] = str(_TMP / "kivy")
os.environ.setdefault("MESA_SHADER_CACHE_DIR", str(_TMP / "mesa"))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.pop("KIOSK_CONFIG", None)
for _k in [k for k in os.environ if k.startswith("KIOSK__")]:
    del os.environ[_k]

import pytest  # noqa: E402


@pytest.fixture
def store():
    """A migrated, empty in-memory kiosk database."""
    from kiosk.store.engine import open_store

    s = open_store(None)
    yield s
    s.close()


@pytest.fixture(scope="session")
def kiosk_app():
    """The one kiosk app of the session (UI and soak tests share it: one window per process)."""
    from tests.appfixture import running_app

    yield from running_app()


@pytest.fixture
def app(kiosk_app):
    from tests.appfixture import fresh_visit

    return fresh_visit(kiosk_app)
