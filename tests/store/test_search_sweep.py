"""Sweeping expired vacancies into the withdrawn mark: the marks it leaves, and searches that stay
right before, after and between sweeps, after feed updates and with the clock set back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, text, update

from kiosk.domain import demodata, pinyin
from kiosk.domain.search import Scope, make_query
from kiosk.store import search as S
from kiosk.store.models import Vacancy
from kiosk.store.search_marks import MARK_DEAD
from tests.store.test_search_index import PLANS, STATION, reference

TODAY = date(2026, 11, 24)
ROWS = list(demodata.vacancies(600, seed=11, today=TODAY))
#: Short and long terms, with and without filters: the searches the marks count (``_marked_match``).
QUERIES = [make_query("员", scope=Scope.CITY), make_query("工", scope=Scope.CITY, job_types={"全职"}),
           make_query("服务", scope=Scope.CITY, posted_within_days=30), make_query("bj", scope=Scope.CITY),
           make_query("营业员", scope=Scope.CITY), make_query("baojie", scope=Scope.CITY, salary_max=6000),
           make_query("", scope=Scope.CITY)]


def _dead(store) -> set[str]:
    """The vacancies that carry the withdrawn mark in the short-term index."""
    with store.engine.connect() as c:
        return set(c.execute(text(
            "SELECT v.vacancy_id FROM search_grams g JOIN search_docs v ON v.docid = g.rowid "
            "WHERE search_grams MATCH :m"), {"m": MARK_DEAD}).scalars())


def _retitled(row: dict, title: str) -> dict:
    parts = (title, row["employer"], row["category"])
    return dict(title=title, pinyin_initials=" ".join(map(pinyin.initials, parts)),
                pinyin_full=" ".join(map(pinyin.full, parts)))


def _should_be_dead(rows: list[dict], swept: date) -> set[str]:
    return {r["id"] for r in rows if r["status"] != "open" or r["expires_on"] < swept}


def _check(store, rows: list[dict], today: date) -> None:
    for q in QUERIES:
        expected = reference(rows, q, STATION, today)
        for plan in PLANS:
            assert S.search_ids(store, q, STATION, today=today, plan=plan) == expected, (q.text, plan, today)
        page = S.search(store, q, STATION, today=today, limit=20)
        assert (page.total, [h.id for h in page.hits]) == (len(expected), expected[:20]), (q.text, today)


@pytest.fixture
def filled(store):
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS)
    S.refresh_index(store)
    return store


def test_a_sweep_marks_what_expired_before_the_day_and_nothing_else(filled) -> None:
    assert _dead(filled) == _should_be_dead(ROWS, date.min)  # nothing swept: withdrawn only
    expired_open = {r["id"] for r in ROWS if r["status"] == "open" and r["expires_on"] < TODAY}
    assert expired_open
    assert S.sweep_expired(filled, TODAY) == len(expired_open)
    assert _dead(filled) == _should_be_dead(ROWS, TODAY)
    assert S.sweep_expired(filled, TODAY) == 0
    assert S.sweep_expired(filled, TODAY - timedelta(days=3)) == 0  # never back
    with filled.engine.connect() as c:
        assert S.swept_day(c) == TODAY.isoformat()


def test_searches_are_right_swept_unswept_and_with_days_since_the_sweep(filled) -> None:
    _check(filled, ROWS, TODAY)  # nothing swept
    S.sweep_expired(filled, TODAY - timedelta(days=5))
    _check(filled, ROWS, TODAY)  # five days expired since the sweep: left out day by day
    S.sweep_expired(filled, TODAY)
    _check(filled, ROWS, TODAY)
    # the next days: what expired since is not swept, and must still be left out
    later = TODAY + timedelta(days=40)
    assert any(TODAY <= r["expires_on"] < later and r["status"] == "open" for r in ROWS)
    _check(filled, ROWS, later)


def test_a_clock_set_back_before_the_swept_day_still_finds_what_is_live_then(filled) -> None:
    S.sweep_expired(filled, TODAY + timedelta(days=30))
    assert any(TODAY <= r["expires_on"] < TODAY + timedelta(days=30) and r["status"] == "open" for r in ROWS)
    _check(filled, ROWS, TODAY)


def test_feed_updates_after_a_sweep_keep_the_marks_right(filled) -> None:
    S.sweep_expired(filled, TODAY)
    rows = {r["id"]: dict(r) for r in ROWS}
    live = [r for r in ROWS if r["status"] == "open" and r["expires_on"] >= TODAY + timedelta(days=10)][:3]
    swept = [r for r in ROWS if r["status"] == "open" and r["expires_on"] < TODAY][:2]
    changes = {live[0]["id"]: dict(expires_on=TODAY - timedelta(days=2)),  # expired before the swept day
               live[1]["id"]: _retitled(live[1], "钟表修理工"),
               live[2]["id"]: dict(status="withdrawn"),
               swept[0]["id"]: dict(expires_on=TODAY + timedelta(days=20)),  # extended: live again
               swept[1]["id"]: _retitled(swept[1], "面包师")}
    with filled.session() as s:
        for vid, values in changes.items():
            s.execute(update(Vacancy).where(Vacancy.id == vid).values(**values))
    for vid, values in changes.items():
        rows[vid].update(values)
    S.refresh_index(filled)
    # a document taken out with other marks than it went in with would be left in the index
    with filled.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM search_grams WHERE search_grams MATCH '钟表'")).scalar() == 1
    assert _dead(filled) == _should_be_dead(list(rows.values()), TODAY)
    _check(filled, list(rows.values()), TODAY)
    assert S.search_ids(filled, make_query("钟表", scope=Scope.CITY), STATION, today=TODAY) == [live[1]["id"]]
    assert S.search_ids(filled, make_query("面包", scope=Scope.CITY), STATION, today=TODAY) == []


def test_a_rebuild_keeps_the_swept_day_and_its_marks(filled) -> None:
    S.sweep_expired(filled, TODAY)
    S.rebuild_index(filled)
    assert _dead(filled) == _should_be_dead(ROWS, TODAY)
    _check(filled, ROWS, TODAY + timedelta(days=2))


def test_prepare_sweeps_only_when_given_the_day(filled) -> None:
    S.prepare(filled, STATION)
    assert _dead(filled) == _should_be_dead(ROWS, date.min)
    S.prepare(filled, STATION, TODAY)
    assert _dead(filled) == _should_be_dead(ROWS, TODAY)
