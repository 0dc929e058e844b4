"""Span marks: a range of posting days or pay steps named by a few aligned spans, not one mark per value."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from kiosk.domain.search import Scope, make_query
from kiosk.store import search as S
from kiosk.store.engine import open_store
from kiosk.store.models import Vacancy
from kiosk.store.search_marks import (
    MARK_PAY_BOTTOM,
    MARK_PAY_BOTTOM_SPAN,
    MARK_PAY_TOP_SPAN,
    MARK_POSTED,
    MARK_POSTED_SPAN,
    SPAN_LEVELS,
    MarkCodes,
    doc_marks,
    span_value,
    spans,
)
from tests.store.test_search_index import ROWS, STATION, TODAY, reference


def _values(found: list[tuple[int, int]]) -> list[int]:
    return [v for level, n in found for v in range(n << level, (n + 1) << level)]


@given(first=st.integers(0, 800_000), length=st.integers(0, 500))
def test_spans_hold_exactly_the_range_each_value_once(first: int, length: int) -> None:
    last = first + length - 1
    found = spans(first, last)
    assert _values(found) == list(range(first, last + 1))
    assert all(0 <= level <= SPAN_LEVELS for level, _ in found)
    # the fewest aligned spans: at most two per level, and the rest in spans of the top level
    assert len(found) <= 2 * (SPAN_LEVELS + 1) + (length >> SPAN_LEVELS)


@pytest.mark.parametrize(("first", "last", "expected"), [
    (0, 10, [(3, 0), (1, 4), (0, 10)]),  # pay at most 5,000 a month: 3 lists instead of 11
    (0, 11, [(3, 0), (2, 2)]),  # pay under 6,000: 2 instead of 12
    (0, 15, [(4, 0)]),
    (5, 5, [(0, 5)]),
    (7, 6, []),
])
def test_spans_of_known_ranges(first: int, last: int, expected: list[tuple[int, int]]) -> None:
    assert spans(first, last) == expected


def test_a_document_holds_the_span_of_its_day_and_pay_at_every_level() -> None:
    store = open_store(None)
    try:
        with store.engine.begin() as conn:
            marks = set(doc_marks(MarkCodes(conn), "家政服务", "open", "2031-02-01", "2031-01-06", "河西区", "全职",
                                  4000, 6600, "month", "家政保洁", 39.1, 117.2))
    finally:
        store.close()
    day = date(2031, 1, 6).toordinal()
    top, bottom = 6600 // 500, 4000 // 500
    assert (MARK_POSTED, "20310106") in marks and (MARK_PAY_BOTTOM, str(bottom)) in marks
    for level in range(1, SPAN_LEVELS + 1):
        assert (MARK_POSTED_SPAN, span_value(level, day >> level)) in marks
        assert (MARK_PAY_TOP_SPAN, span_value(level, top >> level)) in marks
        assert (MARK_PAY_BOTTOM_SPAN, span_value(level, bottom >> level)) in marks
    assert len({span_value(level, 5) for level in range(SPAN_LEVELS + 1)}) == SPAN_LEVELS + 1


@pytest.fixture(scope="module")
def loaded():
    store = open_store(None)
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS)
    S.prepare(store, STATION)
    yield store
    store.close()


def test_a_month_of_days_names_a_few_lists(loaded) -> None:
    q = make_query("服务", scope=Scope.CITY, posted_within_days=30, salary_min=6000, salary_max=8000)
    with loaded.engine.connect() as conn:
        _, (m_all, _, _) = S._marked_match(conn, q, STATION, TODAY)
    posted = m_all.count("zzp") + m_all.count("zzq")
    # 31 days and 12 pay steps below 6,000 and 17 up to 8,000, each value its own list before
    assert 0 < posted <= 8 and m_all.count("zzh") + m_all.count("zzu") == 2
    assert m_all.count("zzl") + m_all.count("zzb") == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text_=st.sampled_from(["员", "工", "服务", "kj", "保洁 bj", "营业员", "kuaidi"]),
       pay_from=st.one_of(st.none(), st.integers(1, 40).map(lambda k: k * 500)),
       pay_width=st.one_of(st.none(), st.integers(0, 40).map(lambda k: k * 500)),
       days=st.one_of(st.none(), st.integers(0, 70)), today_shift=st.integers(-3, 40))
def test_ranges_counted_from_spans_equal_the_reference(loaded, monkeypatch, text_: str, pay_from: int | None,
                                                       pay_width: int | None, days: int | None,
                                                       today_shift: int) -> None:
    monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", 10**9)
    today = TODAY + timedelta(days=today_shift)
    pay_to = None if pay_width is None else (pay_from or 500) + pay_width
    q = make_query(text_, scope=Scope.CITY, salary_min=pay_from, salary_max=pay_to, posted_within_days=days)
    with loaded.engine.connect() as conn:
        assert S._marked_match(conn, q, STATION, today) is not None
    expected = reference(ROWS, q, STATION, today)
    res = S.search(loaded, q, STATION, today=today, limit=50)
    assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:50])
