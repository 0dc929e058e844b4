"""``python -m central bench body`` runs end to end against a real central and prints its figures
(the goals are judged in the benchmark's output, never here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_body_bench_quick_prints_its_figures_and_every_upload_is_refused():
    proc = subprocess.run([sys.executable, "-m", "central", "bench", "body", "--mb", "4", "--rounds", "1",
                           "--baseline", "3"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert "round 1/1" in proc.stderr  # progress on stderr, JSON alone on stdout
    assert out["uploads"]["statuses"] == [413] and out["server_alive_after"] is True
    assert out["small_request_ms"]["statuses"] == [401] and out["small_request_ms"]["samples"] >= 1
    assert out["rss_growth_mb"]["max"] >= out["rss_growth_mb"]["median"]
    assert isinstance(out["pass"], bool) and out["goals"] == {"rss_growth_mb": 20.0, "small_request_ms": 200.0}


def test_body_bench_refuses_nonsense_arguments():
    proc = subprocess.run([sys.executable, "-m", "central", "bench", "body", "--mb", "0"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "at least 1" in proc.stderr
