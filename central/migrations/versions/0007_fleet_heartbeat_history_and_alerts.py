"""fleet: heartbeat history and alerts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 04:10:38.318192
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fleet_alerts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fleet_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_fleet_alerts_open', ['kiosk_id', 'kind', 'ended_at'], unique=False)

    op.create_table('kiosk_samples',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('uptime_s', sa.Float(), nullable=False),
    sa.Column('outbox_pending', sa.Integer(), nullable=False),
    sa.Column('outbox_oldest_age_s', sa.Float(), nullable=False),
    sa.Column('clock_offset_s', sa.Float(), nullable=False),
    sa.Column('rss_mb', sa.Float(), nullable=False),
    sa.Column('disk_free_mb', sa.Float(), nullable=False),
    sa.Column('devices_not_ok', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kiosk_samples', schema=None) as batch_op:
        batch_op.create_index('ix_kiosk_samples_kiosk_at', ['kiosk_id', 'at'], unique=False)

    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_sample_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_column('last_sample_at')

    with op.batch_alter_table('kiosk_samples', schema=None) as batch_op:
        batch_op.drop_index('ix_kiosk_samples_kiosk_at')

    op.drop_table('kiosk_samples')
    with op.batch_alter_table('fleet_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_fleet_alerts_open')

    op.drop_table('fleet_alerts')
