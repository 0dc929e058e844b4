"""Many visits in a row must not grow memory: screens are reused, textures and rows are not
leaked, and nothing of a visit survives it. The suite runs the short version; `make soak` (CI's
step after the suite) the long one."""

from __future__ import annotations

import gc

import psutil
import pytest

from tests.appfixture import first_row, open_list, pump, tap, wait_until


def _visit(app) -> None:
    rv = open_list(app)
    tap(first_row(rv))
    detail = app.screen("vacancy_detail")
    wait_until(lambda: detail.vacancy is not None, what="detail")
    detail.ids.scroll.scroll_y = 0
    pump(2)
    tap(detail.ids.back_to_list)
    rv.scroll_y = 0.5
    pump(2)
    app.end_visit()
    wait_until(lambda: app.background.pending == 0, what="background jobs")


def _rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def _soak(app, visits: int) -> tuple[float, float]:
    for _ in range(5):  # warm-up: caches, textures, first-use allocations
        _visit(app)
    before = _rss_mb()
    for _ in range(visits):
        _visit(app)
    return before, _rss_mb()


def test_short_soak_keeps_memory_flat(app):
    before, after = _soak(app, 25)
    # generous bound for the short run; the figures of the long run belong in the soak report
    assert after - before < 40, f"RSS grew {after - before:.1f} MB over 25 visits"
    assert app.visits.current.is_empty


@pytest.mark.soak
@pytest.mark.timeout(3600)
def test_long_soak_keeps_memory_flat(app):
    before, after = _soak(app, 400)
    growth_pct = 100 * (after - before) / before
    print(f"\nlong soak: RSS {before:.1f} MB -> {after:.1f} MB over 400 visits ({growth_pct:+.1f} %)")
    assert after - before < 30, f"RSS grew {after - before:.1f} MB over 400 visits"
    assert growth_pct < 5, f"RSS grew {growth_pct:.1f} % over 400 visits"
