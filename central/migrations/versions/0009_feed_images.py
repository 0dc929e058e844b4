"""feed images: the vacancy image a new kiosk installs instead of paging through the feed; audit
actions up to 40 characters (vacancy_image_published has 23)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_images',
    sa.Column('feed', sa.String(length=40), nullable=False),
    sa.Column('schema_rev', sa.String(length=40), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('cursor', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('feed')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=20), type_=sa.String(length=40),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=40), type_=sa.String(length=20),
                              existing_nullable=False)
    op.drop_table('feed_images')
