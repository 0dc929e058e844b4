"""Vacancy search: the query a resident types, its filters, and the recommendation ranking.

Pure logic, no SQL and no Kivy; ``kiosk.store.search`` executes a :class:`SearchQuery`.

Matching rule (the index and every reference implementation follow it):

* The typed text is normalised (full-width letters and digits become ASCII, ASCII is
  lower-cased) and split into **terms** at anything that is neither a Chinese character nor an
  ASCII letter or digit (spaces, punctuation, a scanner's line end). A run that mixes Chinese and
  Latin (``保洁yuan``) becomes two terms.
* A vacancy matches when **every** term is a substring of one of its searchable fields:
  a Chinese term of the title, employer or category; a Latin term of those or of their pinyin
  initials (``bjy``) or full pinyin (``baojieyuan``). ASCII comparison ignores case.
* Terms of any length match: ``工`` finds 普工, 电工 and 工程师.
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
        return TEXT_FIELDS if self.kind is TermKind.HANZI else TEXT_FIELDS + PINYIN_FIELDS


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
            t = Term("".join(run)[:MAX_TERM_CHARS], kind)
            if t not in terms:
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
    posted_within_days: int | None = None
    sort: Sort = Sort.DISTANCE
    text: str = ""

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
    posted_within_days: int | None = None,
    sort: Sort | str = Sort.DISTANCE,
) -> SearchQuery:
    return SearchQuery(
        terms=parse_terms(text),
        scope=Scope(scope),
        district=district,
        salary_min=salary_min,
        salary_max=salary_max,
        job_types=frozenset(job_types),
        categories=frozenset(categories),
        posted_within_days=posted_within_days,
        sort=Sort(sort),
        text=text,
    )


# --- matching and ordering, as pure functions (the executor's reference) ----------------------


def monthly(amount: int | float, unit: str) -> float:
    """A wage in yuan per month; hourly wages are multiplied by HOURS_PER_MONTH, daily by 21.75."""
    if unit == "时":
        return amount * HOURS_PER_MONTH
    if unit == "日" or unit == "天":
        return amount * 21.75
    return float(amount)


def term_matches(term: Term, fields: dict[str, str]) -> bool:
    return any(term.text in fields.get(f, "").lower() for f in term.fields)


def text_matches(terms: Sequence[Term], fields: dict[str, str]) -> bool:
    return all(term_matches(t, fields) for t in terms)


def title_tier(terms: Sequence[Term], fields: dict[str, str]) -> int:
    """0 when every term is in the title (or its pinyin), else 1: a search for 保洁 lists
    保洁员 jobs before an employer named 保洁服务 hiring a nanny."""
    title_fields = ("title", "title_initials", "title_pinyin")
    for t in terms:
        own = [f for f in title_fields if f in t.fields]
        if not any(t.text in fields.get(f, "").lower() for f in own):
            return 1
    return 0


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
    """The order of a result list: title matches first, then the chosen sort, then nearer,
    then the id (so the order is total and paging is stable)."""
    if sort is Sort.SALARY:
        return (tier, -monthly(salary_max, unit), -monthly(salary_min, unit), distance_m, vacancy_id)
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
