"""投递意向 under 我的申请

Revision ID: 0009
Revises: 0008

``interest_marks``: the interests taken at this kiosk (person as a keyed hash; the ID number only
inside the encrypted outbox event). ``interest_status``: the ``interests`` feed from central (the
status only; no personal data).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interest_marks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("vacancy_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("title", sa.String(100), nullable=False, server_default=""),
        sa.Column("employer", sa.String(120), nullable=False, server_default=""),
        sa.Column("reference", sa.String(12), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_interest_marks_person_key", "interest_marks", ["person_key"])
    op.create_table(
        "interest_status",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("station_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("interest_status")
    op.drop_index("ix_interest_marks_person_key", "interest_marks")
    op.drop_table("interest_marks")
