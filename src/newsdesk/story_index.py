"""The candidate index: which stories a new document may join, found without scanning.

Assignment scores a document against a handful of candidate stories, never against the
archive. Candidates come from two places:

- an **inverted index** from each story's entity match keys and strongest keywords to
  the stories that carry them. Each posting list keeps only the ``POSTINGS`` most
  recently updated stories for its key ("the latest stories naming Meloni"), so a
  common word or a famous name costs the same whether the archive holds a thousand
  stories or a million. A document's keys pull their postings; stories are ranked by
  the summed IDF of the keys they share with it and the best ``SHORTLIST`` are kept;
- the ``RECENT`` most recently updated stories, whatever they share: a report that
  names nobody and words the event differently still meets the stories of the last
  hours, which is where breaking news lives;
- with ``vector_candidates`` k > 0 (``cluster.vector_candidates``), the k stories of the
  window whose centroid is nearest to the document's embedding, found in memory or by
  the store's pgvector search (:mod:`newsdesk.story_vectors`). They come after the
  others, nearest first, and only those not already found.

Stories whose newest document is older than the clustering window are dropped as the
stream moves past them. The index lives in memory: :func:`newsdesk.stages.cluster.
assign_documents` rebuilds it at the start of each run from the stories still inside
the window (bounded by the window, not by the archive) and keeps it current as
documents join stories. Nothing of it is stored, so it can never disagree with the
store.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta

from newsdesk.backends.clusterer import DocumentFeatures, StoryState
from newsdesk.story_vectors import SLACK, CentroidMatrix, NearestSearch, rank

POSTINGS = 48        # stories kept per key, most recently updated first
SHORTLIST = 24       # candidates taken from the inverted index per document
RECENT = 12          # most recently updated stories always considered
STORY_KEYWORDS = 25  # a story's strongest keywords that are indexed
DOC_KEYWORDS = 20    # a document's strongest keywords that are looked up


def _story_keys(story: StoryState) -> list[str]:
    # sorted(...)[:n] is what heapq.nlargest(n, ...) returns, ties included, and for a
    # couple of hundred terms three times faster (the key is a C method, not a lambda).
    words = sorted(story.terms, key=story.terms.__getitem__, reverse=True)[:STORY_KEYWORDS]
    return [*story.names, *(f"w:{t}" for t in words)]


def _doc_keys(doc: DocumentFeatures) -> list[tuple[str, float]]:
    words = sorted(doc.terms, key=doc.terms.__getitem__, reverse=True)[:DOC_KEYWORDS]
    keys = [(n, doc.name_weights.get(n, 1.0)) for n in set(doc.names)]
    return keys + [(f"w:{t}", doc.terms[t]) for t in words]


class CandidateIndex:
    """Candidate stories for a document; see the module docstring for the rule."""

    def __init__(self, window: timedelta, vector_candidates: int = 0,
                 nearest: NearestSearch | None = None) -> None:
        """``vector_candidates``: how many stories nearest in meaning to add to each
        document's candidates (0: none). ``nearest``: a store's search for them (the
        pipeline passes PostgreSQL's pgvector search when the store has it); without
        it the index searches its own stories' centroids in memory."""
        self.window = window
        self.stories: dict[int, StoryState] = {}
        self._postings: dict[str, OrderedDict[int, None]] = {}
        self._keys: dict[int, set[str]] = {}
        self._recent: OrderedDict[int, None] = OrderedDict()
        self.vector_candidates = max(0, vector_candidates)
        self._nearest = nearest
        # the in-memory search, kept only when it is the one in use
        self._matrix = CentroidMatrix() if self.vector_candidates and nearest is None \
            else None

    def __len__(self) -> int:
        return len(self.stories)

    def add(self, story: StoryState) -> None:
        """Index a new or changed story (its id must be set)."""
        assert story.id is not None, "index a story after it has been saved"
        sid = story.id
        self.stories[sid] = story
        for key in self._keys.get(sid, ()):
            posting = self._postings.get(key)
            if posting is not None:
                posting.pop(sid, None)
        keys = set(_story_keys(story))
        self._keys[sid] = keys
        for key in keys:
            posting = self._postings.setdefault(key, OrderedDict())
            posting[sid] = None
            posting.move_to_end(sid, last=False)
            while len(posting) > POSTINGS:
                dropped, _ = posting.popitem()
                self._forget_key(dropped, key)
        self._recent[sid] = None
        self._recent.move_to_end(sid, last=False)
        while len(self._recent) > RECENT:
            self._recent.popitem()
        if self._matrix is not None:
            self._matrix.put(story)

    def add_all(self, stories: Iterable[StoryState]) -> None:
        """Index stories as if added one by one in the order of their newest document
        (oldest first), which is how the pipeline rebuilds the index at a run start.

        Into an empty index this goes newest first instead and fills each posting list
        only up to ``POSTINGS``: the result is the same (every list holds its key's most
        recently updated stories, newest first), without pushing in and evicting the
        older stories that a common key would cycle through."""
        ordered = sorted(stories, key=lambda s: (s.last_published is None,
                                                  s.last_published, s.id))
        if self.stories:
            for story in ordered:
                self.add(story)
            return
        for story in reversed(ordered):
            assert story.id is not None, "index a story after it has been saved"
            sid = story.id
            if sid in self.stories:  # a repeated id: the newer state already won
                continue
            self.stories[sid] = story
            kept = set()
            for key in _story_keys(story):
                posting = self._postings.setdefault(key, OrderedDict())
                if len(posting) < POSTINGS and sid not in posting:
                    posting[sid] = None
                    kept.add(key)
            self._keys[sid] = kept
            if len(self._recent) < RECENT:
                self._recent[sid] = None
            if self._matrix is not None:
                self._matrix.put(story)
        for key in [k for k, posting in self._postings.items() if not posting]:
            del self._postings[key]

    def remove(self, story_id: int) -> None:
        """Forget a story (it merged into another, or left the window)."""
        self.stories.pop(story_id, None)
        self._recent.pop(story_id, None)
        if self._matrix is not None:
            self._matrix.drop(story_id)
        for key in self._keys.pop(story_id, ()):
            posting = self._postings.get(key)
            if posting is not None:
                posting.pop(story_id, None)
                if not posting:
                    del self._postings[key]

    def _forget_key(self, story_id: int, key: str) -> None:
        keys = self._keys.get(story_id)
        if keys is not None:
            keys.discard(key)

    def candidates(self, doc: DocumentFeatures) -> list[StoryState]:
        """Stories ``doc`` may join: the best index hits, the most recent stories, then
        the nearest in meaning that are not among them yet."""
        scores: dict[int, float] = {}
        for key, weight in _doc_keys(doc):
            posting = self._postings.get(key)
            if not posting:
                continue
            for sid in posting:
                scores[sid] = scores.get(sid, 0.0) + weight
        chosen = heapq.nlargest(SHORTLIST, scores, key=lambda sid: scores[sid])
        chosen += [sid for sid in self._recent if sid not in scores or sid not in chosen]
        earliest = doc.published - self.window
        found = []
        seen = set()
        for sid in chosen:
            story = self.stories.get(sid)
            if story is None or sid in seen:
                continue
            seen.add(sid)
            if story.last_published is not None and story.last_published < earliest:
                continue
            found.append(story)
        if self.vector_candidates:
            found += [story for story in self.nearest(doc, earliest) if story.id not in seen]
        return found

    def nearest(self, doc: DocumentFeatures, earliest: datetime) -> list[StoryState]:
        """The ``vector_candidates`` indexed stories updated at or after ``earliest``
        whose centroid is nearest to ``doc``'s vector, nearest first (see
        :mod:`newsdesk.story_vectors`: the same answer from memory or the store)."""
        limit = self.vector_candidates + SLACK
        if self._matrix is not None:
            ids = self._matrix.nearest(doc.vector, earliest, limit)
        elif self._nearest is not None:
            ids = self._nearest(doc.vector, earliest, limit)
        else:
            return []
        # A story the store knows but the index does not (none, while the pipeline's
        # index holds every story of the window) cannot be scored and is passed over.
        shortlist = [s for s in (self.stories.get(i) for i in ids)
                     if s is not None and s.last_published is not None
                     and s.last_published >= earliest]
        return rank(doc.vector, shortlist, self.vector_candidates)

    def expire(self, now: datetime) -> int:
        """Drop stories whose newest document left the window before ``now``."""
        earliest = now - self.window
        stale = [sid for sid, s in self.stories.items()
                 if s.last_published is not None and s.last_published < earliest]
        for sid in stale:
            self.remove(sid)
        return len(stale)
