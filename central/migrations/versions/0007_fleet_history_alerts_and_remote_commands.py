"""fleet: heartbeat history, alerts and remote commands

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 04:22:51.020212
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

    op.create_table('kiosk_orders',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by', sa.String(length=40), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('deliveries', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('output', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kiosk_orders', schema=None) as batch_op:
        batch_op.create_index('ix_kiosk_orders_open', ['kiosk_id', 'done_at'], unique=False)

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
    with op.batch_alter_table('kiosk_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_kiosk_orders_open')

    op.drop_table('kiosk_orders')
    with op.batch_alter_table('fleet_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_fleet_alerts_open')

    op.drop_table('fleet_alerts')
