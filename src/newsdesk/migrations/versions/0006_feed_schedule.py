"""feed schedule: when the daemon polls each source next, its interval and failures

Revision ID: 0006_feed_schedule
Revises: 0005_run_safety
Create Date: 2026-12-07 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0006_feed_schedule'
down_revision = '0005_run_safety'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('next_poll_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('interval', sa.Float(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_status', sa.String(length=64), nullable=False),
    sa.Column('last_reason', sa.Text(), nullable=False),
    sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_new_entries', sa.Integer(), nullable=False),
    sa.Column('polls', sa.Integer(), nullable=False),
    sa.Column('failed_polls', sa.Integer(), nullable=False),
    sa.Column('new_entries', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    with op.batch_alter_table('feed_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_schedule_next_poll_at'), ['next_poll_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('feed_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_schedule_next_poll_at'))
    op.drop_table('feed_schedule')
