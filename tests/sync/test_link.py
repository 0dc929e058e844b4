"""The kiosk's link to central as the app uses it: status line, staff section, calls in < 2 s."""

from __future__ import annotations

import dataclasses
import queue
import time

from central.calls import add as add_call
from central.seed import seed
from kiosk.config import load_config
from kiosk.store.outbox import OutboxCipher
from tests.sync.centralserver import KIOSK, SECRET, STATION


def _cfg(url: str, data_dir):
    cfg = load_config()
    central = dataclasses.replace(cfg.central, url=url, kiosk_id=KIOSK, secret=SECRET, enabled=True,
                                  read_timeout_s=5)
    station = dataclasses.replace(cfg.station, id=STATION)
    return dataclasses.replace(cfg, central=central, station=station, data_dir=str(data_dir))


def _wait(pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_link_goes_online_pulls_and_delivers_calls(central, kiosk_store, tmp_path):
    from kiosk.central_link import CentralLink

    seed(central.db, 200)
    lines: list[str] = []
    calls: queue.Queue = queue.Queue()
    link = CentralLink(_cfg(central.url, tmp_path), kiosk_store, lambda: OutboxCipher.from_data_dir(tmp_path),
                       on_status=lines.append, on_call=calls.put)
    link.start()
    try:
        assert _wait(lambda: any(line.startswith("● 已联网") for line in lines)), lines
        rows = {r.label: r for r in link.section().rows()}
        assert rows["状态"].value == "在线" and rows["状态"].ok
        assert rows["待上传记录"].value == "0"
        assert "立即同步" in link.section().actions
        with central.db.session() as s:
            add_call(s, STATION, "A013", "2", service="求职登记")
        call = calls.get(timeout=30)
        assert (call.ticket_number, call.counter, call.service_name) == ("A013", "2", "求职登记")
        # another station's call, then one of ours: ours arrives alone, so the other never will
        with central.db.session() as s:
            add_call(s, "TJ-OTHER-01", "B001", "1")
        with central.db.session() as s:
            add_call(s, STATION, "A014", "1")
        assert calls.get(timeout=30).ticket_number == "A014"
        assert calls.empty()
    finally:
        link.stop()


def test_link_offline_says_so_and_keeps_working(kiosk_store, tmp_path):
    from kiosk.central_link import CentralLink
    from tests.sync.centralserver import free_port

    lines: list[str] = []
    link = CentralLink(_cfg(f"http://127.0.0.1:{free_port()}", tmp_path), kiosk_store,
                       lambda: OutboxCipher.from_data_dir(tmp_path), on_status=lines.append, on_call=lambda c: None)
    link.start()
    try:
        assert _wait(lambda: any(line.startswith("○ 暂时离线") for line in lines)), lines
        rows = {r.label: r for r in link.section().rows()}
        assert rows["状态"].ok is False
        assert "Connection" in rows["最近错误"].value or "refused" in rows["最近错误"].value.lower()
    finally:
        link.stop()


def test_the_staff_screen_lists_the_events_central_refused(central, kiosk_store, tmp_path):
    """A refused event is kept on the kiosk for staff: the admin screen names its kind and the reason."""
    from kiosk.central_link import CentralLink
    from kiosk.store.outbox import add_event

    with kiosk_store.session() as s:
        add_event(s, "feedback.given", {"score": "five"})
        add_event(s, "feedback.given", {"score": 4})
    link = CentralLink(_cfg(central.url, tmp_path), kiosk_store, lambda: OutboxCipher.from_data_dir(tmp_path),
                       on_status=lambda line: None, on_call=lambda c: None)
    link.start()
    try:
        assert _wait(lambda: link.worker.status.pending == 0 and link.worker.status.rejected_total == 1)
        rows = {r.label: r for r in link.section().rows()}
        assert rows["被拒：feedback.given"].ok is False
        assert "score" in rows["被拒：feedback.given"].value
        assert rows["被拒记录（本次开机）"].value == "1"
    finally:
        link.stop()
