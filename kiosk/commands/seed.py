"""``python -m kiosk seed --vacancies N``: fill the local database with demo data."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("seed", help="fill the local database with deterministic demo data")
    p.add_argument("--vacancies", type=int, default=None, help="how many vacancies (default: demo.seed_vacancies)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: demo.seed)")
    p.add_argument("--today", type=date.fromisoformat, default=None, help="reference date, YYYY-MM-DD")
    p.add_argument("--db", default=None, help="database file (default: the config's data_dir)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.domain.progress import Progress
    from kiosk.store.engine import open_store
    from kiosk.store.seed import seed_demo

    cfg = load_config(args.config)
    n = args.vacancies if args.vacancies is not None else cfg.demo.seed_vacancies
    store = open_store(args.db or cfg.database_path)
    done = seed_demo(store, n, seed=args.seed if args.seed is not None else cfg.demo.seed, today=args.today,
                     station=cfg.station, progress=Progress("seeding vacancies"))
    print(f"seeded {done} vacancies into {store.path}", file=sys.stderr)
    store.close()
    return 0
