"""What systemd starts: the installed kiosk version, and the way back when a new one fails.

Installed versions live side by side under the install root (``/opt/jincai-kiosk``): one virtual
environment per version, ``current`` a symlink to the one that runs, ``update-state.json`` what
the last update did. An update (``kiosk.sync.updates``) installs the new version beside the
running one and calls ``switch``: ``current`` now points at it and a *trial* is recorded. The new
version ends the trial itself (``confirm``) once its attract screen is up and central accepted its
heartbeat. Until then this launcher watches: a trial that is not confirmed within its time, or
whose version keeps failing to start, is rolled back to the version before, and the reason is
kept for the fleet page.

The launcher runs with Debian's python3 from a file of its own (copied to the install root by
scripts/install-kiosk), never from a version's environment: a broken version must not be able to
break the way back. So this module uses the standard library only, and nothing else in the
kiosk may be imported here.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STATE = "update-state.json"
CURRENT = "current"
#: a new version that fails to start this many times in its trial is rolled back at once
MAX_TRIAL_STARTS = 3
DEFAULT_TRIAL_S = 300.0
STOP_WAIT_S = 20.0


def read_state(root: Path) -> dict:
    try:
        state = json.loads((root / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(root: Path, state: dict) -> None:
    tmp = root / (STATE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / STATE)


def current_version(root: Path) -> str:
    try:
        return os.readlink(root / CURRENT).rstrip("/").rsplit("/", 1)[-1]
    except OSError:
        return ""


def point_current(root: Path, version: str) -> None:
    """``current`` → ``version``, atomically (a power cut leaves the old link or the new one)."""
    tmp = root / (CURRENT + ".new")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(version, tmp)
    os.replace(tmp, root / CURRENT)
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(root: Path, version: str, trial_s: float = DEFAULT_TRIAL_S) -> None:
    """Run ``version`` from the next start on, on trial: it must confirm within ``trial_s``."""
    if not (root / version / "bin" / "python").exists():
        raise FileNotFoundError(f"version {version} is not installed under {root}")
    state = read_state(root)
    state["trial"] = {"version": version, "from": current_version(root), "since": time.time(),
                      "trial_s": trial_s, "starts": 0}
    write_state(root, state)
    point_current(root, version)


def confirm(root: Path, version: str) -> bool:
    """The running ``version`` reached its attract screen and central: its trial is over."""
    state = read_state(root)
    trial = state.get("trial")
    if not trial or trial.get("version") != version:
        return False
    state.pop("trial")
    state["last"] = {"version": version, "stage": "confirmed", "from": trial.get("from", ""), "at": time.time(),
                     "detail": f"running since {time.strftime('%Y-%m-%d %H:%M', time.localtime())}"}
    write_state(root, state)
    return True


def rollback(root: Path, reason: str) -> str:
    """Back to the version before the trial; returns it ("" when there was no trial)."""
    state = read_state(root)
    trial = state.pop("trial", None)
    if not trial or not trial.get("from"):
        return ""
    point_current(root, trial["from"])
    state["last"] = {"version": trial["version"], "stage": "rolled_back", "from": trial["from"], "at": time.time(),
                     "detail": reason}
    state["refused"] = sorted({*state.get("refused", []), trial["version"]})
    write_state(root, state)
    print(f"launcher: rolled back from {trial['version']} to {trial['from']}: {reason}", file=sys.stderr, flush=True)
    return trial["from"]


def _trial_overdue(root: Path, *, running: bool = False) -> str:
    """Why the trial must end now ("" if it need not, or there is none for the current version).
    While a start is ``running`` only the time limit counts: that start is one of the counted
    ones and has not stopped yet."""
    trial = read_state(root).get("trial")
    if not trial or trial.get("version") != current_version(root):
        return ""
    limit = float(trial.get("trial_s", DEFAULT_TRIAL_S))
    if time.time() - float(trial.get("since", 0)) > limit:
        return f"version {trial['version']} did not reach its attract screen and central within {limit:.0f} s"
    if not running and int(trial.get("starts", 0)) >= MAX_TRIAL_STARTS:
        return f"version {trial['version']} stopped {trial['starts']} times before reaching its attract screen"
    return ""


def _count_start(root: Path) -> None:
    state = read_state(root)
    if state.get("trial"):
        state["trial"]["starts"] = int(state["trial"].get("starts", 0)) + 1
        write_state(root, state)


def run(root: Path, args: list[str]) -> int:
    """Start the current version with ``args`` and wait for it; roll back an overdue trial first,
    and while it runs. Returns the kiosk's exit status (systemd starts the launcher again)."""
    reason = _trial_overdue(root)
    if reason:
        rollback(root, reason)
    _count_start(root)
    python = root / CURRENT / "bin" / "python"
    started: list[subprocess.Popen] = []
    held: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        if started:
            started[0].send_signal(signum)
        else:
            held.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR2):
        signal.signal(sig, forward)
    child = subprocess.Popen([str(python), "-m", "kiosk", *args])
    started.append(child)
    for signum in held:  # a stop asked for while the kiosk was being started
        child.send_signal(signum)
    while True:
        try:
            return child.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
        reason = _trial_overdue(root, running=True)
        if reason:
            child.terminate()
            try:
                child.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            rollback(root, reason)
            return 75  # EX_TEMPFAIL: systemd starts the launcher again, now with the version before


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    root = Path(os.environ.get("KIOSK_INSTALL_ROOT", "/opt/jincai-kiosk"))
    if argv[:1] == ["--root"]:
        root, argv = Path(argv[1]), argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not (root / CURRENT).exists():
        print(f"launcher: no kiosk installed: {root / CURRENT} is missing (scripts/install-kiosk)", file=sys.stderr)
        return 2
    return run(root, argv or ["run"])


if __name__ == "__main__":
    sys.exit(main())
