"""Password (and PIN) hashing for staff and advisor accounts: salted scrypt, a few at a time.

Pure: no database, no web framework, so any module may use it without pulling in the rest of
central. A stored hash reads ``scrypt$N$r$p$salt$digest`` (hex), so the cost can be raised later
and old hashes still verify.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from functools import lru_cache

_N, _R, _P = 2**14, 8, 1
#: hashes computed at once: more logins wait their turn instead of starving every other request
_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    with _SLOTS:
        digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored``; False for a wrong password or a malformed hash."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        with _SLOTS:
            got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                 dklen=len(bytes.fromhex(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def waste_time(password: str) -> None:
    """Spend what checking a real hash costs, so an unknown account answers as slowly as a wrong password."""
    check_password(password, _dummy_hash())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("x")
