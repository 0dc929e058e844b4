"""The schema central had before migrations: what ``create_all`` made from central.models.

A database made before migrations holds exactly this; ``central.schema`` stamps it with this
revision instead of running it. Never change this file: add a revision.

Revision ID: 0001
Revises:
Create Date: 2026-12-02 16:41:06.277870
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('call_clocks',
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('station_id')
    )
    op.create_table('calls',
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=12), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('station_id', 'seq')
    )
    op.create_table('consult_advisors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('login', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=False),
    sa.Column('pool', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_at', sa.DateTime(), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('login')
    )
    with op.batch_alter_table('consult_advisors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_advisors_pool'), ['pool'], unique=False)

    op.create_table('consult_callbacks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('advisor_id', sa.Integer(), nullable=True),
    sa.Column('advisor_name', sa.String(length=40), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consult_callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_callbacks_reference'), ['reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_consult_callbacks_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consult_callbacks_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consult_callbacks_status'), ['status'], unique=False)

    op.create_table('consult_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('pool', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('identified', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('connected_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('advisor_id', sa.Integer(), nullable=True),
    sa.Column('advisor_name', sa.String(length=40), nullable=False),
    sa.Column('offer_gen', sa.Integer(), nullable=False),
    sa.Column('offer_sdp', sa.Text(), nullable=False),
    sa.Column('answer_gen', sa.Integer(), nullable=False),
    sa.Column('answer_sdp', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('kiosk_seen_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consult_requests', schema=None) as batch_op:
        batch_op.create_index('ix_consult_requests_pool_state', ['pool', 'state'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_kiosk_id'), ['kiosk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_type'), ['type'], unique=False)

    op.create_table('feed_clocks',
    sa.Column('feed', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('purged_below', sa.BigInteger(), nullable=False),
    sa.Column('epoch', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('feed')
    )
    op.create_table('feed_items',
    sa.Column('feed', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('feed', 'id')
    )
    with op.batch_alter_table('feed_items', schema=None) as batch_op:
        batch_op.create_index('ix_feed_items_feed_version', ['feed', 'version'], unique=False)

    op.create_table('kiosks',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=True),
    sa.Column('last_heartbeat', sa.JSON(), nullable=True),
    sa.Column('clock_offset_s', sa.Float(), nullable=False),
    sa.Column('pending_commands', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosks_station_id'), ['station_id'], unique=False)

    op.create_table('nonces',
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('kiosk_id', 'nonce')
    )
    with op.batch_alter_table('nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nonces_seen_at'), ['seen_at'], unique=False)

    op.create_table('queue_tickets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('priority_group', sa.String(length=20), nullable=False),
    sa.Column('priority_note', sa.String(length=60), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('staff', sa.String(length=40), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=True),
    sa.Column('last_called_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('recalls', sa.Integer(), nullable=False),
    sa.Column('services_delivered', sa.JSON(), nullable=False),
    sa.Column('transferred_from', sa.String(length=36), nullable=True),
    sa.Column('service_record_id', sa.String(length=36), nullable=True),
    sa.Column('source_event_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('service_record_id')
    )
    with op.batch_alter_table('queue_tickets', schema=None) as batch_op:
        batch_op.create_index('ix_queue_tickets_counter', ['station_id', 'counter', 'status'], unique=False)
        batch_op.create_index('ix_queue_tickets_line', ['station_id', 'day', 'status'], unique=False)

    op.create_table('rejected_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kiosk_id', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('service_records',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('person_key', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('service_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_records_station_id'), ['station_id'], unique=False)

    op.create_table('service_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('person_key', sa.String(length=64), nullable=False),
    sa.Column('window_day', sa.Date(), nullable=False),
    sa.Column('window_half', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(), nullable=True),
    sa.Column('staff', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_requests_station_id'), ['station_id'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('staff_actions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('staff', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_actions_station_id'), ['station_id'], unique=False)

    op.create_table('staff_counters',
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('counter', sa.String(length=20), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('staff', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('station_id', 'counter')
    )
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('station_id', 'name', name='uq_staff_users_station_name')
    )
    op.create_table('station_configs',
    sa.Column('station_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('station_id')
    )


def downgrade() -> None:
    op.drop_table('station_configs')
    op.drop_table('staff_users')
    op.drop_table('staff_counters')
    with op.batch_alter_table('staff_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_actions_station_id'))

    op.drop_table('staff_actions')
    op.drop_table('settings')
    with op.batch_alter_table('service_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_requests_station_id'))

    op.drop_table('service_requests')
    with op.batch_alter_table('service_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_records_station_id'))

    op.drop_table('service_records')
    op.drop_table('rejected_events')
    with op.batch_alter_table('queue_tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_tickets_line')
        batch_op.drop_index('ix_queue_tickets_counter')

    op.drop_table('queue_tickets')
    with op.batch_alter_table('nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nonces_seen_at'))

    op.drop_table('nonces')
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosks_station_id'))

    op.drop_table('kiosks')
    with op.batch_alter_table('feed_items', schema=None) as batch_op:
        batch_op.drop_index('ix_feed_items_feed_version')

    op.drop_table('feed_items')
    op.drop_table('feed_clocks')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_type'))
        batch_op.drop_index(batch_op.f('ix_events_station_id'))
        batch_op.drop_index(batch_op.f('ix_events_kiosk_id'))

    op.drop_table('events')
    with op.batch_alter_table('consult_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_consult_requests_pool_state')

    op.drop_table('consult_requests')
    with op.batch_alter_table('consult_callbacks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_callbacks_status'))
        batch_op.drop_index(batch_op.f('ix_consult_callbacks_station_id'))
        batch_op.drop_index(batch_op.f('ix_consult_callbacks_requested_at'))
        batch_op.drop_index(batch_op.f('ix_consult_callbacks_reference'))

    op.drop_table('consult_callbacks')
    with op.batch_alter_table('consult_advisors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_advisors_pool'))

    op.drop_table('consult_advisors')
    op.drop_table('calls')
    op.drop_table('call_clocks')
