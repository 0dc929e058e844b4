"""零工 (day jobs) in the vacancies and their search

Revision ID: 0011
Revises: 0010

``vacancies`` gets a day job's first day (``work_from``; its last is ``expires_on``), the meeting
point and the meeting time. ``search_docs`` copies ``work_from`` for the 今天 / 明天 filter. Existing
vacancies are not day jobs, so nothing is rebuilt.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vacancies") as batch:
        batch.add_column(sa.Column("work_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("meet_place", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("meet_time", sa.String(5), nullable=False, server_default=""))
    op.execute("ALTER TABLE search_docs ADD COLUMN work_from TEXT")


def downgrade() -> None:
    op.execute("ALTER TABLE search_docs DROP COLUMN work_from")
    with op.batch_alter_table("vacancies") as batch:
        batch.drop_column("meet_time")
        batch.drop_column("meet_place")
        batch.drop_column("work_from")
