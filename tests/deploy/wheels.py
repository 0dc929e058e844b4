"""Real kiosk wheels of made-up versions, built from a copy of the checkout, and signed bundles of them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from kiosk.domain import bundle as b

ROOT = Path(__file__).resolve().parents[2]
#: not part of what is built: the environment, run-time data, caches, the tests
NOT_BUILT = (".venv", "var", ".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
             ".hypothesis", ".import_linter_cache", "tests", "tour")
#: what a broken build does: the app cannot be imported, so the kiosk stops at once when it starts
BROKEN = '\nraise RuntimeError("a broken build: kiosk.app cannot be imported")\n'


def build_wheel(dest: Path, version: str, *, broken: bool = False) -> Path:
    """``jincai_kiosk-<version>-py3-none-any.whl`` in ``dest``, built by pip from a copy of the checkout."""
    src = dest / f"src-{version}"
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(*NOT_BUILT))
    pyproject = src / "pyproject.toml"
    pyproject.write_text(re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject.read_text()))
    if broken:
        with open(src / "kiosk" / "app.py", "a") as f:
            f.write(BROKEN)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--disable-pip-version-check", "-w", str(dest), str(src)], check=True, capture_output=True,
                   timeout=600)
    shutil.rmtree(src)
    return dest / f"jincai_kiosk-{version}-py3-none-any.whl"


def make_bundle(dest: Path, version: str, key: bytes, *, broken: bool = False, lock: Path | None = None) -> Path:
    wheel = build_wheel(dest, version, broken=broken)
    out = dest / f"jincai-kiosk-{version}.bundle"
    b.make(wheel, lock or ROOT / "requirements.lock", key, out)
    return out
