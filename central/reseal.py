"""Re-sealing every personal field with the key ring's current key: ``python -m central
rotate-data-key`` (central/crypto.py says how a key is rotated)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text

from central.crypto import PREFIX, KeyRing, RawText, Sealed, SealedJSON, ring


def sealed_columns(metadata) -> list[tuple[Any, Any]]:  # noqa: ANN001 - a MetaData
    """Every (table, column) whose type seals its values."""
    return [(t, c) for t in metadata.sorted_tables for c in t.columns if isinstance(c.type, Sealed | SealedJSON)]


def rotate(engine, progress=None) -> int:  # noqa: ANN001
    """Re-seal, with the ring's current key, every sealed value made with another (or not yet
    sealed); returns how many values changed. One transaction per table."""
    from sqlalchemy import cast, select, update

    from central.models import Base

    keys, changed = ring(), 0
    columns: dict[Any, list[Any]] = {}
    for table, column in sealed_columns(Base.metadata):
        columns.setdefault(table, []).append(column)
    for i, (table, cols) in enumerate(columns.items(), 1):
        pk = list(table.primary_key.columns)[0]
        with engine.begin() as conn:
            # the stored text as it is (cast: no decorator opens it); re-seal what another key made
            rows = conn.execute(select(pk, *[cast(c, Text).label(c.name) for c in cols])).all()
            for row in rows:
                values = {}
                for c in cols:
                    v = getattr(row, c.name)
                    if isinstance(v, str) and v and KeyRing.key_of(v) != keys.current:
                        values[c.name] = keys.seal(keys.open(v) if v.startswith(PREFIX) else v)
                if values:
                    conn.execute(update(table).where(pk == getattr(row, pk.name)).values(
                        **{k: RawText(v) for k, v in values.items()}))
                    changed += len(values)
        if progress:
            progress(i, len(columns))
    return changed
