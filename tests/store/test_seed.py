from datetime import date

from sqlalchemy import func, select

from kiosk.config import load_config
from kiosk.domain import demodata, tianjin
from kiosk.store.models import Announcement, Station, Vacancy
from kiosk.store.seed import seed_demo

TODAY = date(2026, 11, 24)


def test_generator_is_deterministic():
    a = list(demodata.vacancies(300, seed=7, today=TODAY))
    b = list(demodata.vacancies(300, seed=7, today=TODAY))
    c = list(demodata.vacancies(300, seed=8, today=TODAY))
    assert a == b
    assert a != c


def test_generated_vacancies_look_real():
    rows = list(demodata.vacancies(3000, seed=1, today=TODAY))
    assert {r["district"] for r in rows} == set(tianjin.DISTRICT_NAMES)
    assert len(tianjin.DISTRICT_NAMES) == 16
    assert {"全职", "兼职", "公益性岗位", "实习"} <= {r["job_type"] for r in rows}
    for r in rows:
        assert r["salary_min"] <= r["salary_max"]
        if r["salary_unit"] == "月":
            assert r["salary_min"] >= tianjin.MIN_WAGE_MONTHLY
        else:
            assert r["salary_min"] >= tianjin.MIN_WAGE_HOURLY
        assert r["posted_on"] <= TODAY
        assert r["posted_on"] < r["expires_on"]
        assert 38.5 < r["lat"] < 40.3 and 116.6 < r["lon"] < 118.1
        assert r["pinyin_initials"] and r["pinyin_full"]
    expired = sum(r["expires_on"] < TODAY for r in rows)
    withdrawn = sum(r["status"] == "withdrawn" for r in rows)
    assert 0.02 < expired / len(rows) < 0.1
    assert 0.01 < withdrawn / len(rows) < 0.06
    assert len({r["id"] for r in rows}) == len(rows)


def test_pinyin_initials_are_computed():
    row = next(r for r in demodata.vacancies(500, seed=3, today=TODAY) if r["title"] == "保洁员")
    assert row["pinyin_initials"].startswith("bjy ")
    assert row["pinyin_full"].startswith("baojieyuan")


def test_stations_cover_every_street_and_have_unique_ids():
    st = demodata.stations(TODAY)
    assert len(st) == sum(len(d.streets) for d in tianjin.DISTRICTS) + len(demodata.CAMPUS_AND_PARK_STATIONS)
    assert len({s["id"] for s in st}) == len(st)
    assert {s["kind"] for s in st} >= {"street", "township", "park", "university"}


def test_seed_writes_rows_and_reports_progress(store):
    cfg = load_config(env={})
    seen = []
    n = seed_demo(store, 12_000, seed=5, today=TODAY, station=cfg.station, progress=lambda d, t: seen.append((d, t)))
    assert n == 12_000
    assert seen[-1] == (12_000, 12_000) and len(seen) >= 3
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Vacancy)) == 12_000
        assert s.get(Station, cfg.station.id).name == cfg.station.name
        assert s.scalar(select(func.count()).select_from(Announcement)) == len(demodata.ANNOUNCEMENTS)
    # seeding again replaces instead of duplicating
    seed_demo(store, 100, seed=5, today=TODAY, station=cfg.station)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Vacancy)) == 100


def test_seeded_vacancies_are_the_generated_rows_column_for_column(store):
    seed_demo(store, 400, seed=9, today=TODAY)
    generated = {r["id"]: r for r in demodata.vacancies(400, seed=9, today=TODAY)}
    with store.read() as s:
        stored = {v.id: {c.name: getattr(v, c.name) for c in Vacancy.__table__.columns}
                  for v in s.scalars(select(Vacancy))}
    assert stored == generated


def test_a_demo_seeded_before_fairs_and_catalogue_existed_gets_them_once(store):
    from sqlalchemy import delete

    from kiosk.store.models import CatalogueService, JobFair
    from kiosk.store.seed import seed_missing_feeds

    seed_demo(store, 20, today=TODAY)
    with store.session() as s:
        fairs = s.scalar(select(func.count()).select_from(JobFair))
        services = s.scalar(select(func.count()).select_from(CatalogueService))
        assert fairs >= 10 and services >= 15
        s.execute(delete(JobFair))
        s.execute(delete(CatalogueService))
    assert seed_missing_feeds(store, TODAY) == fairs + services
    assert seed_missing_feeds(store, TODAY) == 0  # tables with rows (a central feed's) are left alone
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(JobFair)) == fairs
    # central emptied the fair feed: the demo does not bring its fairs back
    from datetime import datetime

    from kiosk.store.models import FeedCursor

    with store.session() as s:
        s.execute(delete(JobFair))
        s.add(FeedCursor(feed="job_fairs", cursor="1.9", updated_at=datetime(2026, 11, 24)))
    assert seed_missing_feeds(store, TODAY) == 0
