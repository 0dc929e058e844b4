"""sd_notify as the kiosk speaks it, to a real datagram socket like the one systemd listens on."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from kiosk import systemd


@pytest.fixture
def listener(tmp_path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(tmp_path / "notify"))
    s.settimeout(30)
    yield s, str(tmp_path / "notify")
    s.close()


def test_ready_reaches_the_socket_systemd_names(listener):
    sock, path = listener
    assert systemd.notify("READY=1\nSTATUS=attract", env={"NOTIFY_SOCKET": path})
    assert sock.recv(1024) == b"READY=1\nSTATUS=attract"


def test_an_abstract_socket_is_named_with_an_at_sign():
    name = f"kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind("\0" + name)
        s.settimeout(30)
        assert systemd.notify("WATCHDOG=1", env={"NOTIFY_SOCKET": "@" + name})
        assert s.recv(64) == b"WATCHDOG=1"


def test_without_a_service_manager_nothing_is_sent_and_nothing_fails(tmp_path):
    assert not systemd.notify("READY=1", env={})
    assert not systemd.notify("READY=1", env={"NOTIFY_SOCKET": str(tmp_path / "gone")})  # logged, not raised


@pytest.mark.parametrize(("env", "expected"), [
    ({}, None),
    ({"WATCHDOG_USEC": "30000000"}, 15.0),
    ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "100"}, 15.0),  # ours
    ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "99"}, 15.0),  # our parent's: cage, the unit's main process
    ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"}, None),  # another process's
    ({"WATCHDOG_USEC": "0"}, None),
    ({"WATCHDOG_USEC": "soon"}, None),
])
def test_the_heartbeat_comes_at_half_the_watchdog_time(env, expected):
    assert systemd.watchdog_interval(env, pid=100, parent=99) == expected


def test_the_freeze_drill_is_off_unless_asked_for():
    import signal

    before = signal.getsignal(signal.SIGUSR2)
    assert not systemd.install_freeze_drill(env={})
    assert signal.getsignal(signal.SIGUSR2) is before
    assert os.environ.get(systemd.DRILL_ENV) is None
