"""home visits (上门服务) and proxy service (代理服务)

Revision ID: 0008
Revises: 0006

``service_requests``: the requests made at this kiosk (person as a keyed hash; the address,
phone and ID number only inside the encrypted outbox event). ``service_request_status``: the
``service_requests`` feed from central (status, scheduled time, a short note; no personal data).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("reference", sa.String(12), nullable=False, unique=True),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("window_day", sa.Date(), nullable=False),
        sa.Column("window_half", sa.String(2), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="submitted"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_service_requests_person_key", "service_requests", ["person_key"])
    op.create_table(
        "service_request_status",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("kind", sa.String(12), nullable=False, server_default=""),
        sa.Column("station_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=True),
        sa.Column("staff", sa.String(20), nullable=False, server_default=""),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("service_request_status")
    op.drop_index("ix_service_requests_person_key", "service_requests")
    op.drop_table("service_requests")
