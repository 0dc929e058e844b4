"""Which stations a console account may see in the workload ledger, and what it asked to see.

``visible_stations`` is the one place that maps an account's role to stations; everything else
(the choices offered, whether a station, a district or the city may be shown) follows from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from central.ledger_report import Station
from central.scope import is_city
from central.staff_auth import StaffSession


def visible_stations(sess: StaffSession, known: dict[str, Station]) -> frozenset[str] | None:
    """The stations ``sess`` may see; None: every station (the city). The roles are those of
    ``central.scope``: a city administrator sees the city, a district administrator the stations of
    their district, station staff their own station."""
    if is_city(sess):
        return None
    if sess.role == "district":
        return frozenset(sid for sid, st in known.items() if st.district and st.district == sess.district)
    return frozenset({sess.station_id}) if sess.station_id else frozenset()


@dataclass(frozen=True)
class Selection:
    level: str  # station | district | city
    key: str  # the station id or district name ("" for the city)
    stations: frozenset[str] | None  # None: the whole city
    title: str


class NotAllowed(Exception):
    """The account may not see what it asked for; the message is for the page."""


def districts_of(known: dict[str, Station]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for sid, st in known.items():
        out.setdefault(st.district, set()).add(sid)
    return {d: frozenset(ids) for d, ids in sorted(out.items())}


def choices(sess: StaffSession, known: dict[str, Station]) -> tuple[list[Station], list[str], bool]:
    """What the page offers: the stations, the whole districts, and whether the city."""
    visible = visible_stations(sess, known)
    stations = sorted((st for sid, st in known.items() if visible is None or sid in visible),
                      key=lambda st: (st.district, st.id))
    if visible is not None and not stations:
        stations = [Station(sid, sid, "") for sid in sorted(visible)]
    districts = [d for d, ids in districts_of(known).items()
                 if visible is None or (len(visible) > 1 and ids <= visible)]
    return stations, districts, visible is None


def choose(sess: StaffSession, known: dict[str, Station], station: str = "", district: str = "") -> Selection:
    """What to show for the page's parameters; raises NotAllowed for a station or district out of scope."""
    visible = visible_stations(sess, known)
    if station:
        if visible is not None and station not in visible:
            raise NotAllowed("您的账号不能查看这个驿站")
        if visible is None and station not in known:
            raise NotAllowed("没有这个驿站")
        st = known.get(station)
        return Selection("station", station, frozenset({station}), st.name if st else station)
    if district:
        ids = districts_of(known).get(district)
        if not ids:
            raise NotAllowed("没有这个区")
        if visible is not None and not ids <= visible:
            raise NotAllowed("您的账号不能查看这个区")
        return Selection("district", district, ids, district)
    if visible is None:
        return Selection("city", "", None, "全市")
    if len(visible) == 1:
        (only,) = visible
        st = known.get(only)
        return Selection("station", only, visible, st.name if st else only)
    return Selection("district", "", visible, "我的辖区")
