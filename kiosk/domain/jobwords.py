"""Residents' words for work, and the everyday group of every vacancy.

Two reviewable tables in ``kiosk/domain/data`` (their headers give sources and licence):

* ``job_words.csv``: a resident's word (保姆, 开车, 日结) → the occupations a station worker
  would show for it. The producer of vacancies writes the words that apply to each vacancy, with
  their pinyin, into its ``search_terms`` (:func:`search_terms`), so the kiosk's index finds
  家政服务员 for 保姆, ``baomu`` or ``bm``; the search screen tells the resident what was added
  (:meth:`Vocabulary.also_for`: "也为您找了：家政服务员、育婴员").
* ``job_groups.csv``: occupation → one of :data:`GROUPS`, the big tiles of 按类别找工作
  (:func:`job_group`).

Pure: no SQL, no Kivy. Pinyin functions are passed in, so the producer uses pypinyin's phrase
dictionary and the kiosk its small character table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.domain.i18n import N_

DATA = Path(__file__).with_name("data")
WORDS_FILE = DATA / "job_words.csv"
GROUPS_FILE = DATA / "job_groups.csv"

#: The everyday groups, in the order the tiles show them.
GROUPS = (N_("家政服务"), N_("餐饮"), N_("物流配送"), N_("保安物业"), N_("司机"), N_("工厂普工"), N_("销售客服"),
          N_("教育培训"), N_("医疗护理"), N_("技术工种"), N_("办公文员"), N_("其他"))
OTHER = "其他"
#: A vacancy whose title no occupation row covers takes the group of its industry category.
CATEGORY_GROUPS = {
    "家政服务": "家政服务", "餐饮服务": "餐饮", "餐饮": "餐饮", "物流运输": "物流配送", "物流配送": "物流配送",
    "物业安保": "保安物业", "交通出行": "司机", "生产制造": "工厂普工", "建筑装修": "技术工种",
    "商超零售": "销售客服", "销售客服": "销售客服", "教育培训": "教育培训", "医疗健康": "医疗护理",
    "行政财务": "办公文员", "公益性岗位": "保安物业",
}
JOB_TYPE_PREFIX = "类型:"
#: The longest ``search_terms`` a vacancy carries (the protocol's limit).
MAX_SEARCH_TERMS = 1000

PinyinFn = Callable[[str], str]


def _rows(path: Path) -> list[dict[str, str]]:
    """A data table without its ``#`` header lines."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@dataclass(frozen=True)
class Word:
    word: str
    occupations: tuple[str, ...]  # occupation names matched inside titles
    job_types: tuple[str, ...]  # "类型:兼职" targets

    def applies_to(self, title: str, job_type: str) -> bool:
        return job_type in self.job_types or any(o in title for o in self.occupations)

    @property
    def shown(self) -> tuple[str, ...]:
        """What "也为您找了" lists for this word."""
        return self.occupations + tuple(f"{t}岗位" for t in self.job_types)


class VocabularyError(ValueError):
    """The vocabulary table is malformed; the message names the line and how to fix it."""


class Vocabulary:
    """The word table, looked up by Chinese, full pinyin or initials."""

    def __init__(self, words: Iterable[Word], initials: PinyinFn, full: PinyinFn) -> None:
        self.words = tuple(words)
        self._by_key: dict[str, list[Word]] = {}
        for w in self.words:
            for key in {w.word, full(w.word), initials(w.word)}:
                if key:
                    self._by_key.setdefault(key, []).append(w)
        self._initials, self._full = initials, full

    @classmethod
    def parse(cls, rows: Iterable[dict[str, str]], initials: PinyinFn, full: PinyinFn) -> Vocabulary:
        words: list[Word] = []
        seen: set[str] = set()
        for n, r in enumerate(rows, start=1):
            word = (r.get("word") or "").strip()
            targets = [t.strip() for t in (r.get("occupations") or "").split(";") if t.strip()]
            if not word or not targets:
                raise VocabularyError(f"{WORDS_FILE.name} row {n}: needs a word and at least one occupation")
            if word in seen:
                raise VocabularyError(f"{WORDS_FILE.name} row {n}: {word} is listed twice; merge the rows")
            seen.add(word)
            types = tuple(t.removeprefix(JOB_TYPE_PREFIX) for t in targets if t.startswith(JOB_TYPE_PREFIX))
            occs = tuple(t for t in targets if not t.startswith(JOB_TYPE_PREFIX))
            words.append(Word(word, occs, types))
        return cls(words, initials, full)

    def lookup(self, typed: str) -> list[Word]:
        """The words a typed term is (in Chinese, full pinyin or initials), exactly."""
        return list(self._by_key.get(typed, ()))

    def also_for(self, terms: Iterable[str]) -> tuple[str, ...]:
        """The occupations the vocabulary added for these terms, each once, in table order, minus
        those the term already names (保洁 does not add 保洁员)."""
        out: list[str] = []
        for t in terms:
            for w in self.lookup(t):
                for o in w.shown:
                    if o not in out and t not in o:
                        out.append(o)
        return tuple(out)

    def words_for(self, title: str, job_type: str) -> list[Word]:
        return [w for w in self.words if w.applies_to(title, job_type)]

    def search_terms(self, title: str, job_type: str) -> str:
        """The words for a vacancy, each with its full pinyin and initials, space-separated."""
        parts: list[str] = []
        for w in self.words_for(title, job_type):
            for p in (w.word, self._full(w.word), self._initials(w.word)):
                if p and p not in parts:
                    parts.append(p)
        text = " ".join(parts)
        return text[:MAX_SEARCH_TERMS].rsplit(" ", 1)[0] if len(text) > MAX_SEARCH_TERMS else text


@cache
def _groups() -> tuple[tuple[str, str], ...]:
    rows = _rows(GROUPS_FILE)
    out = []
    for n, r in enumerate(rows, start=1):
        occ, group = (r.get("occupation") or "").strip(), (r.get("group") or "").strip()
        if not occ or group not in GROUPS:
            raise VocabularyError(f"{GROUPS_FILE.name} row {n}: {occ or '(empty)'} → {group or '(empty)'}; "
                                  f"the group must be one of {'、'.join(GROUPS)}")
        out.append((occ, group))
    return tuple(sorted(out, key=lambda og: -len(og[0])))


def job_group(title: str, category: str = "") -> str:
    """The everyday group of a vacancy: the longest occupation in its title, else its industry."""
    for occ, group in _groups():
        if occ in title:
            return group
    return CATEGORY_GROUPS.get(category, OTHER)


@cache
def vocabulary_with(initials: PinyinFn, full: PinyinFn) -> Vocabulary:
    return Vocabulary.parse(_rows(WORDS_FILE), initials, full)


def kiosk_vocabulary() -> Vocabulary:
    """The table with the kiosk's own pinyin (single-character readings, no phrase dictionary)."""
    from kiosk.domain import pinyin

    return vocabulary_with(pinyin.initials, pinyin.full)


def producer_vocabulary() -> Vocabulary:
    """The table with pypinyin's phrase dictionary, for whoever produces vacancies."""
    from kiosk.domain.demodata import pinyin_fns

    return vocabulary_with(*pinyin_fns())


@cache
def _kiosk_terms(title: str, job_type: str) -> str:
    return kiosk_vocabulary().search_terms(title, job_type)


def fill_gaps(title: str, job_type: str, category: str, search_terms_value: str,
              group: str) -> tuple[str, str]:
    """``(search_terms, job_group)`` for a vacancy that arrived without them (an older producer)."""
    return (search_terms_value or _kiosk_terms(title, job_type),
            group if group in GROUPS else job_group(title, category))


@cache
def occupations() -> dict[str, tuple[str, ...]]:
    """group → the occupations the 招聘登记 form offers, in the file's order; a two-character short
    form that begins a longer name (保洁 of 保洁员) is left to the longer one."""
    names = [occ for occ, _ in _groups()]
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    for r in _rows(GROUPS_FILE):
        occ, group = (r.get("occupation") or "").strip(), (r.get("group") or "").strip()
        if not (len(occ) <= 2 and any(o != occ and o.startswith(occ) for o in names)) and occ not in out[group]:
            out[group].append(occ)
    return {g: tuple(v) for g, v in out.items() if v}
