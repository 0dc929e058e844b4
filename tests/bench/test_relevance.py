"""The labelled set of resident queries: kept, well formed, and answered well (the bench's goal)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from bench import relevance
from kiosk.domain import demodata
from kiosk.domain.search import Station, parse_terms
from kiosk.store.models import Vacancy

TODAY = date(2026, 11, 24)
STATION = Station(39.1325, 117.1895, "和平区", "urban")


def test_the_labelled_set_is_large_and_well_formed() -> None:
    queries = relevance.load_queries()
    assert len(queries) >= 150
    assert len({q.query for q in queries}) == len(queries), "a query is labelled twice"
    for q in queries:
        assert parse_terms(q.query), q.query
        assert q.accepted and q.kind, q.query
    kinds = {q.kind for q in queries}
    assert any("拼音" in k for k in kinds) and any("首字母" in k for k in kinds) and any("错" in k for k in kinds)


def test_scoring_counts_acceptable_jobs_on_the_first_screen() -> None:
    assert relevance.score(["保洁员"] * 10, ("保洁员",), 50) == (1.0, 1.0)
    assert relevance.score(["厨师", "保洁员"], ("保洁员",), 1) == (1.0, 0.5)
    assert relevance.score(["厨师"] * 10, ("保洁员",), 50) == (0.0, 0.0)
    assert relevance.score(["公共环境保洁员", "厨师"], ("保洁员",), 4) == (0.25, 1.0)


@pytest.fixture(scope="module")
def seeded(store_template):
    from tests.stores import memory_store

    store = memory_store(store_template)
    with store.session() as s:
        s.execute(insert(Vacancy), list(demodata.vacancies(3000, seed=5, today=TODAY)))
    yield store
    store.close()


def test_the_vocabulary_and_ranking_reach_the_goal_and_beat_the_literal_search(seeded) -> None:
    queries = relevance.load_queries()
    now = relevance.evaluate(seeded, STATION, TODAY, queries, literal=False, repeat=0)
    base = relevance.evaluate(seeded, STATION, TODAY, queries, literal=True, repeat=0)
    print(f"recall@10 {now['recall_at_10']} (literal {base['recall_at_10']}), mrr {now['mrr']} (literal "
          f"{base['mrr']}), zero results {now['zero_result_queries']} (literal {base['zero_result_queries']})")
    assert now["queries_scored"] >= 150
    assert now["recall_at_10"] >= relevance.GOAL_RECALL, now["misses"]
    assert now["recall_at_10"] > base["recall_at_10"] + 0.3
    assert now["mrr"] > base["mrr"]
    assert now["zero_result_queries"] == 0, now["zero_results"]
