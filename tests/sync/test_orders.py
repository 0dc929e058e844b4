"""Remote commands end to end: given on central (as the fleet page and `python -m central order`
give them), carried over real signed HTTP on the heartbeat reply, checked and done by the kiosk's
real parts (the sync worker, the store, the simulated printer on a pty, the log), answered, and
audited. Each is done once however often it is sent; a forged one or another kiosk's is refused."""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from central import orders
from central.models import AuditEntry, KioskOrder
from kiosk import remote
from kiosk.config import OVERRIDES_FILE, DeviceConfig, load_config
from kiosk.core.maintenance import REBOOT_DUE, MaintenanceDesk
from kiosk.devices.printer.setup import build_printer
from kiosk.logsetup import RECENT, setup_logging
from kiosk.sync import feeds, make_worker
from kiosk.sync.orders import DONE_KEY, OrderTaker
from tests.sync.centralserver import KIOSK, SECRET, STATION, running_central

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(tmp_path, kiosk_store):
    """A central, and a kiosk whose heartbeat carries orders to the handlers the app gives it."""
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        cfg = load_config(env={})
        cfg = dataclasses.replace(
            cfg, data_dir=str(tmp_path / "kiosk"), station=dataclasses.replace(cfg.station, id=STATION),
            central=dataclasses.replace(cfg.central, url=central.url, kiosk_id=KIOSK, secret=SECRET, enabled=True))
        printer, sim = build_printer(DeviceConfig(backend="simulated"), kiosk_store)
        printer.start()
        stopped: list[bool] = []
        worker = make_worker(cfg, kiosk_store, None)
        handlers = {"set_config": remote.set_config(cfg), "upload_logs": remote.upload_logs(RECENT.last),
                    "restart": remote.restart(lambda: stopped.append(True)),
                    "test_print": remote.test_print(lambda: printer.test_print(cfg.station)),
                    "reboot": remote.reboot(kiosk_store, cfg.maintenance.window),
                    "resync_feed": lambda args: (worker.resync(args["feed"]), remote.Outcome(True, "reloading"))[1]}
        worker.on_orders = OrderTaker(kiosk_store, worker.client, KIOSK, SECRET, handlers).take
        yield central, cfg, worker, kiosk_store, sim, stopped
        printer.stop()
        sim.close()


def give(central, kind: str, **args) -> str:
    with central.db.session() as s:
        return orders.give(s, KIOSK, kind, args, by="王工").id


def answer(central, order_id: str) -> KioskOrder:
    with central.db.session() as s:
        o = s.get(KioskOrder, order_id)
        s.expunge(o)
        return o


def test_each_order_is_done_once_and_answered(world, tmp_path):
    central, cfg, worker, store, sim, stopped = world
    setup_logging()
    logging.getLogger("kiosk.test").info("resident 120101199001011234 asked for help")  # masked in the upload

    worker.pull("vacancies")
    cursor_before = feeds.cursor(store, "vacancies")
    ids = {kind: give(central, kind, **args) for kind, args in (
        ("resync_feed", {"feed": "vacancies"}), ("upload_logs", {"lines": 50}), ("test_print", {}),
        ("set_config", {"idle.timeout_s": "90", "screen.width": "1920", "screen.height": "1080"}), ("reboot", {}),
        ("restart", {}))}
    worker.heartbeat()  # five orders go with one reply
    worker.heartbeat()  # and the sixth with the next
    done = {kind: answer(central, oid) for kind, oid in ids.items()}
    assert all(o.done_at is not None and o.ok for o in done.values()), {k: o.detail for k, o in done.items()}

    assert feeds.cursor(store, "vacancies") is None and cursor_before is not None  # reloaded whole next round
    worker.pull("vacancies")
    assert feeds.cursor(store, "vacancies") is not None
    assert any("asked for help" in line for line in done["upload_logs"].output)
    assert not any("120101199001011234" in line for line in done["upload_logs"].output)
    assert done["test_print"].detail.startswith("测试页已打印") and "津彩e就业" in sim.receipts[-1].text()
    saved = json.loads((cfg.data_path / OVERRIDES_FILE).read_text())
    assert saved == {"idle.timeout_s": "90", "screen.width": "1920", "screen.height": "1080"}
    again = load_config(env={"KIOSK__DATA_DIR": str(cfg.data_path)})  # what the next start reads
    assert again.idle.timeout_s == 90 and (again.screen.width, again.screen.height) == (1920, 1080)
    assert store.get_setting(REBOOT_DUE) == "1" and stopped == [True]

    # the reboot waits for the quiet window, then runs once
    marker = tmp_path / "rebooted"
    desk = MaintenanceDesk(store, temp_dir=tmp_path)
    night = datetime(2026, 12, 5, 2, 30)
    assert not desk.reboot_if_due(night.replace(hour=15), "02:00-04:00", f"touch {marker}")
    assert desk.reboot_if_due(night, "02:00-04:00", f"touch {marker}") and marker.exists()
    assert not desk.reboot_if_due(night + timedelta(minutes=5), "02:00-04:00", f"touch {marker}")

    # every order and every answer is in the audit log
    with central.db.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.record_type == "kiosk_order")).all()
    assert sorted(a.action for a in audit) == ["kiosk_order"] * 6 + ["kiosk_order_done"] * 6
    assert {a.user_name for a in audit if a.action == "kiosk_order"} == {"王工"}


def test_an_order_sent_again_is_answered_again_not_done_again(world):
    central, _cfg, worker, store, sim, stopped = world
    oid = give(central, "test_print")
    worker.heartbeat()
    printed = len(sim.receipts)
    with central.db.session() as s:  # as if the answer had been lost: central sends it again
        o = s.get(KioskOrder, oid)
        o.done_at, first = None, o.detail
    worker.heartbeat()
    assert len(sim.receipts) == printed and answer(central, oid).detail == first
    assert oid in json.loads(store.get_setting(DONE_KEY))


def test_a_bad_setting_is_refused_whole_and_nothing_changes(world):
    central, cfg, worker, _store, _sim, _stopped = world
    bad = give(central, "set_config", **{"idle.timeout_s": "2", "screen.width": "1920"})
    locked = give(central, "set_config", **{"central.url": "http://elsewhere"})
    worker.heartbeat()
    assert answer(central, bad).ok is False and "idle.timeout_s" in answer(central, bad).detail
    assert answer(central, locked).ok is False and "not changed remotely: central.url" in answer(central, locked).detail
    assert not (cfg.data_path / OVERRIDES_FILE).exists()


def test_a_forged_order_or_another_kiosks_is_refused(world, caplog):
    central, _cfg, worker, store, sim, stopped = world
    from kiosk.sync import protocol as p

    taker = OrderTaker(store, worker.client, KIOSK, SECRET, {"restart": remote.restart(lambda: stopped.append(1))})
    now = datetime.now().astimezone()
    forged = p.Order(id="forged-0001", kiosk_id=KIOSK, kind="restart", args={}, issued_at=now, signature="0" * 64)
    other = p.Order(id="other-0001", kiosk_id="other-kiosk", kind="restart", args={}, issued_at=now,
                    signature=p.order_signature(SECRET, "other-0001", "other-kiosk", "restart", {}, now))
    with caplog.at_level(logging.WARNING):
        assert taker.take([forged, other]) == []
    assert stopped == []
    assert "signature does not match" in caplog.text and "it is for kiosk other-kiosk" in caplog.text


def test_central_refuses_bad_orders_with_a_reason(tmp_path):
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        for kind, args, why in (("resync_feed", {"feed": "nothing"}, "feed"), ("upload_logs", {"lines": "lots"}, "lines"),
                                ("restart", {"now": "1"}, "不需要参数"), ("format_disk", {}, "没有这种指令")):
            with central.db.session() as s, pytest.raises(orders.OrderRefused, match=why):
                orders.give(s, KIOSK, kind, args)
        proc = subprocess.run([sys.executable, "-m", "central", "--db", central.db.url, "order", KIOSK, "upload_logs",
                               "lines=30"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and "it goes with the kiosk's next heartbeat" in proc.stdout, proc.stderr
        proc = subprocess.run([sys.executable, "-m", "central", "--db", central.db.url, "order", "no-such-kiosk",
                               "restart"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2 and "没有这台终端" in proc.stderr
