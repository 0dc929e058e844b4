"""What a test's central database costs: ``python -m tests.sync.time_central_db [--runs 10]``.

Prints JSON: the median seconds to make one database at the newest schema revision, per way
and backend: migrating an empty database for each test, against copying one migrated once
(``central_database`` / ``PgCluster.create_database``, what the fixtures do). The one-off cost of
migrating the template is reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def _median(fn, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 4)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m tests.sync.time_central_db")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-postgresql", action="store_true")
    args = ap.parse_args(argv)
    from central.db import Database
    from tests.sync import centralserver

    out: dict = {"runs": args.runs}
    with tempfile.TemporaryDirectory() as tmp:
        n = iter(range(10**6))

        def sqlite_migrate() -> None:
            db = Database(f"sqlite:///{Path(tmp) / f'm{next(n)}.db'}")
            db.migrate()
            db.dispose()

        def sqlite_template() -> None:
            centralserver.central_database(f"sqlite:///{Path(tmp) / f't{next(n)}.db'}").dispose()

        t = time.perf_counter()
        centralserver.migrated_template()
        out["sqlite"] = {"template_once_s": round(time.perf_counter() - t, 4),
                         "migrate_per_test_s": _median(sqlite_migrate, args.runs),
                         "copy_template_per_test_s": _median(sqlite_template, args.runs)}
    if not args.no_postgresql:
        from tests.sync.pg import PgCluster, find_bin_dir

        bin_dir = find_bin_dir()
        if bin_dir is None:
            out["postgresql"] = "not installed"
            return out
        cluster = PgCluster(bin_dir)
        cluster.start()
        try:
            def pg_migrate() -> None:
                name = cluster.create_database(empty=True)
                db = Database(cluster.url(name))
                db.migrate()
                db.dispose()

            def pg_template() -> None:
                name = cluster.create_database()
                centralserver.central_database(cluster.url(name)).dispose()

            t = time.perf_counter()
            cluster.migrated_template()
            out["postgresql"] = {"template_once_s": round(time.perf_counter() - t, 4),
                                 "migrate_per_test_s": _median(pg_migrate, args.runs),
                                 "copy_template_per_test_s": _median(pg_template, args.runs)}
        finally:
            cluster.stop()
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
