"""`python -m kiosk run --tour DIR` walks every screen in both orientations and writes PNGs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def test_tour_writes_every_screen_in_both_orientations(tmp_path):
    out = tmp_path / "tour"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_HOME")}
    proc = subprocess.run([sys.executable, "-m", "kiosk", "run", "--tour", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)  # a hang guard, not a speed limit
    assert proc.returncode == 0, proc.stderr[-3000:]
    shots = json.loads((out / "tour.json").read_text())
    screens = {s["screen"] for s in shots}
    assert {"attract", "home", "vacancy_list", "vacancy_detail", "job_fairs", "job_fair_detail", "policy_list",
            "policy_detail", "home_service"} <= screens
    assert {"consult_topic", "consult_consent", "consult_wait", "consult_call", "consult_ended", "consult_offer",
            "consult_callback"} <= screens
    for s in shots:
        assert s["missing_glyphs"] == [] and s["small_targets"] == [], s
        img = Image.open(out / s["file"])
        assert img.size == tuple(s["size"])
        assert img.size in ((1080, 1920), (1920, 1080))
        # a real picture, not a blank frame
        assert len(img.convert("RGB").resize((64, 64)).getcolors(4096) or []) > 20, s["file"]
    assert {tuple(s["size"]) for s in shots} == {(1080, 1920), (1920, 1080)}
