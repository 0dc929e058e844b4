"""``python -m kiosk decode-idcard FILE``: decode a card reader's reply (hex or binary) to JSON."""

from __future__ import annotations

import argparse
import json
import string
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("decode-idcard", help="decode an ID card reader reply (hex or binary file) to JSON")
    p.add_argument("file", help="the reply bytes, as hex text or raw binary; - for standard input")
    p.add_argument("--unmasked", action="store_true", help="show the full ID number (masked by default)")
    p.set_defaults(func=run)


def _read(path: str) -> bytes:
    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    text = raw.decode("ascii", errors="replace")
    if text.strip() and all(c in string.hexdigits + string.whitespace + ":-" for c in text):
        return bytes.fromhex("".join(c for c in text if c in string.hexdigits))
    return raw


def run(args: argparse.Namespace) -> int:
    from kiosk.devices.idcard import InvalidCard, Reassembler, Status, identity_from_reply

    r = Reassembler()
    frames = r.feed(_read(args.file))
    if not frames:
        detail = f": {r.errors[0]}" if r.errors else ""
        print(f"no valid SAM frame in {args.file}{detail}", file=sys.stderr)
        return 2
    frame = frames[-1]
    if frame.status is not Status.OK:
        print(json.dumps({"status": f"{frame.sw3:#04x}", "message": frame.message}, ensure_ascii=False))
        return 1
    try:
        who, photo = identity_from_reply(frame.data)
    except InvalidCard as e:
        print(f"invalid card: {e}", file=sys.stderr)
        return 2
    out = {
        "card_type": who.card_type, "name": who.name, "sex": who.sex, "nation": who.nation,
        "birth_date": who.birth_date.isoformat(), "address": who.address,
        "id_number": who.id_number if args.unmasked else who.masked_id_number,
        "authority": who.authority, "valid_from": who.valid_from.isoformat(),
        "valid_until": who.valid_until.isoformat() if who.valid_until else "长期", "photo_bytes": len(photo),
    }
    if who.english_name:
        out["english_name"] = who.english_name
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0
