"""``python -m central import FILE``: vacancies from a CSV or JSON export.

Each row is checked against the protocol's vacancy schema; bad rows are reported by line (or
array index) with the reason, good rows are kept. Pinyin is computed here, by the producer,
so kiosks do not need the phrase dictionary.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from central import feeds
from central.db import Database
from kiosk.core.demodata import _pinyin_fns
from kiosk.sync.protocol import VacancyItem

BATCH = 1000


@dataclass
class ImportReport:
    imported: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)


def _rows(path: Path) -> list[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("vacancies", [])
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a JSON array of vacancies (or {{\"vacancies\": [...]}})")
        return [(i + 1, r if isinstance(r, dict) else {"_not_an_object": r}) for i, r in enumerate(data)]
    reader = csv.DictReader(text.splitlines())
    return [(i + 2, {k: v for k, v in r.items() if k and v not in (None, "")}) for i, r in enumerate(reader)]


def _complete(row: dict) -> dict:
    initials, full = _pinyin_fns()
    row = dict(row)
    row.setdefault("updated_at", datetime.now(timezone.utc).replace(tzinfo=None).isoformat())
    parts = [row.get("title", ""), row.get("employer", ""), row.get("category", "")]
    if not row.get("pinyin_initials") and all(isinstance(x, str) for x in parts):
        row["pinyin_initials"] = " ".join(initials(x) for x in parts)
        row["pinyin_full"] = " ".join(full(x) for x in parts)
    return row


def _reason(e: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(x) for x in err['loc']) or 'row'}: {err['msg']}" for err in e.errors()[:3])


def import_file(db: Database, path: Path, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    report = ImportReport()
    rows = _rows(path)
    good: list[dict] = []
    for line, row in rows:
        try:
            item = VacancyItem.model_validate(_complete(row))
        except ValidationError as e:
            report.bad.append((line, _reason(e)))
            continue
        if item.salary_max < item.salary_min:
            report.bad.append((line, "salary_max is below salary_min"))
            continue
        good.append(item.model_dump(mode="json"))
        if len(good) >= BATCH:
            report.imported += feeds.put_batch(db, "vacancies", good)
            if progress:
                progress(line, len(rows))
    if good:
        report.imported += feeds.put_batch(db, "vacancies", good)
    if progress:
        progress(len(rows), len(rows))
    return report
