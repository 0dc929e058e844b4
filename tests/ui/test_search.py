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


def _retype(app, screen, letters: str) -> None:
    while screen.ids.keyboard.value:
        tap(screen.ids.keyboard.key("删除"))
    _type(screen, letters)
    _settle(app, screen)


def _city_search(app, letters: str):
    """The list, city wide, with ``letters`` typed on the keyboard and the search answered."""
    open_list(app)
    screen = app.screen("vacancy_list")
    tap(screen.ids.scope_city)
    tap(screen.ids.search_box)
    _retype(app, screen, letters)
    return screen


def test_a_residents_word_and_a_slip_are_understood_and_said(app):
    screen = _city_search(app, "baomu")
    assert screen.notice == "也为您找了：家政服务员、育婴员"
    assert screen.ids.notice.height > 0 and screen.ids.notice.opacity == 1
    assert screen.ids.rv.data and {r["title"] for r in screen.ids.rv.data[:20]} <= {"家政服务员", "育婴员"}
    _retype(app, screen, "baojei")
    assert screen.notice == "已按“保洁”为您查找"
    assert screen.ids.rv.data and all("保洁" in r["title"] for r in screen.ids.rv.data[:10])
    _retype(app, screen, "bj")
    assert screen.notice == "" and screen.ids.notice.height == 0


def test_nothing_found_offers_words_and_groups_instead_of_a_dead_end(app):
    screen = _city_search(app, "baojjjie")
    wait_until(lambda: screen.empty and app.background.pending == 0, what="the empty-result page")
    assert screen.total == 0
    assert screen.ids.rv.parent is None and screen.ids.browse.parent is not None  # the tiles replace the list
    words = [b.text for b in reversed(screen.ids.suggestions.children)]
    assert words and words[0] == "保洁"
    assert all(b.height >= 120 for b in screen.ids.suggestions.children)
    tiles = screen._tiles
    assert all(t.subtitle.endswith("个岗位") or t.subtitle == "暂无岗位" for t in tiles.values())
    assert "没有找到“baojjjie”" in screen.browse_heading
    tap(screen.ids.suggestions.children[-1])
    _settle(app, screen)
    assert screen.query_text == "保洁" and screen.total > 0 and not screen.empty
    assert screen.ids.rv.parent is not None and screen.ids.browse.parent is None


def test_browsing_by_group_shows_counts_in_the_scope_and_lists_one_group(app):
    from kiosk.domain.jobwords import GROUPS

    open_list(app)
    screen = app.screen("vacancy_list")
    _settle(app, screen)
    tap(screen.group_chip)
    wait_until(lambda: screen.browse_open and app.background.pending == 0
               and all(t.subtitle for t in screen._tiles.values()), what="the group tiles")
    counts = app.services.vacancies.group_counts(make_query(scope=Scope.CIRCLE))
    for g in GROUPS:
        tile = screen._tiles[g]
        assert tile.subtitle == (f"{counts[g]} 个岗位" if counts[g] else "暂无岗位"), g
        assert tile.height >= 120 and tile.width >= 120
    assert sum(counts.values()) == screen.total
    group = max(counts, key=counts.get)
    tap(screen._tiles[group])
    _settle(app, screen)
    assert screen.group == group and screen.group_chip.text == f"类别：{group}" and not screen.browse_open
    assert screen.total == counts[group] and f"· {group} ·" in screen.summary
    app.end_visit()
    assert screen.group == "" and screen.group_chip.text == "按类别"
