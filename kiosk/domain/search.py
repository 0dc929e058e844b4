"""Vacancy search: the query a resident types, its filters, and the recommendation ranking.

Pure logic, no SQL and no Kivy; ``kiosk.store.search`` executes a :class:`SearchQuery`.

Matching rule (the index and every reference implementation follow it):

* The typed text is normalised (full-width letters and digits become ASCII, ASCII is
  lower-cased) and split into **terms** at anything that is neither a Chinese character nor an
  ASCII letter or digit (spaces, punctuation, a scanner's line end). A run that mixes Chinese and
  Latin (``保洁yuan``) becomes two terms. Filler around a Chinese term goes (找保姆的工作 → 保姆).
* A vacancy matches when **every** term is a substring of one of its searchable fields:
  a Chinese term of the title, employer, category, search terms (residents' words for the
  occupation, ``kiosk.domain.jobwords``; terms of 2+ characters) or details (requirements,
  benefits, hours; terms of 3+ characters); a Latin
  term of those or of their pinyin initials (``bjy``) or full pinyin (``baojieyuan``). ASCII
  comparison ignores case. A *literal* query (the benchmark's baseline) looks only in the
  title, employer and category and their pinyin, as the kiosk did before the vocabulary.
* Terms of any length match: ``工`` finds 普工, 电工 and 工程师.

Rank: each term is scored by the best field it is in (:data:`TIER_NAMES`):

0. the title starts with it, in Chinese, full pinyin or initials (``bj`` → 保洁员);
1. it is in the title or the title's full pinyin;
2. it is one of the residents' words for the occupation, whole (``bm`` → 保姆 → 家政服务员);
3. it is inside the title's initials (``kc`` in 数控车床 is more likely chance than intent);
4. it is in the employer or the industry;
5. it is in the details, or inside a resident's word.

A vacancy ranks by its worst term. Inside a tier the chosen sort decides, then distance, then
recency.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from kiosk.domain import geo
from kiosk.domain.wages import salary_text

#: Monthly equivalent of an hourly wage: 21.75 working days x 8 hours (the legal standard).
HOURS_PER_MONTH = 174
#: Longer input is cut: nobody types more on a kiosk, and a scanner's garbage stays bounded.
MAX_TERMS = 8
MAX_TERM_CHARS = 40
#: Shortest term the trigram index answers; shorter ones use the per-character index.
TRIGRAM_MIN_CHARS = 3

TEXT_FIELDS = ("title", "employer", "category")
PINYIN_FIELDS = ("title_initials", "employer_initials", "category_initials",
                 "title_pinyin", "employer_pinyin", "category_pinyin")
#: residents' words for the vacancy's occupation, with their pinyin (mixed script, one field)
WORDS_FIELD = "terms"
#: requirements, benefits and working hours
DETAILS_FIELD = "details"
EXTRA_FIELDS = (WORDS_FIELD, DETAILS_FIELD)
MIN_WORDS_CHARS = 2
MIN_DETAILS_CHARS = 3
TITLE_FIELDS = ("title", "title_initials", "title_pinyin")

TIER_START, TIER_TITLE, TIER_WORDS, TIER_INITIALS, TIER_EMPLOYER, TIER_DETAILS = range(6)
#: What each tier means, best first
TIER_NAMES = ("岗位名称开头", "岗位名称", "常用叫法", "岗位名称首字母", "单位或行业", "岗位要求等")

#: Words around a Chinese term that say nothing about the work (找保姆的工作 → 保姆). Each is
#: removed only when at least two characters are left, so 做饭 and 工作 stay as typed.
FILLER_PREFIXES = ("我想找", "我要找", "想找", "我想做", "我要做", "想做", "找", "做")
FILLER_SUFFIXES = ("的工作", "的活儿", "的岗位", "的活", "工作", "岗位", "活儿", "招聘")
#: A term that is nothing but filler is dropped (找工作 alone lists everything).
FILLER_WORDS = frozenset({"找工作", "工作", "岗位", "招聘", "找活", "找活儿", "找", "我想找", "我要找", "想找"})


class Sort(enum.StrEnum):
    DISTANCE = "distance"
    SALARY = "salary"
    NEWEST = "newest"


class Scope(enum.StrEnum):
    """How far to look: the station's service circle, one district, or the whole city."""

    CIRCLE = "circle"
    DISTRICT = "district"
    CITY = "city"


class TermKind(enum.StrEnum):
    HANZI = "hanzi"
    LATIN = "latin"


@dataclass(frozen=True)
class Term:
    text: str
    kind: TermKind

    @property
    def fields(self) -> tuple[str, ...]:
        """The searchable fields this term is looked for in."""
        return term_fields(self)


def term_fields(term: Term, literal: bool = False) -> tuple[str, ...]:
    """Where a term is looked for. The residents' words need a term of two characters or more and
    the details one of three or more: one character (工) is in nearly every long text, so there it
    would find everything and mean nothing. A literal query skips both."""
    base = TEXT_FIELDS if term.kind is TermKind.HANZI else TEXT_FIELDS + PINYIN_FIELDS
    if literal:
        return base
    n = len(term.text)
    return base + ((WORDS_FIELD,) if n >= MIN_WORDS_CHARS else ()) + ((DETAILS_FIELD,) if n >= MIN_DETAILS_CHARS else ())


def is_hanzi(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3134F
        or o == 0x3007  # 〇
    )


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def normalize(text: str) -> str:
    """Full-width ASCII (a scanner or a Chinese IME) to ASCII, ASCII lower-cased."""
    out = []
    for ch in text:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        elif o == 0x3000:
            ch = " "
        out.append(ch.lower() if ch.isascii() else ch)
    return "".join(out)


def parse_terms(text: str) -> tuple[Term, ...]:
    """Split typed or scanned text into terms (see the module docstring). Duplicates dropped."""
    terms: list[Term] = []
    run: list[str] = []
    kind: TermKind | None = None

    def flush() -> None:
        if run and kind is not None:
            word = "".join(run)
            t = Term((strip_filler(word) if kind is TermKind.HANZI else word)[:MAX_TERM_CHARS], kind)
            if t.text and t not in terms:
                terms.append(t)
        run.clear()

    for ch in normalize(text):
        k = TermKind.HANZI if is_hanzi(ch) else TermKind.LATIN if _is_latin(ch) else None
        if k is None or k is not kind:
            flush()
            kind = k
        if k is not None:
            run.append(ch)
    flush()
    return tuple(terms[:MAX_TERMS])


def strip_filler(word: str) -> str:
    """找保姆的工作 → 保姆; a word that is all filler (找工作) becomes empty (browse everything)."""
    for _ in range(2):
        for p in FILLER_PREFIXES:
            if word.startswith(p) and len(word) - len(p) >= 2:
                word = word[len(p):]
                break
        for x in FILLER_SUFFIXES:
            if word.endswith(x) and len(word) - len(x) >= 2:
                word = word[:-len(x)]
                break
    return "" if word in FILLER_WORDS else word


@dataclass(frozen=True)
class Station:
    """Where the kiosk stands; distances and the service circle are measured from here."""

    lat: float
    lon: float
    district: str = ""
    area_type: str = "urban"

    @property
    def radius_m(self) -> float:
        return geo.circle_radius_m(self.area_type)

    @classmethod
    def from_config(cls, cfg: object) -> Station:
        """From a ``kiosk.config.StationConfig`` (or anything with the same attributes)."""
        return cls(float(cfg.lat), float(cfg.lon), str(cfg.district), str(cfg.area_type))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SearchQuery:
    """What to look for, where, and in which order. Build with :func:`make_query`."""

    terms: tuple[Term, ...] = ()
    scope: Scope = Scope.CIRCLE
    district: str = ""  # for Scope.DISTRICT; empty means the station's district
    salary_min: int | None = None  # monthly yuan; hourly wages compared as x HOURS_PER_MONTH
    salary_max: int | None = None
    job_types: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    #: everyday groups (kiosk.domain.jobwords.GROUPS), the 按类别 tiles
    groups: frozenset[str] = frozenset()
    posted_within_days: int | None = None
    #: only day jobs (零工) that work on this day (今天 / 明天)
    work_day: date | None = None
    sort: Sort = Sort.DISTANCE
    text: str = ""
    #: match the typed text only (no residents' words, no details, two tiers): the baseline
    literal: bool = False

    def __post_init__(self) -> None:
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise ValueError(f"salary range {self.salary_min}-{self.salary_max}: the minimum is above the maximum")
        if self.posted_within_days is not None and self.posted_within_days < 0:
            raise ValueError(f"posted_within_days must be 0 or more, not {self.posted_within_days}")

    @property
    def is_browse(self) -> bool:
        """No text: list everything that passes the filters."""
        return not self.terms

    def with_text(self, text: str) -> SearchQuery:
        return replace(self, text=text, terms=parse_terms(text))


def make_query(
    text: str = "",
    *,
    scope: Scope | str = Scope.CIRCLE,
    district: str = "",
    salary_min: int | None = None,
    salary_max: int | None = None,
    job_types: Iterable[str] = (),
    categories: Iterable[str] = (),
    groups: Iterable[str] = (),
    posted_within_days: int | None = None,
    sort: Sort | str = Sort.DISTANCE,
    literal: bool = False,
    work_day: date | None = None,
) -> SearchQuery:
    return SearchQuery(
        terms=parse_terms(text),
        scope=Scope(scope),
        district=district,
        salary_min=salary_min,
        salary_max=salary_max,
        job_types=frozenset(job_types),
        categories=frozenset(categories),
        groups=frozenset(groups),
        posted_within_days=posted_within_days,
        work_day=work_day,
        sort=Sort(sort),
        text=text,
        literal=literal,
    )


# --- matching and ordering, as pure functions (the executor's reference) ----------------------


def monthly(amount: int | float, unit: str) -> float:
    """A wage in yuan per month; hourly wages are multiplied by HOURS_PER_MONTH, daily by 21.75."""
    if unit == "时":
        return amount * HOURS_PER_MONTH
    if unit == "日" or unit == "天":
        return amount * 21.75
    return float(amount)


def _in(term: Term, fields: dict[str, str], names: Iterable[str]) -> bool:
    return any(term.text in fields.get(f, "").lower() for f in names)


def term_matches(term: Term, fields: dict[str, str], literal: bool = False) -> bool:
    return _in(term, fields, term_fields(term, literal))


def text_matches(terms: Sequence[Term], fields: dict[str, str], literal: bool = False) -> bool:
    return all(term_matches(t, fields, literal) for t in terms)


def term_tier(term: Term, fields: dict[str, str], literal: bool = False) -> int:
    """The best field a (matching) term is in, as a TIER_* number (see the module docstring)."""
    own = [f for f in TITLE_FIELDS if f in term_fields(term, literal)]
    if literal:
        return TIER_START if _in(term, fields, own) else TIER_TITLE
    if any(fields.get(f, "").lower().startswith(term.text) for f in own):
        return TIER_START
    if _in(term, fields, [f for f in own if f != "title_initials"]):
        return TIER_TITLE
    if WORDS_FIELD in term_fields(term) and term.text in fields.get(WORDS_FIELD, "").lower().split():
        return TIER_WORDS
    if _in(term, fields, [f for f in own if f == "title_initials"]):
        return TIER_INITIALS
    if _in(term, fields, [f for f in term_fields(term) if f not in TITLE_FIELDS and f not in EXTRA_FIELDS]):
        return TIER_EMPLOYER
    return TIER_DETAILS


def match_tier(terms: Sequence[Term], fields: dict[str, str], literal: bool = False) -> int:
    """A vacancy's tier: that of its worst term (0 with no terms). A literal query has two: 0
    when every term is in the title, else 1, so 保洁 lists 保洁员 jobs before an employer named
    保洁服务 hiring a nanny."""
    return max((term_tier(t, fields, literal) for t in terms), default=0)


@dataclass(frozen=True)
class Hit:
    """One vacancy in a result list, with what the list row shows."""

    id: str
    title: str
    employer: str
    category: str
    district: str
    job_type: str
    salary_min: int
    salary_max: int
    salary_unit: str
    posted_on: date
    expires_on: date
    distance_m: float
    tier: int = 0
    #: a day job's first day (its last is ``expires_on``)
    work_from: date | None = None

    @property
    def walking_minutes(self) -> int:
        return geo.walking_minutes(self.distance_m)

    @property
    def distance_text(self) -> str:
        return geo.describe_distance(self.distance_m)

    @property
    def salary_text(self) -> str:
        return salary_text(self.salary_min, self.salary_max, self.salary_unit)


def sort_key(sort: Sort, tier: int, distance_m: float, salary_min: int, salary_max: int, unit: str,
             posted_on: date, vacancy_id: str) -> tuple:
    """The order of a result list: the tier first, then the chosen sort, then nearer, then newer,
    then the id (so the order is total and paging is stable). Distances are measured in metres
    to the metre's fraction, so in the distance sort two vacancies tie only at one address."""
    if sort is Sort.SALARY:
        return (tier, -monthly(salary_max, unit), -monthly(salary_min, unit), distance_m, -posted_on.toordinal(),
                vacancy_id)
    if sort is Sort.NEWEST:
        return (tier, -posted_on.toordinal(), distance_m, vacancy_id)
    return (tier, distance_m, vacancy_id)


# --- recommendation ("为你推荐") ----------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a logged-in resident told us: desired occupations (titles or categories) and district."""

    desired: tuple[str, ...] = ()
    district: str = ""
    job_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Recommendation:
    hit: Hit
    score: float
    reasons: tuple[str, ...] = field(default=())


#: Weights of the recommendation score; a matching occupation dominates, then closeness.
W_OCCUPATION = 100.0
W_CATEGORY = 60.0
W_DISTRICT = 20.0
W_JOB_TYPE = 10.0
W_WALK = 25.0  # scaled down linearly to 0 at twice the service circle
W_FRESH = 10.0  # scaled down linearly to 0 at 30 days old


def score(profile: Profile, hit: Hit, station: Station, today: date) -> Recommendation:
    """Score one vacancy for a profile and say, in the resident's words, why it is shown."""
    reasons: list[str] = []
    s = 0.0
    wanted = [normalize(d).strip() for d in profile.desired if d.strip()]
    by_title = next((d for d in wanted if d and (d in hit.title or hit.title in d)), None)
    by_category = next((d for d in wanted if d and d == hit.category), None)
    if by_title:
        s += W_OCCUPATION
        reasons.append(f"符合您想做的“{by_title}”")
    elif by_category:
        s += W_CATEGORY
        reasons.append(f"属于您关注的“{by_category}”行业")
    if profile.district and hit.district == profile.district:
        s += W_DISTRICT
        reasons.append(f"在您希望工作的{hit.district}")
    if profile.job_types and hit.job_type in profile.job_types:
        s += W_JOB_TYPE
        reasons.append(f"是您想要的{hit.job_type}岗位")
    reach = 2 * station.radius_m
    if hit.distance_m < reach:
        s += W_WALK * (1 - hit.distance_m / reach)
    if hit.distance_m <= station.radius_m:
        reasons.append(f"离本驿站近，步行约 {hit.walking_minutes} 分钟")
    age = max(0, (today - hit.posted_on).days)
    if age < 30:
        s += W_FRESH * (1 - age / 30)
    if age <= 7:
        reasons.append("本周新发布" if age > 0 else "今天新发布")
    if not reasons:
        reasons.append("在天津市范围内与您的条件最接近")
    return Recommendation(hit, round(s, 6), tuple(reasons))


def rank_recommendations(profile: Profile, hits: Iterable[Hit], station: Station, today: date,
                         limit: int = 20) -> list[Recommendation]:
    """Best first; equal scores nearer first, then by id."""
    recs = [score(profile, h, station, today) for h in hits]
    recs.sort(key=lambda r: (-r.score, r.hit.distance_m, r.hit.id))
    return recs[:limit]


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(lat_lo, lat_hi, lon_lo, lon_hi) that contains the circle, with a small safety margin."""
    r = radius_m * 1.01 + 1.0
    dlat = math.degrees(r / geo.EARTH_RADIUS_M)
    dlon = math.degrees(r / (geo.EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
