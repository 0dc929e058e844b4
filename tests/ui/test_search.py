"""Searching on the real screen: the letter keyboard, popular occupations, scopes and filters."""

from __future__ import annotations

from kiosk.domain.search import Scope, make_query
from tests.appfixture import open_list, pump, tap, wait_until


def _settle(app, screen):
    """Until the typing debounce has fired and the search has answered: a state, however long
    the frames take."""
    wait_until(lambda: not screen._trigger.is_triggered and not screen.loading and app.background.pending == 0,
               what="search results")


def _type(screen, letters: str) -> None:
    kb = screen.ids.keyboard
    for ch in letters:
        tap(kb.key(ch))


def test_typing_pinyin_initials_finds_cleaners(app):
    open_list(app)
    screen = app.screen("vacancy_list")
    tap(screen.ids.scope_city)
    _settle(app, screen)
    tap(screen.ids.search_box)
    assert screen.keyboard_open
    _type(screen, "bjy")
    assert screen.query_text == "bjy"
    _settle(app, screen)
    rows = screen.ids.rv.data
    titles = [r["title"] for r in rows]
    assert titles[0] == "保洁员"
    # vacancies whose title matches come first; then those whose employer's initials hold "bjy"
    first_other = next((i for i, t in enumerate(titles) if "保洁员" not in t), len(titles))
    assert first_other > 0 and all("保洁员" not in t for t in titles[first_other:])
    expected = app.services.vacancies.find(make_query("bjy", scope=Scope.CITY), limit=0).total
    assert screen.total == expected and f"找到 {expected} 个“bjy”" in screen.summary
    tap(screen.ids.keyboard.key("删除"))
    _settle(app, screen)
    assert screen.query_text == "bj"
    tap(screen.ids.keyboard_done)
    assert not screen.keyboard_open


def test_popular_occupation_chip_and_scope(app):
    open_list(app)
    screen = app.screen("vacancy_list")
    circle_total = screen.total
    tap(screen.ids.scope_city)
    _settle(app, screen)
    assert screen.total > circle_total
    chip = next(c for c in screen.ids.popular.children if c.text == "保安")
    tap(chip)
    _settle(app, screen)
    assert screen.query_text == "保安"
    assert screen.ids.rv.data and all("保安" in r["title"] or "保安" in r["employer"] for r in screen.ids.rv.data)


def test_filter_panel_narrows_and_counts(app):
    open_list(app)
    screen = app.screen("vacancy_list")
    tap(screen.ids.scope_city)
    _settle(app, screen)
    tap(screen.ids.filter_button)
    panel = screen.panel
    pump(2)
    part_time = next(c for c in panel.ids.job_types.children if c.text == "兼职")
    tap(part_time)
    newest = next(c for c in panel.ids.sort.children if c.text == "最新发布")
    tap(newest)
    tap(panel.ids.apply)
    _settle(app, screen)
    assert screen.filter_count == 2 and screen.ids.filter_button.text == "筛选 (2)"
    rows = screen.ids.rv.data
    assert rows and all(r["job_type"] == "兼职" for r in rows)
    assert "按最新发布" in screen.summary
    tap(screen.ids.filter_button)
    pump(2)
    tap(screen.panel.ids.reset_all)
    _settle(app, screen)
    assert screen.filter_count == 0


def test_scrolling_to_the_end_loads_the_next_page(app):
    open_list(app)
    screen = app.screen("vacancy_list")
    tap(screen.ids.scope_city)
    _settle(app, screen)
    assert screen.total > 50 and len(screen.ids.rv.data) == 50
    screen.ids.rv.scroll_y = 0
    screen.on_scroll_stop()
    _settle(app, screen)
    assert len(screen.ids.rv.data) == min(100, screen.total)
    ids = [r["vacancy_id"] for r in screen.ids.rv.data]
    assert len(set(ids)) == len(ids)


def test_leaving_the_visit_clears_the_search(app):
    open_list(app)
    screen = app.screen("vacancy_list")
    tap(screen.ids.search_box)
    _type(screen, "cs")
    _settle(app, screen)
    app.end_visit()
    assert screen.query_text == "" and screen.ids.keyboard.value == "" and screen.scope == "circle"
    assert screen.ids.rv.data == [] and not screen.keyboard_open
