"""The marks in the vacancy search indexes, and the codes that stand for a filter's value in them.

Besides its text, each document of both FTS5 indexes holds marks: withdrawn (or expired before
the swept day), expiry and posting day, district, job type, category, group and monthly pay steps (``kiosk.store.search`` counts a
search, filters included, from their posting lists). The posting day and the pay steps also have
span marks, see :func:`spans`. In the short-term index (``search_grams``)
a mark is one token that begins with "zz" and is 3+ characters long, so no 1- or 2-character term
can match one; in the trigram index it is exactly three Private Use characters (one trigram),
which no term holds: the kind, then a 32-bit number in two characters.

A district, job type, category or group is a name of any length, so in a mark it is a number:
its code in ``search_mark_codes``, assigned the first time a document holding it is indexed, in
the indexing transaction. UNIQUE (kind, value) gives every value its own code, so two values
never share a mark (a hash of the name could, and a search for one would count the other's
vacancies). Codes are never reassigned: a full rebuild keeps them, so a code a search has read
stays the one its documents carry. A vacancy image carries the table with the indexes (it is a
``search_*`` table, see ``kiosk.store.vacancy_image``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, text

from kiosk.domain import geo
from kiosk.domain.search import bounding_box, monthly

MARK = "zz"
MARK_DEAD, MARK_EXPIRES, MARK_POSTED = MARK + "w", MARK + "e", MARK + "p"
MARK_DISTRICT, MARK_JOB_TYPE, MARK_CATEGORY, MARK_GROUP = MARK + "d", MARK + "j", MARK + "c", MARK + "g"
#: Monthly pay in steps of PAY_STEP: the top of the range rounded down, the bottom rounded up.
MARK_PAY_TOP, MARK_PAY_BOTTOM = MARK + "h", MARK + "l"
MARK_TITLE_START, MARK_IN_TITLE = MARK + "s", MARK + "t"
#: The place: a cell of CELLS_PER_DEGREE⁻¹ degrees of latitude by as many of longitude (about
#: 1.1 by 0.9 km in Tianjin), the same latitude bands a full build stores documents in.
MARK_CELL = MARK + "x"
CELLS_PER_DEGREE = 100
#: Spans of posting days (counted from 0001-01-01) and of pay steps: a document holds the span of
#: 2, 4, ... 2**SPAN_LEVELS values its own value lies in, see :func:`spans`.
MARK_POSTED_SPAN, MARK_PAY_TOP_SPAN, MARK_PAY_BOTTOM_SPAN = MARK + "q", MARK + "u", MARK + "b"
SPAN_LEVELS = 6
#: The kinds whose value is a name, written as its code.
CODED = (MARK_DISTRICT, MARK_JOB_TYPE, MARK_CATEGORY, MARK_GROUP)
PAY_STEP = 500
PAY_STEPS = 400
#: The search_docs columns the marks are made from, in :func:`doc_marks`'s order after the category.
MARKED_COLUMNS = ("status", "expires_on", "posted_on", "district", "job_type", "salary_min", "salary_max",
                  "salary_unit", "job_group", "lat", "lon")
#: Never assigned (codes start at 1): the code of a value no document holds, whose mark matches nothing.
NO_CODE = 0
_CODE_LIMIT = 1 << 32

_KINDS = {k: chr(0xE000 + i) for i, k in enumerate((MARK_DEAD, MARK_EXPIRES, MARK_POSTED, *CODED, MARK_PAY_TOP,
                                                    MARK_PAY_BOTTOM, MARK_CELL, MARK_POSTED_SPAN,
                                                    MARK_PAY_TOP_SPAN, MARK_PAY_BOTTOM_SPAN))}
#: A span's value: its level above this bit, its number below.
_SPAN_SHIFT = 24


class MarkCodes:
    """The codes of one indexing transaction: read once, a new value's code added on first use."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._codes = {(k, v): int(c) for c, k, v in conn.execute(
            text("SELECT code, kind, value FROM search_mark_codes"))}

    def __call__(self, kind: str, value: str) -> int:
        key = (kind, value)
        code = self._codes.get(key)
        if code is None:
            code = int(self._conn.execute(text("INSERT INTO search_mark_codes (kind, value) VALUES (:k, :v) "
                                               "RETURNING code"), {"k": kind, "v": value}).scalar_one())
            if code >= _CODE_LIMIT:
                raise OverflowError(f"search mark code {code} does not fit a trigram mark")
            self._codes[key] = code
        return code


def codes_of(conn: Connection, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The codes of ``wanted`` (kind, value) pairs for a search: NO_CODE for a value no document
    was ever indexed with."""
    wanted = sorted(set(wanted))
    found: dict[tuple[str, str], int] = {}
    if wanted:
        found = {(k, v): int(c) for k, v, c in conn.execute(text(
            "SELECT m.kind, m.value, m.code FROM json_each(:w) j JOIN search_mark_codes m "
            "ON m.kind = json_extract(j.value, '$[0]') AND m.value = json_extract(j.value, '$[1]')"), {"w": json.dumps(wanted, ensure_ascii=False)})}
    return {p: found.get(p, NO_CODE) for p in wanted}


def doc_marks(codes: MarkCodes, category: str, status: str, expires_on: str, posted_on: str, district: str,
              job_type: str, salary_min: float, salary_max: float, salary_unit: str,
              job_group: str, lat: float, lon: float, swept: str = "") -> list[tuple[str, str]]:
    """A document's marks as (kind, value as digits): expiry and posting day, district, job type,
    category, group (their codes), monthly pay steps, the spans of the posting day and the pay
    steps, its cell, and withdrawn unless open or when it expires before ``swept`` (ISO day,
    see ``kiosk.store.search.sweep_expired``)."""
    top = min(PAY_STEPS, max(0, math.floor(monthly(salary_max, salary_unit) / PAY_STEP)))
    bottom = min(PAY_STEPS, max(0, math.ceil(monthly(salary_min, salary_unit) / PAY_STEP)))
    out = [(MARK_EXPIRES, expires_on.replace("-", "")), (MARK_POSTED, posted_on.replace("-", ""))]
    out += [(k, str(codes(k, v))) for k, v in ((MARK_DISTRICT, district), (MARK_JOB_TYPE, job_type),
                                               (MARK_CATEGORY, category), (MARK_GROUP, job_group))]
    out += [(MARK_PAY_TOP, str(top)), (MARK_PAY_BOTTOM, str(bottom)), (MARK_CELL, str(cell_of(lat, lon)))]
    day = date.fromisoformat(posted_on).toordinal()
    for level in range(1, SPAN_LEVELS + 1):
        out += [(MARK_POSTED_SPAN, span_value(level, day >> level)), (MARK_PAY_TOP_SPAN, span_value(level, top >> level)),
                (MARK_PAY_BOTTOM_SPAN, span_value(level, bottom >> level))]
    if status != "open" or expires_on < swept:
        out.append((MARK_DEAD, ""))
    return out


def span_value(level: int, number: int) -> str:
    """The value (digits) of the ``number``-th span of 2**``level`` values."""
    return str(level << _SPAN_SHIFT | number)


def spans(first: int, last: int) -> list[tuple[int, int]]:
    """The fewest aligned spans (level, number) that together hold exactly ``first`` … ``last``
    (none when ``first > last``): the span (k, n) holds n·2**k … (n+1)·2**k - 1, level 0 being
    one value. A search names one posting list per span instead of one per value (a range of
    30 days in 4 to 8 instead of 30): FTS5 steps every list an OR names for each document it
    yields, so the count of a term within a range costs about as many times as the lists named
    (保洁 bj paid at most 5,000 a month at 1M vacancies: 15.4 ms with 11 steps, 3.9 ms without).
    """
    out: list[tuple[int, int]] = []
    while first <= last:
        level = 0
        while (level < SPAN_LEVELS and first % (2 << level) == 0 and first + (2 << level) - 1 <= last):
            level += 1
        out.append((level, first >> level))
        first += 1 << level
    return out


def _cell(lat_i: int, lon_i: int) -> int:
    return (lat_i + 90 * CELLS_PER_DEGREE) * (360 * CELLS_PER_DEGREE + 1) + lon_i + 180 * CELLS_PER_DEGREE


def cell_of(lat: float, lon: float) -> int:
    """The number of the cell holding a place (fits a trigram mark's 32 bits)."""
    return _cell(math.floor(lat * CELLS_PER_DEGREE), math.floor(lon * CELLS_PER_DEGREE))


def cells_around(lat: float, lon: float, radius_m: float) -> list[int]:
    """The cells that may hold a place within ``radius_m`` of (lat, lon): every cell of the
    circle's bounding box whose nearest point is within the radius (with a margin)."""
    lat_lo, lat_hi, lon_lo, lon_hi = bounding_box(lat, lon, radius_m)
    step = 1 / CELLS_PER_DEGREE
    out = []
    for i in range(math.floor(lat_lo * CELLS_PER_DEGREE), math.floor(lat_hi * CELLS_PER_DEGREE) + 1):
        for j in range(math.floor(lon_lo * CELLS_PER_DEGREE), math.floor(lon_hi * CELLS_PER_DEGREE) + 1):
            near_lat = min(max(lat, i * step), (i + 1) * step)
            near_lon = min(max(lon, j * step), (j + 1) * step)
            if geo.distance_m(lat, lon, near_lat, near_lon) <= radius_m * 1.01 + 50:
                out.append(_cell(i, j))
    return out


def grams_mark(kind: str, value: str = "") -> str:
    """One mark of the short-term index (``value``: digits, a coded kind's code)."""
    return kind + value


def trigram_mark(kind: str, value: str = "") -> str:
    """One mark of the trigram index, three characters: the kind, then a 32-bit value in two."""
    v = int(value or 0)
    return f"{_KINDS[kind]}{chr(0xF0000 + (v >> 16 & 0xFFFF))}{chr(0xF0000 + (v & 0xFFFF))}"


def trigram_marks(marks: Iterable[tuple[str, str]]) -> str:
    """The trigram index's marks column of one document (``marks``: its :func:`doc_marks`)."""
    return " ".join(trigram_mark(k, v) for k, v in marks)
