"""appointments booked at the kiosk

Revision ID: 0006
Revises: 0005

The kiosk keeps its own bookings so that it can show free slots and refuse double bookings
while offline; each booking also goes up as an encrypted ``appointment.requested`` event.
No personal detail is stored here: the person is a keyed hash.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("service_code", sa.String(40), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("reference", sa.String(8), nullable=False, unique=True),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="booked"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_appointments_slot", "appointments", ["service_code", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_appointments_slot", "appointments")
    op.drop_table("appointments")
