"""The calls long-poll is woken by the call (PostgreSQL LISTEN/NOTIFY, SQLite's commit), not by
looking at the database every 0.2 s: it looks once before waiting and once when woken, and at
most every SAFETY_S while nothing happens. Counted on both engines, with a real central over HTTP."""

from __future__ import annotations

import math
import threading
import time

import pytest

from central import call_signal, sync_api
from central.calls import add
from kiosk.sync import protocol as p
from tests.sync.centralserver import STATION
from tests.sync.conftest import make_client


@pytest.fixture
def looks(monkeypatch):
    """How many times the long-polls looked at the database."""
    count = [0]
    real = sync_api._calls_after

    def counted(*args):
        count[0] += 1
        return real(*args)

    monkeypatch.setattr(sync_api, "_calls_after", counted)
    return count


def test_a_call_wakes_the_waiting_long_poll(central, looks, monkeypatch):
    # no periodic look during this test: only the call's own signal can end the wait early
    monkeypatch.setattr(call_signal, "SAFETY_S", 3600.0)
    client = make_client(central.url)
    got: list[p.CallsReply] = []
    poll = threading.Thread(target=lambda: got.append(client.call(
        "GET", f"{p.PREFIX}/stations/{STATION}/calls", p.CallsReply, params={"after": 0, "wait": p.MAX_CALLS_WAIT_S},
        read_timeout_s=p.MAX_CALLS_WAIT_S + 60)[0]), daemon=True)
    poll.start()
    deadline = time.monotonic() + 60
    while looks[0] < 1 and time.monotonic() < deadline:  # the long-poll has looked once and waits
        time.sleep(0.01)
    # it looked only once its process listened: a NOTIFY sent now cannot reach no one
    assert central.db.url.startswith("sqlite") or call_signal.SIGNAL.is_listening()
    with central.db.session() as s:
        add(s, STATION, "A007", "3", service="求职登记")
    poll.join(timeout=p.MAX_CALLS_WAIT_S / 2)  # woken, it answers long before its own wait is over
    assert not poll.is_alive(), "the call did not wake the long-poll"
    assert got and [c.number for c in got[0].calls] == ["A007"]
    assert looks[0] == 2  # one look before waiting, one when woken


def test_an_idle_long_poll_looks_only_every_few_seconds(central, looks):
    client = make_client(central.url)
    started = time.monotonic()
    reply, _ = client.call("GET", f"{p.PREFIX}/stations/{STATION}/calls", p.CallsReply,
                           params={"after": 0, "wait": 6}, read_timeout_s=60)
    elapsed = time.monotonic() - started
    assert reply.calls == [] and elapsed >= 6
    # with the old 0.2 s re-check this would be about 30 looks
    assert looks[0] <= 2 + math.ceil(elapsed / call_signal.SAFETY_S), (looks[0], elapsed)
