"""Pinyin of vacancy text on the kiosk, for vacancies that arrive without it.

Pinyin is computed where vacancies are produced (the central system, the demo generator) with
pypinyin's phrase dictionary, which gets polyphones right (会计 → kj, 银行 → yh) but costs about
+55 MB of RAM. The kiosk only fills gaps, so it reads pypinyin's single-character table
(``pinyin_dict.json``, about 41k characters) directly, without importing pypinyin and its phrase
dictionary: a few MB, loaded on first use in the thread that refreshes the search index. The
price is the first listed reading for polyphones (会计 → hj), which the central feed corrects.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
import unicodedata
from pathlib import Path

log = logging.getLogger(__name__)
_lock = threading.Lock()
_table: dict[int, str] | None = None


def _load() -> dict[int, str]:
    """The table, or an empty one (with a warning) when pypinyin's data is missing: such
    vacancies are then found by their Chinese text only, never lost from search."""
    global _table
    with _lock:
        if _table is None:
            spec = importlib.util.find_spec("pypinyin")
            path = (Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
                    if spec is not None and spec.submodule_search_locations else None)
            try:
                raw = json.loads(path.read_text(encoding="utf-8")) if path else None
            except (OSError, ValueError):
                raw = None
            if raw is None:
                log.warning("pypinyin's character table is missing: vacancies sent without pinyin can be found "
                            "by Chinese only. Install the pinned pypinyin (requirements.lock) to fix this.")
                raw = {}
            _table = {int(k): _plain(v.split(",")[0]) for k, v in raw.items()}
        return _table


def _plain(reading: str) -> str:
    """'lǜ' → 'lv', 'bāo' → 'bao' (pypinyin's NORMAL style)."""
    out = []
    for ch in unicodedata.normalize("NFD", reading):
        if ch == "\u0308":  # diaeresis: ü is written v
            if out and out[-1] == "u":
                out[-1] = "v"
        elif not unicodedata.combining(ch):
            out.append(ch)
    return "".join(out)


def syllables(text: str) -> list[str]:
    """One toneless syllable per Chinese character; other characters are skipped."""
    table = _load()
    return [table[o] for o in map(ord, text) if o in table]


def initials(text: str) -> str:
    return "".join(s[0] for s in syllables(text) if s)


def full(text: str) -> str:
    return "".join(syllables(text))
