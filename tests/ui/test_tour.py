"""`python -m kiosk run --tour DIR` walks every screen in both orientations and writes PNGs;
here from the project's wheel, installed into a new virtual environment outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from tests.deploy.wheels import ROOT, build_wheel

PROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a new virtual environment holding the wheel built from a copy of the
    checkout. Its dependencies are read from this environment's site-packages (a .pth file), so
    nothing is downloaded; the kiosk itself can only come from the wheel."""
    base = tmp_path_factory.mktemp("installed")
    (base / "dist").mkdir()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 600}
    wheel = build_wheel(base / "dist", PROJECT_VERSION)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], **run)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--disable-pip-version-check", str(wheel)], **run)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          **run).stdout.strip()
    (Path(site) / "kiosk_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def installed_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KIVY_HOME", "KIOSK_", "KIOSK__", "PYTHONPATH", "VIRTUAL_ENV"))}
    return {**env, "XDG_DATA_HOME": str(home)}


def test_the_installed_kiosk_runs_from_its_package(installed, tmp_path):
    probe = ("import kiosk, kiosk.config as c; print(kiosk.__file__); print(c.load_config().source); "
             "print(c.load_config().data_path)")
    out = subprocess.run([str(installed), "-c", probe], cwd=tmp_path, env=installed_env(tmp_path / "data"),
                         capture_output=True, text=True, timeout=120, check=True).stdout.split("\n")
    venv = installed.parent.parent
    assert Path(out[0]).is_relative_to(venv) and not Path(out[0]).is_relative_to(ROOT)
    assert out[1].endswith("kiosk/config_files/kiosk.toml") and Path(out[1]).is_relative_to(venv)
    assert Path(out[2]) == tmp_path / "data" / "jincai-kiosk" / "var"


@pytest.mark.timeout(900)  # a hang guard: about 150 screens, each drawn and checked on a busy machine
def test_tour_writes_every_screen_in_both_orientations(installed, tmp_path):
    out = tmp_path / "tour"
    proc = subprocess.run([str(installed), "-m", "kiosk", "run", "--tour", str(out)], cwd=tmp_path,
                          env=installed_env(tmp_path / "data"),
                          capture_output=True, text=True, timeout=850)
    assert proc.returncode == 0, proc.stderr[-3000:]
    shots = json.loads((out / "tour.json").read_text())
    screens = {s["screen"] for s in shots}
    assert {"attract", "home", "vacancy_list", "vacancy_detail", "job_fairs", "job_fair_detail", "policy_list",
            "policy_detail", "home_service"} <= screens
    assert {"consult_topic", "consult_consent", "consult_wait", "consult_call", "consult_ended", "consult_offer",
            "consult_callback"} <= screens
    for s in shots:
        assert s["missing_glyphs"] == [] and s["small_targets"] == [], s
        img = Image.open(out / s["file"])
        assert img.size == tuple(s["size"])
        assert img.size in ((1080, 1920), (1920, 1080))
        # a real picture, not a blank frame
        assert len(img.convert("RGB").resize((64, 64)).getcolors(4096) or []) > 20, s["file"]
    assert {tuple(s["size"]) for s in shots} == {(1080, 1920), (1920, 1080)}
