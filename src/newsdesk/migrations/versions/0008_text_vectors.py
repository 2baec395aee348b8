"""text vectors: embeddings of source sentences and other texts, stored once

Revision ID: 0008_text_vectors
Revises: 0007_story_vectors
Create Date: 2026-12-06 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_text_vectors'
down_revision = '0007_story_vectors'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('text_vectors',
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('model', 'digest')
    )


def downgrade() -> None:
    op.drop_table('text_vectors')
