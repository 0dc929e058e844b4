"""``python -m kiosk bench NAME [ARGS]``: run ``bench/NAME.py`` and print its JSON figures."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys


def _names() -> list[str]:
    import bench

    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="run a benchmark and print JSON (medians and same-run baseline ratios)")
    p.add_argument("name", help="benchmark name (a module in bench/)")
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="arguments for the benchmark")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    names = _names()
    if args.name not in names:
        print(f"unknown benchmark {args.name!r}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    mod = importlib.import_module(f"bench.{args.name}")
    result = mod.main(args.bench_args)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result.get("ok", True) else 1
