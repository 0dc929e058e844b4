"""Memory over a day of visits: ``python -m kiosk bench memory [--visits 1000] [--vacancies 100000]``.

The kiosk app runs in a fresh process at 1080x1920 (under Xvfb, or SDL's offscreen driver when
there is no display) on a database seeded in another process with the demo generator and its
search index built there (the generator's pinyin dictionary is not the kiosk's memory), with the
simulated card reader and printer. It goes through the scripted visits of ``bench._visits``
(card, pinyin search, a vacancy printed, a queue ticket printed, logout).

Figures: ``rss_start_mb`` on the attract screen before the first visit (the screens built
after the first frame are there; the others are built when a visit first opens them),
``rss_visit_100_mb`` and ``rss_end_mb`` after those visits, ``growth_pct`` between them,
``rss_parts_mb`` the three split into the process's own pages and mapped files, and
``idle_cpu_percent``: the app's CPU on the attract screen with nobody there (100 = one core),
over ``--idle-seconds`` after the visits. Progress goes to stderr.

The baseline, measured in the same run: ``bare_window_rss_mb``, the RSS of a bare Kivy window of
the same size showing one Chinese label in the kiosk's font (``bench._bare_window``, the start-up
bench's baseline), in the same environment. Most of it is the GL driver, SDL and Kivy, which
no kiosk code can shrink; ``rss_end_over_bare_mb`` is what the kiosk adds on top.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GOALS = {"rss_end_mb": 250.0, "growth_pct": 5.0, "idle_cpu_percent": 3.0}
#: the loop runs this long on the attract screen before its CPU is measured (the last visit's
#: fades and late results are over)
IDLE_SETTLE_S = 5.0
#: the visit whose RSS is the base of the growth figure (caches and first uses are warm by then)
BASE_VISIT = 100


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _seed(data_dir: Path, vacancies: int) -> None:
    """The demo data and its search index, in a process of its own."""
    code = (
        "import sys\n"
        "from kiosk.config import load_config\n"
        "from kiosk.domain.progress import Progress\n"
        "from kiosk.store import search\n"
        "from kiosk.store.engine import open_store\n"
        "from kiosk.store.seed import seed_demo\n"
        "cfg = load_config()\n"
        "store = open_store(cfg.database_path)\n"
        f"seed_demo(store, {vacancies}, seed=cfg.demo.seed, station=cfg.station, progress=Progress('seeding vacancies'))\n"
        "store.set_setting('demo.feeds_seeded', '1')\n"
        "print('building the search index ...', file=sys.stderr)\n"
        "search.refresh_index(store)\n"
        "store.close()\n"
    )
    env = dict(os.environ, KIOSK__DATA_DIR=str(data_dir))
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True)


def _rss_mb() -> float:
    import gc

    import psutil

    gc.collect()
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def _rss_parts() -> dict[str, float]:
    """RSS split into the process's own memory (anonymous) and mapped files: the search's
    memory-mapped database pages come and go with the OS's file cache."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"anon": fields.get("RssAnon", 0.0), "file": fields.get("RssFile", 0.0)}


def _idle_cpu(seconds: float) -> float:
    """The process's CPU while the Kivy loop runs on with nobody at the kiosk (100 = one core)."""
    import psutil

    from kiosk.widgets.frames import pump

    proc = psutil.Process()
    settle = time.monotonic() + IDLE_SETTLE_S
    while time.monotonic() < settle:
        pump(1)
    proc.cpu_percent(None)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pump(1)
    return round(proc.cpu_percent(None), 2)


def run_app(visits: int, idle_s: float, size: tuple[int, int], base_visit: int = BASE_VISIT) -> dict:
    """In the measuring process: start the app, make the visits, report (KIOSK__DATA_DIR is seeded)."""
    from dataclasses import replace

    from kiosk.bootstrap import bootstrap
    from kiosk.config import DeviceConfig, load_config

    cfg = load_config()
    # speech is synthesized but not played: a bench machine may have no sound card
    cfg = replace(cfg, devices=replace(cfg.devices, speaker=DeviceConfig(
        backend="espeak-ng", options={"voice": "cmn-latn-pinyin", "player": ""})))
    fonts = bootstrap(cfg, size=size, fullscreen=False)
    from kivy.base import runTouchApp, stopTouchApp

    from bench._visits import Visits
    from kiosk.app import EARLY_SCREENS, KioskApp
    from kiosk.commands.run import open_and_seed
    from kiosk.widgets.frames import pump, wait_until

    store = open_and_seed(cfg)
    app = KioskApp(cfg, store, fonts, animate=False)
    app._run_prepare()
    runTouchApp(embedded=True)
    wait_until(lambda: all(app.manager.has_screen(n) for n in EARLY_SCREENS), "the early screens built")
    script = Visits(app)
    script.idle()
    pump(30)
    result = {"rss_start_mb": _rss_mb(), "rss_parts_mb": {"start": _rss_parts()}}
    _say(f"bench memory: start {result['rss_start_mb']} MB")
    t0 = time.monotonic()
    for n in range(1, visits + 1):
        script.visit()
        if n == base_visit:
            result["base_visit"] = n
            result[f"rss_visit_{n}_mb"] = _rss_mb()
            result["rss_parts_mb"]["base"] = _rss_parts()
        if n % 50 == 0 or n == visits:
            _say(f"bench memory: visit {n}/{visits}: RSS {_rss_mb()} MB, {(time.monotonic() - t0) / n:.2f} s a visit")
    result["rss_end_mb"] = _rss_mb()
    result["rss_parts_mb"]["end"] = _rss_parts()
    result["seconds_per_visit"] = round((time.monotonic() - t0) / max(1, visits), 2)
    _say(f"bench memory: idle on the attract screen for {idle_s:.0f} s ...")
    result["idle_cpu_percent"] = _idle_cpu(idle_s)
    app.stop()
    stopTouchApp()
    store.close()
    return result


def _bare_window_rss(env: dict[str, str], work: Path, size: tuple[int, int]) -> float:
    """RSS of the bare window at its first frame, in MB."""
    from kiosk.config import load_config
    from kiosk.fonts import find_cjk_fonts

    font = find_cjk_fonts(load_config().data_path / "fonts").regular
    out = work / "bare.json"
    env = dict(env, KIOSK_BENCH_FONT=str(font), KIOSK_BENCH_FIRST_FRAME=str(out), KIOSK_BENCH_T0=repr(time.time()),
               KIOSK_BENCH_WINDOW=f"{size[0]}x{size[1]}")
    proc = subprocess.run([sys.executable, "-m", "bench._bare_window"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if not out.exists():
        raise RuntimeError(f"the bare window reported no first frame (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return round(json.loads(out.read_text())["rss_mb"], 1)


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m kiosk bench memory")
    ap.add_argument("--visits", type=int, default=1000)
    ap.add_argument("--vacancies", type=int, default=100_000)
    ap.add_argument("--idle-seconds", type=float, default=20.0)
    ap.add_argument("--window", default="1080x1920")
    ap.add_argument("--base-visit", type=int, default=BASE_VISIT, help="the visit growth is measured from")
    args = ap.parse_args(argv)

    from kiosk.display import has_display, start_xvfb

    if not has_display():
        start_xvfb()
    w, _, h = args.window.partition("x")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-memory-") as tmp:
        data = Path(tmp) / "data"
        _say(f"bench memory: seeding {args.vacancies} vacancies and their search index ...")
        _seed(data, args.vacancies)
        out = Path(tmp) / "figures.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK", "KIVY"))}
        env.update(KIOSK__DATA_DIR=str(data), KIVY_HOME=str(Path(tmp) / "kivy"))
        code = (f"import json, bench.memory as b; open({str(out)!r}, 'w').write(json.dumps("
                f"b.run_app({args.visits}, {args.idle_seconds}, ({int(w)}, {int(h)}), {args.base_visit})))")
        subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True)
        figures = json.loads(out.read_text())
        _say("bench memory: the baseline, a bare Kivy window of the same size ...")
        bare = _bare_window_rss(env, Path(tmp), (int(w), int(h)))
    base = figures.get(f"rss_visit_{args.base_visit}_mb")
    growth = round((figures["rss_end_mb"] - base) / base * 100, 2) if base else None
    result = {"benchmark": "memory", "window": args.window, "vacancies": args.vacancies, "visits": args.visits,
              **figures, "growth_pct": growth, "bare_window_rss_mb": bare,
              "rss_end_over_bare_mb": round(figures["rss_end_mb"] - bare, 1),
              "rss_end_vs_bare_ratio": round(figures["rss_end_mb"] / bare, 3), "goals": GOALS}
    result["goal_met"] = (figures["rss_end_mb"] < GOALS["rss_end_mb"] and growth is not None
                          and growth < GOALS["growth_pct"] and figures["idle_cpu_percent"] < GOALS["idle_cpu_percent"])
    return result
