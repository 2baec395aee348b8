"""Tables of the reader index: what the site, the feeds and the JSON API list.

The pipeline's own tables keep each article as one JSON record, which is right for
writing and wrong for listing: a home page would have to read every article to sort
them. The reader index keeps one narrow row per published story (headline, summary,
the news's own times, counts) and the story's memberships in *facets*, the lists a
reader browses (a topic, a named entity, an outlet, a day), so every list is one
indexed, paginated query. Full-text search uses SQLite FTS5 (table ``reader_search``,
created by the migration) or PostgreSQL's own text search over ``search_text``.

The index is rebuilt from the current articles by :meth:`ReaderStore.sync_reader_index`
(the relate and publish steps call it); rows whose signature did not change are left
alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from newsdesk.builtin.store_models import Base


class ReaderStoryRow(Base):
    """One published story as lists show it."""

    __tablename__ = "reader_stories"
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    headline: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    first_reported: Mapped[datetime] = mapped_column(index=True)
    last_updated: Mapped[datetime] = mapped_column(index=True)
    outlets: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[int] = mapped_column(Integer, default=0)
    checked: Mapped[int] = mapped_column(Integer, default=0)
    supported: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    signature: Mapped[str] = mapped_column(String(64))
    # PostgreSQL searches this column (a GIN index over its tsvector); SQLite keeps the
    # text in the FTS5 table instead and leaves it empty.
    search_text: Mapped[str] = mapped_column(Text, default="")


class ReaderFacetRow(Base):
    """A list readers browse: a topic, an entity, an outlet or a day."""

    __tablename__ = "reader_facets"
    __table_args__ = (UniqueConstraint("kind", "slug"),
                      Index("ix_reader_facets_kind_stories", "kind", "stories"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(String(32), default="")  # an entity's kind
    stories: Mapped[int] = mapped_column(Integer, default=0)
    last_updated: Mapped[datetime | None] = mapped_column(nullable=True)


class ReaderFacetStoryRow(Base):
    """A story in a facet, with the time lists sort it by."""

    __tablename__ = "reader_facet_stories"
    __table_args__ = (Index("ix_reader_facet_stories_order", "facet_id", "last_updated",
                            "story_id"),)
    facet_id: Mapped[int] = mapped_column(ForeignKey("reader_facets.id"), primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("reader_stories.story_id"),
                                          primary_key=True, index=True)
    last_updated: Mapped[datetime] = mapped_column()
