"""Personal fields sealed at rest (AES-GCM, central/crypto.py): the columns become text holding
sealed values, and the values already there are sealed with the current key

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 02:28:01.598161
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: table -> (primary key, [(column, its old length)])
COLUMNS = {
    "appointments": ("id", [("id_number", 18), ("name", 40)]),
    "consult_callbacks": ("id", [("phone", 11), ("note", 200)]),
    "consult_requests": ("id", [("note", 500)]),
    "fair_signups": ("id", [("name", 40), ("phone", 11)]),
    "interests": ("id", [("name", 40), ("phone", 11), ("id_number", 18), ("note", 200)]),
    "ratings": ("id", [("callback_note", 200), ("fix_note", 200)]),
    "registrations": ("id", [("id_number", 18), ("phone", 11), ("followup_note", 200)]),
    "service_requests": ("id", [("note", 200)]),
}


def _reseal(bind, table: str, pk: str, columns: list[str], step) -> None:  # noqa: ANN001
    t = sa.table(table, sa.column(pk), *[sa.column(c) for c in columns])
    rows = bind.execute(sa.select(t)).all()
    for row in rows:
        values = {c: step(getattr(row, c)) for c in columns}
        bind.execute(t.update().where(t.c[pk] == getattr(row, pk)).values(**values))


def upgrade() -> None:
    from central.crypto import PREFIX, ring

    with op.batch_alter_table("fair_signups", schema=None) as batch_op:
        # a sealed phone differs every time: the phone page checks doubles under the fair's row lock
        batch_op.drop_constraint("uq_fair_signups_fair_phone", type_="unique")
    for table, (_pk, cols) in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for col, length in cols:
                batch_op.alter_column(col, existing_type=sa.VARCHAR(length=length), type_=sa.Text(),
                                      existing_nullable=False)
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.alter_column("details", existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False,
                              postgresql_using="details::text")

    bind = op.get_bind()
    keys = ring()

    def seal(v):  # noqa: ANN001, ANN202
        return keys.seal(v) if isinstance(v, str) and v and not v.startswith(PREFIX) else v

    for table, (pk, cols) in COLUMNS.items():
        _reseal(bind, table, pk, [c for c, _ in cols], seal)
    _reseal(bind, "service_requests", "id", ["details"], seal)


def downgrade() -> None:
    from central.crypto import PREFIX, ring

    bind = op.get_bind()
    keys = ring()

    def unseal(v):  # noqa: ANN001, ANN202
        return keys.open(v) if isinstance(v, str) and v.startswith(PREFIX) else v

    for table, (pk, cols) in COLUMNS.items():
        _reseal(bind, table, pk, [c for c, _ in cols], unseal)
    _reseal(bind, "service_requests", "id", ["details"], unseal)
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.alter_column("details", existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False,
                              postgresql_using="details::json")
    for table, (_pk, cols) in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for col, length in cols:
                batch_op.alter_column(col, existing_type=sa.Text(), type_=sa.VARCHAR(length=length),
                                      existing_nullable=False)
    with op.batch_alter_table("fair_signups", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_fair_signups_fair_phone", ["fair_id", "phone"])
