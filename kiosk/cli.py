"""``python -m kiosk COMMAND``: every module in ``kiosk/commands`` adds one subcommand.

A command module defines ``register(subparsers)``, which adds its parser and sets
``func=run`` where ``run(args) -> int``. Keeping the commands apart keeps start-up light:
only the chosen command's imports are paid for.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import kiosk.commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="津彩e就业 station kiosk")
    parser.add_argument("--config", help="config file (default: $KIOSK_CONFIG or config/kiosk.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for mod in sorted(pkgutil.iter_modules(kiosk.commands.__path__), key=lambda m: m.name):
        if not mod.name.startswith("_"):
            importlib.import_module(f"kiosk.commands.{mod.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from kiosk.logsetup import setup_logging

    setup_logging(verbose=args.verbose)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - the operator-facing errors below carry their own message
        from kiosk.config import ConfigError
        from kiosk.errors import KioskError
        from kiosk.store.engine import StoreError

        if isinstance(e, (ConfigError, StoreError, KioskError)):
            print(f"错误 / error: {e}", file=sys.stderr)
            return 2
        logging.getLogger("kiosk").exception("command %s failed", args.command)
        return 1
