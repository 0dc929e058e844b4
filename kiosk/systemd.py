"""The kiosk under systemd: ready, alive, stopping (sd_notify over ``$NOTIFY_SOCKET``).

The protocol is one datagram of ``KEY=VALUE`` lines to the Unix socket the service manager
names in ``$NOTIFY_SOCKET`` (a leading ``@`` is an abstract socket). Without it (``make run``,
the tests) every call does nothing.

The watchdog's heartbeat is sent from Kivy's main loop (``KioskApp``), never from a thread of
its own: a UI that hangs stops the heartbeat and systemd (``WatchdogSec``) kills and restarts the
kiosk, where a thread would have kept a frozen screen alive for good.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

#: set in the environment, SIGUSR2 freezes the UI loop for good: the watchdog drill
DRILL_ENV = "KIOSK_WATCHDOG_DRILL"


def notify(state: str, env: Mapping[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``); False when there is no service manager to tell."""
    env = os.environ if env is None else env
    address = env.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
            s.connect(address)
            s.sendall(state.encode())
    except OSError as e:
        log.warning("could not tell the service manager %r: %s", state.split("=", 1)[0], e)
        return False
    return True


def watchdog_interval(env: Mapping[str, str] | None = None, pid: int | None = None,
                      parent: int | None = None) -> float | None:
    """Seconds between heartbeats: half the manager's ``WatchdogSec`` (``$WATCHDOG_USEC``), as
    sd_watchdog_enabled advises; None when no watchdog is set or it is meant for another process.
    A watchdog meant for our parent is ours too: the unit's main process is the kiosk compositor
    (cage), which runs the kiosk as its one client (the unit has NotifyAccess=all)."""
    env = os.environ if env is None else env
    try:
        usec = int(env.get("WATCHDOG_USEC", "0"))
        owner = int(env.get("WATCHDOG_PID", "0"))
    except ValueError:
        log.warning("ignoring a malformed WATCHDOG_USEC/WATCHDOG_PID: %r/%r", env.get("WATCHDOG_USEC"),
                    env.get("WATCHDOG_PID"))
        return None
    if usec <= 0 or (owner and owner not in (pid or os.getpid(), parent or os.getppid())):
        return None
    return usec / 2 / 1_000_000


def stop_on_sigterm(stop: Callable[[], object]) -> None:
    """``systemctl stop`` (SIGTERM) ends the kiosk the way closing it does: ``stop`` runs on the
    next frame of the UI loop, so every part stops in order and the exit status is 0."""
    from kivy.clock import Clock

    signal.signal(signal.SIGTERM, lambda _signum, _frame: Clock.schedule_once(lambda _dt: stop(), 0))


def install_freeze_drill(env: Mapping[str, str] | None = None) -> bool:
    """With ``$KIOSK_WATCHDOG_DRILL`` set, SIGUSR2 hangs the main thread (Kivy's loop) while every
    other thread runs on: what a deadlock in a screen looks like to the watchdog. For the drill
    after installing a kiosk and for the test; never set on a station's unit."""
    env = os.environ if env is None else env
    if not env.get(DRILL_ENV):
        return False

    def freeze(_signum: int, _frame: object) -> None:
        log.warning("watchdog drill: the UI loop is frozen now")
        while True:
            time.sleep(3600)

    signal.signal(signal.SIGUSR2, freeze)
    return True
