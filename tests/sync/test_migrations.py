"""Central's migrations on SQLite and PostgreSQL: a database made before migrations existed, with
data in it, is adopted and upgraded without losing anything; the models and the migrations agree;
and a table added without a migration is named, with the command that makes its revision."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, select, text

from central import schema
from central.db import Database, make_engine
from central.models import Base
from central.passwords import hash_password
from central.seed import DEFAULT_SERVICES
from kiosk.sync import protocol as p
from tests.sync.centralserver import central_database, running_central
from tests.sync.conftest import make_client

LEGACY = Path(__file__).resolve().parent / "legacy"
STATION = "TJ-LEGACY-01"
KIOSK_ID, SECRET = "legacy-kiosk-01", "legacy-secret-0123456789"
EVENT_ID, TICKET_ID = "5f1d7c2e-0000-4000-8000-00000000e001", "5f1d7c2e-0000-4000-8000-00000000a017"
WHEN = datetime(2026, 11, 30, 1, 15, 0)
#: what a deployment had in it: one or more rows of most tables, as the create_all schema holds them
ROWS: dict[str, list[dict]] = {
    "kiosks": [{"id": KIOSK_ID, "station_id": STATION, "secret": SECRET, "enabled": True, "created_at": WHEN,
                "last_heartbeat": {"printer": "ok", "outbox": 0}, "clock_offset_s": 1.5}],
    "station_configs": [{"station_id": STATION, "version": 3,
                         "config": {"name": "老城区就业驿站", "services": DEFAULT_SERVICES}}],
    "feed_clocks": [{"feed": "vacancies", "value": 7, "purged_below": 0, "epoch": "1"}],
    "feed_items": [{"feed": "vacancies", "id": "V-LEGACY-1", "version": 7, "deleted": False, "updated_at": WHEN,
                    "data": {"id": "V-LEGACY-1", "title": "仓库管理员", "employer": "津南物流"}}],
    "events": [{"id": EVENT_ID, "kiosk_id": KIOSK_ID, "station_id": STATION, "seq": 41, "type": "service.rendered",
                "occurred_at": WHEN, "received_at": WHEN, "payload": {"service": "job_registration"}}],
    "service_records": [{"event_id": EVENT_ID, "station_id": STATION, "service": "job_registration", "counter": "3",
                         "ticket_id": TICKET_ID, "finished_at": WHEN, "person_key": "ab" * 32, "outcome": "served"}],
    "queue_tickets": [{"id": TICKET_ID, "station_id": STATION, "service": "job_registration", "number": "A017",
                       "day": date(2026, 11, 30), "issued_at": WHEN, "status": "done", "counter": "3",
                       "services_delivered": ["job_registration"], "service_record_id": EVENT_ID}],
    "staff_users": [{"station_id": STATION, "name": "王芳", "password_hash": hash_password("2468"), "role": "staff",
                     "enabled": True, "created_at": WHEN}],
    "staff_actions": [{"station_id": STATION, "counter": "3", "staff": "王芳", "ticket_id": TICKET_ID,
                       "action": "finish", "at": WHEN}],
    "calls": [{"station_id": STATION, "seq": 12, "ticket_id": TICKET_ID, "number": "A017", "counter": "3",
               "called_at": WHEN}],
    "settings": [{"key": "staff.session_secret", "value": "cd" * 32}],
    "rejected_events": [{"id": str(uuid.UUID(int=7)), "kiosk_id": KIOSK_ID, "type": "nonsense",
                         "reason": "unknown event type", "received_at": WHEN}],
    "consult_callbacks": [{"id": str(uuid.UUID(int=8)), "reference": "HD-7Q2K", "station_id": STATION,
                           "topic": "失业登记", "phone": "13812345678", "requested_at": WHEN, "received_at": WHEN,
                           "status": "open"}],
    "consult_advisors": [{"login": "li-laoshi", "display_name": "李老师", "pool": "tianjin",
                          "password_hash": hash_password("1357"), "enabled": True, "status": "offline",
                          "created_at": WHEN}],
    "consult_requests": [{"id": str(uuid.UUID(int=10)), "kiosk_id": KIOSK_ID, "station_id": STATION, "pool": "tianjin",
                          "topic": "就业政策", "identified": False, "state": "ended", "version": 5, "created_at": WHEN,
                          "ended_at": WHEN, "outcome": "answered"}],
    "service_requests": [{"id": str(uuid.UUID(int=11)), "reference": "SM-8K2P", "event_id": str(uuid.UUID(int=12)),
                          "station_id": STATION, "kind": "home_visit", "window_day": date(2026, 12, 3),
                          "window_half": "am", "details": {"district": "和平区"}, "status": "scheduled",
                          "created_at": WHEN, "updated_at": WHEN}],
    "staff_counters": [{"station_id": STATION, "counter": "3", "services": ["job_registration"], "staff": "王芳"}],
    "call_clocks": [{"station_id": STATION, "value": 12}],
    "nonces": [{"kiosk_id": KIOSK_ID, "nonce": "legacy-nonce-1", "seen_at": WHEN}],
}


def _filled(table: Table, row: dict) -> dict:
    """The row with every other NOT NULL column given a plain value (the schema has no server defaults)."""
    out = dict(row)
    for col in table.columns:
        if col.name in out or col.nullable or col.autoincrement is True or (
                col.primary_key and isinstance(col.type, Integer) and len(table.primary_key.columns) == 1):
            continue
        py = col.type.python_type if col.type.__class__.__name__ != "JSON" else dict
        out[col.name] = {str: "", int: 0, float: 0.0, bool: False, dict: {}, datetime: WHEN, date: WHEN.date()}[py]
    return out


def _legacy_database(url: str, dialect: str) -> None:
    """The schema create_all made before migrations existed (captured DDL), with ROWS in it."""
    ddl = (LEGACY / f"schema_{dialect}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for stmt in filter(None, (s.strip() for s in body.split(";"))):
                conn.exec_driver_sql(stmt)
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as conn:
            for name, rows in ROWS.items():
                conn.execute(tables.tables[name].insert(), [_filled(tables.tables[name], r) for r in rows])
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def legacy_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'legacy.db'}"
        _legacy_database(url, "sqlite")
        yield url
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database(empty=True)
    _legacy_database(cluster.url(name), "postgresql")
    yield cluster.url(name)
    cluster.drop_database(name)


def _same(got, want) -> bool:  # noqa: ANN001
    """Equal, once a personal field sealed by the upgrade (0004) is opened: it must not be stored
    as it was."""
    from central.crypto import PREFIX, ring

    if isinstance(want, datetime) and isinstance(got, datetime):
        return got.replace(tzinfo=None) == want
    if isinstance(got, str) and got.startswith(PREFIX):
        opened = ring().open(got)
        return opened == want or (isinstance(want, (dict, list)) and json.loads(opened) == want)
    return got == want


def test_a_database_from_before_migrations_keeps_its_data_and_ends_at_head(legacy_url):
    with running_central(legacy_url) as central:  # the server's start migrates it (adopting it first)
        with central.db.engine.connect() as conn:
            assert schema.current(conn) == schema.head()
            tables = MetaData()
            tables.reflect(conn)
            for name, rows in ROWS.items():
                stored = [dict(r._mapping) for r in conn.execute(select(tables.tables[name]))]
                for want in rows:
                    assert any(all(_same(have.get(k), v) for k, v in want.items()) for have in stored), \
                        f"{name}: the row {sorted(want)} did not survive the upgrade"
            # columns added since: the old rows read as what they were (a counter service, identity unknown;
            # the one-time "admin" role is a city administrator now)
            record = conn.execute(select(tables.tables["service_records"])).one()._mapping
            assert (record["channel"], record["identity"]) == ("counter", "none")
            staff = conn.execute(select(tables.tables["staff_users"])).one()._mapping
            assert (staff["district"], staff["session_gen"]) == ("", 0)
        # and the service works on it: the old kiosk's secret, its feed cursor, its accounted events
        client = make_client(central.url, secret=SECRET, kiosk_id=KIOSK_ID)
        page, _ = client.call("GET", p.PREFIX + "/feeds/vacancies", p.FeedPage)
        assert [(i.id, i.version) for i in page.items] == [("V-LEGACY-1", 7)]
        old = p.EventIn(id=EVENT_ID, seq=41, type="service.rendered", occurred_at=WHEN.replace(tzinfo=UTC),
                        payload={"service": "job_registration"})
        reply, _ = client.call("POST", p.PREFIX + "/events", p.EventBatchReply, body=p.EventBatch(events=[old]))
        assert reply.results[0].status == "duplicate"
        config, _ = client.call("GET", f"{p.PREFIX}/stations/{STATION}/config", p.StationConfigReply)
        assert config.version == 3
        from central.staff_auth import login

        assert login(central.db, STATION, "王芳", "2468").name == "王芳"
        assert central.db.migrate() is False  # adopted once; now simply at head


def test_an_older_pre_migration_database_is_refused_untouched(tmp_path):
    """One older than the first revision (tables and columns missing): stamping it would hide the
    gap, so the upgrade stops, names what is missing and changes nothing."""
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE kiosks (id VARCHAR(40) NOT NULL PRIMARY KEY, station_id VARCHAR(40))")
    engine.dispose()
    db = Database(url)
    with pytest.raises(schema.SchemaError, match=r"made before migrations.*lacks table call_clocks") as e:
        db.migrate()
    assert "kiosks.secret" in str(e.value)
    with db.engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["kiosks"]
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_db(request, tmp_path):
    if request.param == "sqlite":
        db = central_database(f"sqlite:///{tmp_path / 'central.db'}")
        yield db
        db.dispose()
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database()
    db = central_database(cluster.url(name))
    yield db
    db.dispose()
    cluster.drop_database(name)


def test_the_models_and_the_migrations_agree(migrated_db):
    with migrated_db.engine.connect() as conn:
        assert schema.current(conn) == schema.head()
        diffs = schema.differences(conn)
    assert not diffs, schema.describe(diffs)


def test_the_migrations_are_one_line_of_history():
    assert schema.head()  # raises, saying which, when two revisions follow the same one


def _with_a_new_table() -> MetaData:
    md = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(md)
    Table("phone_pages", md, Column("id", String(36), primary_key=True), Column("title", String(40)))
    return md


def test_a_table_without_a_migration_is_named_with_the_command_that_makes_one(tmp_path):
    db = central_database(f"sqlite:///{tmp_path / 'central.db'}")
    with db.engine.connect() as conn:
        message = schema.describe(schema.differences(conn, _with_a_new_table()))
    db.dispose()
    assert "table phone_pages is in central.models but no migration creates it" in message
    assert "python -m central db revision -m" in message and "--autogenerate" in message


def test_autogenerate_writes_the_revision_that_makes_the_new_table(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    md = _with_a_new_table()
    scratch = make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
    try:
        path = schema.make_revision("phone pages", autogenerate=True, against=scratch, scratch=True, metadata=md,
                                    version_path=versions)
    finally:
        scratch.dispose()
    assert path is not None and path.parent == versions and path.name.startswith(f"{int(schema.head()) + 1:04d}_")
    source = path.read_text(encoding="utf-8")
    assert "op.create_table('phone_pages'" in source and f"down_revision = '{schema.head()}'" in source
    # it runs, and afterwards that database agrees with the changed models
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        from alembic import command

        with target.begin() as conn:
            command.upgrade(schema._config(conn, extra_versions=versions), "heads")
        with target.connect() as conn:
            assert "phone_pages" in inspect(conn).get_table_names()
            assert schema.differences(conn, md) == []
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == path.name[:4]
    finally:
        target.dispose()
