"""Alembic environment. Runs inside the kiosk (``kiosk.store.engine.migrate``) on the
connection it is handed, so no alembic.ini is needed on a station."""

from alembic import context

from kiosk.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("kiosk migrations run through kiosk.store.engine.migrate(), not the alembic CLI")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
