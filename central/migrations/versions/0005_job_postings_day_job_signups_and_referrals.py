"""job postings (招聘登记), and on interests: their kind (意向, 报名, 推荐), the resident's consent to
share their contact with the employer, and when the employer contacted them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:25:07.058554
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('company', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=30), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('return_reason', sa.String(length=200), nullable=False),
    sa.Column('changed', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_status'), ['status'], unique=False)

    with op.batch_alter_table('interests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='interest', nullable=False))
        batch_op.add_column(sa.Column('shared', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('employer_contacted_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('interests', schema=None) as batch_op:
        batch_op.drop_column('employer_contacted_at')
        batch_op.drop_column('shared')
        batch_op.drop_column('kind')

    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_status'))
        batch_op.drop_index(batch_op.f('ix_postings_station_id'))
        batch_op.drop_index(batch_op.f('ix_postings_credit_code'))

    op.drop_table('postings')
