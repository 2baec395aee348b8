"""Nearest stories by meaning: the k open stories whose centroid is closest to a document.

The candidate index (:mod:`newsdesk.story_index`) finds stories by the names and
keywords a document shares with them. A report that words an event differently and
names other people shares few of those keys, yet its embedding may still sit close to
its story's centroid; ``cluster.vector_candidates`` (k) adds the k stories nearest in
meaning, within the clustering window, to the key-based candidates.

Two ways to find them, with one answer:

- **in memory** (SQLite, a PostgreSQL without pgvector, ``newsdesk eval cluster``):
  :class:`CentroidMatrix` keeps the unit centroids of the index's stories in one float32
  array and scores every story of the window with one matrix-vector product;
- **in the database** (PostgreSQL with the ``vector`` extension): the store orders its
  stories by ``centroid_vec <=> :q`` (pgvector's cosine distance, an exact scan: there
  is no approximate index on the column) and returns the nearest ids
  (:meth:`newsdesk.builtin.store_vectors.VectorStore.nearest_stories`).

Either way the search returns a *shortlist* of ``k + SLACK`` stories, and the final k
are chosen from it by :func:`rank`: the cosine of the document's vector to each story's
in-memory centroid, computed one story at a time in float64 (the same arithmetic the
clusterer uses for its ``dense`` feature), ties broken by the smaller story id. The
database holds float32 copies of the centroids and the matrix float32 products, so the
two shortlists may order near-equal stories differently; the re-ranking makes the
chosen k identical unless more than ``SLACK`` stories lie within float32 rounding of the
k-th one, which needs that many stories with all but identical centroids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.backends.clusterer import StoryState

#: Stories beyond k taken into the shortlist, so that float32 rounding in the search
#: (the database's or the matrix's) cannot change which k the exact ranking keeps.
SLACK = 16

#: ``(vector, earliest, limit) -> story ids``: a store's nearest-neighbour search over
#: stories (not merged) whose newest document is at or after ``earliest``, nearest
#: first, at most ``limit`` of them.
NearestSearch = Callable[[np.ndarray, datetime, int], list[int]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(when: datetime) -> int:
    # whole microseconds: comparisons agree exactly with the datetimes' (and the
    # database's), which floats of seconds would only nearly do
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _EPOCH) // _MICROSECOND


def similarity(vector: np.ndarray, story: StoryState) -> float:
    """Cosine of a document's unit vector to a story's centroid (0 for an empty one)."""
    norm = float(np.linalg.norm(story.centroid))
    return float(np.dot(vector, story.centroid)) / norm if norm > 0 else 0.0


def rank(vector: np.ndarray, stories: Iterable[StoryState], limit: int) -> list[StoryState]:
    """The ``limit`` stories nearest to ``vector``, nearest first (ties: smaller id)."""
    scored = [(-similarity(vector, s), s.id or 0, s) for s in stories]
    scored.sort(key=lambda item: (item[0], item[1]))
    return [s for _, _, s in scored[:limit]]


class CentroidMatrix:
    """Unit centroids of indexed stories, one row each, for an exact in-memory search.

    Rows of removed stories are reused; the arrays double when full. A story's row is
    refreshed each time the index is told the story changed (:meth:`put`).
    """

    def __init__(self) -> None:
        self._row: dict[int, int] = {}
        self._free: list[int] = []
        self._ids = np.full(0, -1, dtype=np.int64)
        self._times = np.zeros(0, dtype=np.int64)  # newest document, in microseconds
        self._vectors: np.ndarray | None = None
        self._top = 0  # rows at and past this one have never been used

    def __len__(self) -> int:
        return len(self._row)

    def put(self, story: StoryState) -> None:
        """Add or refresh a story's row (stories without a time are never neighbours)."""
        assert story.id is not None
        if story.last_published is None or not story.centroid.size:
            self.drop(story.id)
            return
        if self._vectors is None:
            self._vectors = np.zeros((0, story.centroid.size), dtype=np.float32)
        row = self._row.get(story.id)
        if row is None:
            row = self._free.pop() if self._free else self._grow()
            self._row[story.id] = row
            self._top = max(self._top, row + 1)
        norm = float(np.linalg.norm(story.centroid))
        self._vectors[row] = story.centroid / norm if norm > 0 else 0.0
        self._ids[row] = story.id
        self._times[row] = _micros(story.last_published)

    def _grow(self) -> int:
        assert self._vectors is not None
        used = len(self._ids)
        size = max(64, used * 2)
        vectors = np.zeros((size, self._vectors.shape[1]), dtype=np.float32)
        vectors[:used] = self._vectors
        self._vectors = vectors
        self._ids = np.concatenate([self._ids, np.full(size - used, -1, dtype=np.int64)])
        self._times = np.concatenate([self._times, np.zeros(size - used, dtype=np.int64)])
        self._free.extend(range(size - 1, used, -1))
        return used

    def drop(self, story_id: int) -> None:
        """Forget a story's row."""
        row = self._row.pop(story_id, None)
        if row is not None:
            self._ids[row] = -1
            self._free.append(row)

    def nearest(self, vector: np.ndarray, earliest: datetime, limit: int) -> list[int]:
        """Ids of at most ``limit`` stories updated at or after ``earliest``, nearest to
        ``vector`` first by the float32 cosine (the shortlist :func:`rank` refines)."""
        if self._vectors is None or not self._row or limit <= 0:
            return []
        top = self._top
        rows = np.flatnonzero((self._ids[:top] >= 0) & (self._times[:top] >= _micros(earliest)))
        if not len(rows):
            return []
        # Every used row is scored (freed ones too): one product over a view of the
        # array costs less than gathering the window's rows into a copy first.
        scores = (self._vectors[:top] @ np.asarray(vector, dtype=np.float32))[rows]
        if len(rows) > limit:
            keep = np.argpartition(-scores, limit - 1)[:limit]
            rows, scores = rows[keep], scores[keep]
        order = np.lexsort((self._ids[rows], -scores))
        return [int(i) for i in self._ids[rows[order]]]
