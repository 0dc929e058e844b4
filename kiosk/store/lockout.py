"""The staff PIN's wrong-try count and lockout, kept in the kiosk's database so a restart (or
pulling the plug) does not give a guesser a fresh set of tries."""

from __future__ import annotations

from kiosk.store.engine import Store

KEY = "admin.pin_lockout"


def load_lockout(store: Store) -> tuple[int, float]:
    """(failures, locked_until as Unix time); a missing or damaged value counts as none."""
    raw = store.get_setting(KEY, "")
    try:
        failures, until = raw.split(",")
        return max(0, int(failures)), max(0.0, float(until))
    except ValueError:
        return 0, 0.0


def save_lockout(store: Store, failures: int, locked_until: float) -> None:
    store.set_setting(KEY, f"{failures},{locked_until:.3f}")
