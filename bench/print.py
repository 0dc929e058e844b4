"""Receipt printing figures: ``python -m kiosk bench print [--runs 7]``.

Bytes the printer gets for a queue ticket and for a 5-vacancy shortlist as the kiosk sends
them (text in the printer's GB18030 font, native QR), against the same receipts sent as one
raster picture, as some kiosks do to print Chinese (the picture is the virtual printer's own
drawing of the text job, so both print the same thing). Transfer times are wire times at 8N1
(10 bits a byte). ``print_to_last_byte_ms`` is the median time from the call to print a ticket
to the moment the virtual printer (on a pseudo-terminal, as a serial printer) has its last byte,
status query before the job included; ``print_call_ms`` adds the status query after it.
"""

from __future__ import annotations

import argparse
import statistics
import time

BAUDS = (9600, 115200)


def _wire_s(n: int, baud: int) -> float:
    return round(n * 10 / baud, 3)


def _raster_bytes(data: bytes, profile) -> int:
    from kiosk.devices.printer.render import render_as_image
    from kiosk.devices.sim.escpos_printer import Interpreter, draw

    interp = Interpreter(profile.dots, chinese_default=False)
    interp.feed(data)
    image = draw(interp.pages()[0], profile.dots, margin=0, cut_mark=False)
    return len(render_as_image(image, profile))


def sizes(width: int) -> dict:
    from kiosk.devices.printer.profile import make_profile
    from kiosk.devices.printer.render import render
    from kiosk.domain.receipt_samples import sample

    profile = make_profile({"paper_width_mm": width})
    out: dict = {}
    for kind in ("ticket", "shortlist"):
        job = render(sample(kind), profile)
        raster = _raster_bytes(job.data, profile)
        out[f"{kind}_bytes"] = len(job.data)
        out[f"{kind}_raster_bytes"] = raster
        out[f"{kind}_raster_ratio"] = round(raster / len(job.data), 1)
        out[f"{kind}_paper_mm"] = job.length_mm
        for baud in BAUDS:
            out[f"{kind}_s_{baud}"] = _wire_s(len(job.data), baud)
            out[f"{kind}_raster_s_{baud}"] = _wire_s(raster, baud)
    clone = make_profile({"profile": "pos58-clone", "paper_width_mm": width})
    out["shortlist_bytes_raster_qr"] = len(render(sample("shortlist"), clone).data)
    return out


def timing(runs: int, kind: str, tcp: bool = False) -> dict:
    from kiosk.devices.printer.profile import make_profile
    from kiosk.devices.printer.service import PrinterService
    from kiosk.devices.printer.transports.network import NetworkTransport
    from kiosk.devices.printer.transports.serial import SerialTransport
    from kiosk.devices.sim.escpos_printer import VirtualPrinter
    from kiosk.domain.receipt_samples import sample

    profile = make_profile({"print_speed_mm_s": 1e9})  # no wait for the paper: the link is measured
    sim = VirtualPrinter(80, pty=not tcp, tcp=tcp)
    link = (lambda: NetworkTransport("127.0.0.1", sim.tcp_port)) if tcp else (lambda: SerialTransport(sim.port, 115200))
    svc = PrinterService(link, profile, status_timeout_s=0.5)
    receipt = sample(kind)
    to_last, calls = [], []
    try:
        svc.check_status()  # open the link once, as the running kiosk has it open
        for i in range(runs + 1):
            t0 = time.monotonic()
            r = svc.print_receipt(receipt)
            t1 = time.monotonic()
            if not r.printed or not sim.wait_for_receipts(i + 1, 5):
                raise RuntimeError(f"the virtual printer did not print: {r}")
            if i:  # the first run warms up
                to_last.append((sim.last_cut_at - t0) * 1000)
                calls.append((t1 - t0) * 1000)
    finally:
        svc.stop()
        sim.close()
    return {"print_to_last_byte_ms": round(statistics.median(to_last), 2),
            "print_call_ms": round(statistics.median(calls), 2)}


def main(argv: list[str]) -> dict:
    ap = argparse.ArgumentParser(prog="python -m kiosk bench print")
    ap.add_argument("--runs", type=int, default=7, help="timed print jobs per figure (after one warm-up)")
    args = ap.parse_args(argv)
    out: dict = {"benchmark": "print", "paper_mm": 80, "profile": "generic-gb18030", "runs": args.runs}
    out.update(sizes(80))
    ticket_pty = timing(args.runs, "ticket")
    out["print_to_last_byte_ms"] = ticket_pty["print_to_last_byte_ms"]
    out["print_call_ms"] = ticket_pty["print_call_ms"]
    shortlist_pty = timing(args.runs, "shortlist")
    out["shortlist_print_to_last_byte_ms"] = shortlist_pty["print_to_last_byte_ms"]
    out["print_to_last_byte_ms_tcp"] = timing(args.runs, "ticket", tcp=True)["print_to_last_byte_ms"]
    out["paper_58"] = sizes(58)
    out["notes"] = ("bytes are what the printer gets; *_raster_* sends the same receipt as one GS v 0 picture; "
                    "*_s_BAUD is wire time at 8N1; timings are medians against the virtual printer")
    return out
