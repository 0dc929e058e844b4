"""``python -m kiosk print-sample KIND --out FILE [--width 58|80]``: the exact bytes a printer
would get for a sample receipt (made-up data, fixed dates: the same bytes every time).

``--profile`` picks another printer profile (default: the one in the config); ``--png FILE``
also draws the receipt as the virtual printer prints it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KINDS = ("ticket", "vacancy", "shortlist", "appointment", "service_request", "notice")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print-sample", help="write the ESC/POS bytes of a sample receipt to a file")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--out", required=True, help="file for the bytes (- for standard output)")
    p.add_argument("--width", type=int, choices=(58, 80), default=None, help="paper width in mm (default: config)")
    p.add_argument("--profile", default=None, help="printer profile (default: config)")
    p.add_argument("--png", default=None, help="also draw the receipt as the virtual printer prints it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.devices.printer.profile import ProfileError, make_profile
    from kiosk.devices.printer.render import render
    from kiosk.domain.receipt_samples import sample

    options = dict(load_config(args.config).devices.printer.options)
    if args.width:
        options["paper_width_mm"] = args.width
    if args.profile:
        options["profile"] = args.profile
    try:
        profile = make_profile(options)
    except ProfileError as e:
        print(f"错误 / error: {e}", file=sys.stderr)
        return 2
    job = render(sample(args.kind), profile)
    if args.out == "-":
        sys.stdout.buffer.write(job.data)
        sys.stdout.buffer.flush()
    else:
        Path(args.out).write_bytes(job.data)
    if args.png:
        from kiosk.devices.sim.escpos_printer import Interpreter, draw

        interp = Interpreter(profile.dots)
        interp.feed(job.data)
        draw(interp.pages()[-1], profile.dots).save(args.png)
    print(f"{args.kind}: {len(job.data)} bytes, about {job.length_mm:.0f} mm of {profile.paper_width_mm} mm paper "
          f"({profile.name})", file=sys.stderr)
    return 0
