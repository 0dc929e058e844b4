"""Reading what the phone pages show from central's feeds (``feed_items``) and station configs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import FeedItem, StationConfig
from kiosk.domain.geo import describe_distance, distance_m
from kiosk.domain.queue_rules import STATION_TZ

#: the ids feeds use (see kiosk.sync.protocol.Id); anything else is answered 404 without a query
ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


def valid_id(value: str) -> bool:
    return bool(ID_RE.match(value))


def today() -> date:
    return datetime.now(STATION_TZ).date()


def now_local() -> datetime:
    return datetime.now(STATION_TZ).replace(tzinfo=None)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def item(s: Session, feed: str, item_id: str) -> FeedItem | None:
    """The row (tombstone included: ``row.deleted``), or None for an id never seen."""
    if not valid_id(item_id):
        return None
    return s.get(FeedItem, (feed, item_id))


def stations(s: Session) -> list[dict]:
    """Every station: the stations feed, then configured stations the feed does not list."""
    out = [dict(r.data) for r in s.scalars(select(FeedItem).where(FeedItem.feed == "stations",
                                                                  FeedItem.deleted.is_(False)))]
    known = {st["id"] for st in out}
    for sid, cfg in s.execute(select(StationConfig.station_id, StationConfig.config)).all():
        if sid not in known:
            cfg = cfg or {}
            out.append({"id": sid, "name": str(cfg.get("name") or sid), "opening_hours": str(cfg.get("opening_hours") or ""),
                        "address": str(cfg.get("address") or ""), "phone": str(cfg.get("phone") or ""),
                        "district": str(cfg.get("district") or ""), "services": cfg.get("services") or []})
    return sorted(out, key=lambda st: (st.get("district", ""), st.get("name", "")))


def station(s: Session, station_id: str) -> dict | None:
    if not valid_id(station_id):
        return None
    row = s.get(FeedItem, ("stations", station_id))
    if row is not None and not row.deleted:
        return dict(row.data)
    if s.get(StationConfig, station_id) is None:
        return None
    return next((st for st in stations(s) if st["id"] == station_id), None)


def service_names(st: dict) -> list[str]:
    """A station's services: the feed's comma list, or the config's service entries."""
    raw = st.get("services") or []
    if isinstance(raw, str):
        return [x.strip() for x in raw.split(",") if x.strip()]
    return [str(x.get("name") or x.get("code")) for x in raw if isinstance(x, dict)]


def home_station(s: Session, wanted: str, lat: float | None, lon: float | None) -> str:
    """Which station takes a resident's form: the one whose kiosk printed the QR (``?s=``), else the
    station nearest the job or fair, else none."""
    all_ = stations(s)
    if wanted and any(st["id"] == wanted for st in all_):
        return wanted
    placed = [st for st in all_ if isinstance(st.get("lat"), (int, float)) and isinstance(st.get("lon"), (int, float))]
    if lat is None or lon is None or not placed:
        return ""
    return min(placed, key=lambda st: distance_m(lat, lon, st["lat"], st["lon"]))["id"]


def vacancy_open(v: dict, on: date | None = None) -> bool:
    on = on or today()
    try:
        expires = date.fromisoformat(str(v.get("expires_on"))[:10])
    except ValueError:
        expires = date.max
    return v.get("status", "open") == "open" and expires >= on


def similar_open(s: Session, v: dict, limit: int = 5) -> list[dict]:
    """Open jobs of the same category, nearest to the gone one first."""
    cat = str(v.get("category") or "")
    if not cat:
        return []
    rows = s.scalars(select(FeedItem.data).where(FeedItem.feed == "vacancies", FeedItem.deleted.is_(False),
                                                 FeedItem.data["category"].as_string() == cat).limit(300)).all()
    lat, lon = v.get("lat"), v.get("lon")
    found = [r for r in rows if r.get("id") != v.get("id") and vacancy_open(r)]
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        found.sort(key=lambda r: distance_m(lat, lon, r.get("lat", lat), r.get("lon", lon)))
    return found[:limit]


def distance_text(a: dict, b: dict) -> str:
    try:
        return describe_distance(distance_m(a["lat"], a["lon"], b["lat"], b["lon"]))
    except (KeyError, TypeError):
        return ""
