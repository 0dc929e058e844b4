"""``python -m central bench report --quick`` runs end to end on a throwaway PostgreSQL cluster and
prints figures that agree with the rows it generated (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench._pg import find_bin_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(find_bin_dir() is None, reason="PostgreSQL server binaries (initdb, pg_ctl) not found")
def test_report_bench_quick_prints_consistent_json():
    proc = subprocess.run([sys.executable, "-m", "central", "bench", "report", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert "generating" in proc.stderr and "measuring" in proc.stderr  # progress on stderr, JSON alone on stdout
    assert out["database"] == "postgresql" and out["stations"] == 6 and out["months"] == 2
    assert out["service_records_counted"] == out["rows"]["service_records"] > 0
    for key in ("district_report", "city_export"):
        assert out[key]["median_s"] > 0 and out[key]["ratio_to_baseline"] > 0
    assert out["city_export"]["stations"] == 6 and out["city_export"]["xlsx_bytes"] > 0
    assert 0 < out["district_report"]["services"] <= out["city_export"]["services"] < out["rows"]["service_records"]


def test_report_bench_refuses_nonsense_arguments():
    proc = subprocess.run([sys.executable, "-m", "central", "bench", "report", "--stations", "0"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "at least 1" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "central", "bench", "nosuch"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "available: body, fleet, pages, report" in proc.stderr
