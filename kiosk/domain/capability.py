"""Capability tokens for the resident's personal phone pages (a request, a call-back, an interest).

The kiosk makes a random token, puts it in the QR's address and sends only its SHA-256 to central
in the event (``token_hash``). The token is never written to the kiosk's disk: it lives in memory
until the slip is printed or the QR shown.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 16  # 128 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
