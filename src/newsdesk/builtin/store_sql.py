"""The SQL store: SQLite by default, PostgreSQL by URL, through SQLAlchemy 2.

Every write is idempotent where the pipeline needs it to be: sources and entries are
keyed by URL, documents by canonical URL (and linked by content hash), so ingesting
the same source twice changes nothing. Each stage marks what it has done on the row
(``documents.stage``, ``entries.status``), which is what makes a crashed run resumable.

Several store calls that must land together (a document's story assignment, a story's
entities, thread links and update record) run inside :meth:`SqlStore.transaction`: one
commit for all of them, or none. The SQLite file, its WAL and shared-memory files and
the folder created for them are private to the user (0600 and 0700): the database holds
the fetched text and the source URLs, which may carry credentials.
"""

from __future__ import annotations

import importlib.resources
import logging
import os
import stat
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, event, func, null, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from newsdesk.builtin.store_claims import ClaimStore
from newsdesk.builtin.store_entities import EntityStore
from newsdesk.builtin.store_models import (
    ArticleRow,
    DocumentRow,
    EntryRow,
    ProblemRow,
    RelatedRow,
    RunRow,
    SourceRow,
    StoryRow,
)
from newsdesk.builtin.store_reader import ReaderStore
from newsdesk.builtin.store_status import StatusStore
from newsdesk.builtin.store_text_vectors import TextVectorStore
from newsdesk.builtin.store_vectors import VectorStore
from newsdesk.errors import StoreError
from newsdesk.records import (
    Article,
    Document,
    Entry,
    Problem,
    RelatedRef,
    edited,
    parse_iso,
    utcnow,
)
from newsdesk.redact import redact_text, redact_url

log = logging.getLogger(__name__)

# Orderings on a time that may be missing (a document without a date, a story without
# sources) say where the missing ones go: SQLite sorts NULL as the smallest value and
# PostgreSQL as the largest, and a story's sources must come in one order on both.

#: Document stages in pipeline order; a document's ``stage`` is the last one it passed.
#: ``annotated``: a worker stored its embedding and entities, which are not yet indexed
#: (keyword statistics, entity tables; see :mod:`newsdesk.stages.cluster`);
#: ``assigned``: in its story, whose entities, links and update record are not yet
#: refreshed (see :mod:`newsdesk.stages.cluster`); ``clustered``: all of that is done.
STAGES = ("extracted", "deduped", "annotated", "embedded", "assigned", "clustered")


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: every stored time is UTC, so label it so."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """Store a vector as little-endian float32 bytes."""
    return np.asarray(vector, dtype="<f4").tobytes()


def bytes_to_vector(blob: bytes) -> np.ndarray:
    """The float32 vector stored by :func:`vector_to_bytes`."""
    return np.frombuffer(blob, dtype="<f4")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (serve) never block the pipeline
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_manual_begin(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own BEGIN is deferred; ours (below) takes the write lock first.
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Any) -> None:
    # Several processes write one SQLite file when workers share a run. A deferred
    # transaction that reads, then writes after another process committed, fails at
    # once with "database is locked" (its snapshot is stale; SQLite cannot wait that
    # out). Taking the write lock at BEGIN makes every writer wait its turn instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def private_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and the empty database file (0600) of a new SQLite store
    before SQLite does, so neither is ever readable by other users; SQLite gives the
    WAL and shared-memory files the database file's permissions. An existing store that
    others can read is left as it is, with a warning."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            log.warning("database %s can be read by other users (mode %o); "
                        "`chmod 600 %s*` makes it private", path, stat.S_IMODE(mode), path)


def _added(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """Counts added key by key (a value that is not a number is replaced)."""
    total = dict(base)
    for key, value in more.items():
        if isinstance(value, int) and isinstance(total.get(key), int):
            total[key] += value
        else:
            total[key] = value
    return total


class SqlStore(ClaimStore, EntityStore, ReaderStore, StatusStore, VectorStore,
               TextVectorStore):
    """newsdesk's database. Open with :meth:`open`, which also migrates to the newest schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        self._local = threading.local()  # the session of this thread's open transaction

    @classmethod
    def open(cls, url: str, migrate: bool = True, *, shared_writes: bool = False) -> SqlStore:
        """Connect to ``url`` (sqlite:///path or postgresql+psycopg://...) and migrate it.

        ``shared_writes``: other processes write the store at the same time (the workers
        of one run). On SQLite every transaction then begins with ``BEGIN IMMEDIATE``
        and waits up to a minute for the write lock; PostgreSQL needs nothing.

        Raises:
            StoreError: the database cannot be reached, or its driver is not installed.
        """
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if str(path) != ":memory:":
                try:
                    private_sqlite_file(path)
                except OSError as exc:
                    raise StoreError(f"cannot create database {path}: {exc}") from exc
        sqlite = url.startswith("sqlite")
        try:
            engine = create_engine(url, future=True,
                                   connect_args={"timeout": 60} if sqlite else {})
        except (ImportError, SQLAlchemyError) as exc:
            hint = " (pip install 'newsdesk[postgres]')" if url.startswith("postgres") else ""
            raise StoreError(f"cannot open database {redact_url(url)}: "
                             f"{redact_text(str(exc))}{hint}") from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            if shared_writes:
                event.listen(engine, "connect", _sqlite_manual_begin)
                event.listen(engine, "begin", _sqlite_begin_immediate)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is already there)."""
        config = Config()
        config.set_main_option(
            "script_location", str(importlib.resources.files("newsdesk") / "migrations")
        )
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                self.enable_story_vectors(connection)  # pgvector installed since
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate database {redact_url(str(self.engine.url))}: "
                             f"{redact_text(str(exc))}") from exc

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error. Inside
        :meth:`transaction` it is the transaction's session, committed at its end."""
        active: Session | None = getattr(self._local, "session", None)
        if active is not None:
            yield active
            return
        session = self._session()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise StoreError(f"database write failed: {redact_text(str(exc))}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make every store call in the block (in this thread) one transaction: all of
        their writes are committed together at the end, or none when the block raises
        or the process dies. Nested blocks join the outermost one."""
        if getattr(self._local, "session", None) is not None:
            yield
            return
        with self.session() as session:
            self._local.session = session
            try:
                yield
            finally:
                self._local.session = None

    # -- runs and problems -------------------------------------------------------------

    def start_run(self, command_name: str) -> int:
        """Record the start of a run and return its id."""
        with self.session() as s:
            row = RunRow(command=command_name, counts={})
            s.add(row)
            s.flush()
            return row.id

    def finish_run(self, run_id: int, status: str, counts: dict[str, Any]) -> None:
        """Record how a run ended, its counts added to those its workers recorded."""
        with self.session() as s:
            row = s.scalar(select(RunRow).where(RunRow.id == run_id).with_for_update())
            if row is None:
                return
            row.counts = _added(row.counts or {}, counts)
            row.status = status
            row.finished_at = utcnow()

    def add_run_counts(self, run_id: int, counts: dict[str, int]) -> None:
        """Add a worker's counts to its run's (the run's own are added when it ends)."""
        if not counts:
            return
        with self.session() as s:
            row = s.scalar(select(RunRow).where(RunRow.id == run_id).with_for_update())
            if row is not None:
                row.counts = _added(row.counts or {}, counts)

    def run_counts(self, run_id: int) -> dict[str, Any]:
        """The counts recorded for a run so far (its workers')."""
        with self.session() as s:
            return dict(s.scalar(select(RunRow.counts).where(RunRow.id == run_id)) or {})

    def mark_interrupted_runs(self) -> list[int]:
        """Mark runs still recorded as ``running`` as ``interrupted``; returns their ids.

        Call it only while holding the store lock (:mod:`newsdesk.store_lock`): then no
        other run is alive, so a run left ``running`` was killed before it could record
        how it ended.
        """
        with self.session() as s:
            ids = list(s.scalars(select(RunRow.id).where(RunRow.status == "running")
                                 .order_by(RunRow.id)))
            if ids:
                s.execute(update(RunRow).where(RunRow.id.in_(ids))
                          .values(status="interrupted"))
            return ids

    def recent_runs(self, limit: int = 5) -> list[dict[str, Any]]:
        """The latest runs, newest first: id, command, status, start and end times."""
        with self.session() as s:
            rows = s.scalars(select(RunRow).order_by(RunRow.id.desc()).limit(limit))
            return [{"id": r.id, "command": r.command, "status": r.status,
                     "started_at": as_utc(r.started_at), "finished_at": as_utc(r.finished_at)}
                    for r in rows]

    def record_problems(self, problems: Sequence[Problem], run_id: int | None = None) -> None:
        """Store item-level failures so `newsdesk stats` and the logs can show them.
        Secrets in URLs (passwords, tokens) are masked before they are stored."""
        if not problems:
            return
        with self.session() as s:
            s.add_all(
                ProblemRow(run_id=run_id, stage=p.stage, item=redact_text(p.item)[:2000],
                           reason=p.reason, detail=redact_text(p.detail)[:4000])
                for p in problems
            )

    def problems(self, limit: int = 50) -> list[Problem]:
        """The most recent recorded problems, newest first."""
        with self.session() as s:
            rows = s.scalars(select(ProblemRow).order_by(ProblemRow.id.desc()).limit(limit))
            return [Problem(r.stage, r.item, r.reason, r.detail) for r in rows]

    # -- sources and entries -----------------------------------------------------------

    def source_validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified last seen for ``url`` (for a conditional request)."""
        with self.session() as s:
            row = s.scalar(select(SourceRow).where(SourceRow.url == url))
            return (row.etag, row.last_modified) if row else (None, None)

    def update_source(self, url: str, kind: str, *, status: str, error: str = "",
                      title: str | None = None, etag: str | None = None,
                      last_modified: str | None = None, entries_found: int = 0) -> None:
        """Create or update a source's row after fetching it."""
        with self.session() as s:
            row = s.scalar(select(SourceRow).where(SourceRow.url == url))
            if row is None:
                row = SourceRow(url=url, kind=kind, title="", last_status="", last_error="",
                                entries_found=0)
                s.add(row)
            row.kind = kind
            row.last_status = status
            row.last_error = redact_text(error)
            row.last_fetched_at = utcnow()
            if title:
                row.title = title
            if etag is not None:
                row.etag = etag
            if last_modified is not None:
                row.last_modified = last_modified
            row.entries_found = (row.entries_found or 0) + entries_found

    def add_entries(self, entries: Sequence[Entry]) -> int:
        """Queue article entries for fetching (see :meth:`queue_entries`). Returns the
        number of new entries."""
        return self.queue_entries(entries)[0]

    def queue_entries(self, entries: Sequence[Entry]) -> tuple[int, int]:
        """Queue article entries for fetching. Returns (new entries, edited entries).

        An entry already known is queued again only when the source that first listed
        it shows it edited (:func:`newsdesk.records.edited`: title, summary, content or
        ``updated`` time changed) and it was stored as a document: the page is fetched
        again and, if its text or title changed, the document is updated and its story
        rewritten (:meth:`save_document`). Another source listing the same URL never
        re-queues it, so two feeds describing one page differently cannot make it be
        fetched on every poll.
        """
        if not entries:
            return 0, 0
        unique: dict[str, Entry] = {}
        for entry in entries:
            # Two sources listing one article: keep the entry carrying the most text of its
            # own (the fallback when the page has none), the first one on a tie.
            if entry.url not in unique or len(entry.content) > len(unique[entry.url].content):
                unique[entry.url] = entry
        with self.session() as s:
            rows = {r.url: r for r in s.scalars(
                select(EntryRow).where(EntryRow.url.in_(list(unique))))}
            known = set(rows) | set(
                s.scalars(select(DocumentRow.canonical_url)
                          .where(DocumentRow.canonical_url.in_(list(unique))))
            )
            new = [e for url, e in unique.items() if url not in known]
            s.add_all(EntryRow(url=e.url, source_url=e.source_url, data=e.to_dict()) for e in new)
            edits = 0
            for url, row in rows.items():
                entry = unique[url]
                if (row.status == "done" and row.source_url == entry.source_url
                        and edited(row.data, entry)):
                    row.data = entry.to_dict()
                    row.status, row.reason, row.detail = "pending", "edited", ""
                    row.attempts, row.retry_at, row.fetched = 0, None, None
                    row.claimed_by = row.lease_until = None
                    row.updated_at = utcnow()
                    edits += 1
            return len(new), edits

    def pending_entries(self, limit: int | None = None,
                        now: datetime | None = None) -> list[Entry]:
        """Entries to fetch, oldest first: those never tried (including those a crashed
        run left behind) and failed ones whose ``retry_at`` has come."""
        now = now or utcnow()
        with self.session() as s:
            due = (EntryRow.status == "failed") & EntryRow.retry_at.is_not(None) & (
                EntryRow.retry_at <= now)
            query = (select(EntryRow).where((EntryRow.status == "pending") | due)
                     .order_by(EntryRow.id))
            if limit:
                query = query.limit(limit)
            return [Entry.from_dict(r.data) for r in s.scalars(query)]

    def requeue_due_entries(self, now: datetime | None = None) -> int:
        """Put failed entries whose ``retry_at`` has come back in the queue (``pending``),
        where workers claim them. Returns how many."""
        now = now or utcnow()
        with self.session() as s:
            result = s.execute(update(EntryRow).where(
                EntryRow.status == "failed", EntryRow.retry_at.is_not(None),
                EntryRow.retry_at <= now).values(status="pending", retry_at=None))
            return int(getattr(result, "rowcount", 0) or 0)

    def start_entry(self, url: str) -> None:
        """Mark an entry as being handled (``fetching``). A run that dies leaves it so, and
        :meth:`recover_interrupted_entries` counts that as an attempt."""
        with self.session() as s:
            s.execute(update(EntryRow).where(EntryRow.url == url)
                      .values(status="fetching", updated_at=utcnow()))

    def release_entry(self, url: str) -> None:
        """Put an entry being handled back in the queue, counting no attempt (the run was
        interrupted by the operator, not by the entry)."""
        with self.session() as s:
            s.execute(update(EntryRow).where(EntryRow.url == url, EntryRow.status == "fetching")
                      .values(status="pending", updated_at=utcnow()))

    def recover_interrupted_entries(self, max_attempts: int,
                                    now: datetime | None = None) -> tuple[int, int]:
        """Entries left ``fetching`` by a worker that died (no claim on them any more, or
        an expired one; see :meth:`expire_claims`): each counts an attempt; those with
        attempts left go back to the queue, the rest fail as ``interrupted``.

        Returns ``(queued again, given up)``.
        """
        now = now or utcnow()
        with self.session() as s:
            rows = list(s.scalars(select(EntryRow).where(
                EntryRow.status == "fetching",
                EntryRow.claimed_by.is_(None) | (EntryRow.lease_until < now))))
            given_up = 0
            for row in rows:
                row.attempts = (row.attempts or 0) + 1
                row.claimed_by = row.lease_until = None
                row.updated_at = utcnow()
                if row.attempts >= max_attempts:
                    row.status, row.reason = "failed", "interrupted"
                    row.detail = (f"the process stopped {row.attempts} times while handling "
                                  "this entry; newsdesk ingest --retry-failed tries it again")
                    row.retry_at = None
                    given_up += 1
                else:
                    row.status = "pending"
            return len(rows) - given_up, given_up

    def finish_entry(self, url: str, status: str, reason: str = "", detail: str = "",
                     document_id: int | None = None) -> None:
        """Mark an entry fetched (``done``), ``failed`` or ``skipped``, with the reason."""
        with self.session() as s:
            s.execute(
                update(EntryRow).where(EntryRow.url == url).values(
                    status=status, reason=reason[:64], detail=redact_text(detail)[:4000],
                    document_id=document_id, attempts=EntryRow.attempts + 1,
                    updated_at=utcnow(), retry_at=None, fetched=null(), claimed_by=None,
                    lease_until=None,
                )
            )

    def fail_entry(self, url: str, reason: str, detail: str = "", *, backoff: float = 0.0,
                   max_attempts: int = 1) -> datetime | None:
        """Mark an entry ``failed`` and count the attempt. With ``backoff`` (seconds) and
        attempts left (fewer than ``max_attempts``), it is due again after ``backoff``
        doubled for every earlier attempt; returns that time, or ``None`` (no retry)."""
        with self.session() as s:
            row = s.scalar(select(EntryRow).where(EntryRow.url == url))
            if row is None:
                return None
            row.attempts = (row.attempts or 0) + 1
            row.status, row.reason = "failed", reason[:64]
            row.detail = redact_text(detail)[:4000]
            row.updated_at = utcnow()
            row.retry_at = None
            row.fetched = None
            row.claimed_by = row.lease_until = None
            if backoff > 0 and row.attempts < max_attempts:
                row.retry_at = utcnow() + timedelta(seconds=backoff * 2 ** (row.attempts - 1))
            return row.retry_at

    def retry_failed_entries(self) -> int:
        """Put failed entries back in the queue; returns how many."""
        with self.session() as s:
            result = s.execute(
                update(EntryRow).where(EntryRow.status == "failed")
                .values(status="pending", retry_at=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # -- documents ---------------------------------------------------------------------

    def save_document(self, doc: Document) -> tuple[int, str]:
        """Insert or update a document keyed by canonical URL.

        Returns ``(id, outcome)`` where outcome is ``new``, ``unchanged`` (same canonical
        URL, same content hash and title: nothing written) or ``updated`` (the text or
        the title changed: the document goes through dedupe, embedding and clustering
        again, keeps its story, and the story is written again).
        """
        with self.session() as s:
            row = s.scalar(select(DocumentRow)
                           .where(DocumentRow.canonical_url == doc.canonical_url))
            fields = {
                "url": doc.url, "title": doc.title, "author": doc.author,
                "published_at": doc.published_at, "site_name": doc.site_name,
                "language": doc.language, "text": doc.text, "source_url": doc.source_url,
                "extractor": doc.extractor, "content_hash": doc.content_hash,
            }
            if row is None:
                row = DocumentRow(canonical_url=doc.canonical_url, stage="extracted", names=[],
                                  **fields)
                s.add(row)
                s.flush()
                return row.id, "new"
            if row.content_hash == doc.content_hash and row.title == doc.title:
                return row.id, "unchanged"
            for key, value in fields.items():
                setattr(row, key, value)
            row.stage = "extracted"
            row.annotations = None
            row.claimed_by = row.lease_until = None
            row.fetched_at = utcnow()
            if row.story_id is not None:
                s.execute(update(StoryRow).where(StoryRow.id == row.story_id)
                          .values(needs_write=True))
            return row.id, "updated"

    def documents_at_stage(self, stage: str, limit: int | None = None) -> list[Document]:
        """Documents whose last completed stage is ``stage``, in publication order."""
        with self.session() as s:
            query = (select(DocumentRow).where(DocumentRow.stage == stage)
                     .order_by(DocumentRow.published_at.is_(None), DocumentRow.published_at,
                               DocumentRow.id))
            if limit:
                query = query.limit(limit)
            return [self._doc(r) for r in s.scalars(query)]

    def document(self, doc_id: int) -> Document | None:
        """One document by id."""
        with self.session() as s:
            row = s.get(DocumentRow, doc_id)
            return self._doc(row) if row else None

    def site_texts(self, host: str) -> list[tuple[str, str]]:
        """(canonical URL, text) of every stored document of ``host`` (with or without
        ``www.``, over http or https), oldest first: what boilerplate learning reads."""
        host = host.lower().removeprefix("www.")
        escaped = host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        url = DocumentRow.canonical_url
        where = (url.like(f"https://{escaped}/%", escape="\\")
                 | url.like(f"http://{escaped}/%", escape="\\")
                 | url.like(f"https://www.{escaped}/%", escape="\\")
                 | url.like(f"http://www.{escaped}/%", escape="\\"))
        with self.session() as s:
            rows = s.execute(select(url, DocumentRow.text).where(where).order_by(DocumentRow.id))
            return [(str(u), str(t)) for u, t in rows]

    def documents(self, ids: Sequence[int]) -> list[Document]:
        """Documents by id, in the order given."""
        with self.session() as s:
            rows = {r.id: r for r in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)))}
            return [self._doc(rows[i]) for i in ids if i in rows]

    def document_by_hash(self, content_hash: str, exclude_id: int) -> int | None:
        """The oldest other document with exactly this text, if any."""
        with self.session() as s:
            return s.scalar(
                select(DocumentRow.id)
                .where(DocumentRow.content_hash == content_hash, DocumentRow.id != exclude_id,
                       DocumentRow.stage != "extracted")
                .order_by(DocumentRow.id).limit(1)
            )

    def minhashes_near(self, published: datetime | None, window_days: float,
                       exclude_id: int) -> list[tuple[int, bytes]]:
        """(id, minhash) of deduplicated originals published within the window."""
        with self.session() as s:
            query = select(DocumentRow.id, DocumentRow.minhash).where(
                DocumentRow.minhash.is_not(None), DocumentRow.duplicate_of.is_(None),
                DocumentRow.id != exclude_id, DocumentRow.stage != "extracted",
            )
            if published is not None:
                delta = timedelta(days=window_days)
                query = query.where(DocumentRow.published_at.between(published - delta,
                                                                     published + delta))
            # In id order: without ORDER BY, PostgreSQL returns rows as they lie on disk,
            # which updates reshuffle, and the first of equally near originals must win.
            query = query.order_by(DocumentRow.id)
            return [(i, m) for i, m in s.execute(query) if m is not None]

    def mark_deduped(self, doc_id: int, minhash: bytes, duplicate_of: int | None,
                     kind: str | None, score: float | None) -> None:
        """Store a document's MinHash and its duplicate link (if any)."""
        with self.session() as s:
            s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(
                minhash=minhash, duplicate_of=duplicate_of, duplicate_kind=kind,
                duplicate_score=score, stage="deduped"))

    def mark_embedded(self, items: Sequence[tuple[int, np.ndarray, list[str], dict[str, float]]]
                      ) -> None:
        """Store each document's embedding, entity match keys and keyword vector, moving
        it to ``embedded``."""
        with self.session() as s:
            for doc_id, vector, names, terms in items:
                s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(
                    embedding=vector_to_bytes(vector), names=names, terms=terms,
                    stage="embedded", annotations=null()))

    def embedding(self, doc_id: int) -> tuple[np.ndarray, list[str], dict[str, float]]:
        """A document's stored embedding, entity match keys and keyword vector."""
        with self.session() as s:
            row = s.get(DocumentRow, doc_id)
            if row is None or row.embedding is None:
                raise StoreError(f"document {doc_id} has no embedding yet")
            return bytes_to_vector(row.embedding), list(row.names or []), dict(row.terms or {})

    # -- stories -----------------------------------------------------------------------

    def active_stories(self, since: datetime | None) -> list[dict[str, Any]]:
        """Stories whose newest source is at or after ``since`` (all when ``None``);
        stories merged into another are left out."""
        with self.session() as s:
            query = select(StoryRow).where(StoryRow.merged_into.is_(None)).order_by(StoryRow.id)
            if since is not None:
                query = query.where(StoryRow.last_published >= since)
            return [self._story(r) for r in s.scalars(query)]

    def story(self, story_id: int) -> dict[str, Any] | None:
        """One story as a dict (id, centroid, names, doc_count, times, needs_write)."""
        with self.session() as s:
            row = s.get(StoryRow, story_id)
            return self._story(row) if row else None

    def save_story(self, story: dict[str, Any]) -> int:
        """Create (no ``id``) or update a story from the dict :meth:`story` returns.

        A created story is marked ``assign_state="new"`` and an existing one that is not
        yet marked ``"grown"``: their entities, thread links and update record are due
        (:meth:`finish_story_assignment` clears the mark).
        """
        with self.session() as s:
            row = s.get(StoryRow, story["id"]) if story.get("id") else None
            if row is None:
                row = StoryRow(write_status="", assign_state="new")
                s.add(row)
            elif not row.assign_state:
                row.assign_state = "grown"
            row.centroid = vector_to_bytes(story["centroid"])
            row.names = story["names"]
            row.terms = story.get("terms", {})
            row.doc_count = story["doc_count"]
            row.first_published = story["first_published"]
            row.last_published = story["last_published"]
            row.needs_write = story.get("needs_write", True)
            row.updated_at = utcnow()
            s.flush()
            self.save_story_vector(s, row.id, story["centroid"])
            return row.id

    def assign_story(self, doc_id: int, story_id: int, score: float | None) -> None:
        """Put a document in a story (stage ``assigned``: the story's entities, links and
        update record still have to take it in)."""
        with self.session() as s:
            s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(
                story_id=story_id, story_score=score, stage="assigned"))

    def stories_pending_assignment(self) -> list[tuple[int, str]]:
        """(story id, ``"new"`` or ``"grown"``) of every story whose assignment is not
        finished, oldest first: what a run killed during story assignment left to do."""
        with self.session() as s:
            rows = s.execute(select(StoryRow.id, StoryRow.assign_state)
                             .where(StoryRow.assign_state != "", StoryRow.merged_into.is_(None))
                             .order_by(StoryRow.id))
            return [(int(i), str(state)) for i, state in rows]

    def assigned_documents(self, story_id: int) -> list[int]:
        """Ids of a story's documents at stage ``assigned`` (joined it in the pending
        pass), oldest first."""
        with self.session() as s:
            return list(s.scalars(select(DocumentRow.id).where(
                DocumentRow.story_id == story_id, DocumentRow.stage == "assigned")
                .order_by(DocumentRow.published_at.asc().nulls_first(), DocumentRow.id)))

    def finish_story_assignment(self, story_id: int) -> list[int]:
        """Mark a story's newly assigned documents ``clustered`` and the story's
        assignment finished. Returns those documents' ids."""
        with self.session() as s:
            ids = list(s.scalars(select(DocumentRow.id).where(
                DocumentRow.story_id == story_id, DocumentRow.stage == "assigned")))
            if ids:
                s.execute(update(DocumentRow).where(DocumentRow.id.in_(ids))
                          .values(stage="clustered"))
            s.execute(update(StoryRow).where(StoryRow.id == story_id).values(assign_state=""))
            return ids

    def story_member_vectors(self, story_id: int, limit: int) -> list[np.ndarray]:
        """Embeddings of a story's ``limit`` newest documents, oldest of them first."""
        with self.session() as s:
            rows = s.scalars(select(DocumentRow.embedding)
                             .where(DocumentRow.story_id == story_id,
                                    DocumentRow.embedding.is_not(None))
                             .order_by(DocumentRow.published_at.desc().nulls_last(),
                                       DocumentRow.id.desc())
                             .limit(limit))
            return [bytes_to_vector(b) for b in reversed(list(rows)) if b is not None]

    def story_documents(self, story_id: int) -> list[Document]:
        """Every document of a story, oldest first (duplicates included)."""
        with self.session() as s:
            rows = s.scalars(select(DocumentRow).where(DocumentRow.story_id == story_id)
                             .order_by(DocumentRow.published_at.asc().nulls_first(),
                                       DocumentRow.id))
            return [self._doc(r) for r in rows]

    def stories_needing_write(self) -> list[int]:
        """Ids of stories that gained or changed sources since their article was written."""
        with self.session() as s:
            return list(s.scalars(select(StoryRow.id).where(StoryRow.needs_write.is_(True))
                                  .order_by(StoryRow.id)))

    def set_write_status(self, story_id: int, status: str, needs_write: bool) -> None:
        """Record what the writer did with a story (``written`` or a reason it was not)."""
        with self.session() as s:
            s.execute(update(StoryRow).where(StoryRow.id == story_id)
                      .values(write_status=status, needs_write=needs_write))

    # -- articles and related ----------------------------------------------------------

    def save_article(self, article: Article) -> int:
        """Store a new version of a story's article; earlier versions are kept."""
        with self.session() as s:
            latest = s.scalar(select(func.max(ArticleRow.version))
                              .where(ArticleRow.story_id == article.story_id)) or 0
            if latest:
                first = s.scalar(select(ArticleRow.data).where(
                    ArticleRow.story_id == article.story_id, ArticleRow.version == 1))
                if first and first.get("written_at"):
                    article.written_at = parse_iso(first["written_at"]) or article.written_at
                article.updated_at = utcnow()
            article.version = latest + 1
            s.execute(update(ArticleRow).where(ArticleRow.story_id == article.story_id)
                      .values(is_current=False))
            row = ArticleRow(story_id=article.story_id, version=article.version,
                             slug=article.slug, headline=article.headline.text, is_current=True,
                             written_at=article.updated_at or article.written_at,
                             data=article.to_dict())
            s.add(row)
            s.flush()
            return row.id

    def slug_taken(self, slug: str, story_id: int) -> bool:
        """Whether another story's article already uses ``slug``."""
        with self.session() as s:
            return s.scalar(select(ArticleRow.id).where(
                ArticleRow.slug == slug, ArticleRow.story_id != story_id).limit(1)) is not None

    def current_articles(self) -> list[Article]:
        """The current version of every story's article, newest story update first."""
        with self.session() as s:
            rows = s.scalars(select(ArticleRow).where(ArticleRow.is_current.is_(True))
                             .order_by(ArticleRow.story_id))
            articles = [Article.from_dict(r.data) for r in rows]
        articles.sort(key=lambda a: a.updated_at or a.written_at, reverse=True)
        return articles

    def article_versions(self, story_id: int) -> list[Article]:
        """Every version of a story's article, oldest first."""
        with self.session() as s:
            rows = s.scalars(select(ArticleRow).where(ArticleRow.story_id == story_id)
                             .order_by(ArticleRow.version))
            return [Article.from_dict(r.data) for r in rows]

    def set_article_related(self, story_id: int, related: Sequence[RelatedRef]) -> None:
        """Replace the related stories shown with a story's current article (no new version)."""
        with self.session() as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.story_id == story_id,
                                                    ArticleRow.is_current.is_(True)))
            if row is not None:
                data = dict(row.data)
                data["related"] = [r.to_dict() for r in related]
                row.data = data

    def set_article_fields(self, story_id: int, fields: dict[str, Any]) -> None:
        """Replace fields of a story's current article record in place (no new version):
        what surrounds the article (related stories, timeline) rather than its text."""
        with self.session() as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.story_id == story_id,
                                                    ArticleRow.is_current.is_(True)))
            if row is not None:
                row.data = {**row.data, **fields}

    def current_article(self, story_id: int) -> Article | None:
        """The current version of a story's article, or ``None`` when none is written."""
        with self.session() as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.story_id == story_id,
                                                    ArticleRow.is_current.is_(True)))
            return Article.from_dict(row.data) if row else None

    def set_related(self, story_id: int, related: Sequence[tuple[int, float]]) -> None:
        """Replace a story's related-story links."""
        with self.session() as s:
            s.execute(delete(RelatedRow).where(RelatedRow.story_id == story_id))
            s.add_all(RelatedRow(story_id=story_id, related_id=r, score=score)
                      for r, score in related)

    def related(self, story_id: int) -> list[tuple[int, float]]:
        """(related story id, score), best first."""
        with self.session() as s:
            rows = s.execute(select(RelatedRow.related_id, RelatedRow.score)
                             .where(RelatedRow.story_id == story_id)
                             .order_by(RelatedRow.score.desc(), RelatedRow.related_id))
            return [(r, float(sc)) for r, sc in rows]

    # -- the reader-facing view (newsdesk.web.app.ArticleSource) -------------------------

    def latest_articles(self, limit: int = 50, offset: int = 0) -> list[Article]:
        """Current articles, most recently updated first, with related stories filled in."""
        return self.current_articles()[offset: offset + limit]

    def article_by_slug(self, slug: str) -> Article | None:
        """The current article with this slug, or ``None``."""
        with self.session() as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.slug == slug,
                                                    ArticleRow.is_current.is_(True)))
            return Article.from_dict(row.data) if row else None

    def stats(self) -> dict[str, Any]:
        """Counts a user wants to see: sources, entries by status, documents, stories, ..."""
        with self.session() as s:
            def count(model: Any, *where: Any) -> int:
                return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

            entries = dict(s.execute(select(EntryRow.status, func.count())
                                     .group_by(EntryRow.status)).all())
            runs = dict(s.execute(select(RunRow.status, func.count())
                                  .group_by(RunRow.status)).all())
            reasons = dict(s.execute(select(ProblemRow.reason, func.count())
                                     .group_by(ProblemRow.reason)).all())
            return {
                "sources": count(SourceRow),
                "entries": {str(k): int(v) for k, v in entries.items()},
                "documents": count(DocumentRow),
                "duplicates": count(DocumentRow, DocumentRow.duplicate_of.is_not(None)),
                "stories": count(StoryRow),
                "stories_written": count(ArticleRow, ArticleRow.is_current.is_(True)),
                "article_versions": count(ArticleRow),
                "problems": {str(k): int(v) for k, v in reasons.items()},
                "runs": count(RunRow),
                "runs_by_status": {str(k): int(v) for k, v in runs.items()},
            }

    # -- row conversion ----------------------------------------------------------------

    @staticmethod
    def _doc(row: DocumentRow) -> Document:
        return Document(
            id=row.id, url=row.url, canonical_url=row.canonical_url, title=row.title,
            text=row.text, content_hash=row.content_hash, author=row.author,
            published_at=as_utc(row.published_at), site_name=row.site_name,
            language=row.language, source_url=row.source_url, extractor=row.extractor,
            duplicate_of=row.duplicate_of, duplicate_kind=row.duplicate_kind,
            story_id=row.story_id,
        )

    @staticmethod
    def _story(row: StoryRow) -> dict[str, Any]:
        return {
            "id": row.id, "centroid": bytes_to_vector(row.centroid).copy(),
            "names": dict(row.names or {}), "terms": dict(row.terms or {}),
            "doc_count": row.doc_count, "merged_into": row.merged_into,
            "first_published": as_utc(row.first_published),
            "last_published": as_utc(row.last_published), "needs_write": row.needs_write,
            "write_status": row.write_status,
        }
