"""Personal fields encrypted at rest on central (PIPL): AES-256-GCM with a key ring.

A sealed value reads ``s1.<key id>.<base64 of nonce, ciphertext and tag>``. The ring's first key
seals; every key in it opens, so a key is rotated by putting the new one first, running
``python -m central rotate-data-key`` (central/reseal.py re-seals every value with it) and then dropping the
old one. Where the keys come from, first found:

* ``$CENTRAL_DATA_KEYS``: ``id:base64key[,id:base64key…]``;
* the file ``$CENTRAL_DATA_KEY_FILE``: one ``id:base64key`` per line (a root-only path, or a
  TPM-sealed systemd credential);
* for a demo, ``var/central-data.key``, made on first use (``audit`` fails on it).

Make a key with ``python -m central new-data-key``. Columns declare themselves with ``Sealed``
and ``SealedJSON``; a value written before encryption (no ``s1.`` prefix) still reads.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "s1."
ENV_KEYS = "CENTRAL_DATA_KEYS"
ENV_KEY_FILE = "CENTRAL_DATA_KEY_FILE"
DEMO_KEY_FILE = Path("var/central-data.key")
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class DataKeyError(RuntimeError):
    """No usable key, or a value sealed with a key the ring does not hold."""


class KeyRing:
    def __init__(self, keys: list[tuple[str, bytes]], source: str) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not keys:
            raise DataKeyError(f"{source}: no key")
        for kid, key in keys:
            if not _KEY_ID.fullmatch(kid) or len(key) != 32:
                raise DataKeyError(f"{source}: key {kid!r} must be named with 1-16 letters, digits, _ or - and be "
                                   "32 bytes (base64); make one with python -m central new-data-key")
        self.source = source
        self.current = keys[0][0]
        self._aead = {kid: AESGCM(key) for kid, key in keys}

    @property
    def ids(self) -> list[str]:
        return list(self._aead)

    def seal(self, text: str) -> str:
        nonce = secrets.token_bytes(12)
        blob = self._aead[self.current].encrypt(nonce, text.encode(), self.current.encode())
        return f"{PREFIX}{self.current}.{base64.urlsafe_b64encode(nonce + blob).decode()}"

    def open(self, sealed: str) -> str:
        try:
            _, kid, data = sealed.split(".", 2)
            raw = base64.urlsafe_b64decode(data)
        except ValueError:
            raise DataKeyError("a sealed value is damaged") from None
        if kid not in self._aead:
            raise DataKeyError(f"a value is sealed with key {kid!r}, which {self.source} does not hold: put it back "
                               "in the ring (after the current key) and run rotate-data-key")
        return self._aead[kid].decrypt(raw[:12], raw[12:], kid.encode()).decode()

    @staticmethod
    def key_of(sealed: str) -> str | None:
        return sealed.split(".", 2)[1] if sealed.startswith(PREFIX) and sealed.count(".") >= 2 else None


def parse(text: str, source: str) -> KeyRing:
    keys = []
    for item in re.split(r"[,\n]", text):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        kid, _, b64 = item.partition(":")
        try:
            keys.append((kid.strip(), base64.b64decode(b64.strip(), validate=True)))
        except ValueError:
            raise DataKeyError(f"{source}: key {kid.strip()!r} is not base64") from None
    return KeyRing(keys, source)


def new_key_line(kid: str | None = None) -> str:
    return f"{kid or secrets.token_hex(3)}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def load() -> KeyRing:
    """The ring from the environment, its key file, or (a demo) ``var/central-data.key``."""
    if os.environ.get(ENV_KEYS):
        return parse(os.environ[ENV_KEYS], f"${ENV_KEYS}")
    path = Path(os.environ[ENV_KEY_FILE]) if os.environ.get(ENV_KEY_FILE) else None
    if path is None:
        path = DEMO_KEY_FILE
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(new_key_line("demo") + "\n")
    try:
        text = path.read_text()
    except OSError as e:
        raise DataKeyError(f"cannot read the data key file {path}: {e}") from None
    return parse(text, str(path))


_ring: KeyRing | None = None


def ring() -> KeyRing:
    global _ring
    if _ring is None:
        _ring = load()
    return _ring


def use(new: KeyRing | None) -> None:
    """Set the process's ring (None: load it again on next use)."""
    global _ring
    _ring = new


class RawText(str):
    """A value already sealed: written as it is."""


class Sealed(TypeDecorator):
    """A text column stored sealed; "" stays "" (nothing to hide but that it is empty)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value in (None, "") or isinstance(value, RawText):
            return value
        return ring().seal(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return ring().open(value) if isinstance(value, str) and value.startswith(PREFIX) else value


class SealedJSON(TypeDecorator):
    """A JSON value stored sealed."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None or isinstance(value, RawText):
            return value
        return ring().seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            return json.loads(ring().open(value) if value.startswith(PREFIX) else value)
        return value  # a database that handed back JSON already (a column not yet migrated)
