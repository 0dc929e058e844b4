"""Capability links of personal records: the kiosk sends a token's SHA-256 in the event payload
(``token_hash``); the link ``…?k=TOKEN`` or ``…/TOKEN`` opens the record only when the token
hashes to it. The reference code printed beside the QR opens nothing."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from central.models import LINK_KINDS, PhoneLink
from central.phone.guard import token_hash, valid_token

HASH_RE = re.compile(r"^[0-9a-f]{64}$")


def remember(s: Session, kind: str, target: str, payload: dict, at) -> None:  # noqa: ANN001 - naive UTC
    """Store the event's ``token_hash`` for ``target`` (a payload without one, or a malformed one,
    just gets no phone page)."""
    h = payload.get("token_hash")
    if kind not in LINK_KINDS or not isinstance(h, str) or not HASH_RE.match(h) or s.get(PhoneLink, h) is not None:
        return
    s.add(PhoneLink(token_hash=h, kind=kind, target=str(target)[:40], created_at=at))


def target(s: Session, kind: str, token: str) -> str | None:
    """What ``token`` opens, if it is a link of ``kind``."""
    if not valid_token(token):
        return None
    row = s.get(PhoneLink, token_hash(token))
    return row.target if row is not None and row.kind == kind else None
