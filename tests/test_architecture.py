"""The layer picture of docs/ARCHITECTURE.md holds: import-linter checks the contracts in
pyproject.toml ([tool.importlinter]) and a broken one fails the suite with its name and the
offending import chain.

The contracts are also checked against a copy of the code with an upward import put in, so a
contract that stopped catching anything would fail here too.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")  # one contract name, one line
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def broken_part(output: str) -> str:
    """import-linter's report from the broken contracts on (the part that names rule and chain)."""
    at = output.find("Broken contracts")
    return output[at:] if at >= 0 else output


def test_the_import_contracts_hold() -> None:
    run = lint_imports(ROOT)
    if run.returncode != 0:
        pytest.fail(f"an import contract is broken (see [tool.importlinter] in pyproject.toml and "
                    f"docs/ARCHITECTURE.md):\n{broken_part(run.stdout)}{run.stderr[-2000:]}", pytrace=False)
    assert "broken" in run.stdout and " 0 broken" in run.stdout


def test_central_may_use_nothing_of_the_kiosk_but_the_domain_and_the_protocol() -> None:
    """The central contract names what central must not import; every kiosk module but the domain
    and the sync protocol must be on that list, including ones added later."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    central = next(c for c in contracts if c["id"] == "central-uses-domain-and-protocol")
    kiosk_children = {f"kiosk.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "kiosk")])}
    sync_children = {f"kiosk.sync.{m.name}" for m in pkgutil.iter_modules([str(ROOT / "kiosk" / "sync")])}
    expected = (kiosk_children - {"kiosk.domain", "kiosk.sync"}) | (sync_children - {"kiosk.sync.protocol"})
    assert set(central["forbidden_modules"]) == expected


#: (module, the upward import put into it, the contract that must catch it, what it must say)
VIOLATIONS = [
    ("kiosk/domain/geo.py", "import kiosk.store", "kiosk layers", "kiosk.domain is not allowed to import kiosk.store"),
    ("kiosk/core/feedback.py", "import kivy", "no Kivy in the domain", "kiosk.core is not allowed to import kivy"),
    ("kiosk/domain/privacy.py", "import sqlalchemy", "the domain is pure",
     "kiosk.domain is not allowed to import sqlalchemy"),
    ("kiosk/devices/printer/service.py", "from kiosk.store.models import PrintJob", "kiosk layers",
     "kiosk.devices is not allowed to import kiosk.store"),
    ("kiosk/sync/feeds.py", "from kiosk.store.models import Vacancy", "kiosk layers",
     "kiosk.sync is not allowed to import kiosk.store"),
    ("kiosk/screens/vacancy_list.py", "from kiosk.store.search import recommend", "screens and widgets reach",
     "kiosk.screens is not allowed to import kiosk.store"),
    ("central/tickets.py", "from kiosk.core.queue import QueueBook", "central imports only",
     "central is not allowed to import kiosk.core"),
]


def test_an_upward_import_breaks_the_contract_that_names_it(tmp_path: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.kv", "*.png")
    for pkg in ("kiosk", "central"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for module, line, _rule, _message in VIOLATIONS:
        target = tmp_path / module
        target.write_text(target.read_text() + f"\n{line}\n")
    run = lint_imports(tmp_path)
    report = broken_part(run.stdout)
    assert run.returncode != 0, run.stdout
    missed = [(rule, message) for _m, _l, rule, message in VIOLATIONS if rule not in report or message not in report]
    assert not missed, f"not reported: {missed}\n{report}"
