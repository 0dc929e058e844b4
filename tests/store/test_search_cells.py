"""The cell marks a circle search reads its hits from: every place in the circle is in one of its
cells, and vacancies on the circle's edge are in or out exactly as the distance says."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from kiosk.domain import geo, pinyin
from kiosk.domain.search import Scope, Station, make_query
from kiosk.store import search as S
from kiosk.store.engine import open_store
from kiosk.store.models import Vacancy
from kiosk.store.search_marks import cell_of, cells_around
from tests.store.test_search_index import ROWS, RURAL, STATION, TODAY, queries, reference


@pytest.fixture(scope="module")
def indexed():
    store = open_store(None)
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS)
    yield store
    store.close()


def _at(station: Station, metres: float, bearing_deg: float) -> tuple[float, float]:
    """The place ``metres`` from the station in the direction ``bearing_deg`` (a sphere)."""
    d = metres / geo.EARTH_RADIUS_M
    b, lat1, lon1 = math.radians(bearing_deg), math.radians(station.lat), math.radians(station.lon)
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
    lon2 = lon1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2))
    return math.degrees(lat2), math.degrees(lon2)


@given(lat=st.floats(38.6, 40.2), lon=st.floats(116.7, 118.1), rural=st.booleans(),
       share=st.floats(0, 1), bearing=st.floats(0, 360))
def test_every_place_in_the_circle_is_in_one_of_its_cells(lat, lon, rural, share, bearing) -> None:
    station = Station(lat, lon, "和平区", "rural" if rural else "urban")
    p = _at(station, share * station.radius_m, bearing)
    assume(geo.distance_m(lat, lon, *p) <= station.radius_m)
    assert cell_of(*p) in cells_around(lat, lon, station.radius_m)


def test_cells_are_few_and_distinct() -> None:
    for station in (STATION, RURAL):
        cells = cells_around(station.lat, station.lon, station.radius_m)
        assert len(set(cells)) == len(cells) <= S.MAX_CIRCLE_CELLS
    assert cell_of(39.1325, 117.1895) != cell_of(39.1425, 117.1895) != cell_of(39.1325, 117.1995)


@pytest.mark.parametrize("station", [STATION, RURAL], ids=["urban", "rural"])
def test_vacancies_on_the_edge_of_the_circle_are_in_or_out_by_their_distance(store, station) -> None:
    base = next(r for r in ROWS if r["status"] == "open" and r["expires_on"] >= TODAY)
    rows = []
    for k in range(24):
        for metres, tag in ((station.radius_m - 1, "in"), (station.radius_m + 1, "out"), (station.radius_m / 2, "mid")):
            lat, lon = _at(station, metres, k * 15)
            title = "钟表修理工"
            parts = (title, base["employer"], base["category"])
            rows.append(dict(base, id=f"{tag}{k}", title=title, lat=lat, lon=lon,
                             pinyin_initials=" ".join(map(pinyin.initials, parts)),
                             pinyin_full=" ".join(map(pinyin.full, parts))))
    with store.session() as s:
        s.execute(insert(Vacancy), rows)
    for text_ in ("钟表", "修理工", "zbxlg", "xiuligong", "钟 工"):
        q = make_query(text_, scope=Scope.CIRCLE)
        assert S._circle_match(q, station) is not None  # read from the cells
        expected = reference(rows, q, station)
        assert {i.rstrip("0123456789") for i in expected} == {"in", "mid"}
        assert S.search_ids(store, q, station, today=TODAY, plan=S.Plan.NEAR) == expected
        assert [h.id for h in S.search(store, q, station, today=TODAY, limit=100).hits] == expected
        page = S.search(store, q, station, today=TODAY, limit=10, offset=5)
        assert (page.total, [h.id for h in page.hits]) == (len(expected), expected[5:15])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries(), station=st.sampled_from([STATION, RURAL]), offset=st.sampled_from([0, 3]))
def test_circle_searches_from_the_cells_equal_the_reference(indexed, q, station, offset) -> None:
    q = replace(q, scope=Scope.CIRCLE)
    res = S.search(indexed, q, station, today=TODAY, limit=400, offset=offset)
    expected = reference(ROWS, res.query, station)
    assert res.total == len(expected)
    assert [h.id for h in res.hits] == expected[offset:offset + 400]
