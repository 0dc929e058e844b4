"""A kiosk updating itself, with real parts all the way: three real wheels (A, B, and a C that
cannot start) in bundles signed with a release key, published and rolled out on a real central,
and a kiosk installed from A under an install root, started by the real launcher (Debian's
python3 running kiosk/launcher.py, as the unit does) in a loop that restarts it like systemd.

A takes the rollout's update order on a heartbeat reply, downloads and checks B, installs it
beside itself, hands over between visits; B starts on trial, reaches its attract screen and
central, and confirms. Then C is rolled out: B installs it, hands over, C stops at once three
times, and the launcher goes back to B, which tells central why."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from central import releases
from central.models import Kiosk, KioskOrder
from kiosk import launcher
from kiosk.domain import bundle as b
from kiosk.sync.updates import install
from tests.appfixture import HANG_SLACK
from tests.deploy.wheels import ROOT, make_bundle
from tests.sync.centralserver import KIOSK, SECRET, STATION, running_central

A, B, C = "9.0.1", "9.0.2", "9.0.3"
LAUNCHER = ROOT / "kiosk" / "launcher.py"


class Supervisor:
    """What systemd does for jincai-kiosk.service: start the launcher, and start it again when it ends."""

    def __init__(self, root: Path, env: dict[str, str], log: Path) -> None:
        self.root, self.env, self.log = root, env, log
        self.starts: list[str] = []
        self.proc: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        with open(self.log, "ab") as out:
            while not self._stop.is_set():
                self.starts.append(launcher.current_version(self.root))
                self.proc = subprocess.Popen(["/usr/bin/python3", str(LAUNCHER), "--root", str(self.root), "--",
                                              "run", "--size", "540x960"], env=self.env, cwd=self.root,
                                             stdout=out, stderr=out)
                self.proc.wait()
                self._stop.wait(0.5)  # RestartSec

    def stop(self) -> None:
        self._stop.set()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._thread.join(timeout=90)


def wait_for_beat(central, want, what: str, timeout: float = 240) -> dict:  # noqa: ANN001
    """Central's copy of the kiosk's latest heartbeat, once ``want(beat)`` holds."""
    deadline = time.monotonic() + timeout * HANG_SLACK
    beat: dict = {}
    while time.monotonic() < deadline:
        with central.db.session() as s:
            beat = dict(s.get(Kiosk, KIOSK).last_heartbeat or {})
        if want(beat):
            return beat
        time.sleep(0.5)
    raise AssertionError(f"central never saw {what}; the last heartbeat: app_version {beat.get('app_version')}, "
                         f"update {beat.get('update')}")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("releases")
    key = b.new_key()
    return {"key": key, "public": b.public_key_text(key),
            A: make_bundle(base, A, key), B: make_bundle(base, B, key), C: make_bundle(base, C, key, broken=True)}


def install_a(root: Path, bundles: dict, tmp_path: Path) -> None:
    """What scripts/install-kiosk does: version A under the root, ``current`` pointing at it."""
    unpacked = tmp_path / "a-unpacked"
    unpacked.mkdir()
    manifest = b.check(bundles[A], (bundles["public"],), unpacked)
    install(root, unpacked, manifest, min_free_mb=10)
    launcher.point_current(root, A)


def test_a_kiosk_updates_from_a_to_b_and_rolls_back_from_a_broken_c(bundles, tmp_path):
    root = tmp_path / "opt"
    root.mkdir()
    install_a(root, bundles, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK", "NOTIFY_SOCKET", "WATCHDOG"))}
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        env.update(KIOSK__DATA_DIR=str(tmp_path / "data"), KIOSK__DEMO__SEED_VACANCIES="200",
                   KIOSK__STATION__ID=STATION, KIOSK__CENTRAL__URL=central.url, KIOSK__CENTRAL__KIOSK_ID=KIOSK,
                   KIOSK__CENTRAL__SECRET=SECRET, KIOSK__CENTRAL__ENABLED="1", KIOSK__CENTRAL__HEARTBEAT_S="2", KIOSK__UPDATE__ROOT=str(root),
                   KIOSK__UPDATE__PUBLIC_KEYS=bundles["public"], KIOSK__UPDATE__SWITCH="idle",
                   KIOSK__UPDATE__MIN_FREE_MB="10", KIOSK__UPDATE__TRIAL_S=str(int(300 * HANG_SLACK)))
        systemd = Supervisor(root, env, tmp_path / "kiosk.log")
        systemd.start()
        try:
            wait_for_beat(central, lambda beat: beat.get("app_version") == A, f"version {A} running")

            with central.db.session() as s:
                releases.publish(s, bundles[B], by="test")
                releases.rollout(s, B, percent=100, by="test")
            beat = wait_for_beat(central, lambda beat: beat.get("app_version") == B
                                 and (beat.get("update") or {}).get("stage") == "confirmed", f"{B} confirmed")
            assert beat["update"]["version"] == B
            state = launcher.read_state(root)
            assert "trial" not in state and state["last"]["from"] == A and launcher.current_version(root) == B
            with central.db.session() as s:
                done = s.scalars(select(KioskOrder).where(KioskOrder.kind == "update")).one()
                assert (done.args["version"], done.ok) == (B, True), done.detail
                line = releases.summary(s, [s.get(Kiosk, KIOSK).last_heartbeat])[0]
                assert (line.version, line.running, line.failed) == (B, 1, 0)

            with central.db.session() as s:
                releases.publish(s, bundles[C], by="test")
                releases.rollout(s, C, percent=100, by="test")
            beat = wait_for_beat(central, lambda beat: (beat.get("update") or {}).get("stage") == "rolled_back",
                                 f"{C} rolled back")
            assert beat["app_version"] == B and beat["update"]["version"] == C
            assert f"version {C} stopped {launcher.MAX_TRIAL_STARTS} times" in beat["update"]["detail"]
            assert launcher.current_version(root) == B and C in launcher.read_state(root)["refused"]
            with central.db.session() as s:
                line = next(x for x in releases.summary(s, [s.get(Kiosk, KIOSK).last_heartbeat]) if x.version == C)
                assert (line.running, line.failed) == (0, 1)
                # one order per kiosk and version: the rolled-back C is not offered again
                assert len(s.scalars(select(KioskOrder).where(KioskOrder.kind == "update")).all()) == 2
        finally:
            systemd.stop()
    log = (tmp_path / "kiosk.log").read_text(errors="replace")
    assert f"rolled back from {C} to {B}" in log
    assert log.count("RuntimeError: a broken build: kiosk.app cannot be imported") == launcher.MAX_TRIAL_STARTS
    # the launcher's fourth start of C rolled back before starting anything (the supervisor saw C linked)
    assert systemd.starts == [A, B] + [C] * (launcher.MAX_TRIAL_STARTS + 1), systemd.starts
    assert sorted(d.name for d in root.iterdir() if (d / "bin").is_dir() and not d.is_symlink()) == [A, B, C]
