"""scripts/install-kiosk and the systemd units it installs, checked by systemd itself
(``systemd-analyze verify``) in a staged root: the units' own files, the system's units they
name, and the programs they start."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = ("jincai-kiosk.service", "jincai-kiosk-paused.service")
#: central's, checked from the source tree (install-kiosk does not install them)
CENTRAL_UNITS = ("jincai-central-maintain.service", "jincai-central-maintain.timer", "jincai-central-fleet-check.service",
                 "jincai-central-fleet-check.timer", "jincai-central-vacancy-image.service",
                 "jincai-central-vacancy-image.timer")


def unit(path: Path) -> configparser.ConfigParser:
    p = configparser.ConfigParser(strict=False, interpolation=None)
    p.optionxform = str
    p.read_string(path.read_text())
    return p


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("root")
    subprocess.run([str(ROOT / "scripts" / "install-kiosk"), "--root", str(root)], check=True, capture_output=True,
                   text=True, timeout=60)
    return root


def test_systemd_verifies_the_units_without_a_word(staged):
    # what the units start must exist in the root: the compositor and the installed environment
    for name in CENTRAL_UNITS:
        shutil.copy(ROOT / "deploy/systemd" / name, staged / "etc/systemd/system" / name)
    (staged / "etc/jincai/central.env").write_text("CENTRAL_DB_URL=postgresql:///jincai\n")
    for exe in ("usr/bin/cage", "opt/jincai-kiosk/current/bin/python", "opt/jincai-central/current/bin/python"):
        (staged / exe).parent.mkdir(parents=True, exist_ok=True)
        (staged / exe).write_text("#!/bin/sh\n")
        (staged / exe).chmod(0o755)
    shutil.copytree("/usr/lib/systemd/system", staged / "usr/lib/systemd/system", symlinks=True)
    proc = subprocess.run(["systemd-analyze", "verify", f"--root={staged}",
                           *(f"/etc/systemd/system/{u}" for u in UNITS + CENTRAL_UNITS)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr.strip() == "" and proc.stdout.strip() == "", proc.stderr


def test_a_broken_unit_is_not_verified_silently(staged, tmp_path):
    """The check above can fail: a misspelt key is reported."""
    bad = tmp_path / "jincai-kiosk.service"
    bad.write_text((staged / "etc/systemd/system/jincai-kiosk.service").read_text()
                   .replace("WatchdogSec=", "WatchdogSecs="))
    proc = subprocess.run(["systemd-analyze", "verify", str(bad)], capture_output=True, text=True, timeout=120)
    assert "Unknown key 'WatchdogSecs'" in proc.stderr


def test_the_kiosk_is_restarted_watched_and_paused_after_a_crash_loop(staged):
    k = unit(staged / "etc/systemd/system/jincai-kiosk.service")
    assert k["Service"]["Type"] == "notify" and k["Service"]["NotifyAccess"] == "all"
    assert k["Service"]["Restart"] == "always" and int(k["Service"]["WatchdogSec"]) > 0
    assert (k["Unit"]["StartLimitBurst"], k["Unit"]["StartLimitIntervalSec"]) == ("5", "120")
    assert k["Unit"]["OnFailure"] == "jincai-kiosk-paused.service"
    assert k["Service"]["User"] == "jincai-kiosk" and k["Service"]["StateDirectory"] == "jincai-kiosk"
    assert k["Service"]["ExecStart"].startswith("/usr/bin/cage -d -- ") and " -s " not in k["Service"]["ExecStart"]
    # the launcher starts the current version and takes a failed update back; both places are writable for it
    launcher = "/usr/local/lib/jincai-kiosk/launcher.py"
    assert f"/usr/bin/python3 {launcher} -- run" in k["Service"]["ExecStart"]
    assert (staged / launcher.lstrip("/")).read_bytes() == (ROOT / "kiosk/launcher.py").read_bytes()
    assert "/opt/jincai-kiosk" in k["Service"]["ReadWritePaths"].split()
    paused = unit(staged / "etc/systemd/system/jincai-kiosk-paused.service")
    assert paused["Service"]["ExecStart"].endswith("-m kiosk paused")


def test_the_console_is_locked_down(staged):
    logind = unit(staged / "etc/systemd/logind.conf.d/jincai-kiosk.conf")
    assert logind["Login"]["NAutoVTs"] == "0" and logind["Login"]["ReserveVT"] == "0"
    assert (staged / "etc/systemd/system/ctrl-alt-del.target").readlink() == Path("/dev/null")
    assert "kernel.sysrq = 0" in (staged / "etc/sysctl.d/90-jincai-kiosk.conf").read_text()
    config = staged / "etc/jincai/kiosk.toml"
    assert config.read_text() == (ROOT / "config/production.example.toml").read_text()
    assert config.stat().st_mode & 0o007 == 0  # not for other users: it holds the kiosk's secret
