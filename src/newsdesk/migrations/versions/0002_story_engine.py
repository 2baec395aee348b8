"""story engine

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:22:06.526418
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('corpus_stats',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entities_kind'), ['kind'], unique=False)

    op.create_table('story_entities',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ),
    sa.PrimaryKeyConstraint('story_id', 'entity_id')
    )
    with op.batch_alter_table('story_entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_entities_entity_id'), ['entity_id'], unique=False)

    op.create_table('story_links',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('earlier_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('shared', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['earlier_id'], ['stories.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ),
    sa.PrimaryKeyConstraint('story_id', 'earlier_id')
    )
    with op.batch_alter_table('story_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_links_earlier_id'), ['earlier_id'], unique=False)

    op.create_table('story_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('story_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_updates_story_id'), ['story_id'], unique=False)

    op.create_table('document_entities',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'entity_id')
    )
    with op.batch_alter_table('document_entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_entities_entity_id'), ['entity_id'], unique=False)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('merged_into', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_stories_merged_into', 'stories', ['merged_into'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stories_merged_into', type_='foreignkey')
        batch_op.drop_column('merged_into')
        batch_op.drop_column('terms')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('terms')

    with op.batch_alter_table('document_entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_entities_entity_id'))

    op.drop_table('document_entities')
    with op.batch_alter_table('story_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_updates_story_id'))

    op.drop_table('story_updates')
    with op.batch_alter_table('story_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_links_earlier_id'))

    op.drop_table('story_links')
    with op.batch_alter_table('story_entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_entities_entity_id'))

    op.drop_table('story_entities')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_kind'))

    op.drop_table('entities')
    op.drop_table('corpus_stats')
