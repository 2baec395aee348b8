"""run safety: the store lock and the per-story state of an unfinished story assignment

Revision ID: 0005_run_safety
Revises: 0004_reader
Create Date: 2026-12-06 02:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_run_safety'
down_revision = '0004_reader'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('store_lock',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('owner', sa.String(length=300), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('command', sa.String(length=32), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assign_state', sa.String(length=8), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_stories_assign_state'), ['assign_state'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_assign_state'))
        batch_op.drop_column('assign_state')
    op.drop_table('store_lock')
