"""help calls (呼叫工作人员) from the kiosks, and the kind of a call on the calls long-poll

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:24:51.567629
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('help_calls',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('screen', sa.String(length=40), nullable=False),
    sa.Column('elder', sa.Boolean(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=40), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('help_calls', schema=None) as batch_op:
        batch_op.create_index('ix_help_calls_station_open', ['station_id', 'acknowledged_at'], unique=False)

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='ticket', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('help_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_help_calls_station_open')

    op.drop_table('help_calls')
