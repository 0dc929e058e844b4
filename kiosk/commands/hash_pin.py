"""``python -m kiosk hash-pin``: print the admin.pin_hash value (salted scrypt) for a new staff PIN."""

from __future__ import annotations

import argparse
import getpass
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hash-pin", help="print the admin.pin_hash config value for a staff PIN")
    p.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    from kiosk.domain.adminpin import hash_pin

    pin = getpass.getpass("staff PIN (digits): ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        print("the PIN must be 4 to 12 digits", file=sys.stderr)
        return 2
    print(hash_pin(pin))
    return 0
