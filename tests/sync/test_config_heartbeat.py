"""Station config with ETag, and the heartbeat central keeps for the fleet view."""

from __future__ import annotations

from central.models import Kiosk, StationConfig
from kiosk.store.outbox import add_event
from tests.sync.centralserver import KIOSK, STATION
from tests.sync.conftest import make_worker


def test_config_is_fetched_then_not_modified_until_it_changes(central, kiosk_store):
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=())
    first = worker.fetch_config()
    assert first is not None and first.station_id == STATION and first.services
    assert kiosk_store.get_setting("central.config_etag") == '"1"'
    assert worker.fetch_config() is None  # 304: nothing changed
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config = dict(row.config, announcement="本周六加开招聘会")
        row.version = 2
    again = worker.fetch_config()
    assert again is not None and again.announcement == "本周六加开招聘会"
    assert '"announcement":"本周六加开招聘会"' in kiosk_store.get_setting("central.config")


def test_heartbeat_reports_outbox_depth_and_devices_and_carries_commands(central, kiosk_store):
    with kiosk_store.session() as s:
        for _ in range(3):
            add_event(s, "feedback.given", {"score": 5})
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=(),
                         health=lambda: {"devices": {"printer": {"state": "paper_out", "detail": "缺纸"}}})
    with central.db.session() as s:
        s.get(Kiosk, KIOSK).pending_commands = "sync_now"
    reply = worker.heartbeat()
    assert reply.commands == ["sync_now"]
    with central.db.session() as s:
        beat = s.get(Kiosk, KIOSK).last_heartbeat
        assert s.get(Kiosk, KIOSK).pending_commands == ""
    assert beat["outbox_pending"] == 3
    assert beat["devices"]["printer"]["state"] == "paper_out"
    assert worker.heartbeat().commands == []  # a command is delivered once


def test_the_worker_fetches_the_config_at_start_and_when_central_asks(central, kiosk_store):
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=(), heartbeat_s=0)
    worker.run_once()
    assert kiosk_store.get_setting("central.config_etag") == '"1"'
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config, row.version = dict(row.config, announcement="新通知"), 2
        s.get(Kiosk, KIOSK).pending_commands = "reload_config"
    worker.run_once()
    assert kiosk_store.get_setting("central.config_etag") == '"2"'
    assert "新通知" in kiosk_store.get_setting("central.config")
