"""The launcher with real processes: Debian's python3 runs kiosk/launcher.py as the unit does, and
each installed "version" is a small program standing in for a kiosk that hangs, stops at once, or
runs. A trial that never confirms is rolled back when its time is up (the hung child stopped
first); one that keeps stopping is rolled back after MAX_TRIAL_STARTS; a confirmed one stays."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from kiosk import launcher
from tests.appfixture import HANG_SLACK

LAUNCHER = Path(launcher.__file__)
PROGRAMS = {
    "hangs": "#!/bin/sh\necho started >> \"$(dirname \"$0\")/../runs\"\nexec sleep 600\n",
    "stops": "#!/bin/sh\necho started >> \"$(dirname \"$0\")/../runs\"\nexit 3\n",
    "slow": "#!/bin/sh\necho started >> \"$(dirname \"$0\")/../runs\"\nsleep 3\nexit 0\n",
    "runs": "#!/bin/sh\ntrap 'kill $! 2>/dev/null; exit 0' TERM\necho \"started $*\" >> \"$(dirname \"$0\")/../runs\"\nsleep 600 & wait\n",
}


def version(root: Path, name: str, program: str) -> None:
    (root / name / "bin").mkdir(parents=True)
    python = root / name / "bin" / "python"
    python.write_text(PROGRAMS[program])
    python.chmod(0o755)


def start(root: Path) -> subprocess.Popen:
    return subprocess.Popen(["/usr/bin/python3", str(LAUNCHER), "--root", str(root), "--", "run", "--fullscreen"],
                            stderr=subprocess.PIPE, text=True)


def runs(root: Path, name: str) -> list[str]:
    f = root / name / "runs"
    return f.read_text().splitlines() if f.exists() else []


def wait_until_started(proc: subprocess.Popen, root: Path, name: str) -> None:
    while not runs(root, name):
        try:
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"the launcher ended before {name} started: {proc.stderr.read()}")


@pytest.fixture
def root(tmp_path) -> Path:
    version(tmp_path, "1.0", "runs")
    launcher.point_current(tmp_path, "1.0")
    return tmp_path


def test_a_trial_that_never_confirms_is_stopped_and_rolled_back(root):
    version(root, "2.0", "hangs")
    launcher.switch(root, "2.0", trial_s=10)
    proc = start(root)
    assert proc.wait(timeout=120 * HANG_SLACK) == 75, proc.stderr.read()
    assert "rolled back from 2.0 to 1.0: version 2.0 did not reach its attract screen and central within 10 s" \
        in proc.stderr.read()
    assert launcher.current_version(root) == "1.0" and runs(root, "2.0") == ["started"]
    state = launcher.read_state(root)
    assert "trial" not in state and state["last"]["stage"] == "rolled_back" and state["refused"] == ["2.0"]

    proc = start(root)  # systemd starts the launcher again: the version before runs
    try:
        wait_until_started(proc, root, "1.0")
    finally:
        proc.send_signal(signal.SIGTERM)  # forwarded to the kiosk, which stops cleanly
        assert proc.wait(timeout=60 * HANG_SLACK) == 0
    assert runs(root, "1.0") == ["started -m kiosk run --fullscreen"]


def test_a_version_that_keeps_stopping_is_rolled_back_after_its_starts(root):
    version(root, "2.0", "stops")
    launcher.switch(root, "2.0", trial_s=3600)
    for _ in range(launcher.MAX_TRIAL_STARTS):
        assert start(root).wait(timeout=60 * HANG_SLACK) == 3
    assert launcher.current_version(root) == "2.0"
    proc = start(root)
    try:
        wait_until_started(proc, root, "1.0")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60 * HANG_SLACK)
    assert len(runs(root, "2.0")) == launcher.MAX_TRIAL_STARTS and launcher.current_version(root) == "1.0"
    assert f"stopped {launcher.MAX_TRIAL_STARTS} times" in launcher.read_state(root)["last"]["detail"]


def test_the_last_allowed_start_is_not_cut_while_it_runs(root):
    """The third start is one of the counted ones: only the trial's time may end it, however long
    it takes (here a kiosk that runs a few seconds and stops by itself)."""
    version(root, "2.0", "stops")
    launcher.switch(root, "2.0", trial_s=3600)
    for _ in range(launcher.MAX_TRIAL_STARTS - 1):
        assert start(root).wait(timeout=60 * HANG_SLACK) == 3
    (root / "2.0" / "bin" / "python").write_text(PROGRAMS["slow"])
    proc = start(root)
    assert proc.wait(timeout=60 * HANG_SLACK) == 0, proc.stderr.read()
    assert launcher.current_version(root) == "2.0" and len(runs(root, "2.0")) == launcher.MAX_TRIAL_STARTS


def test_a_confirmed_version_stays_and_a_second_confirm_is_nothing(root):
    version(root, "2.0", "runs")
    launcher.switch(root, "2.0")
    assert not launcher.confirm(root, "1.0")
    assert launcher.confirm(root, "2.0")
    assert not launcher.confirm(root, "2.0")
    assert launcher.rollback(root, "too late") == ""
    assert launcher.current_version(root) == "2.0"
    assert launcher.read_state(root)["last"] | {"at": 0, "detail": ""} == {
        "version": "2.0", "stage": "confirmed", "from": "1.0", "at": 0, "detail": ""}


def test_switching_to_a_version_not_installed_changes_nothing(root):
    with pytest.raises(FileNotFoundError, match="3.0 is not installed"):
        launcher.switch(root, "3.0")
    assert launcher.current_version(root) == "1.0" and launcher.read_state(root) == {}


def test_no_install_says_what_to_do(tmp_path):
    done = subprocess.run(["/usr/bin/python3", str(LAUNCHER), "--root", str(tmp_path / "none")], capture_output=True,
                          text=True, env={**os.environ})
    assert done.returncode == 2 and "scripts/install-kiosk" in done.stderr
