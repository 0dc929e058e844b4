"""Pinyin typed with a slip is read as the word it most likely meant."""

from __future__ import annotations

import pytest

from kiosk.domain import pinyin
from kiosk.domain.spelling import Lexicon, distance, fold

TITLES = [("保洁员", 40), ("厨师", 30), ("快递员", 25), ("配送司机", 20), ("网约车司机", 8), ("收银员", 12),
          ("销售代表", 9), ("保安员", 30), ("护士", 5), ("数据标注员", 3)]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return Lexicon(TITLES, pinyin.syllables)


def test_distance_counts_a_swap_as_one_edit() -> None:
    assert distance("baojei", "baojie") == 1
    assert distance("bojie", "baojie") == 1
    assert distance("baojiee", "baojie") == 1
    assert distance("baxjie", "baojie") == 1
    assert distance("bjoaei", "baojie") > 1
    assert distance("abc", "abcdef") == 3  # capped at limit + 1


def test_fold_blurs_the_sounds_many_speakers_blur() -> None:
    assert fold("chushi") == fold("cushi") == "cusi"
    assert fold("zhongdiangong") == fold("zongdiangong")
    assert fold("zhengfu") == fold("zenfu")
    assert fold("xiaoshou") == fold("xiaosou")
    assert fold("jing") == fold("jin")


@pytest.mark.parametrize(("typed", "word", "pinyin_"), [
    ("baojei", "保洁", "baojie"),        # two letters swapped
    ("baojeiyuan", "保洁员", "baojieyuan"),
    ("bojie", "保洁", "baojie"),         # a letter missing
    ("baojiie", "保洁", "baojie"),       # one too many
    ("cushi", "厨师", "chushi"),         # zh/ch/sh not separated
    ("souyin", "收银", "shouyin"),
    ("kuaidiyaun", "快递员", "kuaidiyuan"),
    ("sji", "司机", "siji"),             # three letters: only a missing one
    ("保杰", "保洁", "baojie"),          # Chinese with the right sound, wrong character
    ("hushu", "护士", "hushi"),
])
def test_a_slip_is_corrected(lex: Lexicon, typed: str, word: str, pinyin_: str) -> None:
    s = lex.correct(typed)
    assert s is not None, typed
    assert (s.word, s.pinyin, s.typed) == (word, pinyin_, typed)


@pytest.mark.parametrize("typed", ["baojie", "保洁", "bj", "cs", "sjx", "qwertyuiop", "", "1234"])
def test_nothing_is_corrected_that_is_right_or_too_far(lex: Lexicon, typed: str) -> None:
    assert lex.correct(typed) is None


def test_a_whole_title_beats_part_of_one_and_the_more_common_wins(lex: Lexicon) -> None:
    # "siji" is a part of 配送司机 and of 网约车司机; both say 司机
    assert lex.correct("sijj").word == "司机"
    assert lex.correct("baoanyaun").word == "保安员"


def test_suggestions_reach_further_for_the_empty_result_page(lex: Lexicon) -> None:
    words = [s.word for s in lex.suggest("baojjje")]
    assert words and words[0] == "保洁"
    assert len(lex.suggest("baojie", limit=2)) <= 2
    assert lex.suggest("zz") == []


def test_words_that_are_not_all_chinese_are_left_to_the_exact_search() -> None:
    lex = Lexicon([("CAD制图员", 3), ("保洁员", 1)], pinyin.syllables)
    assert lex.correct("baojei").word == "保洁"
    assert len(lex) == len(Lexicon([("保洁员", 1)], pinyin.syllables))
