"""``python -m kiosk bench startup [--runs N]``: process start → attract screen's first frame.

Time runs from just before the process is spawned (the parent passes its clock in
``KIOSK_BENCH_T0``; psutil's create_time is only as precise as the kernel's boot time, one
second). Each run is a fresh process against an already-seeded database (a normal morning start, not
the demo's first start). The baseline is a bare Kivy window showing one Chinese label with
the same font and size, started alternately with the kiosk in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.2
GOAL_SECONDS = 3.0


def _one(cmd: list[str], env: dict[str, str], out: Path) -> dict:
    out.unlink(missing_ok=True)
    env = dict(env, KIOSK_BENCH_T0=repr(time.time()))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if not out.exists():
        raise RuntimeError(f"{' '.join(cmd)} reported no first frame (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


def main(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(prog="python -m kiosk bench startup")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    from kiosk.config import load_config
    from kiosk.display import has_display, start_xvfb
    from kiosk.fonts import find_cjk_fonts

    if not has_display():
        start_xvfb()
    cfg = load_config()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-startup-"))
    fonts = find_cjk_fonts(cfg.data_path / "fonts")
    # an installed kiosk starts from compiled bytecode (pip compiles at install), as Kivy's own
    # modules do here: the warm-up writes ours, so no run measures compiling the kiosk from source
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK", "KIVY")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(KIOSK__DATA_DIR=str(work / "data"), KIOSK_BENCH_FONT=str(fonts.regular),
               KIOSK_BENCH_FIRST_FRAME=str(work / "frame.json"), KIVY_HOME=str(work / "kivy"))
    out = work / "frame.json"
    kiosk_cmd = [sys.executable, "-m", "kiosk", "run"]
    bare_cmd = [sys.executable, "-m", "bench._bare_window"]

    print("bench startup: warm-up (first start seeds the demo database)", file=sys.stderr)
    _one(kiosk_cmd, env, out)
    _one(bare_cmd, env, out)
    kiosk_runs, bare_runs = [], []
    for i in range(args.runs):
        kiosk_runs.append(_one(kiosk_cmd, env, out))
        bare_runs.append(_one(bare_cmd, env, out))
        print(f"bench startup: run {i + 1}/{args.runs}: kiosk {kiosk_runs[-1]['first_frame_s']:.2f} s, "
              f"bare window {bare_runs[-1]['first_frame_s']:.2f} s", file=sys.stderr)

    def med(runs: list[dict], key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 3)

    result = {
        "first_frame_s": med(kiosk_runs, "first_frame_s"),
        "rss_mb": med(kiosk_runs, "rss_mb"),
        "baseline_first_frame_s": med(bare_runs, "first_frame_s"),
        "baseline_rss_mb": med(bare_runs, "rss_mb"),
        "runs": args.runs,
    }
    result["first_frame_ratio"] = round(result["first_frame_s"] / result["baseline_first_frame_s"], 3)
    result["rss_ratio"] = round(result["rss_mb"] / result["baseline_rss_mb"], 3)
    result["goal"] = f"first frame within {GOAL_RATIO}x of the bare window and under {GOAL_SECONDS} s"
    result["goal_met"] = result["first_frame_ratio"] <= GOAL_RATIO and result["first_frame_s"] < GOAL_SECONDS
    return result
