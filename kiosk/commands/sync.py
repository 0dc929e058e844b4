"""``python -m kiosk sync``: push the outbox and pull the feeds now, showing progress.

For operators (after a long outage, or to load a new kiosk before it opens) and for tests.
It takes the data directory's lock, so it never runs beside a kiosk on the same data.
"""

from __future__ import annotations

import argparse
import sys
import time


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="sync with the central system now (push the outbox, pull the feeds)")
    p.add_argument("--feeds", default="vacancies,stations,announcements,job_fairs,services",
                   help="comma-separated feeds to pull")
    p.add_argument("--retry-for", type=float, default=0.0, metavar="SECONDS",
                   help="keep retrying failed rounds (with backoff) for this long before giving up")
    p.add_argument("--page-size", type=int, default=2000)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.commands.run import _lock
    from kiosk.config import load_config
    from kiosk.domain.progress import Progress
    from kiosk.store.engine import open_store
    from kiosk.store.outbox import OutboxCipher
    from kiosk.sync import make_worker, pusher
    from kiosk.sync.client import SyncError

    cfg = load_config(args.config)
    lock = _lock(cfg.data_path)
    store = open_store(cfg.database_path)
    cipher = OutboxCipher.for_config(cfg)
    feeds = tuple(f for f in args.feeds.split(",") if f)
    total = pusher.pending_count(store)
    show_push = Progress("上传记录 / events")
    worker = make_worker(cfg, store, cipher, feeds_to_pull=feeds, page_size=args.page_size,
                         on_page=lambda feed, n: print(f"{feed}: +{n}", file=sys.stderr, flush=True))
    worker.on_push = lambda sent, rejected: show_push(min(sent + rejected, total), total)
    worker.on_image = Progress("职位镜像 / vacancy image (bytes)")
    deadline = time.monotonic() + args.retry_for
    try:
        while True:
            try:
                status = worker.run_once()
                break
            except SyncError as e:
                if time.monotonic() >= deadline:
                    print(f"sync failed: {e}", file=sys.stderr)
                    return 1
                delay = worker.backoff.next_delay(getattr(e, "retry_after_s", None))
                print(f"sync failed ({e}); retrying in {delay:.1f} s", file=sys.stderr, flush=True)
                time.sleep(delay)
    finally:
        store.close()
        lock.close()
    print(f"sync done: {status.sent_total} events sent, {status.rejected_total} rejected, "
          f"{status.pending} pending; pulled {status.pulled}", file=sys.stderr)
    return 0
