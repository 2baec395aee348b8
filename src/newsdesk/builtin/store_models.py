"""Database tables of the SQL store (SQLAlchemy 2 declarative models).

The schema is created and changed only by the Alembic migrations in
``newsdesk/migrations``; these models describe the head revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from newsdesk.records import utcnow

URL = String(2048)


class Base(DeclarativeBase):
    """Declarative base of newsdesk's tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class SourceRow(Base):
    """A feed, list, page or file newsdesk reads, with its HTTP cache validators."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(URL, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text, default="")
    etag: Mapped[str | None] = mapped_column(String(512), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(128), nullable=True)
    last_status: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_fetched_at: Mapped[datetime | None] = mapped_column(nullable=True)
    entries_found: Mapped[int] = mapped_column(Integer, default=0)


class EntryRow(Base):
    """An article URL waiting to be fetched (the resumable work queue of a run).

    ``status`` is ``pending``, ``fetching`` (being handled; left so by a run that died),
    ``done``, ``failed`` or ``skipped``; ``attempts`` counts finished and interrupted tries.
    """

    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(URL, unique=True)
    source_url: Mapped[str] = mapped_column(URL, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: When a failed entry is due for another try (``None``: never by itself).
    retry_at: Mapped[datetime | None] = mapped_column(nullable=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    discovered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The worker holding this entry (``host:pid:start``) and until when; see
    #: :mod:`newsdesk.builtin.store_claims`. ``None`` when nobody works on it.
    claimed_by: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    #: What a worker fetched and extracted for the entry (status ``fetched``), waiting
    #: to be stored as a document in entry order.
    fetched: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True)


class DocumentRow(Base):
    """An extracted source article. ``stage`` tells which pipeline step it has passed."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(URL)
    canonical_url: Mapped[str] = mapped_column(URL, unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    site_name: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="")
    text: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(URL, default="")
    extractor: Mapped[str] = mapped_column(String(64), default="")
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    stage: Mapped[str] = mapped_column(String(16), default="extracted", index=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    duplicate_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    duplicate_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    names: Mapped[list[Any]] = mapped_column(JSON, default=list)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"), nullable=True,
                                                 index=True)
    story_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The worker holding this document (``host:pid:start``) and until when; see
    #: :mod:`newsdesk.builtin.store_claims`. ``None`` when nobody works on it.
    claimed_by: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    #: The entities a worker found (stage ``annotated``), until they are indexed.
    annotations: Mapped[list[Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True)


class StoryRow(Base):
    """A story: documents about one event, with a running centroid."""

    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_published: Mapped[datetime | None] = mapped_column(nullable=True)
    last_published: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    doc_count: Mapped[int] = mapped_column(Integer, default=0)
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    needs_write: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    write_status: Mapped[str] = mapped_column(String(64), default="")
    merged_into: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", name="fk_stories_merged_into"), nullable=True)
    #: Story assignment not yet finished for this story: "new" (started by the pending
    #: pass) or "grown" (gained documents in it); "" when its entities, thread links and
    #: update record are up to date. See :mod:`newsdesk.stages.cluster`.
    assign_state: Mapped[str] = mapped_column(String(8), default="", server_default="",
                                              index=True)
    #: The worker holding this story (``host:pid:start``) and until when; see
    #: :mod:`newsdesk.builtin.store_claims`. ``None`` when nobody works on it.
    claimed_by: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    #: The article a worker drafted and verified, with what happened
    #: (``{"status": ..., "article": ...}``), until it is stored as a version.
    draft: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True)


class ArticleRow(Base):
    """One written version of a story's article; the newest version is the current one."""

    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("story_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(200), index=True)
    headline: Mapped[str] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class RelatedRow(Base):
    """A related-story link, with its score."""

    __tablename__ = "related"
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    related_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class EntityRow(Base):
    """A normalised named entity (person, organisation, place or date); see
    :mod:`newsdesk.entities` for what makes two mentions one entity."""

    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(Text)
    documents: Mapped[int] = mapped_column(Integer, default=0)


class DocumentEntityRow(Base):
    """An entity named in a document, with how often."""

    __tablename__ = "document_entities"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True,
                                           index=True)
    mentions: Mapped[int] = mapped_column(Integer, default=1)


class StoryEntityRow(Base):
    """An entity of a story: how many of its documents name it (short forms folded in)."""

    __tablename__ = "story_entities"
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True,
                                           index=True)
    documents: Mapped[int] = mapped_column(Integer, default=1)
    mentions: Mapped[int] = mapped_column(Integer, default=1)


class StoryLinkRow(Base):
    """A story thread link: ``story_id`` follows the earlier story ``earlier_id``."""

    __tablename__ = "story_links"
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    earlier_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), primary_key=True,
                                            index=True)
    score: Mapped[float] = mapped_column(Float)
    shared: Mapped[list[Any]] = mapped_column(JSON, default=list)


class StoryUpdateRow(Base):
    """What changed when a story gained sources: new documents, outlets and facts."""

    __tablename__ = "story_updates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class CorpusStatsRow(Base):
    """Archive-wide statistics kept between runs (the keyword document frequencies)."""

    __tablename__ = "corpus_stats"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProblemRow(Base):
    """An item-level failure recorded during a run (bad feed, 404, empty page...)."""

    __tablename__ = "problems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    stage: Mapped[str] = mapped_column(String(32))
    item: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunRow(Base):
    """One invocation of a pipeline command, with its counts."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    command: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StoreLockRow(Base):
    """The lock that lets one pipeline run at a time work on the store: who holds it
    (host, pid and the process's start time, so a reused pid is not mistaken for the
    holder) and when it last showed it was alive. See :mod:`newsdesk.store_lock`."""

    __tablename__ = "store_lock"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(300))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    command: Mapped[str] = mapped_column(String(32), default="")
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class TextVectorRow(Base):
    """The embedding of one text (a source sentence, a title, a written sentence) by one
    model, keyed by a digest of the text: computed once, read again whenever a story is
    rewritten. See :mod:`newsdesk.builtin.store_text_vectors`."""

    __tablename__ = "text_vectors"
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class WorkQueueRow(Base):
    """A kind of shared work (``fetch``, ``annotate``, ``draft``) that workers may claim
    now, as the run holding the store lock opened it. See
    :mod:`newsdesk.builtin.store_claims`."""

    __tablename__ = "work_queues"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), nullable=True)
    batch_size: Mapped[int] = mapped_column(Integer)
    lease: Mapped[float] = mapped_column(Float)
    #: The run's resolved settings (its database URL left out), which workers use.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_documents_stage_published", DocumentRow.stage, DocumentRow.published_at)
