"""The query parser, the query object and the pure ranking rules of vacancy search."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from kiosk.domain import geo
from kiosk.domain.search import (
    TIER_DETAILS,
    TIER_EMPLOYER,
    TIER_INITIALS,
    TIER_START,
    TIER_TITLE,
    TIER_WORDS,
    Hit,
    Profile,
    Scope,
    Sort,
    Station,
    Term,
    TermKind,
    bounding_box,
    make_query,
    match_tier,
    monthly,
    normalize,
    parse_terms,
    rank_recommendations,
    score,
    sort_key,
    text_matches,
)

H, L = TermKind.HANZI, TermKind.LATIN


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("保洁员", [("保洁员", H)]),
        ("工", [("工", H)]),
        ("bj", [("bj", L)]),
        ("BaoJie", [("baojie", L)]),
        ("ｂｊ", [("bj", L)]),  # full-width from a Chinese IME or scanner
        ("  保洁\r\n", [("保洁", H)]),  # a scanner's line end
        ("保洁 bj", [("保洁", H), ("bj", L)]),
        ("保洁yuan", [("保洁", H), ("yuan", L)]),
        ("（集团）会计", [("集团", H), ("会计", H)]),
        ("xi'an", [("xi", L), ("an", L)]),
        ("保洁　保洁", [("保洁", H)]),  # ideographic space; duplicates dropped
        ("", []),
        ("  ，。!", []),
        ("c1 司机", [("c1", L), ("司机", H)]),
    ],
)
def test_parse_terms(typed: str, terms: list[tuple[str, TermKind]]) -> None:
    assert [(t.text, t.kind) for t in parse_terms(typed)] == terms


def test_parse_terms_bounds_scanner_garbage() -> None:
    terms = parse_terms(" ".join(f"词{i}" for i in range(50)) + " " + "长" * 500)
    assert len(terms) == 8
    assert all(len(t.text) <= 40 for t in terms)


def test_normalize_folds_full_width_and_ascii_case() -> None:
    assert normalize("ＡＢｃ１（集团）保洁") == "abc1(集团)保洁"


def test_latin_terms_search_pinyin_hanzi_terms_do_not() -> None:
    fields = dict(title="保洁员", employer="天津鑫达家政服务有限公司", category="家政服务",
                  title_initials="bjy", employer_initials="tjxdjzfwyxgs", category_initials="jzfw",
                  title_pinyin="baojieyuan", employer_pinyin="", category_pinyin="jiazhengfuwu")
    assert text_matches(parse_terms("bj"), fields)
    assert text_matches(parse_terms("baojie"), fields)
    assert text_matches(parse_terms("保洁 家政"), fields)
    assert not text_matches(parse_terms("保洁 会计"), fields)
    assert not text_matches(parse_terms("bjy会计"), fields)
    assert text_matches((), fields)


def test_literal_tiers_prefer_title_matches() -> None:
    nanny = dict(title="育婴员", employer="天津保洁服务有限公司", category="家政服务",
                 title_initials="yyy", title_pinyin="yuyingyuan")
    cleaner = dict(title="保洁员", employer="天津某公司", category="家政服务",
                   title_initials="bjy", title_pinyin="baojieyuan")
    assert match_tier(parse_terms("保洁"), cleaner, literal=True) == 0
    assert match_tier(parse_terms("bj"), cleaner, literal=True) == 0
    assert match_tier(parse_terms("保洁"), nanny, literal=True) == 1
    assert match_tier((), nanny, literal=True) == 0


def test_tiers_rank_title_then_residents_words_then_employer_then_details() -> None:
    base = dict(title="家政服务员", employer="天津月嫂之家家政服务有限公司", category="家政服务",
                title_initials="jzfwy", title_pinyin="jiazhengfuwuyuan",
                employer_initials="tjysjzjzfwyxgs", employer_pinyin="", category_initials="jzfw",
                category_pinyin="jiazhengfuwu", terms="保姆 baomu bm 阿姨 ayi ay", details="能做饭，会带孩子")
    assert match_tier(parse_terms("家政服务员"), base) == TIER_START
    assert match_tier(parse_terms("jzfwy"), base) == TIER_START  # initials that spell the title's own
    assert match_tier(parse_terms("jz"), base) == match_tier(parse_terms("家政"), base) == TIER_START
    assert match_tier(parse_terms("服务员"), base) == match_tier(parse_terms("fuwu"), base) == TIER_TITLE
    assert match_tier(parse_terms("bm"), base) == match_tier(parse_terms("保姆"), base) == TIER_WORDS
    assert match_tier(parse_terms("fw"), base) == TIER_INITIALS  # inside the initials: more likely chance
    assert match_tier(parse_terms("月嫂"), base) == TIER_EMPLOYER
    assert match_tier(parse_terms("带孩子"), base) == TIER_DETAILS
    assert match_tier(parse_terms("aom"), base) == TIER_DETAILS  # inside a resident's word (baomu)
    assert match_tier(parse_terms("家政 带孩子"), base) == TIER_DETAILS  # the worst term decides
    assert text_matches(parse_terms("带孩子"), base) and not text_matches(parse_terms("带孩子"), base, literal=True)
    assert not text_matches(parse_terms("保姆"), base, literal=True)


@pytest.mark.parametrize(("typed", "terms"), [
    ("找保姆的工作", ("保姆",)), ("我想找保洁", ("保洁",)), ("做饭", ("做饭",)), ("找工作", ()),
    ("工作", ()), ("社区工作", ("社区",)), ("厨师招聘", ("厨师",)), ("找 bj", ("bj",)),
])
def test_filler_around_a_chinese_term_is_dropped(typed: str, terms: tuple[str, ...]) -> None:
    assert tuple(t.text for t in parse_terms(typed)) == terms


def test_make_query_defaults_and_validation() -> None:
    q = make_query("保洁")
    assert q.scope is Scope.CIRCLE and q.sort is Sort.DISTANCE and not q.is_browse
    assert make_query("").is_browse
    assert make_query("x", scope="city", sort="salary").scope is Scope.CITY
    with pytest.raises(ValueError, match="minimum is above the maximum"):
        make_query(salary_min=6000, salary_max=3000)
    with pytest.raises(ValueError):
        make_query(scope="galaxy")
    with pytest.raises(ValueError):
        make_query(posted_within_days=-1)
    assert make_query("a").with_text("保洁").terms == (Term("保洁", H),)


def test_monthly_converts_hourly_wages() -> None:
    assert monthly(25, "时") == 25 * 174
    assert monthly(5000, "月") == 5000


def test_sort_keys() -> None:
    d = date(2026, 11, 1)
    near_cheap = sort_key(Sort.SALARY, 0, 100.0, 3000, 4000, "月", d, "a")
    far_rich = sort_key(Sort.SALARY, 0, 9000.0, 6000, 9000, "月", d, "b")
    hourly = sort_key(Sort.SALARY, 0, 50.0, 30, 40, "时", d, "c")  # 40 x 174 = 6960 a month
    assert sorted([near_cheap, far_rich, hourly]) == [far_rich, hourly, near_cheap]
    assert sort_key(Sort.NEWEST, 0, 5.0, 1, 1, "月", d, "a") > sort_key(Sort.NEWEST, 0, 900.0, 1, 1, "月",
                                                                      d + timedelta(days=1), "b")
    assert sort_key(Sort.DISTANCE, 1, 1.0, 1, 1, "月", d, "a") > sort_key(Sort.DISTANCE, 0, 9e9, 1, 1, "月", d, "b")


def test_bounding_box_contains_the_circle() -> None:
    st = Station(39.1325, 117.1895, "和平区", "rural")
    lat_lo, lat_hi, lon_lo, lon_hi = bounding_box(st.lat, st.lon, st.radius_m)
    for bearing in range(0, 360, 5):
        # a point just inside the circle at this bearing
        r = st.radius_m * 0.999
        lat = st.lat + math.degrees(r * math.cos(math.radians(bearing)) / geo.EARTH_RADIUS_M)
        lon = st.lon + math.degrees(r * math.sin(math.radians(bearing)) /
                                    (geo.EARTH_RADIUS_M * math.cos(math.radians(st.lat))))
        if geo.distance_m(st.lat, st.lon, lat, lon) <= st.radius_m:
            assert lat_lo <= lat <= lat_hi and lon_lo <= lon <= lon_hi


def _hit(i: str, title: str, category: str, district: str, distance: float, posted: date,
         job_type: str = "全职") -> Hit:
    return Hit(id=i, title=title, employer="天津某公司", category=category, district=district, job_type=job_type,
               salary_min=4000, salary_max=6000, salary_unit="月", posted_on=posted,
               expires_on=posted + timedelta(days=60), distance_m=distance)


def test_recommendation_ranks_occupation_then_district_then_closeness_and_explains() -> None:
    today = date(2026, 11, 24)
    st = Station(39.1325, 117.1895, "和平区", "urban")
    profile = Profile(desired=("保洁员", "餐饮服务"), district="河西区")
    hits = [
        _hit("near-other", "普工", "生产制造", "和平区", 100.0, today),
        _hit("cleaner-far", "保洁员", "家政服务", "南开区", 8000.0, today - timedelta(days=20)),
        _hit("cleaner-home", "保洁员", "家政服务", "河西区", 8000.0, today - timedelta(days=20)),
        _hit("cook", "厨师", "餐饮服务", "和平区", 300.0, today - timedelta(days=2)),
    ]
    recs = rank_recommendations(profile, hits, st, today)
    assert [r.hit.id for r in recs] == ["cleaner-home", "cleaner-far", "cook", "near-other"]
    assert any("保洁员" in r for r in recs[0].reasons) and any("河西区" in r for r in recs[0].reasons)
    assert any("餐饮服务" in r for r in recs[2].reasons)
    assert any("步行约" in r for r in recs[2].reasons) and any("本周新发布" in r for r in recs[2].reasons)
    assert recs[3].reasons  # never an empty explanation
    assert rank_recommendations(profile, hits, st, today, limit=2)[1].hit.id == "cleaner-far"


def test_recommendation_score_is_deterministic_and_bounded_by_distance() -> None:
    today = date(2026, 11, 24)
    st = Station(39.1325, 117.1895, "和平区", "urban")
    p = Profile(desired=("会计",))
    a = score(p, _hit("a", "会计", "行政财务", "和平区", 10.0, today), st, today)
    b = score(p, _hit("b", "会计", "行政财务", "和平区", 5000.0, today), st, today)
    assert a.score > b.score
    assert score(p, _hit("a", "会计", "行政财务", "和平区", 10.0, today), st, today) == a
