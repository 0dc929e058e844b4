"""The vacancy search index and the executor of ``kiosk.domain.search`` queries.

Index (migration 0003): ``search_docs`` + two FTS5 tables over it. Terms of 3+ characters go
to the trigram index; 1- and 2-character terms to the 1-and-2-gram index (``"保洁"``, ``"工"``),
because a trigram index cannot match them (see the migration's docstring).
Each ``search_docs`` row carries copies of the vacancy's status, dates, salary, place and its
distance from this kiosk's station; expiry (``expires_on >= today``) and withdrawal
(``status = 'open'``) are checked on every query, so neither is ever returned.

Keeping in step: triggers queue every inserted, updated or deleted vacancy id in
``search_dirty``. The feed puller calls :func:`refresh_index` after applying a page (inside
the same transaction if it likes); :func:`search` applies anything still queued before it
reads, so a forgotten call costs time, never correctness.

Plans: in the station's circle the terms' hits in the cells around the station drive (a cell
mark, see :func:`_circle_match`), each checked for its distance; without terms (or with terms
of both lengths) the distance index drives and terms are checked with ``instr``. Elsewhere the
FTS5 hits drive, unless a recent posting date or a district holds fewer rows than the terms'
hits (then that index drives, terms checked with ``instr``). A large result sorted by distance
finds its page by walking the distance index. Both text indexes also hold marks (withdrawn,
expiry and posting day, district, job type, category, group, pay steps, cell, see
``kiosk.store.search_marks``; and for short terms the title's grams), so a common search outside
the circle is counted, filters and tiers included, from posting lists alone (``_marked_match``).
``Plan.SCAN`` is the plain LIKE scan of ``vacancies`` used as the benchmark baseline; tests hold
every plan to the same answers.

Threads: every function is synchronous and takes its own pooled connection, so the UI calls
it from a worker thread and hands the result to the main thread. Use::

    station = Station.from_config(config.station)
    query = make_query(typed_text, scope=Scope.CIRCLE, job_types={"全职"}, sort=Sort.DISTANCE)
    page = search(store, query, station, limit=50, offset=0)
    page.total, [(h.title, h.employer, h.distance_text) for h in page.hits]
"""

from __future__ import annotations

import enum
import json
import math
import operator
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Connection, text

from kiosk.domain import geo, jobwords, pinyin
from kiosk.domain.geo import EARTH_RADIUS_M
from kiosk.domain.search import (
    DETAILS_FIELD,
    EXTRA_FIELDS,
    HOURS_PER_MONTH,
    PINYIN_FIELDS,
    TEXT_FIELDS,
    TIER_DETAILS,
    TIER_EMPLOYER,
    TIER_INITIALS,
    TIER_START,
    TIER_TITLE,
    TIER_WORDS,
    TITLE_FIELDS,
    TRIGRAM_MIN_CHARS,
    WORDS_FIELD,
    Hit,
    Profile,
    Recommendation,
    Scope,
    SearchQuery,
    Sort,
    Station,
    Term,
    TermKind,
    bounding_box,
    make_query,
    rank_recommendations,
    term_fields,
)
from kiosk.domain.spelling import Lexicon, Spelling
from kiosk.store.engine import Store
from kiosk.store.search_marks import (
    MARK_CATEGORY,
    MARK_CELL,
    MARK_DEAD,
    MARK_DISTRICT,
    MARK_EXPIRES,
    MARK_GROUP,
    MARK_IN_TITLE,
    MARK_JOB_TYPE,
    MARK_PAY_BOTTOM,
    MARK_PAY_BOTTOM_SPAN,
    MARK_PAY_TOP,
    MARK_PAY_TOP_SPAN,
    MARK_POSTED,
    MARK_POSTED_SPAN,
    MARK_TITLE_START,
    MARKED_COLUMNS,
    PAY_STEP,
    MarkCodes,
    cells_around,
    codes_of,
    doc_marks,
    grams_mark,
    span_value,
    spans,
    trigram_mark,
    trigram_marks,
)

#: The text search_docs holds per vacancy, and what the trigram index covers (plus the details,
#: the residents' words and the marks, see :func:`trigram_marks`).
DOC_COLUMNS = TEXT_FIELDS + PINYIN_FIELDS
MARKS_COLUMN = "marks"
INDEX_COLUMNS = DOC_COLUMNS + (DETAILS_FIELD, WORDS_FIELD, MARKS_COLUMN)
#: In ``cols`` of an index plan: the residents' words are not stored per vacancy but once per
#: distinct set (``search_wordsets``: a few hundred rows, as they follow the occupation), and
#: each document points at its set. A term is looked up in the sets once per query and rows are
#: checked by membership, so the rows every search reads stay as narrow as before the words.
WORDS_BY_SET = "@words"
#: Vacancy columns copied into search_docs for filters, sorting and list rows.
COPIED_COLUMNS = ("status", "expires_on", "posted_on", "lat", "lon", "salary_min", "salary_max", "salary_unit",
                  "job_type", "district", "job_group", "work_from")
#: The vacancy columns a details match looks in (joined into search_docs.details).
DETAIL_COLUMNS = ("requirements", "benefits", "work_hours")
_MARKED_AT = tuple(COPIED_COLUMNS.index(c) for c in MARKED_COLUMNS)
_REFRESH_BATCH = 2000
#: A run of the characters :func:`grams` indexes: ASCII letters and digits, and the Chinese
#: characters of ``kiosk.domain.search.is_hanzi`` (one regular expression instead of a Python
#: call per character: the grams were half of an index build).
_RUN = re.compile("[0-9A-Za-z\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
ORIGIN_KEY = "search.origin"
_refresh_lock = threading.Lock()
#: Held by whoever writes the index in this process (a vacancy image's install too).
index_lock = _refresh_lock


@dataclass(frozen=True)
class SearchResult:
    """One page of results plus the total count the screen shows.

    ``query`` is what was searched: the typed query with any misspelt term replaced (``spelled``
    says which, for "已按“保洁”为您查找"). ``also`` lists the occupations the residents' words
    added ("也为您找了：家政服务员、育婴员"); ``suggestions`` are the nearest words when nothing
    was found ("您是不是要找").
    """

    query: SearchQuery
    total: int
    hits: list[Hit]
    offset: int = 0
    spelled: tuple[Spelling, ...] = ()
    also: tuple[str, ...] = ()
    suggestions: tuple[Spelling, ...] = ()


# --- keeping the index in step -------------------------------------------------------------


def grams(values: Iterable[str], singles: bool = True) -> str:
    """The short-term index's text: per run of searchable characters (Chinese, ASCII letters and
    digits) every character (unless ``singles`` is false) and every 2-character substring,
    lower-cased. A term of 1 or 2 characters occurs in a field exactly when it is one of the
    tokens."""
    out: set[str] = set()
    for value in values:
        for run in _RUN.findall(value):
            run = run.lower()  # only ASCII letters have a case among these characters
            if singles:
                out.update(run)
            out.update(map(operator.add, run, run[1:]))
    return " ".join(sorted(out))


def doc_grams(doc: dict[str, str], marks: Iterable[tuple[str, str]]) -> str:
    """The short-term tokens of one document: one and two characters of the base fields, two of
    the residents' words (a single character is not looked for in them), the marks (its
    :func:`~kiosk.store.search_marks.doc_marks`), and which grams begin the title (or its pinyin
    or initials) and are in it (tiers 0 and 1 of a short term). The details take terms of 3+
    characters only."""
    title = doc["title"].lower()
    tokens = [grams_mark(k, v) for k, v in marks]
    starts = {x[:n] for x in (title, doc["title_pinyin"], doc["title_initials"]) for n in (1, 2) if len(x) >= n}
    tokens += sorted(MARK_TITLE_START + p for p in starts if _RUN.fullmatch(p))
    tokens += [MARK_IN_TITLE + g for g in grams((title, doc["title_pinyin"])).split()]
    return " ".join((grams(doc[c] for c in DOC_COLUMNS), grams((doc.get(WORDS_FIELD, ""),), singles=False), *tokens))


def doc_fields(title: str, employer: str, category: str, pinyin_initials: str, pinyin_full: str,
               search_terms: str = "", details: str = "") -> dict[str, str]:
    """The searchable fields of one vacancy.

    The feed's pinyin columns hold three space-separated words (title, employer, category);
    when they are missing or malformed the kiosk computes them (``kiosk.domain.pinyin``).
    ``search_terms`` are stored lower-cased with a space at each end, so a whole word is
    ``instr(terms, ' bm ')``.
    """
    ini = (pinyin_initials or "").lower().split()
    ful = (pinyin_full or "").lower().split()
    if len(ini) != 3:
        ini = [pinyin.initials(title), pinyin.initials(employer), pinyin.initials(category)]
    if len(ful) != 3:
        ful = [pinyin.full(title), pinyin.full(employer), pinyin.full(category)]
    words = " ".join(search_terms.lower().split())
    out = dict(zip(DOC_COLUMNS, (title, employer, category, *ini, *ful), strict=True))
    out.update({WORDS_FIELD: f" {words} " if words else "", DETAILS_FIELD: details})
    return out


def details_of(*values: str | None) -> str:
    """The details field: requirements, benefits and hours, one per line."""
    return "\n".join(v for v in values if v)


def _conn_of(target: Store | Connection) -> tuple[Connection, bool]:
    if isinstance(target, Store):
        return target.engine.connect(), True
    return target, False


def pending(target: Store | Connection) -> int:
    """How many vacancy changes the index has not applied yet."""
    conn, own = _conn_of(target)
    try:
        return int(conn.execute(text("SELECT count(*) FROM search_dirty")).scalar() or 0)
    finally:
        if own:
            conn.close()


def refresh_index(target: Store | Connection) -> int:
    """Apply queued vacancy changes to the index; returns how many vacancies were re-indexed.

    Given a Connection, works inside the caller's transaction (the feed puller passes the one
    that applied the page); given the Store, commits on its own.
    """
    if isinstance(target, Store):
        with _refresh_lock, target.engine.begin() as conn:
            return _refresh(conn)
    return _refresh(target)


def rebuild_index(store: Store) -> int:
    """Re-index every vacancy from scratch (after a restore, or if the index is suspected)."""
    with _refresh_lock, store.engine.begin() as conn:
        conn.execute(text("INSERT OR IGNORE INTO search_dirty (vacancy_id) SELECT id FROM vacancies"))
        conn.execute(text("INSERT OR IGNORE INTO search_dirty (vacancy_id) SELECT vacancy_id FROM search_docs"))
        return _refresh(conn)


#: Bumped whenever the index changes, so the cached spelling lexicon is rebuilt.
_generation = 0


def _changed() -> None:
    global _generation
    _generation += 1


def index_replaced() -> None:
    """The index was replaced whole (a vacancy image): what was cached from the old one goes."""
    _changed()


def _refresh(conn: Connection) -> int:
    total_dirty = int(conn.execute(text("SELECT count(*) FROM search_dirty")).scalar() or 0)
    if not total_dirty:
        return 0
    _changed()
    indexed = int(conn.execute(text("SELECT count(*) FROM search_docs")).scalar() or 0)
    # Rebuilding pays when many indexed documents would have to be taken out one by one; the
    # pages of an initial pull are all new and go in as they come.
    stale = int(conn.execute(text("SELECT count(*) FROM search_dirty d JOIN search_docs s "
                                  "ON s.vacancy_id = d.vacancy_id")).scalar() or 0)
    if not indexed or stale >= max(1000, indexed // 2):
        return _rebuild_all(conn)
    done = 0
    while True:
        ids = [r[0] for r in conn.execute(text("SELECT vacancy_id FROM search_dirty LIMIT :n"), {"n": _REFRESH_BATCH})]
        if not ids:
            return done
        _remove_docs(conn, ids)
        done += _add_docs(conn, ids)
        conn.execute(text("DELETE FROM search_dirty WHERE vacancy_id IN (SELECT value FROM json_each(:ids))"),
                     {"ids": _json(ids)})


def _origin(conn: Connection) -> tuple[float, float] | None:
    """The station the stored distances are measured from (set by the first search)."""
    raw = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": ORIGIN_KEY}).scalar()
    if not raw:
        return None
    lat, lon = raw.split(",")
    return float(lat), float(lon)


def _set_origin(conn: Connection, station: Station) -> None:
    """Measure every stored distance from ``station`` (once, or when the station moves)."""
    rows = conn.execute(text("SELECT docid, lat, lon FROM search_docs")).all()
    if rows:
        conn.execute(text("UPDATE search_docs SET dist = :d WHERE docid = :id"),
                     [{"id": i, "d": geo.distance_m(station.lat, station.lon, lat, lon)} for i, lat, lon in rows])
    conn.execute(text("INSERT OR REPLACE INTO settings (key, value) VALUES (:k, :v)"),
                 {"k": ORIGIN_KEY, "v": _origin_value(station)})


def _origin_value(station: Station) -> str:
    return f"{station.lat!r},{station.lon!r}"


def _json(ids: Sequence[str]) -> str:
    return json.dumps(list(ids), ensure_ascii=False)


def _indexed(conn: Connection, where: str, params: dict, swept: str) -> tuple[list[dict], list[dict]]:
    """What the two text indexes hold for the documents ``where`` selects (over ``v``, search_docs)
    when the swept day is ``swept``: their trigram rows and their short-term rows, as inserted."""
    doc_cols = ", ".join(f"v.{c}" for c in DOC_COLUMNS + MARKED_COLUMNS)
    rows = conn.execute(
        text(f"SELECT v.docid, coalesce(d.details, ''), coalesce(w.words, ''), {doc_cols} FROM search_docs v "
             "LEFT JOIN search_details d ON d.docid = v.docid LEFT JOIN search_wordsets w ON w.id = v.wordset "
             f"WHERE {where}"), params).all()
    n = len(DOC_COLUMNS)
    codes = MarkCodes(conn)
    tri, gram_rows = [], []
    for r in rows:
        doc = dict(zip(DOC_COLUMNS, r[3:3 + n], strict=True), **{WORDS_FIELD: r[2]})
        marks = doc_marks(codes, doc["category"], *r[3 + n:], swept=swept)
        tri.append(dict(doc, docid=r[0], details=r[1], **{MARKS_COLUMN: trigram_marks(marks)}))
        gram_rows.append({"docid": r[0], "grams": doc_grams(doc, marks)})
    return tri, gram_rows


def _unindex(conn: Connection, tri: list[dict], gram_rows: list[dict]) -> None:
    """Take documents out of both text indexes (``tri``, ``gram_rows``: what :func:`_indexed` read)."""
    cols = ", ".join(INDEX_COLUMNS)
    ph = ", ".join(f":{c}" for c in INDEX_COLUMNS)
    conn.execute(text(f"INSERT INTO search_trigram (search_trigram, rowid, {cols}) VALUES ('delete', :docid, {ph})"), tri)
    conn.execute(text("INSERT INTO search_grams (search_grams, rowid, grams) VALUES ('delete', :docid, :grams)"),
                 gram_rows)


def _remove_docs(conn: Connection, ids: Sequence[str]) -> None:
    tri, gram_rows = _indexed(conn, "v.vacancy_id IN (SELECT value FROM json_each(:ids))", {"ids": _json(ids)},
                              swept_day(conn))
    if not tri:
        return
    _unindex(conn, tri, gram_rows)
    for table in ("search_docs", "search_details"):
        conn.execute(text(f"DELETE FROM {table} WHERE docid IN (SELECT value FROM json_each(:ids))"),
                     {"ids": _json([str(d["docid"]) for d in tri])})


def swept_day(conn: Connection) -> str:
    """The swept day (ISO; "" when nothing was swept): every indexed vacancy that expires before
    it carries the withdrawn mark."""
    return str(conn.execute(text("SELECT coalesce(max(day), '') FROM search_swept")).scalar() or "")


def sweep_expired(target: Store | Connection, today: date) -> int:
    """Mark the open vacancies that expired before ``today`` withdrawn in the text indexes and
    make ``today`` the swept day; returns how many documents were re-marked.

    A search then leaves them out with the withdrawn mark's one posting list instead of a list
    per past expiry day; the days not swept yet are still left out day by day, so a search is
    right whether or not this ran. The swept day never moves back (a clock set back makes the
    searches that read marks give way to the other plans until the day is reached again).
    Given a Connection, works in the caller's transaction; given the Store, commits on its own.
    The nightly maintenance calls it: a day's expiries at 1M vacancies are about 16k documents.
    """
    if isinstance(target, Store):
        with _refresh_lock, target.engine.begin() as conn:
            return _sweep(conn, today)
    return _sweep(target, today)


def _sweep(conn: Connection, today: date) -> int:
    swept, day = swept_day(conn), today.isoformat()
    if swept >= day:
        return 0
    # only open ones: any other already carries the mark
    ids = [r[0] for r in conn.execute(text(
        "SELECT docid FROM search_docs INDEXED BY ix_search_docs_expires WHERE expires_on >= :swept "
        "AND expires_on < :day AND status = 'open'"), {"swept": swept, "day": day})]
    for start in range(0, len(ids), _REFRESH_BATCH):
        params = {"ids": _json([str(i) for i in ids[start:start + _REFRESH_BATCH]])}
        batch = "v.docid IN (SELECT value FROM json_each(:ids))"
        _unindex(conn, *_indexed(conn, batch, params, swept))
        tri, gram_rows = _indexed(conn, batch, params, day)
        cols = ", ".join(INDEX_COLUMNS)
        conn.execute(text(f"INSERT INTO search_trigram (rowid, {cols}) VALUES (:docid, "
                          f"{', '.join(f':{c}' for c in INDEX_COLUMNS)})"), tri)
        conn.execute(text("INSERT INTO search_grams (rowid, grams) VALUES (:docid, :grams)"), gram_rows)
    conn.execute(text("DELETE FROM search_swept"))
    conn.execute(text("INSERT INTO search_swept (day) VALUES (:d)"), {"d": day})
    return len(ids)


def segments(target: Store | Connection, table: str = "search_grams") -> int:
    """How many segments the FTS5 ``table`` holds (its structure record): each is a b-tree a
    term's posting list is read from and merged across."""
    conn, own = _conn_of(target)
    try:
        blob = conn.execute(text(f"SELECT block FROM {table}_data WHERE id = 10")).scalar()
    finally:
        if own:
            conn.close()
    if not blob:
        return 0
    # a 4-byte cookie (and in later SQLite a version mark), then SQLite varints (big-endian,
    # 7 bits a byte): the levels, the segments, ...
    at = 8 if blob[4:8] == b"\xff\x00\x00\x01" else 4
    values, value = [], 0
    for byte in blob[at:]:
        value = value << 7 | byte & 0x7F
        if byte < 0x80:
            values.append(value)
            if len(values) == 2:
                return values[1]
            value = 0
    return 0


#: Merges each text index into one segment (FTS5's 'optimize'); on a raw or a SQLAlchemy connection.
MERGE_SQL = tuple(f"INSERT INTO {t} ({t}) VALUES ('optimize')" for t in ("search_trigram", "search_grams"))


def merge_segments(store: Store) -> int:
    """Merge each text index into one segment; returns how many segments there were before.

    A day's sweep and changes leave documents deleted in old segments and added in new ones,
    and every search merges a term's list across them: at 1M vacancies a sweep left 8
    segments, and one made the counts of the bench's slowest searches about 15% faster. It
    rewrites the indexes (48 s at 1M vacancies, 2.4 s at 100k in ``bench search``), so it
    belongs to the night, on the background worker."""
    with _refresh_lock, store.engine.begin() as conn:
        before = segments(conn) + segments(conn, "search_trigram")
        for sql in MERGE_SQL:
            conn.execute(text(sql))
    return before


def _add_docs(conn: Connection, ids: Sequence[str] | None) -> int:
    """Index the vacancies ``ids`` (None: all of them); none of them may be indexed already.

    Rows go to SQLite as plain tuples through the driver's executemany, with the docids chosen
    here: the per-row parameter handling of a SQLAlchemy statement cost more than the inserts.
    """
    origin = _origin(conn)
    # A full build stores nearby vacancies next to each other (~1 km latitude bands, then
    # longitude), so a search around the station reads few pages.
    where = ("ORDER BY CAST(lat * 100 AS INTEGER), lon" if ids is None
             else "WHERE id IN (SELECT value FROM json_each(?))")
    copied = ", ".join(COPIED_COLUMNS)
    detail = ", ".join(DETAIL_COLUMNS)
    rows = conn.exec_driver_sql(
        f"SELECT id, title, employer, category, pinyin_initials, pinyin_full, search_terms, job_type, {detail}, "
        f"{copied} FROM vacancies {where}",
        () if ids is None else (_json(ids),),
    ).all()
    head = 8 + len(DETAIL_COLUMNS)
    group_at = head + COPIED_COLUMNS.index("job_group")
    lat_at, lon_at = head + COPIED_COLUMNS.index("lat"), head + COPIED_COLUMNS.index("lon")
    sets = {w: i for i, w in conn.execute(text("SELECT id, words FROM search_wordsets")).all()}
    next_docid = int(conn.execute(text("SELECT coalesce(max(docid), 0) FROM search_docs")).scalar() or 0) + 1
    doc_sql = (f"INSERT INTO search_docs (docid, vacancy_id, dist, wordset, {', '.join(DOC_COLUMNS)}, {copied}) "
               f"VALUES ({', '.join('?' * (4 + len(DOC_COLUMNS) + len(COPIED_COLUMNS)))})")
    tri_sql = (f"INSERT INTO search_trigram (rowid, {', '.join(INDEX_COLUMNS)}) "
               f"VALUES ({', '.join('?' * (1 + len(INDEX_COLUMNS)))})")
    raw = conn.connection.driver_connection
    codes = MarkCodes(conn)
    swept = swept_day(conn)
    for start in range(0, len(rows), _REFRESH_BATCH):
        docs, tri, details, gram_rows = [], [], [], []
        for docid, r in enumerate(rows[start:start + _REFRESH_BATCH], next_docid + start):
            vid, title, employer, category, ini, ful, words, job_type = r[:8]
            words, group = jobwords.fill_gaps(title or "", job_type or "", category or "", words or "",
                                              r[group_at] or "")
            fields = doc_fields(title or "", employer or "", category or "", ini or "", ful or "", words,
                                details_of(*r[8:head]))
            base = [fields[c] for c in DOC_COLUMNS]
            copies = list(r[head:])
            copies[group_at - head] = group
            dist = None if origin is None else geo.distance_m(origin[0], origin[1], r[lat_at], r[lon_at])
            docs.append((docid, vid, dist, _wordset(conn, sets, fields[WORDS_FIELD]), *base, *copies))
            marks = doc_marks(codes, fields["category"], *(copies[i] for i in _MARKED_AT), swept=swept)
            tri.append((docid, *base, fields[DETAILS_FIELD], fields[WORDS_FIELD], trigram_marks(marks)))
            if fields[DETAILS_FIELD]:
                details.append((docid, fields[DETAILS_FIELD]))
            gram_rows.append((docid, doc_grams(fields, marks)))
        raw.executemany(doc_sql, docs)
        raw.executemany(tri_sql, tri)
        raw.executemany("INSERT INTO search_details (docid, details) VALUES (?, ?)", details)
        raw.executemany("INSERT INTO search_grams (rowid, grams) VALUES (?, ?)", gram_rows)
    return len(rows)


def _wordset(conn: Connection, sets: dict[str, int], words: str) -> int:
    """The id of a set of residents' words (0: none), added when new. Sets are never removed:
    they follow the occupations, so they are few, and an unused one costs nothing."""
    if not words:
        return 0
    if words not in sets:
        sets[words] = int(conn.execute(text("INSERT INTO search_wordsets (words) VALUES (:w) RETURNING id"),
                                       {"w": words}).scalar_one())
    return sets[words]


def _rebuild_all(conn: Connection) -> int:
    conn.execute(text("INSERT INTO search_trigram (search_trigram) VALUES ('delete-all')"))
    conn.execute(text("INSERT INTO search_grams (search_grams) VALUES ('delete-all')"))
    conn.execute(text("DELETE FROM search_docs"))
    conn.execute(text("DELETE FROM search_details"))
    conn.execute(text("DELETE FROM search_wordsets"))
    n = _add_docs(conn, None)
    conn.execute(text("DELETE FROM search_dirty"))
    for sql in MERGE_SQL:
        conn.execute(text(sql))
    return n


# --- the executor ----------------------------------------------------------------------------


def _fts(term: Term) -> tuple[str, str]:
    """(FTS5 table, MATCH expression) answering a term: the trigram index from 3 characters, the
    1-and-2-gram index below. No column filter is needed: a Chinese term cannot occur in the
    pinyin columns, and a Latin term is looked for in every column."""
    return ("search_trigram" if len(term.text) >= TRIGRAM_MIN_CHARS else "search_grams"), f'"{term.text}"'


def _monthly_sql(col: str, p: str = "v.") -> str:
    return (f"(CASE {p}salary_unit WHEN '时' THEN {p}{col} * {HOURS_PER_MONTH} "
            f"WHEN '日' THEN {p}{col} * 21.75 WHEN '天' THEN {p}{col} * 21.75 ELSE {p}{col} END)")


def _distance_sql() -> str:
    # The same haversine as kiosk.domain.geo.distance_m, operation for operation, so a vacancy
    # on the edge of the circle is in or out exactly as the Python function says.
    return (f"(2 * {EARTH_RADIUS_M!r} * asin(min(1.0, sqrt("
            "pow(sin((radians(v.lat) - :p1) / 2), 2) "
            "+ :cos_p1 * cos(radians(v.lat)) * pow(sin(radians(v.lon - :lon0) / 2), 2)))))")


def _filters(query: SearchQuery, station: Station, today: date, params: dict, dist: str) -> list[str]:
    """WHERE terms over ``v`` (vacancies, or search_docs which carries the same columns)."""
    # On search_docs the dates are checked per row ("+"): their indexes are for Plan.FILTER and
    # the marks, and would otherwise tempt the planner away from the distance index.
    per_row = "+v." if dist == "v.dist" else "v."
    where = ["v.status = 'open'", f"{per_row}expires_on >= :today"]
    params.update(today=today.isoformat(), p1=math.radians(station.lat), cos_p1=math.cos(math.radians(station.lat)),
                  lon0=station.lon)
    if query.scope is Scope.CIRCLE:
        params["radius"] = station.radius_m
        if dist == "v.dist":
            where.insert(0, "v.dist <= :radius")
        else:
            lat_lo, lat_hi, lon_lo, lon_hi = bounding_box(station.lat, station.lon, station.radius_m)
            params.update(lat_lo=lat_lo, lat_hi=lat_hi, lon_lo=lon_lo, lon_hi=lon_hi)
            where += ["v.lat BETWEEN :lat_lo AND :lat_hi", "v.lon BETWEEN :lon_lo AND :lon_hi", f"{dist} <= :radius"]
    elif query.scope is Scope.DISTRICT:
        params["district"] = query.district or station.district
        where.append("v.district = :district")
    if query.salary_min is not None:
        params["salary_min"] = query.salary_min
        where.append(f"{_monthly_sql('salary_max')} >= :salary_min")
    if query.salary_max is not None:
        params["salary_max"] = query.salary_max
        where.append(f"{_monthly_sql('salary_min')} <= :salary_max")
    if query.job_types:
        params["job_types"] = _json(sorted(query.job_types))
        where.append("v.job_type IN (SELECT value FROM json_each(:job_types))")
    if query.categories:
        params["categories"] = _json(sorted(query.categories))
        where.append("v.category IN (SELECT value FROM json_each(:categories))")
    if query.groups:
        params["groups"] = _json(sorted(query.groups))
        where.append("v.job_group IN (SELECT value FROM json_each(:groups))")
    if query.work_day is not None:
        # a day job on that day: from its first day (a day job without one: from its posting) to its last
        params["work_day"] = query.work_day.isoformat()
        where += ["v.job_type = '零工'", "COALESCE(v.work_from, v.posted_on) <= :work_day", "v.expires_on >= :work_day"]
    if query.posted_within_days is not None:
        params["posted_since"] = (today - timedelta(days=query.posted_within_days)).isoformat()
        where.append(f"{per_row}posted_on >= :posted_since")
    return where


def _order_sql(sort: Sort, tiered: bool = True) -> str:
    """ORDER BY over the columns of _select (kiosk.domain.search.sort_key). Without terms every
    tier is 0; leaving it out lets a distance sort read the distance index in order."""
    tier = "tier, " if tiered else ""
    if sort is Sort.SALARY:
        return (f"{tier}{_monthly_sql('salary_max', '')} DESC, {_monthly_sql('salary_min', '')} DESC, dist, "
                "posted_on DESC, id")
    if sort is Sort.NEWEST:
        return f"{tier}posted_on DESC, dist, id"
    return f"{tier}dist, id"


#: Per term text: the ids of the word sets holding it anywhere, and as a whole word.
WordSets = dict[str, tuple[tuple[int, ...], tuple[int, ...]]]


def word_sets(conn: Connection, terms: Sequence[Term]) -> WordSets:
    """Which word sets hold each term: the SQL then names them instead of searching the sets per
    row, and leaves the words out entirely for a term no set holds. The few hundred sets are read
    in the caller's transaction every time (about 0.1 ms), so they are never older than the
    documents that point at them."""
    all_sets = [(int(i), w) for i, w in conn.execute(text("SELECT id, words FROM search_wordsets"))]
    return {t.text: (tuple(i for i, w in all_sets if t.text in w), tuple(i for i, w in all_sets if f" {t.text} " in w))
            for t in terms}


def _in_words(cols: dict[str, str], param: str, ids: tuple[int, ...] | None = None) -> str:
    """SQL true when the row's residents' words hold the value of ``:param`` (``ids``: the sets
    known to hold it)."""
    if cols[WORDS_FIELD] != WORDS_BY_SET:
        return f"instr({cols[WORDS_FIELD]}, :{param})"
    if ids is None:
        return f"v.wordset IN (SELECT id FROM search_wordsets WHERE instr(words, :{param}))"
    return f"v.wordset IN ({', '.join(map(str, ids))})" if ids else "0"


def _contains(terms: Sequence[Term], params: dict, cols: dict[str, str], key: str, literal: bool = False,
              sets: WordSets | None = None) -> list[str]:
    """Per term, SQL true when it is a substring of one of its fields; ``cols`` maps a field
    name to its SQL (the ASCII-case-insensitive rule of kiosk.domain.search)."""
    conds = []
    for i, t in enumerate(terms):
        params[f"{key}{i}"] = t.text
        fields = term_fields(t, literal)
        ors = [f"instr({cols[f]}, :{key}{i})" for f in fields if f in cols and f not in EXTRA_FIELDS]
        if WORDS_FIELD in fields:
            ors.append(_in_words(cols, f"{key}{i}", sets[t.text][0] if sets else None))
        if DETAILS_FIELD in fields and t.kind is TermKind.HANZI and cols[WORDS_FIELD] == WORDS_BY_SET:
            # Chinese trigrams are rare enough that the details column of the index answers at
            # once; a Latin term (pinyin trigrams are in nearly every document) reads the row's
            # details instead, last, so only for a row no other field holds it in.
            params[f"{key}d{i}"] = f'{DETAILS_FIELD} : "{t.text}"'
            ors.append(f"v.docid IN (SELECT rowid FROM search_trigram WHERE search_trigram MATCH :{key}d{i})")
        elif DETAILS_FIELD in fields:
            ors.append(f"instr({cols[DETAILS_FIELD]}, :{key}{i})")
        conds.append("(" + " OR ".join(ors) + ")")
    return conds


def _tier(terms: Sequence[Term], params: dict, cols: dict[str, str], literal: bool = False,
          coarse: bool = False, sets: WordSets | None = None) -> str:
    """The tier of kiosk.domain.search.match_tier: per term a CASE over its fields, best first,
    and the worst term's for the vacancy. ``cols[WORDS_FIELD]`` must hold the words with a space
    at each end. ``coarse``: only tiers 0 and 1 exactly, every later one as :data:`COARSE_REST`
    (what the walk needs to know first, at the cost of the title columns alone)."""
    if not terms:
        return "0"
    cases = []
    for i, t in enumerate(terms):
        p = f":tt{i}"
        params[f"tt{i}"] = t.text
        fields = term_fields(t, literal)

        def hit(names, p=p, fields=fields) -> str:
            ors = [f"instr({cols[f]}, {p})" for f in names if f in fields and f in cols]
            return "(" + " OR ".join(ors) + ")" if ors else "0"

        title = [f for f in TITLE_FIELDS if f in fields and f in cols]
        if literal:
            cases.append(f"(CASE WHEN {hit(title)} THEN {TIER_START} ELSE {TIER_TITLE} END)")
            continue
        cases.append(_tier_case(t, i, params, cols, fields, hit, coarse, sets.get(t.text) if sets else None))
    return cases[0] if len(cases) == 1 else f"max({', '.join(cases)})"


COARSE_REST = 9


def _tier_case(t: Term, i: int, params: dict, cols: dict[str, str], fields: tuple[str, ...], hit,  # noqa: ANN001
               coarse: bool = False, ids: tuple[tuple[int, ...], tuple[int, ...]] | None = None) -> str:
    """One term's tier. Nested ``CASE instr(...) WHEN 1 ... WHEN 0 ...`` evaluates each title
    column once on the common paths (SQLite does not reuse a repeated expression), which matters
    when tens of thousands of hits are ranked."""
    p = f":tt{i}"
    rest = [f for f in fields if f not in TITLE_FIELDS and f not in EXTRA_FIELDS]
    if WORDS_FIELD in fields:
        params[f"tw{i}"] = f" {t.text} "
        words = _in_words(cols, f"tw{i}", ids[1] if ids else None)
    else:
        words = "0"
    # The expression only ever ranks hits: a term that is in neither the title nor the words is
    # in the employer or category, unless it may also be in the details.
    if DETAILS_FIELD in fields:
        tail = (f"(CASE WHEN {words} THEN {TIER_WORDS} WHEN {hit(rest)} THEN {TIER_EMPLOYER} "
                f"ELSE {TIER_DETAILS} END)")
    elif WORDS_FIELD in fields:
        tail = (f"(CASE WHEN {words} THEN {TIER_WORDS} WHEN NOT {_in_words(cols, f'tt{i}', ids[0] if ids else None)} THEN {TIER_EMPLOYER} "
                f"WHEN {hit(rest)} THEN {TIER_EMPLOYER} ELSE {TIER_DETAILS} END)")
    else:
        tail = str(TIER_EMPLOYER)
    if coarse:
        tail = str(COARSE_REST)
    if "title_initials" not in fields:  # a Chinese term: the title itself only
        return f"(CASE instr({cols['title']}, {p}) WHEN 1 THEN {TIER_START} WHEN 0 THEN {tail} ELSE {TIER_TITLE} END)"
    T, P, Ini = cols["title"], cols["title_pinyin"], cols["title_initials"]
    after_title = f"(CASE WHEN instr({P}, {p}) = 1 OR instr({Ini}, {p}) = 1 THEN {TIER_START} ELSE {TIER_TITLE} END)"
    after_pinyin = f"(CASE WHEN instr({Ini}, {p}) = 1 THEN {TIER_START} ELSE {TIER_TITLE} END)"
    initials_mid = (str(COARSE_REST) if coarse
                    else f"(CASE WHEN {words} THEN {TIER_WORDS} ELSE {TIER_INITIALS} END)")
    no_title = f"(CASE instr({Ini}, {p}) WHEN 1 THEN {TIER_START} WHEN 0 THEN {tail} ELSE {initials_mid} END)"
    pinyin = f"(CASE instr({P}, {p}) WHEN 1 THEN {TIER_START} WHEN 0 THEN {no_title} ELSE {after_pinyin} END)"
    return f"(CASE instr({T}, {p}) WHEN 1 THEN {TIER_START} WHEN 0 THEN {pinyin} ELSE {after_title} END)"


class Plan(enum.StrEnum):
    """How a query is answered; every plan gives the same rows in the same order."""

    AUTO = "auto"
    INDEX = "index"  # FTS5 hits drive, filters checked per hit
    NEAR = "near"  # the distance index drives (the circle holds few rows), terms checked per row
    FILTER = "filter"  # the posting-date or district index drives, terms checked per row
    SCAN = "scan"  # plain LIKE over the vacancies table: the baseline and a cross-check


def _index_matches(terms: Sequence[Term], params: dict, literal: bool = False,
                   sets: WordSets | None = None) -> list[str]:
    """Per term, a SELECT of the docids holding it (to INTERSECT): its FTS5 table, and the
    documents whose residents' words hold it. The terms of 1 and 2 characters share one query of
    the short-term index, which holds the words too: its posting lists are intersected there,
    not in temporary tables."""
    matches = []
    short = [t for t in terms if len(t.text) < TRIGRAM_MIN_CHARS]
    if short:
        params["m_short"] = " AND ".join(_fts(t)[1] for t in short)
        matches.append("SELECT rowid AS docid FROM search_grams WHERE search_grams MATCH :m_short")
    for i, t in enumerate(terms):
        if len(t.text) < TRIGRAM_MIN_CHARS:
            continue
        table, params[f"m{i}"] = _fts(t)
        sel = f"SELECT rowid AS docid FROM {table} WHERE {table} MATCH :m{i}"
        ids = sets[t.text][0] if sets else None
        if WORDS_FIELD in term_fields(t, literal) and ids != ():
            params[f"mw{i}"] = t.text
            in_sets = (f"({', '.join(map(str, ids))})" if ids
                       else f"(SELECT id FROM search_wordsets WHERE instr(words, :mw{i}))")
            # a sub-select: INTERSECT and UNION bind left to right, so a bare UNION would leak
            sel = f"SELECT docid FROM ({sel} UNION SELECT docid FROM search_docs WHERE wordset IN {in_sets})"
        matches.append(sel)
    return matches


def _resolve(query: SearchQuery, plan: Plan) -> Plan:
    if plan is Plan.AUTO:
        return Plan.NEAR if query.scope is Scope.CIRCLE or not query.terms else Plan.INDEX
    return plan


def _filter_index(query: SearchQuery, today: date) -> tuple[str, str, dict] | None:
    """The index a ``Plan.FILTER`` query reads, the condition it answers and its parameters:
    the posting date (a recent window holds a small share of all vacancies) or the district."""
    if query.posted_within_days is not None:
        since = (today - timedelta(days=query.posted_within_days)).isoformat()
        return "ix_search_docs_posted", "posted_on >= :posted_since", {"posted_since": since}
    if query.scope is Scope.DISTRICT:
        return "ix_search_docs_district", "district = :district", {"district": query.district}
    return None


def _choose(conn: Connection, query: SearchQuery, station: Station, today: date, plan: Plan, hits: int) -> Plan:
    """``Plan.AUTO`` made concrete. Outside the circle the index hits drive unless a posting-date or
    district condition holds fewer rows than the terms' hits: checking each of those rows for
    the terms is then the shorter way (服务 posted within 7 days: 14k rows instead of 37k hits).
    ``hits``: :func:`_hit_count`'s. The rows are counted no further than the hits, so choosing
    costs a fraction of either plan."""
    plan = _resolve(query, plan)
    if plan is not Plan.INDEX or query.literal:
        return plan
    found = _filter_index(replace(query, district=query.district or station.district), today)
    if found is None:
        return plan
    index, cond, params = found
    rows = int(conn.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM search_docs INDEXED BY {index} "
                                 f"WHERE {cond} LIMIT :cap)"), {**params, "cap": hits + 1}).scalar() or 0)
    return Plan.FILTER if rows < hits else Plan.INDEX


#: The marks answer a query when its index hits times this are at least all documents times the
#: marks the query names: each named mark's posting list holds a share of all documents, while
#: the other plans read a document per hit. At 1M vacancies, with the spans
#: (``kiosk.store.search_marks.spans``) and the segments merged, counting from the marks was
#: 1.2-3x faster than reading the hits' rows at the weight where the two plans meet, in both
#: indexes (快递员 within 30 days and paid from 6,000: 8 marks, 15k hits, 10.9 against 24.0 ms),
#: and the page then comes from :func:`_walk_held_first` or :func:`_order_docs`.
MARKED_HIT_WEIGHT = 2000
#: Below this many documents a mark of the trigram index counts as LONG_MARK_COST in that
#: choice: a hit's row is then read from pages the cache holds, while each mark's posting list
#: keeps positions. 快递员 within 30 days and paid from 6,000 took 1.7 ms from its rows against
#: 2.3 ms from the marks at 10k vacancies, 4.3 against 5.0 ms at 100k, and 34 against 20 ms at 1M.
LONG_MARK_SPAN = 500_000
LONG_MARK_COST = 5
#: Expiry days since the swept day, and pay steps, a query of the marks names at most; beyond,
#: the usual plans.
MAX_MARKED_DAYS = 120
MAX_PAY_MARKS = 120


def _marked_match(conn: Connection, query: SearchQuery, station: Station, today: date,
                  hits: int | Callable[[int], int] | None = None) -> tuple[str, tuple[str, str, str]] | None:
    """For terms all of 1 or 2 characters (the short-term index) or all of 3 or more (the trigram
    index), city-wide or in a district, sorted by distance, not a day job's day, pay (if any) in
    steps of PAY_STEP: the index, and queries of it for the matches, the tier-0 matches (the title or
    its pinyin or initials begins with every term) and the tier-1 matches (the rest of those with
    every term in the title or its pinyin). Counting them reads posting lists only, never a
    document: for 工 city-wide 22k hits at 100k vacancies. None for any other query, and (given
    the ``hits`` of :func:`_hit_count`, or a function counting them up to a bound, which is then
    asked to count only as far as the choice needs) when reading the hits costs less, see
    MARKED_HIT_WEIGHT."""
    lengths = {len(t.text) >= TRIGRAM_MIN_CHARS for t in query.terms}
    pay_from, pay_to = query.salary_min, query.salary_max
    if (len(lengths) != 1 or query.literal or query.sort is not Sort.DISTANCE or query.scope is Scope.CIRCLE
            or query.work_day is not None
            or any(p is not None and (p % PAY_STEP or not 0 < p // PAY_STEP <= MAX_PAY_MARKS)
                   for p in (pay_from, pay_to))):
        return None
    long = lengths == {True}
    # Expired before the swept day: the withdrawn mark; since: a mark per expiry day.
    swept = swept_day(conn)
    if swept > today.isoformat():  # the clock went back: the withdrawn mark holds live vacancies
        return None
    expired = _days(conn, "expires_on < :day AND expires_on >= :swept", "max(expires_on)", today.isoformat(),
                    swept=swept)
    if expired is None:
        return None

    def mark(kind: str, value: str = "") -> str:
        return f'"{trigram_mark(kind, value)}"' if long else grams_mark(kind, value)

    def any_of(kind: str, values: Iterable[str]) -> str:
        return "(" + " OR ".join(mark(kind, v) for v in values) + ")"

    named_values = [(MARK_JOB_TYPE, query.job_types), (MARK_CATEGORY, query.categories), (MARK_GROUP, query.groups)]
    if query.scope is Scope.DISTRICT:
        named_values.insert(0, (MARK_DISTRICT, {query.district or station.district}))
    codes = codes_of(conn, ((k, v) for k, values in named_values for v in values))
    conds = [any_of(k, sorted({str(codes[k, v]) for v in values})) for k, values in named_values if values]

    def spanned(kind: str, span_kind: str, first: int, last: int, value: Callable[[int], str] = str) -> list[str]:
        """The marks of ``first`` … ``last``: a value's own below the first span level."""
        return [mark(kind, value(n)) if level == 0 else mark(span_kind, span_value(level, n))
                for level, n in spans(first, last)]

    unpaid = []
    if pay_to is not None:  # the bottom of the range at most pay_to: a step up to pay_to's
        conds.append("(" + " OR ".join(spanned(MARK_PAY_BOTTOM, MARK_PAY_BOTTOM_SPAN, 0, int(pay_to) // PAY_STEP))
                     + ")")
    if pay_from is not None:  # the top at least pay_from: not a step below pay_from's
        unpaid = spanned(MARK_PAY_TOP, MARK_PAY_TOP_SPAN, 0, int(pay_from) // PAY_STEP - 1)
    if query.posted_within_days is not None:
        since = today - timedelta(days=query.posted_within_days)
        newest = conn.execute(text("SELECT max(posted_on) FROM search_docs")).scalar()
        last = max(since, date.fromisoformat(str(newest))) if newest else since
        conds.append("(" + " OR ".join(spanned(MARK_POSTED, MARK_POSTED_SPAN, since.toordinal(), last.toordinal(),
                                               lambda d: date.fromordinal(d).strftime("%Y%m%d"))) + ")")
    dead = [mark(MARK_DEAD)] + [mark(MARK_EXPIRES, d) for d in expired] + unpaid
    named = len(dead) + sum(c.count(" OR ") + 1 for c in conds)
    if hits is not None:
        span = _doc_span(conn)
        weight = LONG_MARK_COST if long and span < LONG_MARK_SPAN else 1
        need = -(-named * weight * span // MARKED_HIT_WEIGHT)
        if (hits(need) if callable(hits) else hits) < need:
            return None
    dead = " OR ".join(dead)

    def q(*first: str) -> str:
        return f"({' AND '.join((*first, *conds))}) NOT ({dead})"

    # A vacancy's tier is its worst term's: tier 0 when every term begins the title (or its
    # pinyin or initials), at most 1 when every term is in the title or its pinyin.
    terms = [t.text for t in query.terms]
    if long:
        starts = [f'{{title title_pinyin title_initials}} : ^"{t}"' for t in terms]
        titled = [f'({{title title_pinyin}} : "{t}" OR {{title_initials}} : ^"{t}")' for t in terms]
    else:
        starts = [f'"{MARK_TITLE_START}{t}"' for t in terms]
        titled = [f'("{MARK_IN_TITLE}{t}" OR "{MARK_TITLE_START}{t}")' for t in terms]
    return ("search_trigram" if long else "search_grams",
            (q(*(f'"{t}"' for t in terms)), q(*starts), f"{q(*titled)} NOT ({' AND '.join(starts)})"))


#: A circle search reads the hits of its cells from the index up to this many cells (a 15-minute
#: circle takes 8, a 3 km one 44); beyond, it reads every document in the circle.
MAX_CIRCLE_CELLS = 64


def _circle_match(query: SearchQuery, station: Station) -> tuple[str, str] | None:
    """For terms in the circle, all of 1 or 2 characters or all of 3 or more: the index and a
    query of it for the documents holding every term in the cells around the station (see
    ``kiosk.store.search_marks.cells_around``), a few times the circle's share of the hits. The
    rows of those are read and checked for the distance and every filter, where the circle's
    plan would read every document in the circle: at 1M vacancies 18k of them, most never a match."""
    lengths = {len(t.text) >= TRIGRAM_MIN_CHARS for t in query.terms}
    if len(lengths) != 1 or query.literal:
        return None
    cells = cells_around(station.lat, station.lon, station.radius_m)
    if len(cells) > MAX_CIRCLE_CELLS:
        return None
    long = lengths == {True}
    marks = (f'"{trigram_mark(MARK_CELL, str(c))}"' if long else grams_mark(MARK_CELL, str(c)) for c in cells)
    terms = " AND ".join(f'"{t.text}"' for t in query.terms)
    return ("search_trigram" if long else "search_grams"), f"{terms} AND ({' OR '.join(marks)})"


def _days(conn: Connection, cond: str, pick: str, day: str, first: str | None = None,
          **params: str) -> list[str] | None:
    """The distinct days (as index text) of a date column from ``day`` on, one index probe each
    in one recursive statement; None when there are more than :data:`MAX_MARKED_DAYS`.
    ``params``: any other parameters of ``cond``."""
    step = f"SELECT {pick} FROM search_docs WHERE {{}}"
    found = [r[0] for r in conn.execute(text(
        f"WITH RECURSIVE d(day) AS (SELECT ({step.format(first or cond)}) UNION ALL "
        f"SELECT ({step.format(cond.replace(':day', 'd.day'))}) FROM d WHERE d.day IS NOT NULL) "
        "SELECT day FROM d WHERE day IS NOT NULL LIMIT :cap"), {**params, "day": day, "cap": MAX_MARKED_DAYS + 1})]
    return None if len(found) > MAX_MARKED_DAYS else [str(d).replace("-", "") for d in found]


#: How far :func:`_hit_count` counts.
HIT_COUNT_CAP = 50_000


def _hit_count(conn: Connection, terms: Sequence[Term], cap: int = HIT_COUNT_CAP) -> int:
    """How many FTS5 hits all ``terms`` have, counting no further than ``cap``. The documents
    the residents' words add are left out: merging them in costs a pass over every hit, and a
    lower bound is all the callers need."""
    params: dict = {"cap": cap}
    hits = " INTERSECT ".join(_index_matches(terms, params, sets={t.text: ((), ()) for t in terms}))
    return int(conn.execute(text(f"SELECT count(*) FROM ({hits} LIMIT :cap)"), params).scalar() or 0)


def _select(query: SearchQuery, station: Station, today: date, plan: Plan,
            walk_tier: int | None = None, coarse: bool = False, sets: WordSets | None = None,
            match: tuple[str, str] | None = None, held_hits: bool = False,
            within: float | None = None) -> tuple[str, dict]:
    """SQL yielding every matching vacancy with its list-row columns, distance and tier, unordered.

    ``walk_tier``: instead, the rows of that tier in distance order, read by walking the distance
    index and checking each row for the terms as the circle's plan does, or (``held_hits``) for
    its place among the hits in :data:`HITS_TABLE`. When a large share of all vacancies match,
    the first page is found after a few hundred rows instead of sorting tens of thousands.
    ``match`` (index plan): the hits are the documents of this query of that index instead
    (see :func:`_marked_match`); ``held_hits``: they are in :data:`HITS_TABLE` already.
    ``within`` (with ``walk_tier``): only rows at most this far, which bounds the walk.
    """
    plan = _resolve(query, plan)
    params: dict = {}
    dist = _distance_sql() if plan is Plan.SCAN else "v.dist"
    where = _filters(query, station, today, params, dist)
    terms, literal = query.terms, query.literal
    if plan is Plan.SCAN:
        src = "vacancies v"
        # The pinyin columns hold "title employer category" and a term never holds a space:
        # the title's pinyin is the first word, and once a term is known not to be in the title,
        # being in the whole column means being in the employer's or the category's.
        first = "(CASE WHEN instr(v.{c}, ' ') THEN substr(v.{c}, 1, instr(v.{c}, ' ') - 1) ELSE v.{c} END)"
        tier = _tier(terms, params, {
            "title": "lower(v.title)", "title_initials": first.format(c="pinyin_initials"),
            "title_pinyin": first.format(c="pinyin_full"), WORDS_FIELD: "(' ' || lower(v.search_terms) || ' ')",
            "employer": "lower(v.employer)", "category": "lower(v.category)",
            "employer_initials": "v.pinyin_initials", "employer_pinyin": "v.pinyin_full"}, literal)
        for i, t in enumerate(terms):
            params[f"like{i}"] = "%" + t.text + "%"
            cols = [f"v.{f}" for f in TEXT_FIELDS]
            if t.kind is TermKind.LATIN:
                cols += ["v.pinyin_initials", "v.pinyin_full"]
            fields = term_fields(t, literal)
            if WORDS_FIELD in fields:
                cols.append("v.search_terms")
            if DETAILS_FIELD in fields:
                cols += [f"v.{c}" for c in DETAIL_COLUMNS]
            where.append("(" + " OR ".join(f"{c} LIKE :like{i}" for c in cols) + ")")
    else:
        # Chinese terms need no case folding; the pinyin and the words are stored lower-case.
        latin = any(t.kind is TermKind.LATIN for t in terms)
        cols = {f: (f"lower(v.{f})" if latin and f in TEXT_FIELDS else f"v.{f}") for f in DOC_COLUMNS}
        details = "(SELECT d.details FROM search_details d WHERE d.docid = v.docid)"
        cols[DETAILS_FIELD] = f"lower({details})" if latin else details
        cols[WORDS_FIELD] = WORDS_BY_SET
        tier = _tier(terms, params, cols, literal, coarse, sets)
        if walk_tier is not None:
            src = "search_docs v INDEXED BY ix_search_docs_dist"
            params["walk_tier"] = walk_tier
            held = [f"+v.docid IN (SELECT docid FROM {HITS_TABLE})"] if held_hits else _contains(
                terms, params, cols, "term", literal, sets)
            where += [*held, f"{tier} = :walk_tier"]
            if within is not None:
                where.append("v.dist <= :within")
                params["within"] = within
        elif plan is Plan.NEAR or not terms:
            src = "search_docs v"
            where += _contains(terms, params, cols, "term", literal, sets)
        elif plan is Plan.FILTER:
            found = _filter_index(replace(query, district=query.district or station.district), today)
            src = "search_docs v"
            if found:
                src += f" INDEXED BY {found[0]}"
                where.append("v." + found[1])
                params.update(found[2])
            where += _contains(terms, params, cols, "term", literal, sets)
        else:
            if match is not None:
                params["short_match"] = match[1]
                hits = f"SELECT rowid AS docid FROM {match[0]} WHERE {match[0]} MATCH :short_match"
            elif held_hits:
                hits = f"SELECT docid FROM {HITS_TABLE}"
            else:
                hits = " INTERSECT ".join(_index_matches(terms, params, literal, sets))
            if literal:  # the index also holds the details a literal query ignores
                where += _contains(terms, params, cols, "term", literal, sets)
            # CROSS JOIN keeps the index hits as the outer loop: left to itself the planner
            # may walk every open vacancy and probe the hit list for each (quadratic).
            src = f"({hits}) m CROSS JOIN search_docs v ON v.docid = m.docid"
    row_columns = _ROW_COLUMNS if plan is not Plan.SCAN else _ROW_COLUMNS.replace("v.vacancy_id", "v.id", 1)
    sql = (f"SELECT {row_columns}, {dist} AS dist, {tier} AS tier "
           f"FROM {src} WHERE {' AND '.join(where)}")
    if walk_tier is not None:
        sql += " ORDER BY v.dist, v.vacancy_id LIMIT :limit OFFSET :offset"
    return sql, params


#: The list row's columns of search_docs (``v``), but its distance and tier.
_ROW_COLUMNS = ("v.vacancy_id AS id, v.title, v.employer, v.category, v.district, v.job_type, v.salary_min, "
                "v.salary_max, v.salary_unit, v.posted_on, v.expires_on, v.job_group, v.work_from")


#: Searches read search_docs rows in index order, one random page each; through mmap that is a
#: memory read instead of a system call (3-4x faster at 100k vacancies). Pages are the OS's
#: file cache, shared and reclaimable, not the process's heap.
MMAP_BYTES = 256 * 2**20


def _tune(conn: Connection) -> None:
    """Per pooled connection, once: memory-mapped reads, and math functions if SQLite lacks them."""
    info = conn.connection.info
    if info.get("kiosk.search.tuned"):
        return
    conn.exec_driver_sql(f"PRAGMA mmap_size = {MMAP_BYTES}")
    _ensure_math(conn)
    info["kiosk.search.tuned"] = True


def _ensure_math(conn: Connection) -> None:
    """SQLite built without SQLITE_ENABLE_MATH_FUNCTIONS: provide them from Python."""
    try:
        conn.execute(text("SELECT sin(0.5), pow(2, 2), radians(1)")).all()
        return
    except Exception:  # noqa: BLE001 - any failure means the functions are missing
        pass
    raw = conn.connection.dbapi_connection
    for name, fn, n in (("sin", math.sin, 1), ("cos", math.cos, 1), ("asin", math.asin, 1),
                        ("sqrt", math.sqrt, 1), ("radians", math.radians, 1), ("pow", math.pow, 2)):
        raw.create_function(name, n, fn, deterministic=True)


def _hit(r) -> Hit:
    return Hit(id=r.id, title=r.title, employer=r.employer, category=r.category, district=r.district,
               job_type=r.job_type, salary_min=r.salary_min, salary_max=r.salary_max, salary_unit=r.salary_unit,
               posted_on=date.fromisoformat(str(r.posted_on)), expires_on=date.fromisoformat(str(r.expires_on)),
               distance_m=float(r.dist), tier=int(r.tier),
               work_from=date.fromisoformat(str(r.work_from)) if r.work_from else None)


def prepare(store: Store, station: Station, today: date | None = None) -> None:
    """Apply queued vacancy changes and make the stored distances the ones from ``station``;
    given ``today``, also sweep what expired before it (:func:`sweep_expired`).

    Every search does this first (without ``today``: a search never waits for a sweep); usually
    it is one cheap read. After installation, a restore or a station move it measures every
    distance (about 1 s per 100k vacancies here), so the app calls it at start-up on a
    background thread."""
    check = text(
        "SELECT EXISTS (SELECT 1 FROM search_dirty), (SELECT value FROM settings WHERE key = :k), "
        "EXISTS (SELECT 1 FROM search_docs WHERE dist IS NULL), (SELECT coalesce(max(day), '') FROM search_swept)"
    )
    day = today.isoformat() if today else ""
    with store.engine.connect() as conn:
        dirty, origin, missing, swept = conn.execute(check, {"k": ORIGIN_KEY}).one()
    if not dirty and origin == _origin_value(station) and not missing and swept >= day:
        return
    with _refresh_lock, store.engine.begin() as conn:
        dirty, origin, missing, swept = conn.execute(check, {"k": ORIGIN_KEY}).one()
        if origin != _origin_value(station):
            _set_origin(conn, station)
        if dirty:
            _refresh(conn)
        if conn.execute(text("SELECT EXISTS (SELECT 1 FROM search_docs WHERE dist IS NULL)")).scalar():
            _set_origin(conn, station)
        if today is not None:
            _sweep(conn, today)


def search(store: Store, query: SearchQuery, station: Station, *, today: date | None = None,
           limit: int = 50, offset: int = 0, plan: Plan | str = Plan.AUTO) -> SearchResult:
    """One page of matching vacancies in rank order, and the total count.

    A term that is in no vacancy at all is read as the word it most likely meant (``baojei`` →
    保洁, kiosk.domain.spelling) unless the query is literal. ``plan`` is for checks and the
    benchmark (``Plan.SCAN`` is the plain LIKE baseline); every plan returns the same result.
    """
    today = today or date.today()
    plan = Plan(plan)
    if plan is not Plan.SCAN:
        prepare(store, station)
    spelled: tuple[Spelling, ...] = ()
    if query.terms and not query.literal:
        query, spelled = understand(store, query)
    total, rows = _run(store, query, station, today, plan, limit, offset)
    also: tuple[str, ...] = ()
    suggestions: tuple[Spelling, ...] = ()
    if query.terms and not query.literal:
        also = also_found(store, query)
        if total == 0:
            suggestions = tuple(_suggest(store, query))
    return SearchResult(query, total, [_hit(r) for r in rows], offset, spelled, also, suggestions)


#: A per-connection temporary table holding one query's index hits while it is counted, ranked
#: and walked: each pass would otherwise intersect the FTS5 hit lists (and the words' documents)
#: again, which for a common pinyin term is most of the cost.
HITS_TABLE = "temp.search_hits"


def _hold_hits(conn: Connection, terms: Sequence[Term], sets: WordSets) -> int:
    """Put the documents holding every term into HITS_TABLE; returns how many there are."""
    params: dict = {}
    matches = _index_matches(terms, params, sets=sets)
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS search_hits (docid INTEGER PRIMARY KEY)")
    conn.exec_driver_sql(f"DELETE FROM {HITS_TABLE}")
    conn.execute(text(f"INSERT INTO {HITS_TABLE} (docid) {' INTERSECT '.join(matches)}"), params)
    return int(conn.execute(text(f"SELECT count(*) FROM {HITS_TABLE}")).scalar() or 0)


def _run(store: Store, query: SearchQuery, station: Station, today: date, plan: Plan, limit: int,
         offset: int) -> tuple[int, list]:
    order = _order_sql(query.sort, tiered=bool(query.terms))
    with store.engine.connect() as conn:
        _tune(conn)
        conn.info.pop(_SPAN_KEY, None)
        try:
            conn.info[_SPAN_KEY] = _doc_span(conn)  # read once: the plans ask for it several times
            return _run_on(conn, query, station, today, plan, limit, offset, order)
        finally:
            conn.info.pop(_SPAN_KEY, None)


def _run_on(conn: Connection, query: SearchQuery, station: Station, today: date, plan: Plan, limit: int,
            offset: int, order: str) -> tuple[int, list]:
    sets = word_sets(conn, query.terms) if plan is not Plan.SCAN else None
    indexed = sets is not None and bool(query.terms) and query.scope is not Scope.CIRCLE
    counted: list[tuple[int, int]] = []

    def count_hits(cap: int) -> int:
        counted.append((cap, _hit_count(conn, query.terms, cap)))
        return counted[-1][1]

    short = _marked_match(conn, query, station, today, count_hits) if plan is Plan.AUTO and indexed else None
    circle = (_circle_match(query, station) if plan is Plan.AUTO and sets is not None and query.terms
              and query.scope is Scope.CIRCLE else None)
    if circle is not None:  # the circle's cells' hits, each checked for the distance and the filters
        plan = Plan.INDEX
    elif sets is not None and query.terms and short is None:
        # a count that stopped short of its cap is exact
        hits = (counted[-1][1] if counted and counted[-1][1] < min(counted[-1][0], HIT_COUNT_CAP)
                else count_hits(HIT_COUNT_CAP) if indexed else 0)
        plan = _choose(conn, query, station, today, plan, hits)
    sql, params = _select(query, station, today, plan, sets=sets,
                          match=circle or (short and (short[0], short[1][0])))
    params.update(limit=limit, offset=offset)
    if short is not None:
        # Count and title tiers from the short-term index alone; the page by walking the
        # distance index, or sorted from the hits when the title tiers cannot fill it.
        # A tier's documents are read no further than the walk looks (_tier_cap), tier 1's
        # only when tier 0 cannot fill the page; a tier that is sorted is sorted from them.
        table, (m_all, m_t0, m_t1) = short
        raw = conn.connection.driver_connection
        total = int(raw.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (m_all,)).fetchone()[0] or 0)
        if not offset and total >= limit:
            rows = (_walk_dense_first(query, station, today, conn, table, m_t0, limit, sets)
                    if total >= _walk_needs(conn, limit) else None)
            if rows is None:
                rows = _walk_held_first(query, station, today, conn, table, total, limit, sets or {},
                                        count_hits, counted)
            if rows is not None:
                return total, rows
        cap = _tier_cap(conn, offset + limit)
        docs: dict[int, str] = {}
        tiers: dict[int, int] = {}
        for tier, m in enumerate((m_t0, m_t1) if total > offset else ()):
            if sum(tiers.values()) >= offset + limit:
                break
            # as one JSON array, which the sort passes back as it is: a Python row per document
            # cost a third of reading them (10k documents at 1M vacancies)
            tiers[tier], docs[tier] = raw.execute(
                f"SELECT count(*), json_group_array(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? "
                "LIMIT ?)", (m, cap)).fetchone()
        if total <= offset:
            rows = []
        elif sum(tiers.values()) >= offset + limit:
            rows = _walk(query, station, today, Plan.INDEX, conn, tiers, limit, offset, sets, tier_docs=docs)
        else:
            rows = conn.execute(text(f"SELECT * FROM ({sql}) ORDER BY {order} LIMIT :limit OFFSET :offset"),
                                params).all()
    elif plan is Plan.SCAN or not query.terms:  # the plain baseline, and browsing: count, then the page
        total = int(conn.execute(text(f"SELECT count(*) FROM ({sql})"), params).scalar() or 0)
        rows = conn.execute(text(f"SELECT * FROM ({sql}) ORDER BY {order} LIMIT :limit OFFSET :offset"),
                            params).all() if total > offset else []
    elif (circle is None and query.sort is Sort.DISTANCE and _resolve(query, plan) is Plan.INDEX
          and not _narrowed(query)
          and _walk_pays(conn, _hold_hits(conn, query.terms, sets), offset + limit)):
        # Many hits: count them per tier, then find the page by walking the distance index.
        # Tiers 0 and 1 (the title) cost the title columns only and usually fill the page;
        # when residents' words are in play the later tiers usually matter, so all at once.
        sql, params = _select(query, station, today, plan, sets=sets, held_hits=True)
        params.update(limit=limit, offset=offset)
        tiers: dict[int, int] = {}
        if not any(sets[t.text][0] for t in query.terms):
            coarse, cparams = _select(query, station, today, plan, coarse=True, sets=sets, held_hits=True)
            total, t0, t1 = conn.execute(text(f"SELECT count(*), coalesce(sum(tier = 0), 0), "
                                              f"coalesce(sum(tier = 1), 0) FROM ({coarse})"), cparams).one()
            tiers = {0: t0, 1: t1} if t0 + t1 >= offset + limit else {}
        if not tiers:
            tiers = dict(conn.execute(text(f"SELECT tier, count(*) FROM ({sql}) GROUP BY tier"), params).all())
            total = sum(tiers.values())
        if total <= offset:
            rows = []
        elif _walk_pays(conn, total, offset + limit):
            rows = _walk(query, station, today, plan, conn, tiers, limit, offset, sets, held_hits=True)
        else:
            rows = conn.execute(text(f"SELECT * FROM ({sql}) ORDER BY {order} LIMIT :limit OFFSET :offset"),
                                params).all()
    else:  # one pass over the hits gives both the count and the page
        rows = conn.execute(text(f"WITH hits AS MATERIALIZED ({sql}) SELECT (SELECT count(*) FROM hits) AS total, "
                                 f"* FROM hits ORDER BY {order} LIMIT :limit OFFSET :offset"), params).all()
        if rows:
            total = int(rows[0].total)
        elif offset:
            total = int(conn.execute(text(f"SELECT count(*) FROM ({sql})"), params).scalar() or 0)
        else:
            total = 0
    return total, rows


def group_counts(store: Store, query: SearchQuery, station: Station, *, today: date | None = None,
                 plan: Plan | str = Plan.AUTO) -> dict[str, int]:
    """How many vacancies each everyday group holds for this query, ignoring its own group
    filter: the counts on the 按类别 tiles. Every group is present (0 when empty)."""
    today = today or date.today()
    plan = Plan(plan)
    if plan is not Plan.SCAN:
        prepare(store, station)
    if query.terms and not query.literal:
        query, _ = understand(store, query)
    sql, params = _select(replace(query, groups=frozenset()), station, today, plan)
    with store.engine.connect() as conn:
        _tune(conn)
        found = dict(conn.execute(text(f"SELECT job_group, count(*) FROM ({sql}) GROUP BY job_group"), params).all())
    counts = {g: int(found.pop(g, 0)) for g in jobwords.GROUPS}
    counts[jobwords.OTHER] += sum(int(n) for n in found.values())  # a group this kiosk does not know
    return counts


# --- reading what the resident meant -----------------------------------------------------------

_lexicons: dict[int, tuple[tuple[int, int], Lexicon, frozenset[str]]] = {}
_lexicon_lock = threading.Lock()


def _words(store: Store) -> tuple[Lexicon, frozenset[str]]:
    """The lexicon and this kiosk's titles, rebuilt when the index changed: the generation counts
    refreshes in this process, and the newest docid catches one that was still being committed
    when the lexicon was last read (the generation moves before the commit)."""
    key = id(store.engine)
    with store.engine.connect() as conn:
        version = (_generation, int(conn.execute(text("SELECT coalesce(max(docid), 0) FROM search_docs")).scalar()))
        with _lexicon_lock:
            cached = _lexicons.get(key)
            if cached and cached[0] == version:
                return cached[1], cached[2]
        titles = conn.execute(text("SELECT title, count(*) FROM search_docs WHERE status = 'open' "
                                   "GROUP BY title")).all()
    words = [(t, int(n)) for t, n in titles] + [(w.word, 1) for w in jobwords.kiosk_vocabulary().words]
    lex = Lexicon(words, pinyin.syllables)
    with _lexicon_lock:
        _lexicons[key] = (version, lex, frozenset(t for t, _ in titles))
    return lex, frozenset(t for t, _ in titles)


def lexicon(store: Store) -> Lexicon:
    """The words a misspelt term is corrected to: this kiosk's titles (weighted by how many open
    vacancies carry them) and the vocabulary's words. Rebuilt after the index changes."""
    return _words(store)[0]


def also_found(store: Store, query: SearchQuery) -> tuple[str, ...]:
    """The occupations the residents' words added to this query, as far as this kiosk has any."""
    titles = _words(store)[1]
    added = jobwords.kiosk_vocabulary().also_for(t.text for t in query.terms)
    return tuple(o for o in added if o.endswith("岗位") or any(o in t for t in titles))


def understand(store: Store, query: SearchQuery) -> tuple[SearchQuery, tuple[Spelling, ...]]:
    """The query with each term that no vacancy holds replaced by its likely spelling."""
    fixed: list[Term] = []
    spelled: list[Spelling] = []
    with store.engine.connect() as conn:
        missing = [t for t in query.terms if not _exists(conn, t)]
    if not missing:
        return query, ()
    lex = lexicon(store)
    for t in query.terms:
        s = lex.correct(t.text) if t in missing else None
        if s is None:
            fixed.append(t)
            continue
        new = Term(s.pinyin, TermKind.LATIN) if t.kind is TermKind.LATIN else Term(s.word, TermKind.HANZI)
        if new not in fixed:
            fixed.append(new)
        spelled.append(s)
    if not spelled:
        return query, ()
    return replace(query, terms=tuple(fixed)), tuple(spelled)


def _exists(conn: Connection, term: Term) -> bool:
    """Whether any vacancy holds the term; each source asked apart, so the first hit answers."""
    table, match = _fts(term)
    sql = f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH :m)"
    if WORDS_FIELD in term_fields(term):
        sql += (" OR EXISTS (SELECT 1 FROM search_docs WHERE wordset IN "
                "(SELECT id FROM search_wordsets WHERE instr(words, :w)))")
    return conn.execute(text(sql), {"m": match, "w": term.text}).scalar() == 1


def _suggest(store: Store, query: SearchQuery, limit: int = 3) -> list[Spelling]:
    lex = lexicon(store)
    out: list[Spelling] = []
    for t in query.terms:
        for s in lex.suggest(t.text, limit):
            if s.word not in {o.word for o in out}:
                out.append(s)
    return out[:limit]


#: Walk the distance index only when the page is expected within this many rows of it.
WALK_MAX_ROWS = 5000


def _narrowed(query: SearchQuery) -> bool:
    """Filters besides the city-wide scope: the index's hit count then overstates the matches, and
    one pass that counts and sorts them is cheaper than counting and walking."""
    return bool(query.scope is Scope.DISTRICT or query.salary_min is not None or query.salary_max is not None or query.job_types
                or query.categories or query.groups or query.posted_within_days is not None or query.literal
                or query.work_day is not None)


def _walk_pays(conn: Connection, matches: int, rows_needed: int) -> bool:
    return matches >= _walk_needs(conn, rows_needed)


def _walk_needs(conn: Connection, rows_needed: int) -> int:
    """How many matches make walking the distance index for ``rows_needed`` rows pay."""
    return max(1, -(-rows_needed * _doc_span(conn) // WALK_MAX_ROWS))


def _tier_cap(conn: Connection, rows_needed: int) -> int:
    """A tier count this high or higher makes :func:`_walk` do the same as the exact count: every
    choice it makes compares the count with a bound below this (each true from here on), and
    the page then lies within the tier. Counting further would only read more of the index."""
    needs = _walk_needs(conn, rows_needed)
    return max(rows_needed, needs, math.isqrt(needs * WALK_MAX_ROWS) + 1)


_SPAN_KEY = "kiosk.search.span"


def _doc_span(conn: Connection) -> int:
    """The highest docid: about how many documents the index holds (read once per search, see
    :func:`_run`)."""
    span = conn.info.get(_SPAN_KEY)
    if span is None:
        span = int(conn.execute(text("SELECT coalesce(max(docid), 0) FROM search_docs")).scalar() or 0)
    return span


#: :func:`_walk_held_first` holds the terms' index hits only up to this many (holding one costs
#: about 0.2 µs: 15k at 1M vacancies, 2.7 ms).
HELD_WALK_HITS = 20_000
#: How many of the nearest documents' entries of the distance index :func:`_walk_held_first`
#: reads at most. An entry that is not a hit costs a probe of the held hits (about 0.15 µs).
HELD_WALK_ROWS = 50_000
#: ... and no more than this many times the entries it is expected to read.
HELD_WALK_SLACK = 4


def _nearest_edge(conn: Connection, rows: int) -> float | None:
    """The distance of the document ``rows`` places from the station: a walk of the distance
    index that stops there reads at most that many entries. None: there are fewer documents."""
    edge = conn.connection.driver_connection.execute(
        "SELECT dist FROM search_docs INDEXED BY ix_search_docs_dist ORDER BY dist, vacancy_id LIMIT 1 OFFSET ?",
        (rows,)).fetchone()
    return None if edge is None else edge[0]


def _walk_held_first(query: SearchQuery, station: Station, today: date, conn: Connection, table: str, total: int,
                     limit: int, sets: WordSets, count_hits: Callable[[int], int],
                     counted: list[tuple[int, int]]) -> list | None:
    """The first page of a query the marks counted, when its terms have few index hits: found by
    walking the entries of the distance index, nearest first, that are among the hits (held in
    :data:`HITS_TABLE`), no further than the nearest :data:`HELD_WALK_ROWS` documents. Only a
    hit's row is read, for the filters and the tier, where :func:`_walk_dense_first` reads every
    row and stops at :data:`DENSE_WALK_ROWS`. The page is tier 0's nearest rows whenever there
    are ``limit`` of them; otherwise None, and the caller counts the tiers.

    At 1M vacancies 快递员 within 30 days and paid from 6,000 has 15k hits and 6,687 matches:
    holding the hits and walking took 4.4 ms, where reading the 15k hits' rows took 24 ms and
    counting tier 0 from the marks 11.5 ms. ``total`` (the matches) tells how far the walk is
    expected to go: ``limit`` × all documents / ``total`` entries at least, and it stops at
    :data:`HELD_WALK_SLACK` times that. It is not tried in a district: the district's documents
    lie together, often far from the station (at 100k vacancies 师 in a district took 29 ms to
    come back short). Nor without a filter, nor in the short-term index: the marks then name
    few lists, or lists without positions, and counting tier 0 from them is cheaper (at 100k kj
    took 3.5 ms so and 6.5 ms held and walked, 保洁 bj with a pay ceiling 6.9 and 8.5 ms; yyy
    full-time, of the trigram index, 6.5 and 5.1 ms). ``table``: the index of the marks;
    ``count_hits`` counts the hits up to a bound; ``counted`` holds its earlier answers."""
    expected = -(-limit * _doc_span(conn) // total)
    if table != "search_trigram" or query.scope is Scope.DISTRICT or not _narrowed(query) or expected > HELD_WALK_ROWS:
        return None
    known = [n for cap, n in counted if n < cap]
    hits = known[0] if known else count_hits(HELD_WALK_HITS + 1)
    if hits > HELD_WALK_HITS:
        return None
    _hold_hits(conn, query.terms, sets)
    sql, params = _select(query, station, today, Plan.INDEX, walk_tier=0, sets=sets, held_hits=True,
                          within=_nearest_edge(conn, min(HELD_WALK_ROWS, HELD_WALK_SLACK * expected)))
    params.update(limit=limit, offset=0)
    rows = conn.execute(text(sql), params).all()
    return rows if len(rows) == limit else None


#: How many of tier 0's first hits :func:`_walk_dense_first` reads to judge how dense the tier is.
DENSITY_PROBE = 1000
#: How many of the nearest documents :func:`_walk_dense_first` reads at most.
DENSE_WALK_ROWS = 2 * WALK_MAX_ROWS
#: See :func:`_walk_dense_first`: between the ratios 1.4 (slower walked) and 3.3 (faster) measured.
DENSE_WALK_FACTOR = 2


def _walk_dense_first(query: SearchQuery, station: Station, today: date, conn: Connection, table: str, m_t0: str,
                      limit: int, sets: WordSets | None) -> list | None:
    """The first page, when tier 0 (of a query the marks answer) holds enough documents for it,
    found by walking the distance index without counting the tier first; None when that is not so.

    Counting the tier up to :func:`_tier_cap` reads as many of its hits as a walk would read rows
    (10k at 1M vacancies, about 8 ms), only to learn that the walk pays. Instead, the tier's
    first :data:`DENSITY_PROBE` hits in docid order tell its density (docids are not ordered by
    title, so the first are a fair sample); when the tier looks as dense as a walk needs, it is
    walked, no further than the nearest :data:`DENSE_WALK_ROWS` documents. The page
    is tier 0's nearest rows, which are the page whenever there are ``limit`` of them: tier 0
    comes first. Otherwise the caller counts as before.

    The walk reads about ``limit`` / density rows and checks the terms on each; counting the
    tier from the marks reads density × all documents of it, and :func:`_order_docs` then
    probes the distance index's entries, much cheaper than rows. So the walk is taken only
    when density² × all documents ≥ :data:`DENSE_WALK_FACTOR` × ``limit``: at 1M vacancies kj
    (tier 0 density 1.3 %, a ratio of 3.3) took 16.8 ms walked against 18.7 counted; at 100k
    the same density (ratio 0.36) took 12.2 ms walked against 9.7 counted."""
    raw = conn.connection.driver_connection
    n, last = raw.execute(f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? "
                          "LIMIT ?)", (m_t0, DENSITY_PROBE)).fetchone()
    span = _doc_span(conn)
    if (n < DENSITY_PROBE or n * span < _walk_needs(conn, limit) * last
            or n * n * span < DENSE_WALK_FACTOR * limit * last * last):
        return None
    sql, params = _select(query, station, today, Plan.INDEX, walk_tier=0, sets=sets,
                          within=_nearest_edge(conn, DENSE_WALK_ROWS))
    params.update(limit=limit, offset=0)
    rows = conn.execute(text(sql), params).all()
    return rows if len(rows) == limit else None


#: :func:`_order_docs` walks the distance index when the entries it expects to read are at most
#: this many times the documents it orders.
MEMBER_WALK_RATIO = 4


def _order_docs(conn: Connection, docs: str, count: int, tier: int, limit: int, offset: int) -> list:
    """Rows ``offset`` … ``offset + limit`` in distance order of ``count`` documents (a JSON array
    of docids), with ``tier``. Sorting looks each up in the narrow entries of ix_search_docs_sort
    (at 1M vacancies 6,920 documents in 12.5 ms, 1.8 µs each, a random page apiece). Walking the
    entries of ix_search_docs_dist, nearest first, probes each for being one of them (about
    0.15 µs, the pages read in order): the same 6,920 took 3.4 ms for the first page. The walk is
    expected to read (``offset + limit``) × all documents / ``count`` entries; it is taken when
    those are at most :data:`MEMBER_WALK_RATIO` × ``count``, and stops at twice as many. The
    documents may lie far from the station (a district across the city): a walk that comes back
    short is sorted after."""
    rows_needed = offset + limit
    expected = -(-rows_needed * _doc_span(conn) // max(count, 1))
    params = {"docs": docs, "limit": limit, "offset": offset}
    pick = None
    if expected <= MEMBER_WALK_RATIO * count:
        edge = _nearest_edge(conn, 2 * expected)
        within = "" if edge is None else "AND n.dist <= :within"
        pick = ("SELECT n.docid FROM search_docs n INDEXED BY ix_search_docs_dist WHERE n.docid IN "
                f"(SELECT value FROM json_each(:docs)) {within} ORDER BY n.dist, n.vacancy_id LIMIT :limit OFFSET :offset")
        params["within"] = edge
    sql = (f"SELECT {_ROW_COLUMNS}, v.dist AS dist, {tier} AS tier FROM ({{}}) p "
           "CROSS JOIN search_docs v ON v.docid = p.docid ORDER BY v.dist, v.vacancy_id")
    if pick is not None:
        rows = conn.execute(text(sql.format(pick)), params).all()
        if len(rows) == limit:
            return rows
    # the page's rows are read after the sort
    return conn.execute(text(sql.format(
        "SELECT n.docid FROM json_each(:docs) j CROSS JOIN search_docs n INDEXED BY ix_search_docs_sort "
        "ON n.docid = j.value ORDER BY n.dist, n.vacancy_id LIMIT :limit OFFSET :offset")), params).all()


def _walk(query: SearchQuery, station: Station, today: date, plan: Plan, conn: Connection, tiers: dict[int, int],
          limit: int, offset: int, sets: WordSets | None = None, held_hits: bool = False,
          tier_docs: dict[int, str] | None = None) -> list:
    """The page in (tier, distance, id) order, best tier first. A tier holding enough of all
    vacancies is walked along the distance index; a sparse one (a walk would read most of the
    index to find its few rows) is sorted from the index hits instead. ``tier_docs``: per tier,
    its documents from the marks (:func:`_marked_match`) as a JSON array, all of them unless
    there are at least :func:`_tier_cap`'s; such a tier is sorted from them whenever they are
    fewer than the rows a walk would read."""
    rows: list = []
    skip = offset
    docs = tier_docs or {}
    for tier in sorted(tiers):
        if len(rows) >= limit:
            break
        if skip >= tiers[tier]:
            skip -= tiers[tier]
            continue
        need = min(limit - len(rows), tiers[tier] - skip)
        if _walk_pays(conn, tiers[tier], skip + need) and (
                tier not in docs or _walk_needs(conn, skip + need) * WALK_MAX_ROWS <= tiers[tier] ** 2):
            sql, params = _select(query, station, today, plan, walk_tier=tier, sets=sets, held_hits=held_hits)
            params.update(limit=need, offset=skip)
            rows += conn.execute(text(sql), params).all()
        elif tier in docs:
            # exactly the tier's matches, filters included (the marks): only their order is left
            rows += _order_docs(conn, docs[tier], tiers[tier], tier, need, skip)
        else:
            sql, params = _select(query, station, today, plan, coarse=tier < TIER_WORDS, sets=sets,
                                  held_hits=held_hits)
            params.update(limit=need, offset=skip, sparse_tier=tier)
            rows += conn.execute(text(f"SELECT * FROM ({sql}) WHERE tier = :sparse_tier ORDER BY dist, id "
                                      "LIMIT :limit OFFSET :offset"), params).all()
        skip = 0
    return rows


def search_ids(store: Store, query: SearchQuery, station: Station, *, today: date | None = None,
               plan: Plan | str = Plan.AUTO) -> list[str]:
    """Every matching vacancy id in rank order (for checks and exports, not for the screen)."""
    today = today or date.today()
    plan = Plan(plan)
    if plan is not Plan.SCAN:
        prepare(store, station)
    sql, params = _select(query, station, today, plan)
    with store.engine.connect() as conn:
        _tune(conn)
        return [r[0] for r in conn.execute(text(f"SELECT id FROM ({sql}) ORDER BY {_order_sql(query.sort)}"), params)]


def recommend(store: Store, profile: Profile, station: Station, *, today: date | None = None,
              limit: int = 20, per_occupation: int = 200) -> list[Recommendation]:
    """"为你推荐": vacancies matching the profile's occupations, nearby and fresh ones first,
    each with the reasons it is shown. Falls back to the nearest vacancies in the circle."""
    today = today or date.today()
    seen: dict[str, Hit] = {}
    for occupation in profile.desired:
        q = make_query(occupation, scope=Scope.CITY, job_types=profile.job_types)
        for h in search(store, q, station, today=today, limit=per_occupation).hits:
            seen.setdefault(h.id, h)
    if profile.district:
        q = make_query("", scope=Scope.DISTRICT, district=profile.district, job_types=profile.job_types)
        for h in search(store, q, station, today=today, limit=per_occupation).hits:
            seen.setdefault(h.id, h)
    for h in search(store, make_query("", scope=Scope.CIRCLE), station, today=today, limit=per_occupation).hits:
        seen.setdefault(h.id, h)
    return rank_recommendations(profile, seen.values(), station, today, limit)
