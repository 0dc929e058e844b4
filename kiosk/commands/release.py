"""``python -m kiosk release``: the city's release key, and signed bundles made with it.

Run on the machine that builds releases, never on central or a kiosk: ``key`` writes a new
private key (keep it offline) and prints the public half for every kiosk's
``update.public_keys``; ``make`` signs a bundle of the kiosk's wheel, the lock file and any
changed dependencies' wheels, for ``python -m central release publish``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("release", help="make the city's release key, or a signed release bundle")
    rel = p.add_subparsers(dest="release_command", required=True)
    q = rel.add_parser("key", help="write a new Ed25519 release key (PEM, mode 0600) and print its public half")
    q.add_argument("out", help="where the private key goes (it must not exist)")
    q = rel.add_parser("public", help="print the public half of a release key (for update.public_keys)")
    q.add_argument("key")
    q = rel.add_parser("make", help="sign a bundle: the kiosk's wheel (pip wheel --no-deps -w dist .) and the lock")
    q.add_argument("wheel")
    q.add_argument("--key", required=True, help="the private release key")
    q.add_argument("--lock", default="requirements.lock")
    q.add_argument("--with", dest="extra", action="append", default=[], metavar="WHEEL",
                   help="a dependency's wheel that this version's lock file changes (repeat)")
    q.add_argument("--out", help="the bundle (default: next to the wheel, jincai-kiosk-VERSION.bundle)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.domain import bundle as b

    if args.release_command == "key":
        out = Path(args.out)
        pem = b.new_key()
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        print(b.public_key_text(pem))
        print(f"private key in {out}: keep it off the network; kiosks get the line above in update.public_keys",
              file=sys.stderr)
        return 0
    if args.release_command == "public":
        print(b.public_key_text(Path(args.key).read_bytes()))
        return 0
    wheel = Path(args.wheel)
    version = wheel.name.split("-")[1] if wheel.name.count("-") >= 2 else "unknown"
    out = Path(args.out) if args.out else wheel.with_name(f"jincai-kiosk-{version}.bundle")
    try:
        m = b.make(wheel, Path(args.lock), Path(args.key).read_bytes(), out, tuple(Path(w) for w in args.extra))
    except (b.BundleError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{out}: version {m.version}, {len(m.files)} files, signed; next: python -m central release publish {out}")
    return 0
