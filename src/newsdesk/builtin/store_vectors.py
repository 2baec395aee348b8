"""The store's nearest-neighbour search over story centroids, on PostgreSQL with pgvector.

Where the ``vector`` extension is installed, the stories table carries a pgvector copy
of each story's centroid (``stories.centroid_vec``, added by migration
``0007_story_vectors``, kept current by :meth:`VectorStore.save_story_vector` whenever a
story is saved), and :meth:`VectorStore.nearest_stories` answers "the open stories
nearest in meaning to this vector" with one exact query::

    SELECT id FROM stories
    WHERE merged_into IS NULL AND last_published >= :since AND centroid_vec IS NOT NULL
    ORDER BY centroid_vec <=> :q, id LIMIT :n

``<=>`` is pgvector's cosine distance. There is no HNSW or IVFFlat index on the column:
those are approximate, and story assignment must give the same stories on every store;
the scan is bounded by the ``last_published`` index to the clustering window.

Detection: :attr:`VectorStore.has_story_vectors` is true when the column exists. A store
migrated on a server without pgvector has no column; when the extension becomes
available later, :meth:`VectorStore.enable_story_vectors` (run at every migration) adds
and fills the column then. SQLite, and PostgreSQL without pgvector, have no store search:
story assignment searches the centroids in memory instead (the documented fallback,
:mod:`newsdesk.story_vectors`), with the same result.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_COLUMN = ("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
           "AND table_name = 'stories' AND column_name = 'centroid_vec'")
_NEAREST = text("SELECT id FROM stories WHERE merged_into IS NULL AND last_published >= :since "
                "AND centroid_vec IS NOT NULL ORDER BY centroid_vec <=> CAST(:q AS vector), id "
                "LIMIT :n")
_SAVE = text("UPDATE stories SET centroid_vec = CAST(:v AS vector) WHERE id = :id")
_FILL_BATCH = 500


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form of a vector, exact for float32 (9 significant digits)."""
    values = np.asarray(vector, dtype=np.float32)
    return "[" + ",".join(f"{v:.9g}" for v in values.tolist()) + "]"


class VectorStore:
    """Mixin of :class:`newsdesk.builtin.store_sql.SqlStore`: the pgvector column and
    search (see the module docstring)."""

    engine: Engine
    _story_vectors: bool | None = None

    def session(self) -> AbstractContextManager[Session]:  # provided by SqlStore
        raise NotImplementedError

    @property
    def has_story_vectors(self) -> bool:
        """Whether this store keeps pgvector centroids and can search them."""
        if self._story_vectors is None:
            self._story_vectors = False
            if self.engine.dialect.name == "postgresql":
                with self.engine.connect() as connection:
                    self._story_vectors = connection.exec_driver_sql(_COLUMN).first() is not None
        return self._story_vectors

    def enable_story_vectors(self, connection: Connection) -> bool:
        """Add and fill ``stories.centroid_vec`` on a PostgreSQL store that lacks it
        while the server now offers the ``vector`` extension (installed after the store
        was created). Returns whether the store has the column afterwards; never raises
        for a server without the extension or a user who may not create it."""
        self._story_vectors = None
        if connection.dialect.name != "postgresql":
            return False
        if connection.exec_driver_sql(_COLUMN).first() is not None:
            return True
        offered = connection.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").first()
        if offered is None:
            return False
        savepoint = connection.begin_nested()
        try:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
            connection.exec_driver_sql("ALTER TABLE stories ADD COLUMN centroid_vec vector")
        except DBAPIError as exc:
            savepoint.rollback()
            log.info("pgvector is offered but cannot be used (%s): stories nearest in "
                     "meaning are searched in memory", str(exc).splitlines()[0])
            return False
        savepoint.commit()
        for batch in _batches(connection.execute(text(
                "SELECT id, centroid FROM stories WHERE merged_into IS NULL ORDER BY id")).all()):
            connection.execute(_SAVE, [{"id": i, "v": vector_literal(np.frombuffer(c, "<f4"))}
                                       for i, c in batch if c])
        log.info("pgvector found: story centroids are now kept in stories.centroid_vec")
        return True

    def save_story_vector(self, s: Session, story_id: int, centroid: np.ndarray) -> None:
        """Keep a saved story's pgvector centroid current (nothing without pgvector)."""
        if self.has_story_vectors:
            s.execute(_SAVE, {"id": story_id, "v": vector_literal(centroid)})

    def nearest_stories(self, vector: np.ndarray, since: datetime, limit: int) -> list[int]:
        """Ids of at most ``limit`` stories (not merged) whose newest document is at or
        after ``since``, nearest to ``vector`` by cosine first, ties by id.

        Raises:
            RuntimeError: the store has no pgvector centroids (:attr:`has_story_vectors`).
        """
        if not self.has_story_vectors:
            raise RuntimeError("this store keeps no pgvector centroids: search in memory")
        with self.session() as s:
            rows = s.execute(_NEAREST, {"since": since, "q": vector_literal(vector),
                                        "n": int(limit)})
            return [int(r[0]) for r in rows]


def _batches(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), _FILL_BATCH):
        yield rows[start:start + _FILL_BATCH]
