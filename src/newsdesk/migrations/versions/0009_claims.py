"""work claims: entries, documents and stories carry a claim (who, until when) and the
result a worker computed for them, so several workers share one run's work

Revision ID: 0009_claims
Revises: 0008_text_vectors
Create Date: 2026-12-06 08:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_claims'
down_revision = '0008_text_vectors'
branch_labels = None
depends_on = None

#: (table, the column holding a worker's result for the item)
TABLES = (('entries', 'fetched'), ('documents', 'annotations'), ('stories', 'draft'))


def upgrade() -> None:
    for table, result in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('claimed_by', sa.String(length=300), nullable=True))
            batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column(result, sa.JSON(none_as_null=True), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_claimed_by'), ['claimed_by'],
                                  unique=False)
    op.create_table('work_queues',
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('batch_size', sa.Integer(), nullable=False),
    sa.Column('lease', sa.Float(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('work_queues')
    for table, result in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_claimed_by'))
            batch_op.drop_column(result)
            batch_op.drop_column('lease_until')
            batch_op.drop_column('claimed_by')
