"""The fleet as city IT sees it: every kiosk's last heartbeat, its history and its problems.

A kiosk's state comes from its heartbeat (``Kiosk.last_heartbeat``, every minute) and the time it
was last heard from. ``problems`` names what is wrong with one kiosk now; ``check`` compares that
with the open alerts, opens and closes them, and sends each new one to the configured receiver
(``CENTRAL_ALERT_WEBHOOK``: a JSON POST, e.g. the city's SMS or e-mail gateway). It runs every
minute (``python -m central fleet-check``, deploy/systemd's timer) and whenever the fleet page is
shown, so the page is never staler than the data.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from central.models import FleetAlert, Kiosk, KioskSample
from central.scope import station_districts

log = logging.getLogger("central.fleet")

#: no heartbeat for this long: the kiosk is offline (they come every minute)
OFFLINE_AFTER_S = 300
#: events waiting this long on a kiosk that is online: its outbox is stuck
OUTBOX_STUCK_S = 1800
#: a kiosk clock this far from central's
CLOCK_OFF_S = 120
#: how often a heartbeat is kept in the history, and for how long
SAMPLE_EVERY_S = 300
HISTORY_DAYS = 14
WEBHOOK_ENV = "CENTRAL_ALERT_WEBHOOK"

KIND_NAMES = {"offline": "离线", "device": "设备故障", "outbox": "上传积压", "crash_loop": "反复崩溃",
              "clock": "时钟偏差"}
DEVICE_NAMES = {"printer": "打印机", "idcard": "读卡器", "scanner": "扫码器", "camera": "摄像头", "app": "程序"}
#: what the kiosks' device states mean (kiosk.devices: the printer's, the reader's and the scanner's)
STATE_NAMES = {"paper_out": "缺纸", "paper_near_end": "纸将用完", "cover_open": "仓盖打开", "offline": "脱机",
               "unknown": "状态不明", "error": "故障", "disconnected": "未连接", "no_device": "未连接",
               "crash_loop": "反复崩溃", "starting": "启动中"}
#: device states that are not a problem (a reader or scanner still starting is not one yet)
OK_STATES = frozenset({"ok", "paper_near_end", "starting"})


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class KioskState:
    """One row of the fleet page."""

    id: str
    station_id: str
    station_name: str
    district: str
    enabled: bool
    last_seen_at: datetime | None
    beat: dict

    @property
    def version(self) -> str:
        return str(self.beat.get("app_version", ""))

    @property
    def devices(self) -> dict[str, dict]:
        return dict(self.beat.get("devices") or {})

    def devices_not_ok(self) -> dict[str, str]:
        return {name: str(d.get("state", "")) for name, d in self.devices.items()
                if str(d.get("state", "")).lower() not in OK_STATES}

    def seconds_silent(self, now: datetime) -> float | None:
        return None if self.last_seen_at is None else (now - self.last_seen_at).total_seconds()


def states(s: Session, stations: Iterable[str] | None = None) -> list[KioskState]:
    """Every enabled kiosk (of ``stations``; None: all), sorted by district, station and id."""
    from central.models import FeedItem

    names = {sid: str((data or {}).get("name") or "") for sid, data in s.execute(
        select(FeedItem.id, FeedItem.data).where(FeedItem.feed == "stations", FeedItem.deleted.is_(False)))}
    districts = station_districts(s)
    wanted = None if stations is None else set(stations)
    rows = [KioskState(k.id, k.station_id, names.get(k.station_id, ""), districts.get(k.station_id, ""), k.enabled,
                       k.last_seen_at, dict(k.last_heartbeat or {}))
            for k in s.scalars(select(Kiosk)) if k.enabled and (wanted is None or k.station_id in wanted)]
    return sorted(rows, key=lambda r: (r.district, r.station_id, r.id))


def newest_version(rows: Iterable[KioskState]) -> str:
    """The newest version any kiosk runs (what the others should catch up with)."""
    def key(v: str) -> tuple:
        return tuple(int(p) if p.isdigit() else -1 for p in v.replace("+", ".").split("."))

    versions = [r.version for r in rows if r.version]
    return max(versions, key=key) if versions else ""


def problems(k: KioskState, now: datetime) -> dict[str, str]:
    """What is wrong with ``k`` now: kind → what to say about it."""
    out: dict[str, str] = {}
    silent = k.seconds_silent(now)
    if silent is None or silent > OFFLINE_AFTER_S:
        out["offline"] = "从未联系中心" if silent is None else f"{int(silent // 60)} 分钟没有心跳"
        return out  # what it said last is stale; the rest would be guesses
    bad = k.devices_not_ok()
    if bad.get("app") == "crash_loop":
        out["crash_loop"] = str(k.devices.get("app", {}).get("detail", ""))[:200] or "暂停服务"
        bad.pop("app")
    if bad:
        out["device"] = "、".join(f"{DEVICE_NAMES.get(n, n)}：{STATE_NAMES.get(st.lower(), st)}"
                                  for n, st in sorted(bad.items()))[:200]
    oldest = float(k.beat.get("outbox_oldest_age_s") or 0)
    if int(k.beat.get("outbox_pending") or 0) > 0 and oldest > OUTBOX_STUCK_S:
        out["outbox"] = f"{k.beat.get('outbox_pending')} 条待上传，最早的已等 {int(oldest // 60)} 分钟"
    offset = float(k.beat.get("clock_offset_s") or 0)
    if abs(offset) > CLOCK_OFF_S:
        out["clock"] = f"本机时钟与中心相差 {offset:+.0f} 秒"
    return out


def record_sample(s: Session, kiosk: Kiosk, now: datetime) -> bool:
    """Keep this heartbeat in the history when the last kept one is ``SAMPLE_EVERY_S`` old."""
    if kiosk.last_sample_at is not None and (now - kiosk.last_sample_at).total_seconds() < SAMPLE_EVERY_S:
        return False
    beat = dict(kiosk.last_heartbeat or {})
    state = KioskState(kiosk.id, kiosk.station_id, "", "", True, now, beat)
    s.add(KioskSample(kiosk_id=kiosk.id, at=now, uptime_s=float(beat.get("uptime_s") or 0),
                      outbox_pending=int(beat.get("outbox_pending") or 0),
                      outbox_oldest_age_s=float(beat.get("outbox_oldest_age_s") or 0),
                      clock_offset_s=float(beat.get("clock_offset_s") or 0), rss_mb=float(beat.get("rss_mb") or 0),
                      disk_free_mb=float(beat.get("disk_free_mb") or 0),
                      devices_not_ok=",".join(sorted(state.devices_not_ok()))[:120]))
    kiosk.last_sample_at = now
    return True


def history(s: Session, kiosk_id: str, days: int = 3, now: datetime | None = None) -> list[KioskSample]:
    since = (now or utcnow()) - timedelta(days=days)
    return list(s.scalars(select(KioskSample).where(KioskSample.kiosk_id == kiosk_id, KioskSample.at >= since)
                          .order_by(KioskSample.at)))


def purge_history(s: Session, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - timedelta(days=HISTORY_DAYS)
    return s.execute(delete(KioskSample).where(KioskSample.at < cutoff)).rowcount or 0


def check(s: Session, now: datetime | None = None) -> list[FleetAlert]:
    """Open an alert for every new problem, close those that are gone; returns the new ones."""
    now = now or utcnow()
    open_ = {(a.kiosk_id, a.kind): a for a in s.scalars(select(FleetAlert).where(FleetAlert.ended_at.is_(None)))}
    seen: set[tuple[str, str]] = set()
    new: list[FleetAlert] = []
    for k in states(s):
        for kind, detail in problems(k, now).items():
            seen.add((k.id, kind))
            alert = open_.get((k.id, kind))
            if alert is None:
                alert = FleetAlert(kiosk_id=k.id, station_id=k.station_id, kind=kind, detail=detail, started_at=now)
                s.add(alert)
                new.append(alert)
            else:
                alert.detail = detail
    for key, alert in open_.items():
        if key not in seen:
            alert.ended_at = now
    s.flush()
    return new


def alerts(s: Session, stations: Iterable[str] | None = None, days: int = 7, now: datetime | None = None
           ) -> list[FleetAlert]:
    """Open alerts and those that ended in the last ``days``, newest first."""
    since = (now or utcnow()) - timedelta(days=days)
    q = select(FleetAlert).where((FleetAlert.ended_at.is_(None)) | (FleetAlert.ended_at >= since))
    if stations is not None:
        q = q.where(FleetAlert.station_id.in_(list(stations)))
    return list(s.scalars(q.order_by(FleetAlert.started_at.desc(), FleetAlert.id.desc())))


def alert_json(a: FleetAlert) -> dict:
    return {"id": a.id, "kiosk_id": a.kiosk_id, "station_id": a.station_id, "kind": a.kind,
            "kind_name": KIND_NAMES.get(a.kind, a.kind), "detail": a.detail,
            "started_at": a.started_at.isoformat() + "Z",
            "ended_at": a.ended_at.isoformat() + "Z" if a.ended_at else None}


def notify(new: list[FleetAlert], url: str | None = None, timeout_s: float = 10.0) -> int:
    """POST the new alerts as JSON to the receiver (``$CENTRAL_ALERT_WEBHOOK``); marks those sent.
    A receiver that fails is logged and tried again for the alerts not yet sent at the next check."""
    url = url if url is not None else os.environ.get(WEBHOOK_ENV, "")
    if not url or not new:
        return 0
    body = json.dumps({"source": "jincai-central", "alerts": [alert_json(a) for a in new]},
                      ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 - the configured receiver
            if resp.status >= 300:
                raise urllib.error.HTTPError(url, resp.status, "not accepted", resp.headers, None)
    except (urllib.error.URLError, OSError) as e:
        log.warning("fleet alerts not delivered to the receiver (%d waiting): %s", len(new), e)
        return 0
    for a in new:
        a.notified = True
    return len(new)


def check_and_notify(db, now: datetime | None = None, url: str | None = None) -> dict:  # noqa: ANN001 - a Database
    """``python -m central fleet-check``: check, then send every alert not yet sent."""
    with db.session() as s:
        new = check(s, now)
        waiting = list(s.scalars(select(FleetAlert).where(FleetAlert.notified.is_(False),
                                                           FleetAlert.ended_at.is_(None))))
        sent = notify(waiting, url)
        return {"new": [alert_json(a) for a in new], "sent": sent, "waiting": len(waiting) - sent}
