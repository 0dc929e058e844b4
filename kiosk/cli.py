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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; only ``command``'s when it names one (the kiosk's own start
    need not import the other commands' modules)."""
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="津彩e就业 station kiosk")
    parser.add_argument("--config", help="config file (default: $KIOSK_CONFIG or config/kiosk.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = sorted(m.name for m in pkgutil.iter_modules(kiosk.commands.__path__) if not m.name.startswith("_"))
    for name in [command] if command in names else names:
        importlib.import_module(f"kiosk.commands.{name}").register(sub)
    return parser


def command_in(argv: list[str]) -> str | None:
    """The command ``argv`` names, if any: its first word that is neither an option nor the
    value of ``--config`` (or of an abbreviation of it)."""
    value_next = False
    for arg in argv:
        if value_next:
            value_next = False
        elif arg.startswith("--") and len(arg) > 2 and "--config".startswith(arg):
            value_next = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(command_in(argv))
    args = parser.parse_args(argv)
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
