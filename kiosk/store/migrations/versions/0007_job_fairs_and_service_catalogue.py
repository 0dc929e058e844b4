"""job fairs and the service catalogue (two new feeds)

Revision ID: 0007
Revises: 0006

Both tables mirror central feeds like ``stations`` does: rows carry the feed's ``version`` and
are replaced by newer versions only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_fairs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False, server_default="线下"),
        sa.Column("venue", sa.String(80), nullable=False, server_default=""),
        sa.Column("district", sa.String(20), nullable=False, server_default=""),
        sa.Column("address", sa.String(200), nullable=False, server_default=""),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("organiser", sa.String(80), nullable=False, server_default=""),
        sa.Column("employers", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("positions", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("target_groups", sa.String(200), nullable=False, server_default=""),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("contact", sa.String(80), nullable=False, server_default=""),
        sa.Column("url", sa.String(300), nullable=False, server_default=""),
        sa.Column("status", sa.String(12), nullable=False, server_default="scheduled"),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_job_fairs_ends_at", "job_fairs", ["ends_at"])
    op.create_table(
        "catalogue_services",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("category", sa.String(20), nullable=False, server_default=""),
        sa.Column("summary", sa.String(200), nullable=False, server_default=""),
        sa.Column("audience", sa.Text(), nullable=False, server_default=""),
        sa.Column("materials", sa.Text(), nullable=False, server_default=""),
        sa.Column("place", sa.String(400), nullable=False, server_default=""),
        sa.Column("how", sa.Text(), nullable=False, server_default=""),
        sa.Column("time_limit", sa.String(100), nullable=False, server_default=""),
        sa.Column("basis", sa.String(400), nullable=False, server_default=""),
        sa.Column("fee", sa.String(40), nullable=False, server_default="免费"),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("pinyin_initials", sa.String(80), nullable=False, server_default=""),
        sa.Column("pinyin_full", sa.String(400), nullable=False, server_default=""),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalogue_services")
    op.drop_index("ix_job_fairs_ends_at", "job_fairs")
    op.drop_table("job_fairs")
