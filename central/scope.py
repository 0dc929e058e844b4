"""Who may see and change what in the back office: the one scope check every staff page uses.

* station staff (``staff``): their own station;
* a district administrator (``district``): every station of their district;
* a city administrator (``city``): every station, plus the accounts and the audit log.

Reading follows ``stations_in_scope``. Changing a record (a status move, a follow-up) and seeing
a full phone or ID number belong to the record's own station: ``may_act`` (an administrator
reads; the station's staff act). A station's district comes from the city's station registry, the
``stations`` feed the kiosks get (not from the station config, whose reply to kiosks is a strict
schema); a station with a config but no registry entry belongs to no district.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.models import FeedItem, StationConfig
from central.staff_auth import StaffSession


def station_districts(s: Session) -> dict[str, str]:
    """Every known station id → its district ("" when nobody said)."""
    out: dict[str, str] = {}
    for sid, data in s.execute(select(FeedItem.id, FeedItem.data).where(FeedItem.feed == "stations",
                                                                       FeedItem.deleted.is_(False))):
        out[sid] = str((data or {}).get("district") or "")
    for sid in s.scalars(select(StationConfig.station_id)):
        out.setdefault(sid, "")
    return out


def stations_in_scope(s: Session, user: StaffSession) -> list[str]:
    """The stations whose records ``user`` may read, sorted."""
    if user.role in ("city", "admin"):
        return sorted(station_districts(s))
    if user.role == "district":
        return sorted(sid for sid, d in station_districts(s).items() if d and d == user.district)
    return [user.station_id] if user.station_id else []


def in_scope(s: Session, user: StaffSession, station_id: str) -> bool:
    return station_id in stations_in_scope(s, user)


def may_act(user: StaffSession, station_id: str) -> bool:
    """Whether ``user`` may change a record of ``station_id`` or see its full phone: its own staff."""
    return bool(user.station_id) and user.station_id == station_id


def narrow(s: Session, user: StaffSession, station: str) -> list[str]:
    """The stations a list shows: ``station`` if given and in scope, else the whole scope."""
    scope = stations_in_scope(s, user)
    return [station] if station and station in scope else scope


def is_city(user: StaffSession) -> bool:
    return user.role in ("city", "admin")
