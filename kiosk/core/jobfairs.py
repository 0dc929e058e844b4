"""招聘会: upcoming job fairs from the central feed, nearest to the station first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.domain.dates import when_text
from kiosk.domain.geo import describe_distance, distance_m

if TYPE_CHECKING:
    from kiosk.domain.search import Station
    from kiosk.store.engine import Store

@dataclass(frozen=True)
class FairView:
    id: str
    title: str
    kind: str  # 线下 | 线上 | 直播带岗
    venue: str
    district: str
    address: str
    starts_at: datetime
    ends_at: datetime
    organiser: str
    employers: int
    positions: int
    target_groups: tuple[str, ...]
    description: str
    contact: str
    url: str
    distance_m: float | None  # None: online, no place to go to
    ongoing: bool

    @property
    def on_site(self) -> bool:
        return self.distance_m is not None

    @property
    def distance_text(self) -> str:
        if self.distance_m is None:
            return "线上举办 · 用手机扫码参加" if self.kind == "线上" else "网上直播 · 用手机扫码观看"
        return "距本驿站 " + describe_distance(self.distance_m)

    @property
    def when_text(self) -> str:
        return when_text(self.starts_at, self.ends_at)

    @property
    def scale_text(self) -> str:
        parts = []
        if self.employers:
            parts.append(f"{self.employers} 家单位")
        if self.positions:
            parts.append(f"{self.positions} 个岗位")
        return " · ".join(parts)

    @property
    def groups_text(self) -> str:
        return "、".join(self.target_groups) if self.target_groups else "所有求职者"


def to_row(v: FairView) -> dict:
    """A list row (RecycleView data): every value a string."""
    return {
        "fair_id": v.id,
        "title": v.title,
        "kind": v.kind,
        "when": ("正在进行 · " if v.ongoing else "") + v.when_text,
        "place": v.venue or v.address,
        "distance": v.distance_text,
        "scale": v.scale_text,
        "groups": "面向：" + v.groups_text,
    }


class JobFairService:
    """``now`` gives Tianjin wall-clock time (naive), the same clock the fair times use."""

    def __init__(self, store: Store, origin: Station, now: Callable[[], datetime]) -> None:
        self.store = store
        self.origin = origin
        self.now = now

    def _view(self, row, now: datetime) -> FairView:  # noqa: ANN001 - a kiosk.store.models.JobFair
        dist = (distance_m(self.origin.lat, self.origin.lon, row.lat, row.lon)
                if row.lat is not None and row.lon is not None else None)
        return FairView(
            row.id, row.title, row.kind, row.venue, row.district, row.address, row.starts_at, row.ends_at,
            row.organiser, row.employers, row.positions, tuple(g for g in row.target_groups.split(",") if g),
            row.description, row.contact, row.url, dist, row.starts_at <= now < row.ends_at)

    def upcoming(self, limit: int = 50) -> list[FairView]:
        """Fairs not over yet and not cancelled: on-site ones nearest first, then online ones by date."""
        from sqlalchemy import select

        from kiosk.store.models import JobFair

        now = self.now()
        with self.store.read() as s:
            rows = s.scalars(select(JobFair).where(JobFair.ends_at > now, JobFair.status == "scheduled")).all()
            views = [self._view(r, now) for r in rows]
        views.sort(key=lambda v: (v.distance_m is None, v.distance_m or 0.0, v.starts_at))
        return views[:limit]

    def get(self, fair_id: str) -> FairView | None:
        """One fair, or None when it is gone from the feed, cancelled or over."""
        from kiosk.store.models import JobFair

        now = self.now()
        with self.store.read() as s:
            row = s.get(JobFair, fair_id)
            if row is None or row.status != "scheduled" or row.ends_at <= now:
                return None
            return self._view(row, now)
