"""The kiosk under a service manager, with real processes: a listener on a real
``$NOTIFY_SOCKET`` stands in for systemd. It starts the kiosk, waits for READY (the attract
screen is on the glass) and the watchdog's heartbeats, freezes the kiosk's UI loop (the drill:
SIGUSR2 hangs the main thread while every other thread runs on), and when the heartbeats stop
for WatchdogSec it does what systemd does: SIGABRT, and start it again."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.appfixture import HANG_SLACK

ROOT = Path(__file__).resolve().parents[2]
#: long enough that a loaded machine never misses a heartbeat by itself (they come every 5 s)
WATCHDOG_S = 10


class Manager:
    """The systemd side of sd_notify: a datagram socket and what arrived on it, in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[tuple[float, str]] = []

    def receive(self, timeout: float) -> str | None:
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096).decode()
        except TimeoutError:
            return None
        self.messages.append((time.monotonic(), data))
        return data

    def wait_for(self, key: str, timeout: float) -> float:
        """Wait (up to ``timeout`` × the hang slack) for a message with ``key``; its arrival time."""
        deadline = time.monotonic() + timeout * HANG_SLACK
        while time.monotonic() < deadline:
            msg = self.receive(max(0.1, deadline - time.monotonic()))
            if msg is not None and key in msg.split("\n"):
                return self.messages[-1][0]
        raise AssertionError(f"no {key} from the kiosk; it said: {[m for _t, m in self.messages][-5:]}")

    def close(self) -> None:
        self.sock.close()


def start_kiosk(manager: Manager, data_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK", "WATCHDOG"))}
    env.update(NOTIFY_SOCKET=str(manager.path), WATCHDOG_USEC=str(WATCHDOG_S * 1_000_000),
               KIOSK_WATCHDOG_DRILL="1", KIOSK__DATA_DIR=str(data_dir), KIOSK__DEMO__SEED_VACANCIES="200")
    return subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--size", "540x960"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))


@pytest.fixture
def manager(tmp_path):
    m = Manager(tmp_path / "notify.sock")
    yield m
    m.close()


def test_a_frozen_ui_loop_is_killed_by_the_watchdog_and_the_kiosk_comes_back(manager, tmp_path):
    data = tmp_path / "data"
    started = time.monotonic()
    kiosk = start_kiosk(manager, data)
    try:
        ready = manager.wait_for("READY=1", 120)
        print(f"first start: READY after {ready - started:.1f} s (seeding the demo data included)")
        manager.wait_for("WATCHDOG=1", WATCHDOG_S)
        manager.wait_for("WATCHDOG=1", WATCHDOG_S)
        kiosk.send_signal(signal.SIGUSR2)  # the UI loop hangs; the process and its other threads live on
        frozen_at = time.monotonic()
        while (msg := manager.receive(WATCHDOG_S)) is not None:  # silence for WatchdogSec: systemd acts
            assert "WATCHDOG=1" not in msg.split("\n") or time.monotonic() - frozen_at < WATCHDOG_S / 2, msg
        assert kiosk.poll() is None, "the kiosk died by itself; the watchdog is for one that hangs"
        kiosk.send_signal(signal.SIGABRT)  # systemd's WatchdogSignal
        assert kiosk.wait(timeout=60) == -signal.SIGABRT
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
        kiosk.wait()
    assert b"watchdog drill: the UI loop is frozen now" in kiosk.stderr.read()

    restarted = time.monotonic()
    kiosk = start_kiosk(manager, data)  # Restart=always
    try:
        ready = manager.wait_for("READY=1", 120)
        print(f"after the crash: back on the attract screen (READY) in {ready - restarted:.1f} s")
        manager.wait_for("WATCHDOG=1", WATCHDOG_S)
    finally:
        kiosk.terminate()
        assert kiosk.wait(timeout=60) == 0
    while manager.receive(1) is not None:  # what it sent before it exited is in the socket's queue
        pass
    assert "STOPPING=1" in manager.messages[-1][1].split("\n")  # SIGTERM (systemctl stop): a clean stop
