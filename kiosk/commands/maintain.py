"""``python -m kiosk maintain``: the nightly maintenance now (kiosk.core.maintenance), with progress.

The running kiosk does it by itself in ``maintenance.window``; this is for a kiosk that is
stopped (after an update, or to give disk space back at once). It takes the data directory's
lock, so it never runs beside a kiosk on the same data. Prints the night's figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("maintain", help="run the nightly maintenance now (retention, vacuum, temp files); JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.run import _lock
    from kiosk.config import load_config
    from kiosk.core.maintenance import MaintenanceDesk
    from kiosk.store.engine import open_store

    cfg = load_config(args.config)
    lock = _lock(cfg.data_path)
    store = open_store(cfg.database_path)
    try:
        report = MaintenanceDesk(store).run(progress=lambda step: print(f"maintenance: {step} …", file=sys.stderr))
    finally:
        store.close()
        lock.close()
    print(json.dumps(report.as_event(), ensure_ascii=False))
    return 0
