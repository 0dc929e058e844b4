from datetime import date, datetime, timedelta

from kiosk.core.geo import distance_m
from kiosk.core.vacancies import Origin, VacancyService, salary_text, to_row
from kiosk.store.models import Vacancy
from kiosk.store.seed import seed_demo

TODAY = date(2026, 11, 24)
ORIGIN = Origin(39.1325, 117.1895, "urban")


def test_nearest_is_sorted_and_excludes_expired_and_withdrawn(store):
    seed_demo(store, 3000, seed=11, today=TODAY)
    svc = VacancyService(store, ORIGIN)
    views = svc.nearest(limit=200, today=TODAY)
    assert len(views) == 200
    dists = [v.distance_m for v in views]
    assert dists == sorted(dists)
    with store.read() as s:
        everything = s.query(Vacancy).all()
    open_ = [v for v in everything if v.status == "open" and v.expires_on >= TODAY]
    brute = sorted(distance_m(ORIGIN.lat, ORIGIN.lon, v.lat, v.lon) for v in open_)[:200]
    assert max(abs(a - b) for a, b in zip(dists, brute)) < 1.0
    ids = {v.id for v in views}
    bad = {v.id for v in everything if v.status != "open" or v.expires_on < TODAY}
    assert not ids & bad


def test_get_hides_expired_and_counts_circle(store):
    now = datetime(2026, 11, 1)
    base = dict(category="保洁", employer="E", district="和平区", street="南市街道", address="a",
                salary_min=3000, salary_max=4000, job_type="全职", posted_on=date(2026, 11, 1), updated_at=now)
    with store.session() as s:
        s.add(Vacancy(id="near", title="保洁员", lat=39.1330, lon=117.1900, expires_on=TODAY, **base))
        s.add(Vacancy(id="far", title="保洁员", lat=39.2, lon=117.3, expires_on=TODAY + timedelta(days=3), **base))
        s.add(Vacancy(id="old", title="保洁员", lat=39.1330, lon=117.1900, expires_on=TODAY - timedelta(days=1), **base))
        s.add(Vacancy(id="gone", title="保洁员", lat=39.1330, lon=117.1900, expires_on=TODAY, status="withdrawn", **base))
    svc = VacancyService(store, ORIGIN)
    assert svc.get("near", today=TODAY).in_circle
    assert svc.get("far", today=TODAY).in_circle is False
    assert svc.get("old", today=TODAY) is None
    assert svc.get("gone", today=TODAY) is None
    assert svc.counts(today=TODAY) == (2, 1)
    row = to_row(svc.get("near", today=TODAY))
    assert set(row) == {"vacancy_id", "title", "salary", "employer", "place", "job_type", "in_circle"}
    assert "步行约" in row["place"]


def test_salary_text():
    assert salary_text(3000, 4500, "月") == "3000-4500 元/月"
    assert salary_text(25, 30, "时") == "25-30 元/小时"
    assert salary_text(9000, 18000, "月") == "9千-18千 元/月"
