"""What this kiosk does for each remote command from city IT (``kiosk.sync.orders``).

``resync_feed`` belongs to the link to central (it owns the sync worker); the others are here,
each a function of the order's arguments that returns an ``Outcome`` or raises with the reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.config import NOT_REMOTE, OVERRIDES_FILE, ConfigError, KioskConfig, load_config, override_env
from kiosk.core.maintenance import REBOOT_DUE
from kiosk.sync.orders import Handler, Outcome

if TYPE_CHECKING:
    from kiosk.store.engine import Store



def set_config(cfg: KioskConfig) -> Handler:
    """Settings checked against the kiosk's own config (a wrong one refuses the whole set), then
    saved in the data directory; they apply at the next start (a ``restart`` order, or the night)."""

    def handle(args: dict) -> Outcome:
        locked = sorted(k for k in args if k.startswith(NOT_REMOTE) or k in NOT_REMOTE)
        if locked:
            raise ValueError(f"not changed remotely: {', '.join(locked)} (set in /etc/jincai/kiosk.toml on the kiosk)")
        path = cfg.data_path / OVERRIDES_FILE
        try:
            saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except ValueError:
            saved = {}
        merged = {**saved, **args}
        try:
            load_config(cfg.source or None, env={**override_env(merged), **os.environ})
        except ConfigError as e:
            raise ValueError(f"refused, nothing changed: {e}") from None
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(merged, ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return Outcome(True, f"saved {len(args)} setting(s): {', '.join(sorted(args))}; they apply at the next start")

    return handle


def upload_logs(last: Callable[[int], list[str]]) -> Handler:
    def handle(args: dict) -> Outcome:
        lines = last(int(args.get("lines", 200)))
        return Outcome(True, f"{len(lines)} lines", tuple(lines))

    return handle


def restart(stop: Callable[[], None]) -> Handler:
    """Stop once the result reached central; systemd (Restart=always) starts the kiosk again."""
    return lambda _args: Outcome(True, "restarting", then=stop)


def test_print(print_test_page: Callable[[], str] | None) -> Handler:
    def handle(_args: dict) -> Outcome:
        if print_test_page is None:
            raise ValueError("this kiosk has no printer")
        message = print_test_page()
        return Outcome(message.startswith("测试页已打印"), message)

    return handle


def reboot(store: Store, window: str) -> Handler:
    def handle(_args: dict) -> Outcome:
        if not window:
            raise ValueError("this kiosk has no quiet window (maintenance.window) to reboot in")
        store.set_setting(REBOOT_DUE, "1")
        return Outcome(True, f"will reboot in the quiet window {window}, between visits")

    return handle
