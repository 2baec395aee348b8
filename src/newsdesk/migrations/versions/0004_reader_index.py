"""reader index: listed stories, facets (topics, entities, outlets, days), full-text search

Revision ID: 0004_reader
Revises: 0003_entry_retry
Create Date: 2026-12-06 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_reader'
down_revision = '0003_entry_retry'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reader_stories',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('headline', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('first_reported', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_updated', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outlets', sa.Integer(), nullable=False),
    sa.Column('sources', sa.Integer(), nullable=False),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('supported', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ),
    sa.PrimaryKeyConstraint('story_id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('reader_stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reader_stories_first_reported'), ['first_reported'], unique=False)
        batch_op.create_index(batch_op.f('ix_reader_stories_last_updated'), ['last_updated'], unique=False)

    op.create_table('reader_facets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('detail', sa.String(length=32), nullable=False),
    sa.Column('stories', sa.Integer(), nullable=False),
    sa.Column('last_updated', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'slug')
    )
    with op.batch_alter_table('reader_facets', schema=None) as batch_op:
        batch_op.create_index('ix_reader_facets_kind_stories', ['kind', 'stories'], unique=False)

    op.create_table('reader_facet_stories',
    sa.Column('facet_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('last_updated', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facet_id'], ['reader_facets.id'], ),
    sa.ForeignKeyConstraint(['story_id'], ['reader_stories.story_id'], ),
    sa.PrimaryKeyConstraint('facet_id', 'story_id')
    )
    with op.batch_alter_table('reader_facet_stories', schema=None) as batch_op:
        batch_op.create_index('ix_reader_facet_stories_order', ['facet_id', 'last_updated', 'story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reader_facet_stories_story_id'), ['story_id'], unique=False)

    # Full-text search: SQLite's FTS5 (rowid = story id, Porter stems, accents folded),
    # or PostgreSQL's text search over reader_stories.search_text.
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE reader_search USING fts5(headline, summary, body, "
                   "names, tokenize = 'porter unicode61 remove_diacritics 2')")
    elif dialect == 'postgresql':
        op.execute("CREATE INDEX ix_reader_stories_search ON reader_stories "
                   "USING gin (to_tsvector('english', search_text))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute("DROP TABLE reader_search")
    op.drop_table('reader_facet_stories')
    op.drop_table('reader_facets')
    op.drop_table('reader_stories')
