"""``python -m central import FILE [--feed F]``: vacancies, job fairs or the service catalogue
from a CSV or JSON export.

Each row is checked against the feed's protocol schema; bad rows are reported by line (or
array index) with the reason, good rows are kept. Pinyin is computed here, by the producer,
so kiosks do not need the phrase dictionary; so are a vacancy's residents' words
(``search_terms``) and everyday group (``job_group``, kiosk.domain.jobwords). In a CSV, a catalogue entry's list fields
(materials, steps) hold one item per line inside the quoted cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from central import feeds
from central.db import Database
from kiosk.domain.demodata import pinyin_fns
from kiosk.domain.jobwords import GROUPS, job_group, producer_vocabulary
from kiosk.sync.protocol import ITEM_MODELS

BATCH = 1000


@dataclass
class ImportReport:
    imported: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)


def _rows(path: Path, feed: str = "vacancies") -> list[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get(feed, [])
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a JSON array of {feed} (or {{\"{feed}\": [...]}})")
        return [(i + 1, r if isinstance(r, dict) else {"_not_an_object": r}) for i, r in enumerate(data)]
    # a cell may be as long as the file (the text is in memory already): an over-long one is then
    # refused by name like any other bad cell, not by the csv module's 128 KB limit mid-file
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    # newline="" semantics: a quoted cell may hold line breaks (a catalogue entry's materials)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    start = 2  # the line a record begins on (line 1 is the header)
    for r in reader:
        rows.append((start, {k: v for k, v in r.items() if k and v not in (None, "")}))
        start = reader.line_num + 1
    return rows


def _complete_service(row: dict) -> dict:
    initials, full = pinyin_fns()
    row = dict(row)
    row.setdefault("updated_at", datetime.now(UTC).replace(tzinfo=None).isoformat())
    if isinstance(row.get("name"), str) and not row.get("pinyin_initials"):
        row["pinyin_initials"], row["pinyin_full"] = initials(row["name"]), full(row["name"])
    return row


def _complete_fair(row: dict) -> dict:
    row = dict(row)
    row.setdefault("updated_at", datetime.now(UTC).replace(tzinfo=None).isoformat())
    return row


def _complete(row: dict) -> dict:
    initials, full = pinyin_fns()
    row = dict(row)
    row.setdefault("updated_at", datetime.now(UTC).replace(tzinfo=None).isoformat())
    parts = [row.get("title", ""), row.get("employer", ""), row.get("category", "")]
    if not row.get("pinyin_initials") and all(isinstance(x, str) for x in parts):
        row["pinyin_initials"] = " ".join(initials(x) for x in parts)
        row["pinyin_full"] = " ".join(full(x) for x in parts)
    title, job_type = row.get("title"), row.get("job_type", "")
    if isinstance(title, str) and isinstance(job_type, str):
        row.setdefault("search_terms", producer_vocabulary().search_terms(title, job_type))
        if row.get("job_group") not in GROUPS:
            row["job_group"] = job_group(title, row.get("category") if isinstance(row.get("category"), str) else "")
    return row


def _reason(e: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(x) for x in err['loc']) or 'row'}: {err['msg']}" for err in e.errors()[:3])


COMPLETERS = {"vacancies": _complete, "job_fairs": _complete_fair, "services": _complete_service}


def _check(feed: str, item) -> str:  # noqa: ANN001 - a protocol item model
    """A reason to refuse a row that matches the schema, or ''."""
    if feed == "vacancies" and item.salary_max < item.salary_min:
        return "salary_max is below salary_min"
    if feed == "job_fairs":
        if item.ends_at <= item.starts_at:
            return "ends_at is not after starts_at"
        if item.kind == "线下" and (item.lat is None or item.lon is None):
            return "an on-site fair (线下) needs lat and lon"
    return ""


def import_file(db: Database, path: Path, progress: Callable[[int, int], None] | None = None,
                feed: str = "vacancies") -> ImportReport:
    if feed not in COMPLETERS:
        raise ValueError(f"cannot import into the {feed!r} feed")
    model, complete = ITEM_MODELS[feed], COMPLETERS[feed]
    report = ImportReport()
    rows = _rows(path, feed)
    good: list[dict] = []
    for line, row in rows:
        try:
            item = model.model_validate(complete(row))
        except ValidationError as e:
            report.bad.append((line, _reason(e)))
            continue
        if reason := _check(feed, item):
            report.bad.append((line, reason))
            continue
        good.append(item.model_dump(mode="json"))
        if len(good) >= BATCH:
            report.imported += feeds.put_batch(db, feed, good)
            if progress:
                progress(line, len(rows))
    if good:
        report.imported += feeds.put_batch(db, feed, good)
    if progress:
        progress(len(rows), len(rows))
    return report
