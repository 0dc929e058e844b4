from datetime import date, datetime, timedelta

from kiosk.core.vacancies import VacancyService
from kiosk.domain.search import Scope, Station, make_query
from kiosk.domain.vacancy_views import to_row
from kiosk.domain.wages import salary_text
from kiosk.store.models import Vacancy

TODAY = date(2026, 11, 24)
STATION = Station(39.1325, 117.1895, "和平区", "urban")


def _add(store):
    now = datetime(2026, 11, 1)
    base = dict(category="家政服务", employer="E", district="和平区", street="南市街道", address="a",
                salary_min=3000, salary_max=4000, job_type="全职", posted_on=date(2026, 11, 1), updated_at=now)
    with store.session() as s:
        s.add(Vacancy(id="near", title="保洁员", lat=39.1330, lon=117.1900, expires_on=TODAY, **base))
        s.add(Vacancy(id="far", title="保洁员", lat=39.2, lon=117.3, expires_on=TODAY + timedelta(days=3), **base))
        s.add(Vacancy(id="old", title="保洁员", lat=39.1330, lon=117.1900, expires_on=TODAY - timedelta(days=1), **base))
        s.add(Vacancy(id="gone", title="保洁员", lat=39.1330, lon=117.1900, expires_on=TODAY, status="withdrawn",
                      **base))


def test_get_hides_expired_and_withdrawn(store):
    _add(store)
    svc = VacancyService(store, STATION)
    near = svc.get("near", today=TODAY)
    assert near.in_circle and "步行约" in near.distance_text and near.salary == "3000-4000 元/月"
    assert svc.get("far", today=TODAY).in_circle is False
    assert svc.get("old", today=TODAY) is None
    assert svc.get("gone", today=TODAY) is None


def test_counts_and_rows_from_the_search_engine(store):
    _add(store)
    svc = VacancyService(store, STATION)
    assert svc.counts(today=TODAY) == (2, 1)
    result = svc.find(make_query("bj", scope=Scope.CITY), today=TODAY)
    assert [h.id for h in result.hits] == ["near", "far"]
    row = to_row(result.hits[0], STATION)
    assert set(row) == {"vacancy_id", "title", "salary", "employer", "place", "job_type", "in_circle"}
    assert row["in_circle"] and row["salary"] == "3000-4000 元/月" and "步行约" in row["place"]
    assert to_row(result.hits[1], STATION)["in_circle"] is False


def test_salary_text():
    assert salary_text(3000, 4500, "月") == "3000-4500 元/月"
    assert salary_text(25, 30, "时") == "25-30 元/小时"
    assert salary_text(9000, 18000, "月") == "9千-18千 元/月"
