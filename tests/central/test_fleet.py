"""设备运维 with real parts: kiosks send signed heartbeats to a real central over HTTP, the check
opens and closes alerts and posts the new ones to a real receiver on loopback, and the fleet page
is used in headless Chromium by a city administrator, a district administrator and station staff.
Screenshots go to a temporary directory, or to $STAFF_SCREENSHOTS."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, update

from central import feeds, fleet, releases
from central.kiosks import disable, register
from central.models import AuditEntry, FleetAlert, Kiosk, KioskSample, StationConfig
from central.seed import DEFAULT_SERVICES
from central.staff_auth import add_staff
from kiosk.domain import bundle
from kiosk.sync import protocol as p
from kiosk.sync.client import CentralClient
from tests.browser import chromium, keep_screenshots, needs_chromium, staff_login
from tests.sync.centralserver import running_central

SECRET = "fleet-test-secret-0123456789"
#: kiosk → (station, district, station name)
KIOSKS = {"K-HP-1": ("S-HP-1", "和平区", "南市街就业驿站"), "K-HP-2": ("S-HP-2", "和平区", "劝业场街就业驿站"),
          "K-HX-1": ("S-HX-1", "河西区", "友谊路街就业驿站")}
CITY = ("市管理员", "city-admin-pass-123")
HEXI = ("河西区管理员", "hexi-admin-pass-123")
STAFF = ("李明", "station-staff-pass-1")


def beat(version: str, **kw) -> p.Heartbeat:
    devices = kw.pop("devices", {"printer": {"state": "ok"}, "idcard": {"state": "ok"}, "scanner": {"state": "ok"}})
    return p.Heartbeat(sent_at=datetime.now(UTC), app_version=version, boot_id="b", uptime_s=kw.pop("uptime_s", 7200),
                       outbox_pending=kw.pop("pending", 0), devices={k: p.DeviceHealth(**v) for k, v in devices.items()},
                       disk_free_mb=20480, rss_mb=180, **kw)


def send(central, kiosk: str, hb: p.Heartbeat) -> None:
    CentralClient(central.url, kiosk, SECRET, read_timeout_s=60).call("POST", p.PREFIX + "/heartbeat",
                                                                      p.HeartbeatReply, body=hb)


def set_up(central) -> None:
    with central.db.session() as s:
        feeds.put(s, "stations", [{"id": st, "name": name, "district": d} for st, d, name in KIOSKS.values()])
        for st, _d, name in KIOSKS.values():
            s.add(StationConfig(station_id=st, version=1, config={"name": name, "services": DEFAULT_SERVICES}))
    for k, (st, _d, _n) in KIOSKS.items():
        register(central.db, k, st, SECRET)
    for other in ("test-kiosk-01", "other-kiosk"):  # the test server's own, not in this fleet
        disable(central.db, other)
    add_staff(central.db, "", *CITY, role="city")
    add_staff(central.db, "", *HEXI, role="district", district="河西区")
    add_staff(central.db, "S-HP-1", *STAFF)


def the_fleet_today(central) -> None:
    """K-HP-1 fine on the new version; K-HP-2 on the old one, out of paper with its uploads stuck;
    K-HX-1 silent for ten minutes."""
    send(central, "K-HP-1", beat("0.2.0"))
    send(central, "K-HP-2", beat("0.1.0", pending=14, outbox_oldest_age_s=7200,
                                 devices={"printer": {"state": "paper_out"}, "idcard": {"state": "ok"}},
                                 update=p.UpdateStatus(version="0.2.0", stage="rolled_back",
                                                       detail="version 0.2.0 stopped 3 times before reaching its "
                                                              "attract screen")))
    send(central, "K-HX-1", beat("0.2.0"))
    with central.db.session() as s:
        s.execute(update(Kiosk).where(Kiosk.id == "K-HX-1").values(last_seen_at=fleet.utcnow() - timedelta(minutes=10)))
        # three days of K-HP-2's history: the uploads piling up since yesterday
        now = fleet.utcnow()
        s.add_all([KioskSample(kiosk_id="K-HP-2", at=now - timedelta(minutes=5 * i), uptime_s=max(0, 3600 * 30 - 300 * i),
                               outbox_pending=max(0, 14 - i // 20), rss_mb=170 + i % 7, disk_free_mb=20480,
                               devices_not_ok="printer" if i < 50 else "") for i in range(1, 800)])


def publish_release(central, tmp_path: Path, version: str, percent: int) -> None:  # noqa: ANN001
    """A signed bundle of a stand-in wheel (central only reads its manifest), published and rolled out."""
    wheel = tmp_path / f"jincai_kiosk-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("kiosk/__init__.py", "")
    lock = tmp_path / "requirements.lock"
    lock.write_text("requests==2.32.3\n")
    out = tmp_path / f"{version}.bundle"
    bundle.make(wheel, lock, bundle.new_key(), out)
    with central.db.session() as s:
        releases.publish(s, out, by="test")
        releases.rollout(s, version, percent=percent, by="test")


class Receiver(BaseHTTPRequestHandler):
    got: list[dict] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail:
            self.send_response(503)
            self.end_headers()
            return
        Receiver.got.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_a) -> None:
        pass


@pytest.fixture
def receiver():
    Receiver.got, Receiver.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/alerts"
    server.shutdown()
    server.server_close()


def test_alerts_open_reach_the_receiver_once_and_close_when_fixed(tmp_path, receiver):
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        set_up(central)
        the_fleet_today(central)
        Receiver.fail = True  # the gateway is down at first: nothing is lost
        first = fleet.check_and_notify(central.db, url=receiver)
        assert sorted((a["kiosk_id"], a["kind"]) for a in first["new"]) == [
            ("K-HP-2", "device"), ("K-HP-2", "outbox"), ("K-HX-1", "offline")]
        assert first["sent"] == 0 and first["waiting"] == 3
        Receiver.fail = False
        second = fleet.check_and_notify(central.db, url=receiver)
        assert second["new"] == [] and second["sent"] == 3
        assert sorted(a["kind_name"] for a in Receiver.got[0]["alerts"]) == ["上传积压", "离线", "设备故障"]
        assert "打印机：缺纸" in next(a["detail"] for a in Receiver.got[0]["alerts"] if a["kind"] == "device")
        assert fleet.check_and_notify(central.db, url=receiver)["sent"] == 0  # each alert is sent once
        # the paper is refilled and the kiosk comes back: those alerts close
        send(central, "K-HP-2", beat("0.1.0"))
        send(central, "K-HX-1", beat("0.2.0"))
        fleet.check_and_notify(central.db, url=receiver)
        with central.db.session() as s:
            still_open = s.scalars(select(FleetAlert).where(FleetAlert.ended_at.is_(None))).all()
            assert still_open == []
            assert s.get(Kiosk, "K-HP-1").last_sample_at is not None  # the heartbeat went into the history


def test_a_crash_loop_and_a_wrong_clock_are_alerts_too(tmp_path):
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        set_up(central)
        send(central, "K-HP-1", beat("0.2.0", devices={"app": {"state": "crash_loop", "detail": "5 restarts"}}))
        send(central, "K-HX-1", beat("0.2.0", clock_offset_s=-600))
        with central.db.session() as s:
            kinds = {(a.kiosk_id, a.kind, a.detail) for a in fleet.check(s)}
        assert ("K-HP-1", "crash_loop", "5 restarts") in kinds
        assert ("K-HX-1", "clock", "本机时钟与中心相差 -600 秒") in kinds


@pytest.fixture
def shots(tmp_path):
    d = tmp_path / "shots"
    d.mkdir()
    yield d
    keep_screenshots(d, "STAFF_SCREENSHOTS")


@pytest.mark.browser
@needs_chromium
def test_the_fleet_page_in_chromium(tmp_path, shots):
    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central, chromium() as browser:
        set_up(central)
        the_fleet_today(central)
        publish_release(central, tmp_path, "0.2.0", percent=50)
        page = staff_login(browser, central.url, "-", *CITY)
        page.goto(f"{central.url}/fleet/")  # the short address leads to the page
        assert page.url.endswith("/staff/fleet/")
        assert "未发布" in page.text_content("#vacancy-image")
        from tests.central.test_feed_images import image, publish, seed

        publish(central.db, image(tmp_path, cursor=seed(central.db, 4), rows=4))
        page.reload()
        assert page.text_content("#vacancy-image .st") == "可用"
        assert "4 条" in page.text_content("#vacancy-image")
        assert page.locator("#kiosks tbody tr").count() == 3
        counts = {f: page.text_content(f"#f-{f} b") for f in ("all", "offline", "device", "outbox", "version")}
        assert counts == {"all": "3", "offline": "1", "device": "1", "outbox": "1", "version": "1"}
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(shots / "fleet-desktop.png"), full_page=True)
        page.click("#f-device")
        page.wait_for_selector("#title:has-text('设备异常')")
        rows = page.locator("#kiosks tbody tr")
        assert rows.count() == 1 and rows.first.get_attribute("data-kiosk") == "K-HP-2"
        assert "打印机：缺纸" in rows.first.text_content() and "旧" in rows.first.text_content()
        assert "→ 0.2.0 已回退" in rows.first.text_content()
        # who runs what: 0.2.0 reaches half the kiosks; two run it, the one that rolled it back runs 0.1.0
        assert [c.strip() for c in page.locator("#releases tr[data-version='0.2.0'] td").all_text_contents()][2:] == [
            "50% 终端", "2", "0", "1"]
        page.click("a:has-text('K-HP-2')")
        page.wait_for_selector("#chart-outbox polyline")
        assert "最新 1.0 条" in page.text_content("#chart-outbox") or "最新" in page.text_content("#chart-outbox")
        assert page.locator("#charts svg").count() == 4
        assert "stopped 3 times before reaching its attract screen" in page.text_content("#facts")
        # a remote command from the page: given, listed, audited; a wrong one is refused with the reason
        page.select_option("#kind", "upload_logs")
        page.fill("#args", "lines=20")
        page.click("#give")
        page.wait_for_selector("#msg:has-text('已下达：上传日志')")
        assert "等待终端联系" in page.text_content("#order-list tbody tr")
        page.select_option("#kind", "resync_feed")
        page.fill("#args", "feed=everything")
        page.click("#give")
        page.wait_for_selector("#msg[role=alert]")
        assert "要重新同步哪类数据" in page.text_content("#msg")
        assert page.locator("#order-list tbody tr").count() == 1
        with central.db.session() as s:
            assert s.scalars(select(AuditEntry).where(AuditEntry.action == "kiosk_order")).one().user_name == CITY[0]
        page.screenshot(path=str(shots / "fleet-kiosk.png"), full_page=True)
        page.click("header a:has-text('告警')")
        page.wait_for_selector("#alerts tbody tr")
        assert page.text_content("#title") == "告警 · 未恢复 3 条"
        with page.expect_download() as got:
            page.click("#csv")
        lines = list(csv.DictReader(io.StringIO(open(got.value.path(), encoding="utf-8-sig").read())))
        assert sorted(r["类型"] for r in lines) == ["上传积压", "离线", "设备故障"]
        # a tablet: nothing runs off the side
        tablet = staff_login(browser, central.url, "-", *CITY, viewport=(768, 1024))
        tablet.goto(f"{central.url}/staff/fleet/")
        tablet.screenshot(path=str(shots / "fleet-tablet.png"), full_page=True)
        assert tablet.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # the table scrolls in its card
        assert tablet.locator("#kiosks tbody tr").count() == 3

        # the image goes stale when the feed is loaded again from scratch: the page says what to do
        with central.db.session() as s:
            feeds.reset_epoch(s, "vacancies", "9")
        tablet.reload()
        assert tablet.text_content("#vacancy-image .st") == "已过期"
        assert "jincai-central-vacancy-image.timer" in tablet.text_content("#vacancy-image")
        assert "epoch 9" in tablet.get_attribute("#vacancy-image .st", "title")

        # 河西区's administrator sees 河西区's kiosk only, and not the others' pages
        hexi = staff_login(browser, central.url, "-", *HEXI)
        hexi.goto(f"{central.url}/staff/fleet/")
        assert [hexi.locator("#kiosks tbody tr").nth(i).get_attribute("data-kiosk") for i in range(1)] == ["K-HX-1"]
        assert hexi.locator("#kiosks tbody tr").count() == 1
        assert hexi.goto(f"{central.url}/staff/fleet/kiosks/K-HP-2").status == 404
        # station staff use their console, not this page
        staff = staff_login(browser, central.url, "S-HP-1", *STAFF)
        assert staff.goto(f"{central.url}/staff/fleet/").status == 403
        assert "区、市管理员" in staff.text_content("#refused")
        assert staff.goto(f"{central.url}/staff/fleet/?problem=everything").status == 403


def test_bad_parameters_get_a_4xx_with_a_reason(tmp_path):
    import requests

    with running_central(f"sqlite:///{tmp_path / 'central.db'}") as central:
        set_up(central)
        s = requests.Session()
        r = s.post(f"{central.url}/staff/login", data={"station": "-", "name": CITY[0], "password": CITY[1]})
        assert r.status_code in (200, 303)
        r = s.get(f"{central.url}/staff/fleet/?problem=everything")
        assert r.status_code == 400 and "筛选条件不对" in r.text
        assert s.get(f"{central.url}/staff/fleet/kiosks/K-HP-1?days=99").status_code == 400
        assert s.get(f"{central.url}/staff/fleet/kiosks/K-HP-1?days=two").status_code == 422
        assert s.get(f"{central.url}/staff/fleet/kiosks/nope").status_code == 404
        assert requests.get(f"{central.url}/staff/fleet/", allow_redirects=False).status_code == 303  # not signed in
