"""``python -m kiosk run``: start the kiosk (or walk every screen with ``--tour DIR``)."""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from kiosk.errors import KioskError

log = logging.getLogger(__name__)
PROCESS_START = time.time()


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = text.lower().split("x")
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1080x1920, got {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="start the kiosk")
    p.add_argument("--tour", metavar="DIR", help="walk every screen with simulated touches, save PNGs to DIR, exit")
    p.add_argument("--elder", action="store_true", help="with --tour: every visit in 长辈模式")
    p.add_argument("--lang", default="zh", choices=("zh", "en"), help="with --tour: every visit in this language")
    p.add_argument("--xvfb", action="store_true", help="start a virtual X display (Xvfb) when there is no display")
    p.add_argument("--size", type=_size, help="window size WIDTHxHEIGHT (default: screen.width x screen.height)")
    p.add_argument("--fullscreen", action=argparse.BooleanOptionalAction, default=None, help="override screen.fullscreen")
    p.set_defaults(func=run)


def _lock(data_dir: Path):
    """One kiosk process per data directory: a second one would fight over the devices and the DB.
    The directory is made private first (0700, its files 0600; the outbox key is checked when it
    is loaded, never changed)."""
    from kiosk.store.outbox import KEY_FILE
    from kiosk.store.private import secure_data_dir

    secure_data_dir(data_dir, keep=(KEY_FILE,))
    f = open(data_dir / "kiosk.lock", "a+")  # noqa: SIM115 - held for the life of the process
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        pid = f.read().strip() or "?"
        raise KioskError(f"another kiosk process (pid {pid}) is already running on {data_dir}; stop it first") from None
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()))
    f.flush()
    return f


FEEDS_SEEDED = "demo.feeds_seeded"


def open_and_seed(cfg):
    """Open the database (migrating it) and, in the demo, seed it the first time."""
    from kiosk.domain.progress import Progress
    from kiosk.store.engine import open_store

    store = open_store(cfg.database_path)
    if cfg.demo.enabled and not store.get_setting("demo.seeded_on"):
        from kiosk.store.seed import seed_demo

        print(f"First start of the demo: seeding {cfg.demo.seed_vacancies} vacancies ...", file=sys.stderr)
        seed_demo(store, cfg.demo.seed_vacancies, seed=cfg.demo.seed, station=cfg.station,
                  progress=Progress("seeding vacancies"))
        store.set_setting(FEEDS_SEEDED, "1")  # seed_demo fills every feed table
    elif cfg.demo.enabled and not store.get_setting(FEEDS_SEEDED):
        # a demo database from before job fairs and the catalogue: once, since the check loads the ORM
        from kiosk.store.seed import seed_missing_feeds

        seed_missing_feeds(store)
        store.set_setting(FEEDS_SEEDED, "1")
    return store


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_config, production_problems
    from kiosk.display import NO_DISPLAY_HELP, has_display, start_xvfb

    cfg = load_config(args.config)
    problems = [] if args.tour else production_problems(cfg)
    if problems:
        print(f"{cfg.source or 'the config'}: the kiosk will not start a real station with these "
              "(demo.enabled = false):\n" + "\n".join(f"  - {x}" for x in problems), file=sys.stderr)
        return 2
    font_cache = cfg.data_path / "fonts"
    if args.tour:
        # A tour renders the demo data in a throwaway data directory, never a station's own.
        cfg = replace(cfg, data_dir=tempfile.mkdtemp(prefix="kiosk-tour-"),
                      demo=replace(cfg.demo, enabled=True))
    if not has_display():
        if args.xvfb or args.tour:
            start_xvfb()
        else:
            print(NO_DISPLAY_HELP, file=sys.stderr)
            return 2
    lock = _lock(cfg.data_path)
    from kiosk.store.outbox import OutboxCipher, OutboxKeyError

    try:
        OutboxCipher.for_config(cfg)  # made on first start; refused now, not mid-visit, if others can read it
    except OutboxKeyError as e:
        print(f"the kiosk will not start: {e}", file=sys.stderr)
        lock.close()
        return 2
    from kiosk.bootstrap import bootstrap

    fonts = bootstrap(cfg, size=args.size, fullscreen=False if args.tour else args.fullscreen, font_cache=font_cache)
    store = open_and_seed(cfg)
    bench_out = os.environ.get("KIOSK_BENCH_FIRST_FRAME")

    from kiosk.app import KioskApp

    app = KioskApp(cfg, store, fonts, animate=not args.tour,
                   on_first_frame=(lambda: _report_first_frame(app, bench_out)) if bench_out else None)
    result = 0
    if args.tour:
        from kiosk.tour import Tour

        tour = Tour(app, Path(args.tour), elder=args.elder, lang=args.lang)
        app.bind(on_start=lambda *_: tour.start())
        app.run()
        result = tour.exit_code
    else:
        from kiosk import systemd

        systemd.install_freeze_drill()
        systemd.stop_on_sigterm(app.stop)
        app.run()
    store.close()
    lock.close()
    return result


def _report_first_frame(app, path: str) -> None:
    import psutil

    now = time.time()
    proc = psutil.Process()
    t0 = float(os.environ.get("KIOSK_BENCH_T0") or proc.create_time())
    data = {"first_frame_s": now - t0, "since_import_s": now - PROCESS_START, "rss_mb": proc.memory_info().rss / 2**20}
    Path(path).write_text(json.dumps(data))
    app.stop()
