"""Nearby employment stations (附近驿站), from the stations feed, nearest first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.geo import describe_distance, distance_m
from kiosk.domain.i18n import N_, _

if TYPE_CHECKING:
    from kiosk.domain.search import Station
    from kiosk.store.engine import Store

KIND_NAMES = {"street": N_("街道驿站"), "township": N_("乡镇驿站"), "park": N_("园区驿站"), "university": N_("高校驿站")}


@dataclass(frozen=True)
class StationView:
    id: str
    name: str
    kind: str
    address: str
    opening_hours: str
    phone: str
    services: tuple[str, ...]
    distance_m: float
    distance_text: str


def to_row(v: StationView) -> dict:
    return {
        "station_id": v.id,
        "name": v.name,
        "kind": _(KIND_NAMES.get(v.kind, N_("就业驿站"))),
        "distance": v.distance_text,
        "hours": v.opening_hours or _("开放时间请电话咨询"),
        "address": v.address,
        "services": _("、").join(_(s) for s in v.services),
        "phone": v.phone,
    }


class StationService:
    def __init__(self, store: Store, origin: Station, own_id: str) -> None:
        self.store = store
        self.origin = origin
        self.own_id = own_id

    def nearby(self, limit: int = 30) -> list[StationView]:
        """Other stations, nearest first (this station is left out)."""
        from sqlalchemy import select

        from kiosk.store.models import Station

        with self.store.read() as s:
            rows = s.scalars(select(Station).where(Station.id != self.own_id)).all()
            views = [
                StationView(st.id, st.name, st.kind, st.address, st.opening_hours, st.phone,
                            tuple(x for x in st.services.split(",") if x),
                            d := distance_m(self.origin.lat, self.origin.lon, st.lat, st.lon), describe_distance(d))
                for st in rows
            ]
        views.sort(key=lambda v: v.distance_m)
        return views[:limit]
