"""Search that understands residents: their words, slips in pinyin, ranks they expect, groups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import insert

from kiosk.domain import demodata, geo, jobwords
from kiosk.domain.search import (
    TIER_DETAILS,
    TIER_EMPLOYER,
    TIER_START,
    TIER_TITLE,
    TIER_WORDS,
    Scope,
    make_query,
)
from kiosk.store import search as S
from kiosk.store.models import Vacancy
from tests.store.test_search_index import STATION, reference

TODAY = date(2026, 11, 24)
ROWS = list(demodata.vacancies(1500, seed=11, today=TODAY))
PLANS = [S.Plan.AUTO, S.Plan.INDEX, S.Plan.NEAR, S.Plan.FILTER, S.Plan.SCAN]


@pytest.fixture(scope="module")
def loaded(store_template):
    from tests.stores import memory_store_with

    store = memory_store_with(store_template, ROWS)
    yield store
    store.close()


def _open(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["status"] == "open" and r["expires_on"] >= TODAY]


@pytest.mark.parametrize("typed", ["保姆", "baomu", "bm", "找保姆的工作"])
def test_a_residents_word_finds_its_occupations_and_says_so(loaded, typed: str) -> None:
    res = S.search(loaded, make_query(typed, scope=Scope.CITY), STATION, today=TODAY, limit=500)
    expected = {r["id"] for r in _open(ROWS) if r["title"] in ("家政服务员", "育婴员")}
    assert expected and expected <= {h.id for h in res.hits}
    assert res.also == ("家政服务员", "育婴员")
    assert {h.title for h in res.hits[:len(expected)]} == {"家政服务员", "育婴员"}
    assert S.search(loaded, make_query(typed, scope=Scope.CITY, literal=True), STATION, today=TODAY).also == ()


@pytest.mark.parametrize(("typed", "titles"), [
    ("门卫", ("保安员",)), ("外卖", ("快递员", "配送司机")), ("开车", ("司机", "驾驶员")), ("码农", ("软件工程师",)),
    ("kaiche", ("司机", "驾驶员")), ("mw", ("保安员",)),
])
def test_words_that_found_nothing_before_now_find_the_job(loaded, typed: str, titles: tuple[str, ...]) -> None:
    assert S.search(loaded, make_query(typed, scope=Scope.CITY, literal=True), STATION, today=TODAY).total == 0
    res = S.search(loaded, make_query(typed, scope=Scope.CITY), STATION, today=TODAY, limit=10)
    assert res.total > 0 and all(any(t in h.title for t in titles) for h in res.hits), (typed, [h.title for h in res.hits])


@pytest.mark.parametrize(("typed", "word", "title"), [
    ("baojei", "保洁", "保洁员"), ("bojie", "保洁", "保洁员"), ("cushi", "厨师", "厨师"), ("chusi", "厨师", "厨师"),
    ("kuaidiyaun", "快递员", "快递员"), ("souyin", "收银", "收银员"), ("sji", "司机", "司机"), ("保杰", "保洁", "保洁员"),
])
def test_pinyin_with_one_slip_still_finds_the_job(loaded, typed: str, word: str, title: str) -> None:
    res = S.search(loaded, make_query(typed, scope=Scope.CITY), STATION, today=TODAY, limit=10)
    assert [s.word for s in res.spelled] == [word]
    assert res.total > 0 and all(title in h.title for h in res.hits)
    # the same as typing it right
    right = S.search(loaded, make_query(res.spelled[0].pinyin, scope=Scope.CITY), STATION, today=TODAY, limit=10)
    assert [h.id for h in res.hits] == [h.id for h in right.hits]


def test_a_right_spelling_is_never_corrected(loaded) -> None:
    for typed in ("baojie", "bj", "chushi", "保洁", "siji"):
        assert S.search(loaded, make_query(typed, scope=Scope.CITY), STATION, today=TODAY).spelled == ()


def test_nothing_found_offers_the_nearest_words(loaded) -> None:
    res = S.search(loaded, make_query("baojjjie", scope=Scope.CITY), STATION, today=TODAY)
    assert res.total == 0 and res.suggestions and res.suggestions[0].word == "保洁"
    assert S.search(loaded, make_query("qqqqzzzz", scope=Scope.CITY), STATION, today=TODAY).suggestions == ()


def _doc(title: str, employer: str, requirements: str, **kw) -> dict:
    base = dict(ROWS[0])
    initials, full = demodata.pinyin_fns()
    base.update(title=title, employer=employer, category="家政服务", requirements=requirements,
                benefits="", work_hours="", status="open", expires_on=date(2027, 1, 1), lat=STATION.lat,
                lon=STATION.lon, pinyin_initials=" ".join((initials(title), initials(employer), initials("家政服务"))),
                pinyin_full=" ".join((full(title), full(employer), full("家政服务"))),
                search_terms=jobwords.producer_vocabulary().search_terms(title, "全职"),
                job_group=jobwords.job_group(title, "家政服务"))
    base.update(kw)
    return base


def test_title_beats_residents_words_beats_employer_beats_requirements(store) -> None:
    rows = [
        _doc("带孩子阿姨", "天津某公司", "", id="V1"),                              # the title starts with it
        _doc("专业带孩子保姆", "天津某公司", "", id="V2", lon=STATION.lon + 0.001),  # in the title
        _doc("育婴员", "天津某公司", "", id="V3", lon=STATION.lon + 0.002),  # 带孩子 is a resident's word for it
        _doc("会计", "天津带孩子之家有限公司", "", id="V4", lon=STATION.lon + 0.003),  # the employer
        _doc("文员", "天津某公司", "会带孩子者优先", id="V5", lon=STATION.lon + 0.004),  # the requirements
        _doc("网约车司机", "天津某公司", "", id="V6"),
    ]
    with store.session() as s:
        s.execute(insert(Vacancy), rows)
    for typed in ("带孩子", "daihaizi"):
        for plan in PLANS:
            res = S.search(store, make_query(typed, scope=Scope.CITY), STATION, today=TODAY, plan=plan)
            got = [(h.id, h.tier) for h in res.hits]
            want = [("V1", TIER_START), ("V2", TIER_TITLE), ("V3", TIER_WORDS), ("V4", TIER_EMPLOYER),
                    ("V5", TIER_DETAILS)]
            assert got == (want if typed == "带孩子" else want[:4]), (typed, plan)  # details are not in pinyin
    # literal: title and employer only (V1, V2, V4)
    assert S.search(store, make_query("带孩子", scope=Scope.CITY, literal=True), STATION,
                    today=TODAY).total == 3


@pytest.mark.parametrize("scope", list(Scope))
def test_group_counts_equal_a_scan_of_the_scope(loaded, scope: Scope) -> None:
    for text in ("", "工", "阿姨", "bj"):
        q = make_query(text, scope=scope)
        expected = {g: 0 for g in jobwords.GROUPS}
        ids = set(reference(ROWS, q, STATION, TODAY))
        for r in ROWS:
            if r["id"] in ids:
                expected[r["job_group"]] += 1
        for plan in PLANS:
            got = S.group_counts(loaded, q, STATION, today=TODAY, plan=plan)
            assert got == expected, (text, scope, plan)
        # the tile's own filter is ignored, so every tile keeps its count
        assert S.group_counts(loaded, replace(q, groups=frozenset({"司机"})), STATION, today=TODAY) == expected


def test_a_group_filter_lists_exactly_that_group(loaded) -> None:
    for groups in ({"家政服务"}, {"司机", "餐饮"}):
        q = make_query("", scope=Scope.DISTRICT, groups=groups)
        expected = reference(ROWS, q, STATION, TODAY)
        assert expected
        for plan in PLANS:
            assert S.search_ids(loaded, q, STATION, today=TODAY, plan=plan) == expected
        got = S.search(loaded, q, STATION, today=TODAY, limit=len(expected) + 5)
        assert {ROWS_BY_ID[h.id]["job_group"] for h in got.hits} == groups


ROWS_BY_ID = {r["id"]: r for r in ROWS}


def test_a_one_character_term_skips_the_words_and_details(loaded) -> None:
    # 工 is in 钟点工 and in 工作时间: matching those would list nearly everything
    q = make_query("工", scope=Scope.CITY)
    ids = S.search_ids(loaded, q, STATION, today=TODAY)
    assert ids == reference(ROWS, q, STATION, TODAY)
    assert all("工" in (r := ROWS_BY_ID[i])["title"] + r["employer"] + r["category"] for i in ids)


def test_distances_are_the_stations(loaded) -> None:
    h = S.search(loaded, make_query("阿姨", scope=Scope.CITY), STATION, today=TODAY, limit=1).hits[0]
    r = ROWS_BY_ID[h.id]
    assert h.distance_m == geo.distance_m(STATION.lat, STATION.lon, r["lat"], r["lon"])


def test_the_search_command_says_how_it_read_the_words(tmp_path, capsys) -> None:
    import json

    from kiosk.cli import main
    from kiosk.store.engine import open_store

    db = tmp_path / "k.db"
    store = open_store(db)
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS[:600])
    store.close()
    assert main(["search", "baojei", "--json", "--db", str(db), "--today", TODAY.isoformat()]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["spelled"] == [{"typed": "baojei", "read_as": "保洁", "pinyin": "baojie"}]
    assert out["terms"] == ["baojie"] and out["total"] > 0
    assert main(["search", "baomu", "--json", "--db", str(db), "--today", TODAY.isoformat()]) == 0
    assert json.loads(capsys.readouterr().out)["also"] == ["家政服务员", "育婴员"]
    assert main(["search", "baomu", "--literal", "--json", "--db", str(db), "--today", TODAY.isoformat()]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0
    assert main(["search", "--group", "司机", "--json", "--db", str(db), "--today", TODAY.isoformat(),
                 "--limit", "100"]) == 0
    titles = {r["title"] for r in json.loads(capsys.readouterr().out)["results"]}
    assert titles and all("司机" in t or "驾驶员" in t for t in titles)
