"""The staff PIN's gate, its wrong-try count and lockout kept in the kiosk's database so a
restart (or pulling the plug) does not give a guesser a fresh set of tries."""

from __future__ import annotations

from kiosk.config import AdminConfig
from kiosk.domain.adminpin import PinGate
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


def pin_gate(admin: AdminConfig, store: Store) -> PinGate:
    """The staff screen's gate, its lockout read from and written to ``store``."""
    return PinGate(admin.stored_pin, admin.max_attempts, admin.lockout_s, load=lambda: load_lockout(store),
                   save=lambda n, until: save_lockout(store, n, until))
