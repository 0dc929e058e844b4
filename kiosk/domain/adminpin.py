"""The PIN that guards the staff screen, with a lockout after repeated wrong tries."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable


def hash_pin(pin: str) -> str:
    return hashlib.sha256(pin.encode()).hexdigest()


class PinGate:
    def __init__(self, pin_sha256: str, max_attempts: int = 5, lockout_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pin_sha256 = pin_sha256
        self.max_attempts = max_attempts
        self.lockout_s = lockout_s
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.pin_sha256)

    def locked_for(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    def check(self, pin: str) -> bool:
        """True if the PIN is right and the gate is not locked. No PIN configured: always False."""
        if not self.configured or self.locked_for() > 0:
            return False
        if hmac.compare_digest(hash_pin(pin), self.pin_sha256):
            self.failures = 0
            return True
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.failures = 0
            self.locked_until = self.clock() + self.lockout_s
        return False
