"""releases: signed kiosk bundles and their rollouts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('releases',
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('bundle', sa.LargeBinary(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=40), nullable=False),
    sa.Column('made_at', sa.String(length=40), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('stations', sa.JSON(), nullable=False),
    sa.Column('rollout_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('version')
    )


def downgrade() -> None:
    op.drop_table('releases')
