"""The vacancy search index against a brute-force reference on generated data."""

from __future__ import annotations

import threading
import zlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, insert, text, update
from sqlalchemy.exc import IntegrityError

from kiosk.domain import demodata, geo
from kiosk.domain.search import (
    Profile,
    Scope,
    SearchQuery,
    Sort,
    Station,
    make_query,
    match_tier,
    sort_key,
    text_matches,
)
from kiosk.store import search as S
from kiosk.store.engine import SCHEMA_HEAD, open_store
from kiosk.store.models import Vacancy

TODAY = date(2026, 11, 24)
N = 1500
STATION = Station(39.1325, 117.1895, "和平区", "urban")
RURAL = Station(39.3840, 117.0440, "武清区", "rural")
PLANS = [S.Plan.AUTO, S.Plan.INDEX, S.Plan.NEAR, S.Plan.FILTER, S.Plan.SCAN]
ROWS = list(demodata.vacancies(N, seed=7, today=TODAY))


def fields_of(row: dict) -> dict[str, str]:
    ini = row["pinyin_initials"].split()
    ful = row["pinyin_full"].split()
    return dict(title=row["title"], employer=row["employer"], category=row["category"],
                title_initials=ini[0], employer_initials=ini[1], category_initials=ini[2],
                title_pinyin=ful[0], employer_pinyin=ful[1], category_pinyin=ful[2],
                terms=row["search_terms"],
                details="\n".join(row[k] for k in ("requirements", "benefits", "work_hours") if row[k]))


def reference(rows: list[dict], q: SearchQuery, station: Station, today: date = TODAY) -> list[str]:
    """Brute force: the matching rule of kiosk.domain.search, row by row, in Python."""
    out = []
    for r in rows:
        if r["status"] != "open" or r["expires_on"] < today:
            continue
        d = geo.distance_m(station.lat, station.lon, r["lat"], r["lon"])
        if q.scope is Scope.CIRCLE and d > station.radius_m:
            continue
        if q.scope is Scope.DISTRICT and r["district"] != (q.district or station.district):
            continue
        # a month has 174 working hours and 21.75 working days (kiosk.domain.search.monthly)
        factor = {"时": 174, "天": 21.75, "日": 21.75}.get(r["salary_unit"], 1)
        if q.salary_min is not None and r["salary_max"] * factor < q.salary_min:
            continue
        if q.salary_max is not None and r["salary_min"] * factor > q.salary_max:
            continue
        if q.job_types and r["job_type"] not in q.job_types:
            continue
        if q.work_day is not None and not (r["job_type"] == "零工" and (r["work_from"] or r["posted_on"]) <= q.work_day
                                           <= r["expires_on"]):
            continue
        if q.categories and r["category"] not in q.categories:
            continue
        if q.groups and r["job_group"] not in q.groups:
            continue
        if q.posted_within_days is not None and r["posted_on"] < today - timedelta(days=q.posted_within_days):
            continue
        f = fields_of(r)
        if not text_matches(q.terms, f, q.literal):
            continue
        key = sort_key(q.sort, match_tier(q.terms, f, q.literal), d, r["salary_min"], r["salary_max"], r["salary_unit"],
                       r["posted_on"], r["id"])
        out.append((key, r["id"]))
    return [i for _, i in sorted(out)]


@pytest.fixture(scope="module")
def loaded():
    store = open_store(None)
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS)
    assert S.pending(store) == N
    yield store
    store.close()


def test_schema_head_and_index_tables(loaded) -> None:
    assert SCHEMA_HEAD == "0015"
    with loaded.engine.connect() as c:
        names = {r[0] for r in c.execute(text("SELECT name FROM sqlite_master"))}
        assert "work_from" in {r[1] for r in c.execute(text("PRAGMA table_info(search_docs)"))}
    assert {"search_docs", "search_details", "search_wordsets", "search_trigram", "search_grams",
            "search_dirty", "search_swept", "ix_search_docs_posted", "ix_search_docs_district", "ix_search_docs_expires",
            "ix_search_docs_sort"} <= names


@pytest.mark.parametrize("word", ["工", "员", "保", "保洁", "会计", "电工", "天津", "司机", "服务"])
@pytest.mark.parametrize("plan", PLANS)
def test_short_chinese_queries_return_every_match(loaded, word: str, plan: S.Plan) -> None:
    q = make_query(word, scope=Scope.CITY)
    expected = reference(ROWS, q, STATION)
    assert expected, f"the generated data should contain {word}"
    assert S.search_ids(loaded, q, STATION, today=TODAY, plan=plan) == expected


def test_search_page_and_total(loaded) -> None:
    q = make_query("员", scope=Scope.CITY)
    expected = reference(ROWS, q, STATION)
    first = S.search(loaded, q, STATION, today=TODAY, limit=20)
    second = S.search(loaded, q, STATION, today=TODAY, limit=20, offset=20)
    assert first.total == second.total == len(expected)
    assert [h.id for h in first.hits + second.hits] == expected[:40]
    h = first.hits[0]
    row = next(r for r in ROWS if r["id"] == h.id)
    assert h.distance_m == geo.distance_m(STATION.lat, STATION.lon, row["lat"], row["lon"])
    assert h.walking_minutes == geo.walking_minutes(h.distance_m)
    assert (h.title, h.employer, h.salary_unit) == (row["title"], row["employer"], row["salary_unit"])
    assert S.search(loaded, q, STATION, today=TODAY, offset=10**6).hits == []


@st.composite
def queries(draw) -> SearchQuery:
    """A query built from the data's own substrings (any length) or their pinyin, plus filters."""
    row = draw(st.sampled_from(ROWS))
    f = {k: v for k, v in fields_of(row).items() if v}
    name = draw(st.sampled_from(sorted(f)))
    value = f[name]
    n = draw(st.integers(1, min(len(value), 6)))
    start = draw(st.integers(0, len(value) - n))
    words = [value[start:start + n]]
    if draw(st.booleans()):
        other = {k: v for k, v in fields_of(draw(st.sampled_from(ROWS))).items() if v}
        v2 = other[draw(st.sampled_from(sorted(other)))]
        words.append(v2[: draw(st.integers(1, min(3, len(v2))))])
    if draw(st.integers(0, 9)) == 0:
        words = [w.upper() for w in words]  # scanners and caps lock
    sep = draw(st.sampled_from([" ", "\n", "，", "  "]))
    lo = draw(st.one_of(st.none(), st.sampled_from([3000, 4500, 6000])))
    return make_query(
        sep.join(words),
        scope=draw(st.sampled_from(list(Scope))),
        district=draw(st.sampled_from(["", "河西区", "南开区"])),
        salary_min=lo,
        salary_max=draw(st.one_of(st.none(), st.sampled_from([5000, 8000]).filter(lambda x: lo is None or x >= lo))),
        job_types=draw(st.sampled_from([(), ("全职",), ("兼职", "实习"), ("公益性岗位",), ("零工",)])),
        work_day=draw(st.sampled_from([None, None, TODAY, TODAY + timedelta(days=1)])),
        categories=draw(st.sampled_from([(), ("家政服务",), ("生产制造", "物流运输")])),
        posted_within_days=draw(st.sampled_from([None, 7, 30])),
        sort=draw(st.sampled_from(list(Sort))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries(), station=st.sampled_from([STATION, RURAL]))
def test_every_plan_equals_the_brute_force_reference(loaded, q: SearchQuery, station: Station) -> None:
    expected = reference(ROWS, q, station)
    for plan in PLANS:
        assert S.search_ids(loaded, q, station, today=TODAY, plan=plan) == expected, plan


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries(), limit=st.integers(1, 60), offset=st.one_of(st.just(0), st.integers(0, 700)),
       plan=st.sampled_from(PLANS))
def test_pages_and_totals_equal_the_reference(loaded, q: SearchQuery, limit: int, offset: int,
                                              plan: S.Plan) -> None:
    # The screen's call: count plus one page; some plans walk the distance index for it. A term
    # in no vacancy's searched fields (体健, only in the details) is searched as its likely
    # spelling (质检), so the reference is that of the query searched.
    res = S.search(loaded, q, STATION, today=TODAY, limit=limit, offset=offset, plan=plan)
    expected = reference(ROWS, res.query, STATION)
    assert res.total == len(expected)
    assert [h.id for h in res.hits] == expected[offset:offset + limit]


@pytest.mark.parametrize(("word", "filters", "chosen"), [
    ("员", {"posted_within_days": 7}, S.Plan.FILTER),  # hits in most vacancies, a week's postings in few
    ("员", {"scope": Scope.DISTRICT}, S.Plan.FILTER),
    ("员", {"scope": Scope.DISTRICT, "district": "河西区"}, S.Plan.FILTER),
    ("会计", {"posted_within_days": 30}, S.Plan.INDEX),  # a rare term: its hits are fewer
    ("员", {"posted_within_days": 60}, S.Plan.INDEX),  # every vacancy was posted within 60 days
    ("员", {}, S.Plan.INDEX),
])
def test_a_recent_or_district_query_is_driven_by_whichever_is_smaller(loaded, word: str, filters: dict,
                                                                      chosen: S.Plan) -> None:
    q = make_query(word, **{"scope": Scope.CITY, **filters})
    S.prepare(loaded, STATION)
    with loaded.engine.connect() as conn:
        assert S._choose(conn, q, STATION, TODAY, S.Plan.AUTO, S._hit_count(conn, q.terms)) is chosen
    expected = reference(ROWS, q, STATION)
    for offset in (0, 50):
        res = S.search(loaded, q, STATION, today=TODAY, limit=50, offset=offset)
        assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[offset:offset + 50])


@pytest.mark.parametrize("scope", [Scope.CITY, Scope.DISTRICT])
@pytest.mark.parametrize("word", ["工", "员", "j", "s", "服务", "tianjin"])
def test_pages_of_very_common_terms_walk_by_distance_correctly(loaded, word: str, scope: Scope) -> None:
    q = make_query(word, scope=scope)
    expected = reference(ROWS, q, STATION)
    got = []
    for offset in range(0, len(expected) + 50, 50):
        got += [h.id for h in S.search(loaded, q, STATION, today=TODAY, limit=50, offset=offset).hits]
    assert got == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.sampled_from(ROWS), which=st.sampled_from(["title", "title_initials", "title_pinyin"]))
def test_a_vacancy_is_found_by_its_title_and_pinyin(loaded, row: dict, which: str) -> None:
    if row["status"] != "open" or row["expires_on"] < TODAY:
        return
    q = make_query(fields_of(row)[which], scope=Scope.CITY)
    assert row["id"] in S.search_ids(loaded, q, STATION, today=TODAY)


def test_pinyin_examples(loaded) -> None:
    for typed, title in [("bjy", "保洁员"), ("baojie", "保洁员"), ("kj", "会计"), ("BJ", "保洁员"), ("ｂｊ", "保洁员")]:
        res = S.search(loaded, make_query(typed, scope=Scope.CITY), STATION, today=TODAY)
        assert res.total > 0 and res.hits[0].title.endswith(title) or title in res.hits[0].title, typed


def test_no_match_is_an_empty_result_not_an_error(loaded) -> None:
    res = S.search(loaded, make_query("量子物理学家 zzzzq"), STATION, today=TODAY)
    assert res.total == 0 and res.hits == []
    assert S.search(loaded, make_query("，。！"), STATION, today=TODAY).total == len(
        reference(ROWS, make_query("", scope=Scope.CIRCLE), STATION))


# --- keeping in step -------------------------------------------------------------------------


def _row(vid: str, title: str, employer: str = "天津测试服务有限公司", **kw) -> dict:
    base = dict(next(r for r in ROWS if r["status"] == "open" and r["expires_on"] >= TODAY))
    base.update(id=vid, title=title, employer=employer, category="家政服务", lat=STATION.lat, lon=STATION.lon,
                pinyin_initials="", pinyin_full="")
    base.update(kw)
    return base


def _ids(store, text_: str, **kw) -> list[str]:
    return S.search_ids(store, make_query(text_, scope=Scope.CITY, **kw), STATION, today=TODAY)


def test_expired_and_withdrawn_are_never_returned(store) -> None:
    with store.session() as s:
        s.execute(insert(Vacancy), [
            _row("open", "钟表修理工"),
            _row("gone", "钟表修理工", status="withdrawn"),
            _row("old", "钟表修理工", expires_on=TODAY - timedelta(days=1)),
            _row("last-day", "钟表修理工", expires_on=TODAY),
        ])
    for plan in PLANS:
        # the plain scan reads the feed's pinyin columns only, which these rows lack
        for word in ("钟", "钟表", "钟表修") + (() if plan is S.Plan.SCAN else ("zbxlg", "zhongbiao")):
            assert sorted(S.search_ids(store, make_query(word, scope=Scope.CITY), STATION, today=TODAY,
                                       plan=plan)) == ["last-day", "open"], (plan, word)
    with store.session() as s:
        s.execute(update(Vacancy).where(Vacancy.id == "open").values(status="withdrawn"))
    assert _ids(store, "钟表") == ["last-day"]
    assert S.search_ids(store, make_query("钟表", scope=Scope.CITY), STATION, today=TODAY + timedelta(days=1)) == []


def test_index_follows_inserts_updates_and_deletes(store) -> None:
    with store.session() as s:
        s.execute(insert(Vacancy), [_row("a", "钟表修理工"), _row("b", "面包师")])
    assert _ids(store, "钟表") == ["a"] and _ids(store, "面包") == ["b"]
    with store.session() as s:
        s.execute(update(Vacancy).where(Vacancy.id == "a").values(title="糕点师", pinyin_initials="", pinyin_full=""))
    assert _ids(store, "钟表") == [] and _ids(store, "糕点") == ["a"] and _ids(store, "gd") == ["a"]
    assert sorted(_ids(store, "师")) == ["a", "b"]
    with store.session() as s:
        s.execute(delete(Vacancy).where(Vacancy.id == "b"))
    assert _ids(store, "面包") == [] and _ids(store, "mb") == [] and _ids(store, "师") == ["a"]
    with store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM search_docs")).scalar() == 1


def test_refresh_in_the_feed_pullers_transaction(store) -> None:
    with store.engine.begin() as conn:
        conn.execute(insert(Vacancy), [_row("p1", "钟表修理工")])
        assert S.pending(conn) == 1
        assert S.refresh_index(conn) == 1
        assert S.pending(conn) == 0
    assert S.pending(store) == 0
    assert _ids(store, "钟表") == ["p1"]
    assert S.refresh_index(store) == 0


def test_vacancy_without_pinyin_is_found_by_chinese_and_kiosk_pinyin(store) -> None:
    with store.session() as s:
        s.execute(insert(Vacancy), [_row("np", "保洁员", employer="天津绿化服务有限公司")])
    assert _ids(store, "保洁") == ["np"]
    assert _ids(store, "bjy") == ["np"]
    assert _ids(store, "baojieyuan") == ["np"]
    assert _ids(store, "lvhua") == ["np"]  # ü is typed v


def test_feed_pinyin_is_used_when_present(store) -> None:
    # The central system's pinyin (with phrases: 会计 → kj) wins over the kiosk's (hj).
    with store.session() as s:
        s.execute(insert(Vacancy), [_row("kj", "会计", pinyin_initials="kj tjcsfwyxgs jzfw",
                                         pinyin_full="kuaiji tianjinceshifuwuyouxiangongsi jiazhengfuwu")])
    assert _ids(store, "kj") == ["kj"] and _ids(store, "hj") == []


def test_station_move_recomputes_distances(store) -> None:
    with store.session() as s:
        s.execute(insert(Vacancy), [_row("here", "钟表修理工", lat=STATION.lat, lon=STATION.lon)])
    near = S.search(store, make_query("钟表"), STATION, today=TODAY)
    assert [h.id for h in near.hits] == ["here"] and near.hits[0].distance_m == 0.0
    far = S.search(store, make_query("钟表", scope=Scope.CITY), RURAL, today=TODAY)
    assert far.hits[0].distance_m == geo.distance_m(RURAL.lat, RURAL.lon, STATION.lat, STATION.lon)
    assert S.search(store, make_query("钟表"), RURAL, today=TODAY).total == 0


def test_rebuild_gives_the_same_answers(tmp_path) -> None:
    store = open_store(tmp_path / "k.db")
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS[:400])
    q = make_query("员", scope=Scope.CITY)
    before = S.search_ids(store, q, STATION, today=TODAY)
    assert S.rebuild_index(store) == 400
    assert S.search_ids(store, q, STATION, today=TODAY) == before == reference(ROWS[:400], q, STATION)
    store.close()


def test_concurrent_searches_from_worker_threads(tmp_path) -> None:
    store = open_store(tmp_path / "k.db")
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS[:600])
    words = ["工", "保洁", "bj", "服务员", "司机"]
    expected = {w: reference(ROWS[:600], make_query(w, scope=Scope.CITY), STATION) for w in words}
    errors: list[BaseException] = []

    def worker(w: str) -> None:
        try:
            for _ in range(5):
                assert S.search_ids(store, make_query(w, scope=Scope.CITY), STATION, today=TODAY) == expected[w]
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(w,)) for w in words * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    store.close()


def test_recommend_puts_the_desired_occupation_first_and_explains(loaded) -> None:
    profile = Profile(desired=("保洁员",), district="河西区")
    recs = S.recommend(loaded, profile, STATION, today=TODAY, limit=10)
    assert recs and all(r.reasons for r in recs)
    assert "保洁员" in recs[0].hit.title and any("保洁员" in x for x in recs[0].reasons)
    live = {r["id"] for r in ROWS if r["status"] == "open" and r["expires_on"] >= TODAY}
    assert {r.hit.id for r in recs} <= live


def test_grams_tokens() -> None:
    assert S.grams(["保洁员"]).split() == sorted({"保", "洁", "员", "保洁", "洁员"})
    # a break in the text breaks the grams: 洁(日 holds no 洁日
    assert "洁日" not in S.grams(["保洁(日结)"]).split()
    assert set(S.grams(["C1司机"]).split()) >= {"c", "1", "c1", "1司", "司机"}


def test_grams_index_the_characters_a_term_is_made_of() -> None:
    """The grams find their runs with one regular expression; it must take exactly the
    characters the query side counts as Chinese or ASCII letters and digits."""
    from kiosk.domain.search import is_hanzi

    for code in range(0x32000):
        ch = chr(code)
        assert bool(S._RUN.fullmatch(ch)) == (is_hanzi(ch) or (ch.isascii() and ch.isalnum())), hex(code)


def test_search_command_prints_rank_order(tmp_path, capsys) -> None:
    import json

    from kiosk.cli import main

    db = tmp_path / "k.db"
    store = open_store(db)
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS[:300])
    store.close()
    assert main(["search", "员", "--json", "--db", str(db), "--today", TODAY.isoformat(), "--limit", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    from kiosk.config import load_config

    station = Station.from_config(load_config().station)
    expected = reference(ROWS[:300], make_query("员", scope=Scope.CITY), station)
    assert out["total"] == len(expected)
    assert [r["id"] for r in out["results"]] == expected[:5]
    assert main(["search", "x", "--salary-min", "9000", "--salary-max", "10", "--db", str(db)]) == 2


def test_upgrading_a_database_with_vacancies_indexes_them(tmp_path) -> None:
    from alembic import command
    from alembic.config import Config

    from kiosk.store.engine import MIGRATIONS, current_revision

    store = open_store(tmp_path / "old.db")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with store.engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_%'")).scalar() == 0
        old = [{k: v for k, v in r.items()
               if k not in ("search_terms", "job_group", "work_from", "meet_place", "meet_time")} for r in ROWS[:200]]
        conn.execute(text(f"INSERT INTO vacancies ({', '.join(old[0])}) VALUES ({', '.join(':' + k for k in old[0])})"),
                     old)
    store.close()
    store = open_store(tmp_path / "old.db")  # migrates to the head again; the kiosk fills the words in
    assert current_revision(store) == SCHEMA_HEAD
    assert S.pending(store) == 200
    q = make_query("员", scope=Scope.CITY)
    assert S.search_ids(store, q, STATION, today=TODAY) == reference(ROWS[:200], q, STATION)
    store.close()


def test_prepare_applies_the_queue_and_measures_distances(store) -> None:
    with store.session() as s:
        s.execute(insert(Vacancy), ROWS[:50])
    assert S.pending(store) == 50
    S.prepare(store, STATION)
    assert S.pending(store) == 0
    with store.engine.connect() as c:
        dists = dict(c.execute(text("SELECT vacancy_id, dist FROM search_docs")).all())
    assert dists == {r["id"]: geo.distance_m(STATION.lat, STATION.lon, r["lat"], r["lon"]) for r in ROWS[:50]}


# --- searches counted from the indexes' marks ------------------------------------------------

MARKED_QUERIES = [
    ("工", {}), ("员", {"posted_within_days": 7}), ("服务", {"posted_within_days": 30}),
    ("kj", {}), ("bj", {"job_types": ("全职", "兼职")}), ("师", {"scope": Scope.DISTRICT}),
    ("员", {"scope": Scope.DISTRICT, "district": "河西区", "job_types": ("全职",)}),
    ("保洁 bj", {}), ("工 s", {"posted_within_days": 14}), ("j", {}),
    ("保洁 bj", {"salary_max": 5000}), ("师", {"scope": Scope.DISTRICT, "salary_min": 6000}),
    ("员", {"salary_min": 4500, "salary_max": 8000, "categories": ("家政服务", "生产制造")}),
    ("工", {"groups": ("工厂普工",)}),
    ("营业员", {}), ("kuaidi", {}), ("yyy", {"job_types": ("全职",)}), ("siji", {"scope": Scope.DISTRICT}),
    ("家政服务", {"scope": Scope.DISTRICT, "categories": ("家政服务",)}),
    ("快递员", {"salary_min": 6000, "posted_within_days": 30}), ("baojie", {"salary_min": 3000}),
]


def _assert_pages_equal_reference(store, rows: list[dict], text_: str, filters: dict) -> None:
    q = make_query(text_, **{"scope": Scope.CITY, **filters})
    with store.engine.connect() as conn:
        assert S._marked_match(conn, q, STATION, TODAY) is not None, text_
    expected = reference(rows, q, STATION)
    assert S.MARKED_HIT_WEIGHT == 10**9
    for offset in (0, 50, 100, 150):
        res = S.search(store, q, STATION, today=TODAY, limit=50, offset=offset)
        assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[offset:offset + 50]), (text_, filters, offset)


@pytest.fixture
def marks_always(monkeypatch) -> None:
    """The marks answer every query they can, however few its hits (the test data is small)."""
    monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", 10**9)


@pytest.mark.usefixtures("marks_always")
@pytest.mark.parametrize(("text_", "filters"), MARKED_QUERIES)
def test_searches_counted_from_marks_equal_the_reference(loaded, text_: str, filters: dict) -> None:
    S.prepare(loaded, STATION)
    _assert_pages_equal_reference(loaded, ROWS, text_, filters)


def _token_counts(store, tokens: set[str], table: str = "search_grams") -> dict[str, int]:
    with store.engine.connect() as c:
        return {t: c.execute(text(f"SELECT count(*) FROM {table} WHERE {table} MATCH :m"),
                             {"m": f'"{t}"'}).scalar() for t in sorted(tokens)}


@pytest.mark.usefixtures("marks_always")
def test_marks_follow_withdrawals_new_dates_districts_titles_and_deletes(store, monkeypatch) -> None:
    tokens: set[str] = set()
    doc_grams = S.doc_grams

    def recording(*args, **kwargs) -> str:
        out = doc_grams(*args, **kwargs)
        tokens.update(out.split())
        return out

    monkeypatch.setattr(S, "doc_grams", recording)
    marks: set[str] = set()
    trigram_marks = S.trigram_marks

    def recording_marks(*args) -> str:
        out = trigram_marks(*args)
        marks.update(out.split())
        return out

    monkeypatch.setattr(S, "trigram_marks", recording_marks)
    rows = [dict(r) for r in ROWS[:600]]
    with store.session() as s:
        s.execute(insert(Vacancy), rows)
    S.prepare(store, STATION)
    changes = {
        "withdrawn": ({"status": "withdrawn"}, rows[0:30]),
        "reposted": ({"posted_on": TODAY, "expires_on": TODAY + timedelta(days=40)}, rows[30:60]),
        "expired": ({"expires_on": TODAY - timedelta(days=3)}, rows[60:90]),
        "moved": ({"district": "河西区"}, rows[90:120]),
        "retitled": ({k: ROWS[900][k] for k in ("title", "pinyin_initials", "pinyin_full", "search_terms",
                                                 "job_group", "category", "employer")}, rows[120:150]),
    }
    with store.session() as s:
        for values, chosen in changes.values():
            for r in chosen:
                r.update(values)
                s.execute(update(Vacancy).where(Vacancy.id == r["id"]).values(**values))
        gone = {r["id"] for r in rows[150:180]}
        s.execute(delete(Vacancy).where(Vacancy.id.in_(gone)))
    rows = [r for r in rows if r["id"] not in gone]
    assert S.pending(store) == 180
    S.prepare(store, STATION)
    for text_, filters in MARKED_QUERIES:
        _assert_pages_equal_reference(store, rows, text_, filters)
    _assert_pages_equal_reference(store, rows, ROWS[900]["title"][:2], {})
    # every token the documents ever had is where a build from scratch puts it (a removal that
    # left one behind would count a vacancy that is gone)
    kept = _token_counts(store, tokens), _token_counts(store, marks, "search_trigram")
    S.rebuild_index(store)
    assert kept == (_token_counts(store, tokens), _token_counts(store, marks, "search_trigram"))


#: Two names with one CRC-32: marks made from a hash of the name would be the same for both.
COLLIDING = ("plumless", "buckeroo")


def test_schema_mark_codes_are_unique_per_kind_and_value(store) -> None:
    with store.engine.begin() as c:
        c.execute(text("INSERT INTO search_mark_codes (kind, value) VALUES ('zzd', '和平区')"))
        with pytest.raises(IntegrityError):
            c.execute(text("INSERT INTO search_mark_codes (kind, value) VALUES ('zzd', '和平区')"))


@pytest.mark.usefixtures("marks_always")
def test_names_sharing_a_hash_keep_marks_of_their_own(store) -> None:
    assert zlib.crc32(COLLIDING[0].encode()) == zlib.crc32(COLLIDING[1].encode())
    rows = [dict(r) for r in ROWS[:400]]
    for i, r in enumerate(rows):
        name = COLLIDING[i % 2]
        r.update(district=name, category=name, job_type=name)
    with store.session() as s:
        s.execute(insert(Vacancy), rows)
    S.prepare(store, STATION)
    with store.engine.connect() as c:
        codes = dict(c.execute(text("SELECT kind || ':' || value, code FROM search_mark_codes")).all())
    assert len(set(codes.values())) == len(codes)
    for name in COLLIDING:
        for filters in ({"scope": Scope.DISTRICT, "district": name}, {"categories": (name,)},
                        {"job_types": (name,)}):
            for text_ in ("员", "kj", "服务员"):
                _assert_pages_equal_reference(store, rows, text_, filters)


@pytest.mark.usefixtures("marks_always")
def test_a_name_no_vacancy_holds_finds_nothing(loaded) -> None:
    S.prepare(loaded, STATION)
    q = make_query("员", scope=Scope.DISTRICT, district="不存在区")
    with loaded.engine.connect() as conn:
        assert S._marked_match(conn, q, STATION, TODAY) is not None
    assert S.search(loaded, q, STATION, today=TODAY).total == 0


@pytest.mark.usefixtures("marks_always")
def test_too_many_past_expiry_days_fall_back_to_the_documents(loaded, monkeypatch) -> None:
    S.prepare(loaded, STATION)
    q = make_query("员", scope=Scope.CITY)
    monkeypatch.setattr(S, "MAX_MARKED_DAYS", 2)
    with loaded.engine.connect() as conn:
        assert S._marked_match(conn, q, STATION, TODAY) is None
    expected = reference(ROWS, q, STATION)
    res = S.search(loaded, q, STATION, today=TODAY, limit=50)
    assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:50])


@pytest.mark.parametrize("filters", [{"salary_min": 6100}, {"salary_max": 100_000}, {"work_day": TODAY},
                                     {"scope": Scope.CIRCLE}, {"sort": Sort.NEWEST}])
@pytest.mark.usefixtures("marks_always")
def test_queries_the_marks_cannot_answer_use_the_documents(loaded, filters: dict) -> None:
    q = make_query("员", **{"scope": Scope.CITY, **filters})
    S.prepare(loaded, STATION)
    with loaded.engine.connect() as conn:
        assert S._marked_match(conn, q, STATION, TODAY) is None
    expected = reference(ROWS, q, STATION)
    res = S.search(loaded, q, STATION, today=TODAY, limit=50)
    assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:50])


def test_few_hits_are_read_rather_than_counted_from_marks(loaded, monkeypatch) -> None:
    q = make_query("会计", scope=Scope.CITY, posted_within_days=30)
    S.prepare(loaded, STATION)
    with loaded.engine.connect() as conn:
        hits, docs = S._hit_count(conn, q.terms), S._doc_span(conn)
        newest = date.fromisoformat(str(conn.execute(text("SELECT max(posted_on) FROM search_docs")).scalar()))
        since = TODAY - timedelta(days=30)
        named = 1 + len(S._days(conn, "expires_on < :day", "max(expires_on)", TODAY.isoformat())) + len(
            S.spans(since.toordinal(), max(since, newest).toordinal()))
    weight = -(-named * docs // hits)  # the least weight at which the marks answer
    calls = []
    marked = S._marked_match
    monkeypatch.setattr(S, "_marked_match", lambda *a: calls.append(marked(*a)) or calls[-1])
    monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", weight - 1)
    res = S.search(loaded, q, STATION, today=TODAY, limit=50)
    monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", weight)
    assert S.search(loaded, q, STATION, today=TODAY, limit=50) == res
    assert calls[0] is None and calls[1] is not None
    expected = reference(ROWS, q, STATION)
    assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:50])


@pytest.mark.usefixtures("marks_always")
@pytest.mark.parametrize(("edge_rows", "factor"), [(S.DENSE_WALK_ROWS, 0), (400, 0), (S.DENSE_WALK_ROWS, 10**9)])
def test_a_dense_first_tier_is_walked_without_counting_it(loaded, monkeypatch, edge_rows: int, factor: int) -> None:
    # The test data is small: a probe of 3 hits judges the density, and any density walks
    # (factor 0) or none does; a walk may read no further than the nearest 400 documents, so
    # some walks come back short and are counted after.
    monkeypatch.setattr(S, "DENSITY_PROBE", 3)
    monkeypatch.setattr(S, "DENSE_WALK_ROWS", edge_rows)
    monkeypatch.setattr(S, "DENSE_WALK_FACTOR", factor)
    S.prepare(loaded, STATION)
    outcomes = []
    dense_first = S._walk_dense_first
    monkeypatch.setattr(S, "_walk_dense_first", lambda *a: outcomes.append(dense_first(*a)) or outcomes[-1])
    for text_, filters in MARKED_QUERIES:
        q = make_query(text_, **{"scope": Scope.CITY, **filters})
        expected = reference(ROWS, q, STATION)
        for limit in (10, 50):
            res = S.search(loaded, q, STATION, today=TODAY, limit=limit)
            assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:limit]), (text_, filters, limit)
    assert any(o is None for o in outcomes)
    assert any(o is not None for o in outcomes) is (factor == 0)


@pytest.mark.parametrize("large", [False, True])
def test_marks_of_the_trigram_index_weigh_more_in_a_small_index(loaded, monkeypatch, large: bool) -> None:
    # The test data is small; ``large``: as if it held LONG_MARK_SPAN documents or more.
    if large:
        monkeypatch.setattr(S, "LONG_MARK_SPAN", 1)
    q = make_query("服务员", scope=Scope.CITY, posted_within_days=30, salary_min=3000)
    S.prepare(loaded, STATION)
    with loaded.engine.connect() as conn:
        hits, docs = S._hit_count(conn, q.terms), S._doc_span(conn)
        monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", 10**9)
        table, (m_all, _, _) = S._marked_match(conn, q, STATION, TODAY)
        assert table == "search_trigram"
        named = m_all.count(" OR ") + m_all.count(" AND ") + 1  # the term's AND joins the marks
        cost = 1 if large else S.LONG_MARK_COST
        least = -(-named * cost * docs // hits)  # the least weight at which the marks answer
        monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", least - 1)
        assert S._marked_match(conn, q, STATION, TODAY, hits) is None
        monkeypatch.setattr(S, "MARKED_HIT_WEIGHT", least)
        assert S._marked_match(conn, q, STATION, TODAY, hits) is not None
        expected = reference(ROWS, q, STATION)
        res = S.search(loaded, q, STATION, today=TODAY, limit=50)
        assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:50])


@pytest.mark.usefixtures("marks_always")
@pytest.mark.parametrize(("walk_rows", "slack"), [(S.HELD_WALK_ROWS, S.HELD_WALK_SLACK), (S.HELD_WALK_ROWS, 100),
                                                 (250, 100)])
def test_a_first_page_is_walked_among_few_held_hits(loaded, monkeypatch, walk_rows: int, slack: int) -> None:
    # The test data is small and few titles begin with a term, so a walk expected to read
    # only 4x the documents that hold the page in a spread of all matches often comes back
    # short, and the tiers are counted after; with at most 250 documents to read every walk
    # does. The page is the reference's either way.
    monkeypatch.setattr(S, "HELD_WALK_ROWS", walk_rows)
    monkeypatch.setattr(S, "HELD_WALK_SLACK", slack)
    S.prepare(loaded, STATION)
    outcomes, held = [], []
    held_first, hold = S._walk_held_first, S._hold_hits
    monkeypatch.setattr(S, "_hold_hits", lambda *a: held.append(a) or hold(*a))

    def walk(q, *a):  # noqa: ANN001, ANN202
        before = len(held)
        outcomes.append((q.scope, held_first(q, *a), len(held) > before))
        return outcomes[-1][1]

    monkeypatch.setattr(S, "_walk_held_first", walk)
    for text_, filters in [*MARKED_QUERIES, ("快递员", {}), ("养老护理", {"salary_max": 6000})]:
        q = make_query(text_, **{"scope": Scope.CITY, **filters})
        expected = reference(ROWS, q, STATION)
        for limit in (10, 50):
            res = S.search(loaded, q, STATION, today=TODAY, limit=limit)
            assert (res.total, [h.id for h in res.hits]) == (len(expected), expected[:limit]), (text_, filters, limit)
    assert any(rows is None and tried for _, rows, tried in outcomes)  # came back short
    assert any(rows is not None for _, rows, _ in outcomes) is (walk_rows > 250)
    assert not any(tried for scope, _, tried in outcomes if scope is Scope.DISTRICT)


@pytest.mark.usefixtures("marks_always")
@pytest.mark.parametrize(("ratio", "short"), [(0, False), (S.MEMBER_WALK_RATIO, False), (10**6, False), (10**6, True)])
def test_a_tier_counted_from_the_marks_is_walked_or_sorted_alike(loaded, monkeypatch, ratio: int, short: bool) -> None:
    # ratio 0: every tier's documents are sorted; 10**6: walked whenever they are. ``short``:
    # every walk may read only the nearest document, as when the documents lie far from the
    # station (a district across the city), so each comes back short and is sorted after.
    monkeypatch.setattr(S, "MEMBER_WALK_RATIO", ratio)
    if short:
        edge = S._nearest_edge
        monkeypatch.setattr(S, "_nearest_edge", lambda conn, rows: edge(conn, 1))
    S.prepare(loaded, STATION)
    ways = []

    @event.listens_for(loaded.engine, "before_cursor_execute")
    def seen(conn, cursor, statement, *_) -> None:  # noqa: ANN001
        if "json_each(?) j CROSS JOIN search_docs n" in statement:
            ways.append("sorted")
        elif "n.docid IN (SELECT value FROM json_each(?))" in statement:
            ways.append("walked")

    try:
        for text_, filters in [*MARKED_QUERIES, ("员", {"scope": Scope.DISTRICT, "district": "蓟州区"})]:
            _assert_pages_equal_reference(loaded, ROWS, text_, filters)
    finally:
        event.remove(loaded.engine, "before_cursor_execute", seen)
    assert ("walked" in ways) is (ratio > 0)
    if short or ratio == 0:
        assert "sorted" in ways
