"""Putting stations into districts the way central learns it: the ``stations`` feed."""

from __future__ import annotations

from datetime import datetime


def in_district(db, station_id: str, name: str, district: str) -> None:
    from central import feeds

    with db.session() as s:
        feeds.put(s, "stations", [{"id": station_id, "name": name, "district": district, "street": "", "lat": 39.1,
                                   "lon": 117.2, "updated_at": datetime(2026, 1, 1).isoformat()}])
