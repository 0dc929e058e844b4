"""政策与服务: the catalogue of public employment services, and its search.

Matching follows the vacancy search's rule (``kiosk.domain.search``): the typed text is split into
terms and every term must be a substring of the name, category or summary, or (Latin terms) of
the name's pinyin initials or full pinyin: ``sy`` finds 失业登记, ``dj`` 就业登记 and 失业登记,
``补贴`` every subsidy.

The catalogue holds a few dozen rows, so a search is a plain scan of all of them in Python; an
index (like the vacancies' FTS5 trigram table, which also misses one- and two-character Chinese
queries) would cost more than it saves here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain import pinyin
from kiosk.domain.search import TermKind, parse_terms

if TYPE_CHECKING:
    from kiosk.store.engine import Store


@dataclass(frozen=True)
class ServiceView:
    id: str
    name: str
    category: str
    summary: str
    audience: str
    materials: tuple[str, ...]
    place: str
    steps: tuple[str, ...]
    time_limit: str
    basis: str
    fee: str
    pinyin_initials: str
    pinyin_full: str


def to_row(v: ServiceView) -> dict:
    return {"service_id": v.id, "name": v.name, "category": v.category, "summary": v.summary,
            "fee": v.fee}


def _lines(text: str) -> tuple[str, ...]:
    """One item per line; "1. 携带材料" becomes "1．携带材料", so that a screen wrapping at spaces
    never leaves the number alone on a line."""
    return tuple(re.sub(r"^(\d+)\.\s*", "\\1．", x.strip()) for x in text.splitlines() if x.strip())


def matches(v: ServiceView, text: str) -> bool:
    """Every term of ``text`` is in the name, category or summary (or, Latin, the name's pinyin)."""
    hay = (v.name, v.category, v.summary)
    for term in parse_terms(text):
        if term.kind is TermKind.HANZI:
            if not any(term.text in h for h in hay):
                return False
        elif not (term.text in v.pinyin_initials or term.text in v.pinyin_full
                  or any(term.text in h.lower() for h in hay)):
            return False
    return True


def starts_with(v: ServiceView, text: str) -> bool:
    """The name begins with what was typed (``sy``: 失业登记 and 失业保险金申领 before 就业登记)."""
    first = parse_terms(text)[0].text
    return v.name.startswith(first) or v.pinyin_initials.startswith(first) or v.pinyin_full.startswith(first)


class Catalogue:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _views(self) -> list[ServiceView]:
        from sqlalchemy import select

        from kiosk.store.models import CatalogueService

        with self.store.read() as s:
            rows = s.scalars(select(CatalogueService).order_by(CatalogueService.sort_order,
                                                                CatalogueService.id)).all()
            return [ServiceView(
                r.id, r.name, r.category, r.summary, r.audience, _lines(r.materials), r.place, _lines(r.how),
                r.time_limit, r.basis, r.fee,
                # filled in on the kiosk when the producer sent none (first reading of polyphones)
                r.pinyin_initials or pinyin.initials(r.name), r.pinyin_full or pinyin.full(r.name))
                for r in rows]

    def search(self, text: str = "") -> list[ServiceView]:
        """The whole catalogue in its order, or the entries matching ``text``, best first."""
        views = self._views()
        if not parse_terms(text):
            return views
        hits = [v for v in views if matches(v, text)]
        order = {v.id: i for i, v in enumerate(views)}
        hits.sort(key=lambda v: (not starts_with(v, text), order[v.id]))
        return hits

    def get(self, service_id: str) -> ServiceView | None:
        return next((v for v in self._views() if v.id == service_id), None)
