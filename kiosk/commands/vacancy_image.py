"""``python -m kiosk vacancy-image build --out FILE``: pull the vacancy feed into a fresh database
as a kiosk does, index it, and write the image central offers new kiosks (docs/PROTOCOL.md,
"Vacancy image"); then ``python -m central vacancy-image publish FILE`` on central.

It runs as a kiosk registered for it (the config's ``[central]``), in a temporary database of
its own: an image never holds anything but the public feed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("vacancy-image", help="build the vacancy image central offers new kiosks")
    verbs = p.add_subparsers(dest="image_command", required=True)
    build = verbs.add_parser("build", help="pull the vacancy feed from central, index it and write the image")
    build.add_argument("--out", required=True, type=Path, help="the image file to write (gzip)")
    build.add_argument("--page-size", type=int, default=2000)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.domain.progress import Progress
    from kiosk.store.engine import open_store
    from kiosk.store.search import refresh_index
    from kiosk.store.vacancy_image import ImageError, write
    from kiosk.sync import make_worker
    from kiosk.sync.client import SyncError

    cfg = load_config(args.config)
    out: Path = args.out
    if not out.parent.is_dir():
        print(f"no directory {out.parent} for the image", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vacancy-image-", dir=out.parent) as d:
        db = Path(d) / "build.sqlite3"
        store = open_store(db)
        show = Progress("拉取职位 / pulling vacancies")
        done = [0]

        def page(_feed: str, n: int) -> None:
            done[0] += n
            show(done[0], 0)

        try:
            worker = make_worker(cfg, store, None, feeds_to_pull=("vacancies",), page_size=args.page_size,
                                 on_page=page, take_images=False)
        except ValueError as e:  # no kiosk id or secret in [central]
            store.close()
            print(f"no image built: {e}", file=sys.stderr)
            return 2
        try:
            rows = worker.pull("vacancies")
            print(f"pulled {rows} vacancies; indexing ...", file=sys.stderr, flush=True)
            refresh_index(store)
        except SyncError as e:
            print(f"the vacancy feed could not be pulled from {cfg.central.url}: {e}", file=sys.stderr)
            return 1
        finally:
            worker.client.close()
            store.close()
        try:
            facts = write(db, out)
        except ImageError as e:
            print(f"no image written: {e}", file=sys.stderr)
            return 1
    print(f"wrote {out}: {facts.rows} vacancies as of cursor {facts.cursor}, schema {facts.schema_rev}, "
          f"{facts.size / 2**20:.1f} MB, sha256 {facts.sha256[:16]}…, in {time.monotonic() - t0:.1f} s; "
          f"publish it with: python -m central vacancy-image publish {out}", file=sys.stderr)
    return 0
