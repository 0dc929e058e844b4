"""零工 in the search: the 今天 / 明天 filter against a plain reading of the rows, on every plan, and
the end of a day job at midnight."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.domain import demodata
from kiosk.domain.search import Scope, make_query
from kiosk.domain.vacancy_views import DAY_JOB, day_text, to_row
from kiosk.store import search as S
from tests.store.test_search_index import STATION

TODAY = date(2026, 11, 24)
ROWS = list(demodata.vacancies(3000, seed=5, today=TODAY))
PLANS = [S.Plan.AUTO, S.Plan.INDEX, S.Plan.NEAR, S.Plan.FILTER, S.Plan.SCAN]


@pytest.fixture(scope="module")
def loaded(store_template):
    from tests.stores import memory_store_with

    store = memory_store_with(store_template, ROWS)
    yield store
    store.close()


def _working_on(day: date, today: date = TODAY) -> set[str]:
    return {r["id"] for r in ROWS if r["job_type"] == DAY_JOB and r["status"] == "open" and r["expires_on"] >= today
            and (r["work_from"] or r["posted_on"]) <= day <= r["expires_on"]}


def test_the_demo_has_day_jobs_on_each_of_the_next_three_days() -> None:
    for offset in range(3):
        assert _working_on(TODAY + timedelta(days=offset)), offset


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("offset", [0, 1, 2, 5])
def test_a_work_day_lists_exactly_the_day_jobs_working_that_day(loaded, plan: S.Plan, offset: int) -> None:
    day = TODAY + timedelta(days=offset)
    q = make_query(scope=Scope.CITY, job_types=[DAY_JOB], work_day=day)
    got = S.search(loaded, q, STATION, today=TODAY, limit=1000, plan=plan)
    assert {h.id for h in got.hits} == _working_on(day) and got.total == len(_working_on(day))
    assert all(h.work_from is not None and h.work_from <= day for h in got.hits)


def test_a_day_job_is_gone_the_morning_after_its_last_day(loaded) -> None:
    last_today = {r["id"] for r in ROWS if r["job_type"] == DAY_JOB and r["expires_on"] == TODAY}
    assert last_today
    q = make_query(scope=Scope.CITY, job_types=[DAY_JOB])
    on = {h.id for h in S.search(loaded, q, STATION, today=TODAY, limit=1000).hits}
    after = {h.id for h in S.search(loaded, q, STATION, today=TODAY + timedelta(days=1), limit=1000).hits}
    assert last_today <= on and not (last_today & after)


def test_a_day_jobs_row_says_its_days_as_residents_do(loaded) -> None:
    q = make_query(scope=Scope.CITY, job_types=[DAY_JOB], work_day=TODAY + timedelta(days=1))
    hit = S.search(loaded, q, STATION, today=TODAY, limit=1).hits[0]
    row = to_row(hit, STATION, TODAY)
    assert row["place"].split("用工")[0] in ("今天", "明天", "今天至明天", "明天至11月26日")
    assert day_text(TODAY, TODAY, TODAY) == "今天"
    assert day_text(TODAY - timedelta(days=2), TODAY + timedelta(days=1), TODAY) == "今天至明天"
    assert day_text(TODAY + timedelta(days=3), TODAY + timedelta(days=4), TODAY) == "11月27日至11月28日"
