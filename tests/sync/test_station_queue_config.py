"""The kiosk's queue takes its services and priority rules from central's station config, over
real HTTP: applied without restart, kept across one, and a config it cannot use is refused whole."""

from __future__ import annotations

import copy
import logging

from central.models import Kiosk, StationConfig
from kiosk.core.queue import QueueBook
from kiosk.domain.queue_rules import DEFAULT_SERVICES
from kiosk.store.outbox import add_event
from tests.sync.centralserver import KIOSK, STATION
from tests.sync.conftest import make_worker
from tests.unit.test_queue import Clock, local

ALL_DAY = [{"weekdays": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "23:59"}]


def _set_config(central, version: int, **changes) -> None:
    with central.db.session() as s:
        row = s.get(StationConfig, STATION)
        row.config, row.version = {**copy.deepcopy(row.config), **changes}, version
        s.get(Kiosk, KIOSK).pending_commands = "reload_config"


def test_the_queue_follows_centrals_station_config(central, kiosk_store, caplog):
    from kiosk.central_link import CentralLink
    from kiosk.config import load_config

    clock = Clock(local(2030, 1, 13, 20, 0))  # a Sunday evening: nothing built in is open
    queue = QueueBook(kiosk_store, emit=add_event, clock=clock)
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=(), heartbeat_s=0,
                         on_config=lambda reply: queue.apply_config(reply.model_dump(mode="json")))
    worker.run_once()
    assert tuple(queue.services.values()) == DEFAULT_SERVICES and queue.setup_version == 1

    services = [{"code": "career_guidance", "name": "职业指导", "prefix": "C", "daily_quota": 5, "hours": ALL_DAY,
                 "per_person_daily_limit": 3},
                {"code": "night_consult", "name": "夜间政策咨询", "prefix": "N", "hours": ALL_DAY, "needs_identity": True}]
    _set_config(central, 2, services=services, priority={"age": 65, "groups": ["残疾人", "其他"]})
    worker.run_once()  # the heartbeat carries reload_config; no restart
    assert list(queue.services) == ["career_guidance", "night_consult"] and queue.setup_version == 2
    assert queue.status("career_guidance").open_now and queue.status("career_guidance").remaining_quota == 5
    assert queue.services["night_consult"].identity_required
    assert queue.policy.priority_age == 65 and queue.policy.priority_groups == ("残疾人", "其他")
    assert queue.issue("night_consult").refusal.value == "needs_identity"
    assert queue.issue("career_guidance").display_number == "C001"

    bad = [*services, {"code": "third", "name": "重复前缀", "prefix": "N", "hours": ALL_DAY}]
    _set_config(central, 3, services=bad)
    with caplog.at_level(logging.WARNING, logger="kiosk.sync.worker"):
        worker.run_once()
    assert "station config version 3 from central rejected, keeping the previous one" in caplog.text
    assert "prefix N is already used by night_consult" in caplog.text
    assert list(queue.services) == ["career_guidance", "night_consult"] and queue.setup_version == 2
    assert "第 3 版" in worker.status.config_rejected
    assert kiosk_store.get_setting("central.config_etag") == '"2"'  # the refused one is not kept

    # after a restart the kiosk starts from the config central sent last (before central answers)
    again = QueueBook(kiosk_store, emit=add_event, clock=clock)
    link = CentralLink(load_config(env={}), kiosk_store, lambda: None, on_status=print, on_call=print,
                       on_config=again.apply_config)
    link.load_stored_config()
    assert list(again.services) == ["career_guidance", "night_consult"] and again.setup_version == 2

    _set_config(central, 4, services=services[:1])  # corrected: accepted again
    worker.run_once()
    assert list(queue.services) == ["career_guidance"] and worker.status.config_rejected == ""


def test_a_station_central_has_no_config_for_keeps_the_built_in_list(central, kiosk_store):
    with central.db.session() as s:
        s.delete(s.get(StationConfig, STATION))
    queue = QueueBook(kiosk_store, emit=add_event)
    worker = make_worker(kiosk_store, central.url, feeds_to_pull=(),
                         on_config=lambda reply: queue.apply_config(reply.model_dump(mode="json")))
    worker.run_once()
    assert tuple(queue.services.values()) == DEFAULT_SERVICES and queue.setup_version is None
    assert kiosk_store.get_setting("central.config") in (None, "")
