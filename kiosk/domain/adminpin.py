"""The PIN that guards the staff screen, with a lockout after repeated wrong tries.

The PIN is kept as a salted scrypt hash (``scrypt$N$r$p$salt$digest``, hex), so the config file
does not give it away: an unsalted SHA-256 of 4 to 12 digits is reversed in milliseconds. The
older ``pin_sha256`` value still opens the screen in the demo, and a real station refuses to
start with it (``kiosk.config.production_problems``). The lockout is kept in the kiosk's
database by the caller (``load``/``save``), so a restart does not reset it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

#: scrypt cost: about 0.1 s and 32 MB per try on a kiosk (the lockout limits tries at the screen)
_N, _R, _P = 2**15, 8, 1


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The ``admin.pin_hash`` value of ``pin`` (a fresh salt each time)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def legacy_sha256(pin: str) -> str:
    return hashlib.sha256(pin.encode()).hexdigest()


def pin_matches(pin: str, stored: str) -> bool:
    """True if ``pin`` is the one ``stored`` was made from (a scrypt hash, or a legacy SHA-256)."""
    if stored.startswith("scrypt$"):
        try:
            _, n, r, p, salt, digest = stored.split("$")
            got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                 maxmem=64 * 1024 * 1024, dklen=len(bytes.fromhex(digest)))
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(got.hex(), digest)
    return bool(stored) and hmac.compare_digest(legacy_sha256(pin), stored)


class PinGate:
    """``load()`` gives the saved (failures, locked_until) and ``save`` keeps them; both on the
    wall clock, so the lockout outlasts a restart (a clock set back cannot lengthen it past
    ``lockout_s``)."""

    def __init__(self, pin_hash: str, max_attempts: int = 5, lockout_s: float = 300.0,
                 clock: Callable[[], float] = time.time, load: Callable[[], tuple[int, float]] | None = None,
                 save: Callable[[int, float], None] | None = None) -> None:
        self.pin_hash = pin_hash
        self.max_attempts = max_attempts
        self.lockout_s = lockout_s
        self.clock = clock
        self._save = save
        self.failures, self.locked_until = load() if load else (0, 0.0)

    @property
    def configured(self) -> bool:
        return bool(self.pin_hash)

    def locked_for(self) -> float:
        return min(self.lockout_s, max(0.0, self.locked_until - self.clock()))

    def check(self, pin: str) -> bool:
        """True if the PIN is right and the gate is not locked. No PIN configured: always False."""
        if not self.configured or self.locked_for() > 0:
            return False
        if pin_matches(pin, self.pin_hash):
            self.failures, self.locked_until = 0, 0.0
            self._persist()
            return True
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.failures = 0
            self.locked_until = self.clock() + self.lockout_s
        self._persist()
        return False

    def _persist(self) -> None:
        if self._save is not None:
            self._save(self.failures, self.locked_until)
