"""The transactional outbox: every user action's event, committed with the action itself.

``add_event`` writes into the caller's session, so the action (a ticket, a registration) and
its event commit together or not at all. Personal payloads are encrypted at rest with
AES-GCM under a key kept in the data directory (mode 0600, created on first use); the event
id is bound in as associated data, so a payload cannot be moved to another event. The sync
worker sends events in ``seq`` order and purges personal payloads once the central system
has accepted them.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.store.engine import Store

log = logging.getLogger(__name__)

KEY_FILE = "outbox.key"
NONCE_BYTES = 12


class OutboxKeyError(RuntimeError):
    """The outbox key is missing, unreadable or of the wrong size."""


class OutboxCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise OutboxKeyError("the outbox key must be 32 bytes (AES-256)")
        self._key = key

    @cached_property
    def _aead(self):  # noqa: ANN202 - an AESGCM
        """Made by the first seal or open: the start-up's check of the key does not load the
        cryptography library on the way to the first frame."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._key)

    @classmethod
    def from_data_dir(cls, data_dir: Path, key_file: Path | None = None) -> OutboxCipher:
        """Load the key, creating it (0600) in the data dir on first use. ``key_file``: a key kept
        elsewhere (a root-only path, or a TPM-sealed credential systemd hands the kiosk), which
        is never created here. A key others can read is refused (``private.check_key_file``)."""
        from kiosk.store.private import LooseKeyError, check_key_file

        path = key_file or data_dir / KEY_FILE
        if key_file is not None and not path.exists():
            raise OutboxKeyError(f"the outbox key {path} (key_file) does not exist: provision it, e.g. "
                                 f"head -c 32 /dev/urandom > {path} && chmod 600 {path} (docs/DEPLOY.md)")
        if not path.exists():
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(32))
                f.flush()
                os.fsync(f.fileno())
        try:
            check_key_file(path)
            key = path.read_bytes()
        except LooseKeyError as e:
            raise OutboxKeyError(str(e)) from None
        except OSError as e:
            raise OutboxKeyError(f"cannot read the outbox key {path}: {e}") from None
        return cls(key)

    @classmethod
    def for_config(cls, cfg) -> OutboxCipher:  # noqa: ANN001 - a kiosk.config.KioskConfig
        return cls.from_data_dir(cfg.data_path, Path(cfg.key_file) if cfg.key_file else None)

    def seal(self, event_id: str, data: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, event_id.encode())

    def open(self, event_id: str, blob: bytes) -> bytes:
        return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], event_id.encode())


def add_event(session: Session, type_: str, payload: dict, *, cipher: OutboxCipher | None = None,
              personal: bool = False, occurred_at: datetime | None = None) -> str:
    """Queue an event in the caller's transaction; returns its id. Personal payloads need a cipher."""
    from kiosk.store.models import OutboxEvent

    if personal and cipher is None:
        raise ValueError(f"event {type_} carries personal data and needs the outbox cipher")
    event_id = str(uuid.uuid4())
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    session.add(OutboxEvent(
        id=event_id, type=type_, occurred_at=(occurred_at or datetime.now(UTC)).replace(tzinfo=None),
        payload=cipher.seal(event_id, data) if personal else data, encrypted=personal,
    ))
    return event_id


def read_payload(event, cipher: OutboxCipher | None) -> dict:
    """The payload of a stored OutboxEvent (decrypting it if needed)."""
    data = cipher.open(event.id, event.payload) if event.encrypted else event.payload
    return json.loads(data)


class OutboxQueue:
    """The outbox as the sync worker (``kiosk.sync.pusher``) drains it: pending events in ``seq``
    order, and each one's fate once central has answered."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def pending_count(self) -> int:
        from sqlalchemy import func, select

        from kiosk.store.models import OutboxEvent

        with self.store.read() as s:
            return s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending")) or 0

    def oldest_pending_age_s(self) -> float:
        from sqlalchemy import func, select

        from kiosk.store.models import OutboxEvent

        with self.store.read() as s:
            oldest = s.scalar(select(func.min(OutboxEvent.occurred_at)).where(OutboxEvent.state == "pending"))
        return max(0.0, (_utc_naive() - oldest).total_seconds()) if oldest else 0.0

    def rejected(self, limit: int = 5) -> list[tuple[str, datetime, str]]:
        """The newest rejected events as (type, occurred_at in UTC, reason), for the staff screen:
        what was refused and why, never the payload."""
        from sqlalchemy import select

        from kiosk.store.models import OutboxEvent

        with self.store.read() as s:
            rows = s.execute(select(OutboxEvent.type, OutboxEvent.occurred_at, OutboxEvent.last_error)
                             .where(OutboxEvent.state == "rejected").order_by(OutboxEvent.seq.desc()).limit(limit))
            return [(t, at, reason or "") for t, at, reason in rows]

    def pending(self, cipher: OutboxCipher | None, size: int) -> tuple[list[dict], list[str]]:
        """The next pending events as dicts (id, seq, type, occurred_at in UTC, payload), and the
        ids of those whose payload cannot be read (they are not sent)."""
        from sqlalchemy import select

        from kiosk.store.models import OutboxEvent

        events, unreadable = [], []
        with self.store.read() as s:
            rows = s.scalars(select(OutboxEvent).where(OutboxEvent.state == "pending").order_by(OutboxEvent.seq)
                             .limit(size)).all()
            for ev in rows:
                try:
                    payload = read_payload(ev, cipher)
                except Exception as e:  # noqa: BLE001 - a damaged payload must not stop the others
                    log.error("outbox event %s (%s) cannot be read: %s", ev.id, ev.type, type(e).__name__)
                    unreadable.append(ev.id)
                    continue
                events.append({"id": ev.id, "seq": ev.seq, "type": ev.type,
                               "occurred_at": ev.occurred_at.replace(tzinfo=UTC), "payload": payload})
        return events, unreadable

    def record(self, results: dict[str, tuple[str, str]], unreadable: list[str]) -> tuple[int, int]:
        """Record central's answers (event id → (status, reason)): accepted or duplicate → sent (a
        personal payload is purged), rejected → kept for staff with the reason; unreadable events
        are rejected locally. Returns (sent, rejected)."""
        from sqlalchemy import select

        from kiosk.store.models import OutboxEvent

        sent = rejected = 0
        now = _utc_naive()
        with self.store.session() as s:
            for ev_id in unreadable:
                ev = s.scalar(select(OutboxEvent).where(OutboxEvent.id == ev_id))
                ev.state, ev.last_error = "rejected", "本机无法解密（密钥损坏或被替换）"
                rejected += 1
            for ev_id, (status, reason) in results.items():
                ev = s.scalar(select(OutboxEvent).where(OutboxEvent.id == ev_id))
                if ev is None or ev.state != "pending":
                    continue
                ev.attempts += 1
                if status == "rejected":
                    ev.state, ev.last_error = "rejected", reason[:200]
                    rejected += 1
                else:
                    ev.state, ev.sent_at, ev.last_error = "sent", now, ""
                    if ev.encrypted:
                        ev.payload = b""  # purged: the central system holds it now
                    sent += 1
        return sent, rejected


def _utc_naive() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
