"""``python -m kiosk paused``: the 暂停服务 screen systemd shows when the kiosk keeps crashing.

jincai-kiosk.service gives up after five crashes in two minutes and starts
jincai-kiosk-paused.service, which runs this. It needs as little as possible to work: the config,
the CJK font and one Kivy label; no database, no devices, no screens. It tells residents where to
go, tells central once a minute (a heartbeat whose ``app`` health is ``crash_loop``, so the fleet
sees it), and says the same on the console for whoever looks at the journal.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from datetime import UTC, datetime

log = logging.getLogger(__name__)

TITLE = "暂停服务"
BODY = "本机暂时不能使用，请到服务窗口办理。\n工作人员已收到通知。"
REPORT_EVERY_S = 60.0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("paused", help="show 暂停服务 and report a crash loop (systemd's OnFailure=)")
    p.add_argument("--reason", default="the kiosk restarted 5 times in 2 minutes",
                   help="what central is told (the unit passes the failed unit's result)")
    p.add_argument("--once", action="store_true", help="report to central once and exit, without a window")
    p.set_defaults(func=run)


def report(cfg, reason: str) -> bool:  # noqa: ANN001 - a KioskConfig
    """One signed heartbeat saying the app is in a crash loop; False when central cannot be told."""
    if not cfg.central.enabled:
        return False
    from kiosk import version
    from kiosk.sync import protocol as p
    from kiosk.sync.client import CentralClient, SyncError

    beat = p.Heartbeat(sent_at=datetime.now(UTC), app_version=version()[:40], boot_id="paused", uptime_s=0,
                       outbox_pending=0, devices={"app": p.DeviceHealth(state="crash_loop", detail=reason[:80])})
    c = cfg.central
    try:
        client = CentralClient(c.url, c.kiosk_id, c.secret, connect_timeout_s=c.connect_timeout_s,
                               read_timeout_s=c.read_timeout_s)
        client.call("POST", p.PREFIX + "/heartbeat", p.HeartbeatReply, body=beat)
    except (SyncError, OSError, ValueError) as e:
        log.warning("暂停服务: central not told (%s)", e)
        return False
    return True


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_config

    cfg = load_config(args.config)
    print(f"{TITLE}: {args.reason}", file=sys.stderr)
    if args.once:
        return 0 if report(cfg, args.reason) or not cfg.central.enabled else 1
    stop = threading.Event()

    def keep_reporting() -> None:
        while not stop.is_set():
            report(cfg, args.reason)
            stop.wait(REPORT_EVERY_S)

    threading.Thread(target=keep_reporting, name="paused-report", daemon=True).start()
    try:
        return _show(cfg)
    finally:
        stop.set()


def _show(cfg) -> int:  # noqa: ANN001 - a KioskConfig
    from kiosk.bootstrap import bootstrap

    bootstrap(cfg, fullscreen=cfg.screen.fullscreen)
    from kivy.base import runTouchApp
    from kivy.core.window import Window
    from kivy.uix.label import Label

    from kiosk import theme

    Window.clearcolor = theme.BRAND
    Window.bind(on_request_close=lambda *_a, **_k: True)  # no way out by keyboard
    w = min(Window.width, Window.height)
    phone = f"\n\n{cfg.station.name}  电话 {cfg.station.phone}" if cfg.station.phone else ""
    runTouchApp(Label(text=f"[size={int(w * 0.12)}][b]{TITLE}[/b][/size]\n\n{BODY}{phone}", markup=True,
                      font_name="KioskCJK", font_size=int(w * 0.045), halign="center", valign="middle",
                      color=(1, 1, 1, 1), text_size=(Window.width * 0.85, None)))
    return 0
