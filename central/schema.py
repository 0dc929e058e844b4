"""Central's schema under Alembic (central/migrations): bring a database to the newest revision,
adopt one made before migrations existed, compare the models with a database, write a revision.

A database made by ``create_all`` before migrations existed has central's tables but no
``alembic_version``. It holds exactly the schema of the first revision, so it is checked against
that revision, stamped with it, and upgraded from there like any other.
"""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, create_engine, inspect, text

log = logging.getLogger("central.schema")

MIGRATIONS = Path(__file__).with_name("migrations")
#: the revision that creates the schema central had before migrations existed
INITIAL = "0001"
#: held while migrating a PostgreSQL database, so workers starting together migrate it once
_PG_LOCK = 0x63656E74  # "cent"
REVISION_HINT = ("make a revision for it: `python -m central db revision -m \"what changed\" --autogenerate`, "
                 "review the file it writes under central/migrations/versions/ and commit it (docs/DEPLOY.md)")


class SchemaError(RuntimeError):
    """The database cannot be brought to the schema this central expects; the message says why and what to do."""


def _config(connection: Connection | None = None, *, extra_versions: Path | None = None,
            **attributes: object):  # noqa: ANN202
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if extra_versions is not None:  # tests: revisions written outside the package
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option("version_locations", os.pathsep.join(map(str, (MIGRATIONS / "versions", extra_versions))))
    cfg.attributes.update(attributes, connection=connection)
    return cfg


def _scripts():  # noqa: ANN202
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision; a SchemaError if the history has forked (two revisions on one parent)."""
    heads = _scripts().get_heads()
    if len(heads) != 1:
        raise SchemaError(f"central's migrations have {len(heads)} heads ({', '.join(sorted(heads))}): two "
                          "revisions follow the same one. Set one's down_revision to the other so the history "
                          "is a single line.")
    return heads[0]


def current(connection: Connection) -> str | None:
    """The database's revision; None for an empty database or one made before migrations."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def is_legacy(connection: Connection) -> bool:
    """Central's tables without ``alembic_version``: made by ``create_all`` before migrations existed."""
    names = set(inspect(connection).get_table_names())
    return bool(names) and "alembic_version" not in names and bool(names & set(initial_tables()))


def migrate(engine: Engine) -> bool:
    """Bring the database to the newest revision (adopting a pre-migration one). True if anything ran.

    One transaction: on PostgreSQL (transactional DDL) and SQLite a failed migration leaves the
    database as it was.
    """
    want = head()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        rev = current(conn)
        if rev == want:
            check_tables(conn)
            return False
        from alembic import command

        if rev is None and is_legacy(conn):
            _adopt(conn)
        elif rev is not None and rev not in {s.revision for s in _scripts().walk_revisions()}:
            raise SchemaError(f"the database is at revision {rev}, which this central does not know: a newer "
                              "central has migrated it. Run that version (or restore a backup).")
        log.info("migrating the central database from %s to %s", rev or "empty", want)
        command.upgrade(_config(conn), "head")
        check_tables(conn)
    return True


def check_tables(connection: Connection) -> None:
    """Fail (naming them) if central.models has tables the database lacks: a revision is missing."""
    from central.models import Base

    missing = sorted(set(Base.metadata.tables) - set(inspect(connection).get_table_names()))
    if missing:
        raise SchemaError(f"central.models has tables that no migration creates: {', '.join(missing)}; "
                          + REVISION_HINT)


@lru_cache(maxsize=1)
def initial_tables() -> dict[str, frozenset[str]]:
    """Table → column names of the first revision (what ``create_all`` made before migrations)."""
    from alembic import command

    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), INITIAL)
            insp = inspect(conn)
            return {t: frozenset(c["name"] for c in insp.get_columns(t))
                    for t in insp.get_table_names() if t != "alembic_version"}
    finally:
        engine.dispose()


def _adopt(conn: Connection) -> None:
    from alembic import command

    insp = inspect(conn)
    have = set(insp.get_table_names())
    gaps = []
    for table, columns in sorted(initial_tables().items()):
        if table not in have:
            gaps.append(f"table {table}")
        else:
            gaps += [f"{table}.{c}" for c in sorted(columns - {c["name"] for c in insp.get_columns(table)})]
    if gaps:
        raise SchemaError("this database was made before migrations existed, but by an older central than the "
                          f"first revision knows: it lacks {', '.join(gaps[:20])}. Add them by hand (see "
                          f"central/migrations/versions/{INITIAL}_*.py) and run `python -m central db upgrade` "
                          "again; nothing was changed.")
    log.info("adopting a database made before migrations: stamping it at revision %s", INITIAL)
    command.stamp(_config(conn), INITIAL)


def differences(connection: Connection, metadata: MetaData | None = None) -> list:
    """What autogenerate would write: the differences between central.models (or ``metadata``) and
    the database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from central.models import Base

    mc = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
    return compare_metadata(mc, metadata if metadata is not None else Base.metadata)


def describe(diffs: list) -> str:
    """The differences in words, each table named, and what to do about them."""
    lines = []
    for d in diffs:
        kind = d[0] if isinstance(d, tuple) else "modify"
        if kind == "add_table":
            lines.append(f"table {d[1].name} is in central.models but no migration creates it")
        elif kind == "remove_table":
            lines.append(f"table {d[1].name} is made by the migrations but is not in central.models")
        elif kind in ("add_column", "remove_column"):
            where = "central.models" if kind == "add_column" else "the migrations"
            lines.append(f"column {d[2]}.{d[3].name} is only in {where}")
        elif kind in ("add_index", "remove_index"):
            lines.append(f"index {d[1].name} on {d[1].table.name} differs ({kind})")
        else:
            lines.append(repr(d)[:300])
    return "central.models and the migrations differ:\n  " + "\n  ".join(lines) + "\nTo fix it, " + REVISION_HINT


def make_revision(message: str, *, autogenerate: bool, against: Engine, scratch: bool = False,
                  metadata: MetaData | None = None, version_path: Path | None = None) -> Path | None:
    """Write a new revision file; returns its path, or None when autogenerate found nothing to do.

    Autogenerate compares central.models (or ``metadata``) with ``against``, a database at the
    newest revision; ``scratch``: it is an empty throwaway database, migrated here first.
    ``version_path``: write the file there instead of central/migrations/versions (tests).
    """
    from alembic import command

    if scratch:
        with against.begin() as conn:
            command.upgrade(_config(conn, extra_versions=version_path), "heads")
    with against.begin() as conn:
        cfg = _config(conn, extra_versions=version_path, autogenerate=autogenerate, metadata=metadata)
        from alembic.script import ScriptDirectory

        scripts = ScriptDirectory.from_config(cfg)
        if current(conn) != scripts.get_current_head():
            raise SchemaError("the database to compare with is not at the newest revision; "
                              "run `python -m central db upgrade` on it first")
        numbers = [int(s.revision) for s in scripts.walk_revisions() if re.fullmatch(r"\d+", s.revision)]
        script = command.revision(cfg, message=message, autogenerate=autogenerate,
                                  rev_id=f"{max(numbers, default=0) + 1:04d}",
                                  version_path=str(version_path) if version_path else None)
    head.cache_clear()
    if cfg.attributes.get("empty") or script is None:
        return None
    return Path((script[0] if isinstance(script, list) else script).path)
