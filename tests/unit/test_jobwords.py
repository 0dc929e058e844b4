"""The residents' words table and the everyday groups: their data, lookups and what producers write."""

from __future__ import annotations

import pytest

from kiosk.domain import demodata, jobwords, pinyin
from kiosk.domain.jobwords import GROUPS, Vocabulary, VocabularyError, job_group


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return jobwords.kiosk_vocabulary()


def test_the_data_files_say_where_they_come_from_and_under_which_licence() -> None:
    for path in (jobwords.WORDS_FILE, jobwords.GROUPS_FILE):
        header = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("#"))
        assert "Source:" in header and "Licence:" in header and "职业分类大典" in header, path.name
        assert "scraped" in header  # says that nothing was


def test_every_word_leads_to_an_occupation_the_groups_table_or_the_demo_knows(vocab: Vocabulary) -> None:
    known = {o for o, _ in jobwords._groups()}
    titles = {t for _, (_, ts) in demodata.OCCUPATIONS.items() for t, _, _ in ts}
    assert len(vocab.words) >= 150
    for w in vocab.words:
        for o in w.occupations:
            assert any(o in k or k in o for k in known | titles), f"{w.word} → {o}: not an occupation we know"
        for t in w.job_types:
            assert t in ("全职", "兼职", "公益性岗位", "实习", "零工"), w.word


def test_lookup_by_chinese_full_pinyin_and_initials(vocab: Vocabulary) -> None:
    for typed in ("保姆", "baomu", "bm"):
        assert "保姆" in [w.word for w in vocab.lookup(typed)], typed
    assert vocab.also_for(["保姆"]) == ("家政服务员", "育婴员")
    assert vocab.also_for(["日结"]) == ("兼职岗位",)
    assert vocab.also_for(["保洁"]) == ()  # not a resident's word: the title says it already
    assert vocab.lookup("baom") == []  # exact words only; the index does the rest


def test_a_vacancy_gets_the_words_for_its_occupation_with_pinyin(vocab: Vocabulary) -> None:
    words = vocab.search_terms("家政服务员", "全职").split()
    assert {"保姆", "baomu", "bm", "阿姨", "ayi"} <= set(words)
    assert "日结" not in words
    assert "日结" in vocab.search_terms("分拣员", "兼职").split()
    assert vocab.search_terms("量子物理学家", "全职") == ""
    assert len(vocab.search_terms("普工", "兼职")) <= jobwords.MAX_SEARCH_TERMS


def test_a_malformed_table_is_refused_with_the_row_to_fix() -> None:
    with pytest.raises(VocabularyError, match="row 2: 保姆 is listed twice"):
        Vocabulary.parse([{"word": "保姆", "occupations": "家政服务员"}, {"word": "保姆", "occupations": "育婴员"}],
                         pinyin.initials, pinyin.full)
    with pytest.raises(VocabularyError, match="row 1: needs a word and at least one occupation"):
        Vocabulary.parse([{"word": "保姆", "occupations": " ; "}], pinyin.initials, pinyin.full)


@pytest.mark.parametrize(("title", "category", "group"), [
    ("保洁员", "家政服务", "家政服务"), ("公共环境保洁员", "公益性岗位", "家政服务"), ("配送司机", "物流运输", "司机"),
    ("叉车司机", "物流运输", "司机"), ("公交驾驶员", "交通出行", "司机"), ("数控车床操作工", "生产制造", "工厂普工"),
    ("电焊工", "生产制造", "技术工种"), ("养老护理员", "家政服务", "医疗护理"), ("社区协管员", "公益性岗位", "保安物业"),
    ("软件工程师", "信息技术", "其他"), ("糕点学徒", "餐饮服务", "餐饮"), ("宇航员", "", "其他"),
])
def test_every_vacancy_has_an_everyday_group(title: str, category: str, group: str) -> None:
    assert job_group(title, category) == group


def test_the_demo_covers_every_group_and_no_title_falls_through_by_accident() -> None:
    titles = [(t, c) for c, (_, ts) in demodata.OCCUPATIONS.items() for t, _, _ in ts]
    titles += [(t, "公益性岗位") for t, _, _ in demodata.PUBLIC_WELFARE_TITLES]
    assert {job_group(t, c) for t, c in titles} == set(GROUPS)
    occupations = [o for o, _ in jobwords._groups()]
    uncovered = [t for t, _ in titles if not any(o in t for o in occupations)]
    assert uncovered == [], "a demo title takes its group from the industry only: add it to job_groups.csv"


def test_gaps_from_an_older_producer_are_filled_on_the_kiosk() -> None:
    terms, group = jobwords.fill_gaps("育婴员", "全职", "家政服务", "", "")
    assert "保姆" in terms.split() and "baomu" in terms.split() and group == "家政服务"
    assert jobwords.fill_gaps("育婴员", "全职", "家政服务", "月嫂 yuesao ys", "家政服务") == ("月嫂 yuesao ys", "家政服务")
    assert jobwords.fill_gaps("育婴员", "全职", "家政服务", "x", "不是大类")[1] == "家政服务"
