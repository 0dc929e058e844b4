"""The gettext catalogues in assets/locales: loading them, and checking them against the code.

A catalogue's message ids are the Chinese texts the code and the kv files pass to ``_``. The
check (``python -m kiosk i18n check``, and a test) fails on a text the code uses that a
catalogue lacks or leaves untranslated, and on a translation the code no longer uses, so no
screen shows Chinese halfway through an English visit and no catalogue rots.
"""

from __future__ import annotations

import ast
import gettext
import io
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kiosk.config import ASSETS, PACKAGE
from kiosk.domain import i18n

log = logging.getLogger(__name__)

LOCALES = ASSETS / "locales"
DOMAIN = "kiosk"
#: the languages a resident can choose, as the switch shows them
LANGUAGES = {"zh": "中文", "en": "English"}
SOURCES = PACKAGE
KV_CALL = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


class CatalogueError(ValueError):
    """A catalogue that cannot be read."""


def po_path(lang: str, root: Path = LOCALES) -> Path:
    return root / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str, root: Path = LOCALES):
    """The ``lang`` catalogue as Babel reads it; CatalogueError (naming the file) if it cannot."""
    from babel.messages.pofile import PoFileError, read_po

    path = po_path(lang, root)
    try:
        with path.open("rb") as f:
            return read_po(f, locale=lang, abort_invalid=True)
    except (OSError, ValueError, PoFileError) as e:
        raise CatalogueError(f"cannot read the {lang} catalogue {path}: {e}") from e


@lru_cache(maxsize=8)
def translations(lang: str, root: Path = LOCALES) -> gettext.NullTranslations | None:
    """The compiled catalogue of ``lang`` (None for Chinese, the code's own language)."""
    if lang == i18n.DEFAULT:
        return None
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, read_catalogue(lang, root))
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def use_language(lang: str) -> None:
    """Make ``lang`` the language of ``kiosk.domain.i18n._`` (unknown: Chinese, logged)."""
    if lang not in LANGUAGES:
        log.warning("no catalogue for language %r; staying with Chinese", lang)
        lang = i18n.DEFAULT
    i18n.use(lang, translations(lang))


# -- the check --------------------------------------------------------------------------------

def _py_texts(path: Path) -> set[str]:
    """The literal texts passed to ``_``/``N_`` (also as ``i18n._``) in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) != 1:
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")
        arg = node.args[0]
        if name in ("_", "N_") and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            out.add(arg.value)
    return out


def _kv_texts(path: Path) -> set[str]:
    out = set()
    for m in KV_CALL.finditer(path.read_text(encoding="utf-8")):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        out.add(ast.literal_eval('"' + raw.replace('"', '\\"') + '"') if "\\" in raw else raw)
    return out


def used_texts(sources: Path = SOURCES) -> dict[str, list[str]]:
    """Every text passed to ``_`` in the code and the kv files → where (relative paths)."""
    found: dict[str, list[str]] = {}
    for path in sorted(sources.rglob("*.py")) + sorted(sources.rglob("*.kv")):
        texts = _py_texts(path) if path.suffix == ".py" else _kv_texts(path)
        for t in texts:
            found.setdefault(t, []).append(str(path.relative_to(sources.parent)))
    return found


@dataclass
class Report:
    lang: str
    #: how many texts the code passes to ``_``/``N_``
    used: int = 0
    missing: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.untranslated or self.stale)

    def lines(self) -> list[str]:
        out = [f"{self.lang}: missing from the catalogue: {t!r}" for t in self.missing]
        out += [f"{self.lang}: not translated: {t!r}" for t in self.untranslated]
        out += [f"{self.lang}: no longer used by the code: {t!r}" for t in self.stale]
        return out


def check(lang: str, root: Path = LOCALES, sources: Path = SOURCES) -> Report:
    used = used_texts(sources)
    known = {m.id: m for m in read_catalogue(lang, root) if m.id}
    report = Report(lang, used=len(used))
    report.missing = sorted(t for t in used if t not in known)
    report.untranslated = sorted(t for t, m in known.items() if t in used and (not m.string or m.fuzzy))
    report.stale = sorted(t for t in known if t not in used)
    return report


def update(lang: str, root: Path = LOCALES, sources: Path = SOURCES) -> tuple[int, int]:
    """Add the code's new texts to the catalogue (untranslated) and drop the ones it no longer
    uses; returns (added, dropped). The translator then fills the empty ones."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    used = used_texts(sources)
    path = po_path(lang, root)
    old = read_catalogue(lang, root) if path.exists() else Catalog(locale=lang, domain=DOMAIN)
    new = Catalog(locale=lang, domain=DOMAIN, project="津彩e就业 kiosk", version="", fuzzy=False,
                  header_comment=f"# {LANGUAGES.get(lang, lang)} texts of the 津彩e就业 kiosk. The message ids are the\n"
                                 "# Chinese texts in the code; `python -m kiosk i18n update` adds and drops them.",
                  msgid_bugs_address="", last_translator="", language_team="", creation_date=old.creation_date)
    added = 0
    for text in sorted(used):
        prev = old.get(text)
        new.add(text, prev.string if prev else "", locations=[(p, 0) for p in used[text]])
        added += prev is None
    dropped = sum(1 for m in old if m.id and m.id not in used)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, new, width=100, omit_header=False, include_lineno=False, sort_output=True)
    return added, dropped
