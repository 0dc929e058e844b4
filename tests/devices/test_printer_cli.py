"""``python -m kiosk print-sample`` writes the exact bytes; ``bench print`` reports its figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.devices.printer.profile import make_profile
from kiosk.devices.printer.render import render
from kiosk.devices.sim.escpos_printer import Interpreter
from kiosk.domain.receipt_samples import sample

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK")}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, env=env, capture_output=True, timeout=300)


@pytest.mark.parametrize("kind, width", [("ticket", 80), ("vacancy", 58), ("shortlist", 58), ("appointment", 80)])
def test_print_sample_writes_the_bytes_the_printer_would_get(tmp_path, kind, width):
    out, png = tmp_path / f"{kind}.bin", tmp_path / f"{kind}.png"
    p = kiosk("print-sample", kind, "--out", str(out), "--width", str(width), "--png", str(png))
    assert p.returncode == 0, p.stderr.decode()
    data = out.read_bytes()
    assert data == render(sample(kind), make_profile({"paper_width_mm": width, "profile": "generic-gb18030"})).data
    interp = Interpreter(384 if width == 58 else 576)
    interp.feed(data)
    assert interp.receipts and interp.unknown == 0 and interp.wrapped == 0
    from PIL import Image

    assert Image.open(png).width == (384 if width == 58 else 576) + 32


def test_print_sample_default_width_comes_from_the_config(tmp_path):
    out = tmp_path / "t.bin"
    assert kiosk("print-sample", "ticket", "--out", str(out)).returncode == 0
    assert out.read_bytes() == render(sample("ticket"), make_profile({"paper_width_mm": 80})).data


def test_print_sample_refuses_a_bad_width_or_profile(tmp_path):
    assert kiosk("print-sample", "ticket", "--out", str(tmp_path / "x"), "--width", "76").returncode == 2
    p = kiosk("print-sample", "ticket", "--out", str(tmp_path / "x"), "--profile", "nope")
    assert p.returncode == 2 and b"unknown profile" in p.stderr and b"Traceback" not in p.stderr


def test_bench_print_reports_the_figures():
    p = kiosk("bench", "print", "--runs", "2")
    assert p.returncode == 0, p.stderr.decode()[-2000:]
    figures = json.loads(p.stdout)
    for key in ("ticket_bytes", "shortlist_bytes", "ticket_raster_bytes", "shortlist_raster_bytes",
                "ticket_s_115200", "ticket_s_9600", "print_to_last_byte_ms"):
        assert figures[key] > 0, key
    assert figures["ticket_bytes"] == len(render(sample("ticket"), make_profile({})).data)
    assert figures["ticket_raster_bytes"] > 10 * figures["ticket_bytes"]
    assert figures["ticket_s_115200"] == pytest.approx(figures["ticket_bytes"] * 10 / 115200, abs=0.001)
