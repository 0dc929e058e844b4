"""tickets: when service started at the counter

Revision ID: 0005
Revises: 0004

The kiosk's staff panel (calling while the central system is unreachable) records call, start
and finish separately, so waiting time (issued → called) and service time (started →
finished) can be reported apart.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as b:
        b.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as b:
        b.drop_column("started_at")
