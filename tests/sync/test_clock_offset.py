"""A kiosk without a real-time clock numbers its tickets on central's day.

The kiosk's board clock here is a day and two hours behind. Central refuses its first signed
request (clock skew) and says its own time; the real sync client learns the offset from that,
and the services the app builds (``kiosk.services.build_services`` with the app's
``CentralLink``) must take the station's day from the corrected clock: the ticket is numbered
on central's day, not on the board's yesterday.
"""

from __future__ import annotations

import dataclasses
import time as real_time
from datetime import datetime, time, timedelta

import pytest

import kiosk.sync.client
from kiosk.config import load_config
from kiosk.core.session import VisitManager
from kiosk.domain.queue_rules import STATION_TZ, QueuePolicy, QueueService, QueueSetup, utc_now
from kiosk.store.outbox import OutboxCipher
from tests.sync.centralserver import KIOSK, SECRET, STATION

SKEW_S = -(24 + 2) * 3600.0
ALWAYS_OPEN = {d: ((time(0, 0), time.max),) for d in range(7)}


class BoardClock:
    """The ``time`` module as the kiosk's client sees it on a board whose clock is SKEW_S off."""

    def time(self) -> float:
        return real_time.time() + SKEW_S

    def __getattr__(self, name: str):
        return getattr(real_time, name)


def central_day():
    return datetime.now(STATION_TZ).date()


def _wait(pred, timeout: float = 20.0) -> bool:
    deadline = real_time.monotonic() + timeout
    while real_time.monotonic() < deadline:
        if pred():
            return True
        real_time.sleep(0.05)
    return False


@pytest.mark.parametrize("central_db_url", ["sqlite"], indirect=True)
def test_a_kiosk_a_day_behind_numbers_tickets_on_centrals_day(central, kiosk_store, tmp_path, monkeypatch):
    from kiosk.central_link import CentralLink
    from kiosk.services import build_services

    monkeypatch.setattr(kiosk.sync.client, "time", BoardClock())
    cfg = load_config(env={})
    cfg = dataclasses.replace(
        cfg, data_dir=str(tmp_path),
        central=dataclasses.replace(cfg.central, url=central.url, kiosk_id=KIOSK, secret=SECRET, enabled=True,
                                    read_timeout_s=5),
        station=dataclasses.replace(cfg.station, id=STATION))
    statuses: list[str] = []
    link = CentralLink(cfg, kiosk_store, lambda: OutboxCipher.from_data_dir(tmp_path), on_status=statuses.append,
                       on_call=lambda _call: None, worker_options={"feeds_to_pull": (), "heartbeat_s": 0})
    services = build_services(
        cfg, kiosk_store, visits=VisitManager(), background=None, nav=None, end_visit=lambda: None,
        cipher=lambda: OutboxCipher.from_data_dir(tmp_path), on_call=lambda _call: None, clock_offset_s=link.clock_offset_s,
        appointment_book=lambda: None,
        printer=None, consult=None, clock=lambda: utc_now() + timedelta(seconds=SKEW_S))
    queue = services.queue
    queue.configure(QueueSetup((QueueService("any", "综合服务", "A", ALWAYS_OPEN),), QueuePolicy()))
    assert queue.now().date() < central_day()  # the board's own clock is on an earlier day

    link.start()
    try:
        # central refused the board's time and said its own; the client now signs with the offset
        assert _wait(lambda: abs(link.clock_offset_s() + SKEW_S) < 60), link.clock_offset_s()
        assert _wait(lambda: any(s.startswith("● 已联网") for s in statuses)), statuses
        before = central_day()
        ticket = queue.issue("any")
        after = central_day()
    finally:
        link.stop()
    assert ticket.display_number == "A001"
    assert ticket.day in (before, after) and ticket.issued_at.date() == ticket.day
    assert abs((ticket.issued_at - datetime.now(STATION_TZ)).total_seconds()) < 600
