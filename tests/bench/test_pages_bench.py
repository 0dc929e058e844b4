"""The phone pages' bench, short: it starts PostgreSQL and central as it documents, fetches every
page (the employer's form and link among them) and holds every page to its goals."""

from __future__ import annotations

import pytest

from bench import pages
from tests.sync.pg import find_bin_dir

pytestmark = pytest.mark.skipif(find_bin_dir() is None, reason="PostgreSQL server binaries not found")


def test_every_page_answers_within_its_byte_budget_and_loads_nothing_from_outside() -> None:
    out = pages.main(["--requests", "8", "--clients", "4", "--seconds", "5", "--vacancies", "60"])
    assert {"employer_form", "employer_posting", "job", "interest"} <= set(out["pages"])
    for name, page in out["pages"].items():
        assert page["statuses"] == {"200": page["fetches"]} and page["fetches"] > 0, name
        assert page["external_refs"] == 0, name
    assert out["meets_goals"] and out["largest_page_bytes"] <= out["goals"]["bytes_per_page"]
