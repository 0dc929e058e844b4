"""Central's import graph: no cycles, and from the kiosk only its pure modules and the wire protocol.

Checked on the real graph (grimp parses every module, including imports inside functions), so a
cycle made by a lazy import fails here too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

ROOT = Path(__file__).resolve().parents[2]
#: what central may import from the kiosk: the domain and the wire schema
ALLOWED_KIOSK = ("kiosk.domain", "kiosk.sync.protocol")
#: kiosk modules central uses where they are today; they belong in kiosk.domain (kiosk.core.queue and
#: kiosk.core.demodata still import kiosk.store inside functions, so they are not checked for purity here)
PURE_IN_PLACE = ("kiosk.core.privacy", "kiosk.core.queue", "kiosk.core.demodata", "kiosk.progress")
#: kiosk modules central must never reach, not even through an allowed one
FORBIDDEN_KIOSK = ("kiosk.store", "kiosk.screens", "kiosk.widgets", "kiosk.app", "kiosk.devices", "kiosk.video",
                   "kiosk.sync.client", "kiosk.sync.worker")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("central", "kiosk", exclude_type_checking_imports=True)


def _where(graph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"{importer.replace('.', '/')}.py:{d['line_number']}" for d in details[:3]) or importer


def _is(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_central_has_no_import_cycle(graph):
    central = sorted(m for m in graph.modules if _is(m, ("central",)))
    cycles = []
    for m in central:
        for n in graph.find_modules_directly_imported_by(m):
            if _is(n, ("central",)) and n != m and n != "central":
                chain = graph.find_shortest_chain(importer=n, imported=m)
                if chain:
                    cycles.append(f"{m} → {' → '.join(chain)} (at {_where(graph, m, n)})")
    assert not cycles, ("central has import cycles; move what both sides need into a module of its own "
                        "(as central/passwords.py holds password hashing):\n  " + "\n  ".join(cycles))


def test_central_imports_only_the_kiosks_pure_modules(graph):
    bad = []
    for m in sorted(x for x in graph.modules if _is(x, ("central",))):
        for n in graph.find_modules_directly_imported_by(m):
            if _is(n, ("kiosk",)) and not _is(n, ALLOWED_KIOSK + PURE_IN_PLACE):
                bad.append(f"{m} imports {n} ({_where(graph, m, n)})")
    assert not bad, ("central may import from the kiosk only " + ", ".join(ALLOWED_KIOSK) + ":\n  "
                     + "\n  ".join(bad))
    reached = []
    used = {n for x in graph.modules if _is(x, ("central",)) for n in graph.find_modules_directly_imported_by(x)}
    for n in sorted(u for u in used if _is(u, ALLOWED_KIOSK)):
        for forbidden in sorted(x for x in graph.modules if _is(x, FORBIDDEN_KIOSK)):
            chain = graph.find_shortest_chain(importer=n, imported=forbidden)
            if chain:
                reached.append(" → ".join(chain))
    assert not reached, ("kiosk modules central imports reach modules that are not pure:\n  "
                         + "\n  ".join(reached[:10]))


def test_central_uses_no_private_kiosk_name():
    bad = []
    for path in sorted((ROOT / "central").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kiosk"):
                bad += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{a.name}"
                        for a in node.names if a.name.startswith("_")]
    assert not bad, "central imports private kiosk names (make them public where they live):\n  " + "\n  ".join(bad)
