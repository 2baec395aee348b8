"""Online story assignment, shared by the pipeline and ``newsdesk eval cluster``.

One document at a time, in publication order: the candidate index proposes stories,
the clusterer picks one or none, the document is folded into its story, and the merge
rule runs. The pipeline wraps this with the store; the evaluation runs it in memory on
a labelled stream; both get the same decisions.

Merge and split rule:

- A story **merges** into another when a new document is accepted by both in the same
  comparison: the document joins its best story, and when the clusterer gave another
  candidate a probability of at least ``merge_threshold`` as well (set higher than the
  joining threshold), the two stories are taken to be one event that was first
  reported in two ways. The built-in model weighs each candidate against the best
  other one, so two stories both pass only when they match the document about equally
  well and very strongly, which is what a story that was split in two looks like. A
  report that recalls an earlier event as background ("weeks after the fire at the
  Moravec plant") matches its own story far better than the earlier one, and so never
  merges the two. (Asking again with the joined story left out would merge them: the
  background names alone then carry the earlier story.) The smaller story
  (fewer documents; on a tie the younger) folds into the larger one, whose id
  survives. ``merge_threshold = 1`` turns merging off.
- Stories are **never split** automatically. A document stays in the story it joined:
  a story's page, its versions and the links to it must stay stable. A report that
  does not reach the threshold for any story starts a new story instead, and the
  timeline links it to the earlier story when they share people, places and topic
  (:mod:`newsdesk.stages.timeline`): that is how a new development of an old event
  ("the trial begins" after "the arrest") is told, as a thread of stories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np

from newsdesk import tfidf
from newsdesk.backends.clusterer import Clusterer, DocumentFeatures, StoryState
from newsdesk.story_index import CandidateIndex
from newsdesk.story_vectors import NearestSearch

STORY_NAMES = 120  # names kept per story (the most documented)
RECENT_MEMBERS = 6  # newest member vectors kept per story (for the closest-member cosine)


def fold_document(story: StoryState, doc: DocumentFeatures) -> None:
    """Add a document to a story: running-mean centroid, name counts, terms, time span."""
    n = story.doc_count
    story.centroid = ((story.centroid * n) + doc.vector) / (n + 1)
    for name in set(doc.names):
        story.names[name] = story.names.get(name, 0) + 1
    _trim_names(story)
    story.terms = tfidf.add_into(story.terms, doc.terms)
    story.terms_norm = tfidf.norm(story.terms)
    story.recent = [*story.recent, doc.vector][-RECENT_MEMBERS:]
    story.doc_count = n + 1
    story.first_published = min(filter(None, [story.first_published, doc.published]))
    story.last_published = max(filter(None, [story.last_published, doc.published]))


def fold_story(into: StoryState, other: StoryState) -> None:
    """Add every document of ``other`` to ``into`` (a merge), from their summaries."""
    total = into.doc_count + other.doc_count
    if total:
        into.centroid = (into.centroid * into.doc_count + other.centroid * other.doc_count) / total
    for name, count in other.names.items():
        into.names[name] = into.names.get(name, 0) + count
    _trim_names(into)
    into.terms = tfidf.add_into(into.terms, other.terms)
    into.terms_norm = tfidf.norm(into.terms)
    into.recent = [*into.recent, *other.recent][-RECENT_MEMBERS:]
    into.doc_count = total
    into.first_published = min(filter(None, [into.first_published, other.first_published]),
                               default=None)
    into.last_published = max(filter(None, [into.last_published, other.last_published]),
                              default=None)


def _trim_names(story: StoryState) -> None:
    if len(story.names) > STORY_NAMES:
        kept = sorted(story.names.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_NAMES]
        story.names = dict(kept)


@dataclass
class Assignment:
    """Where one document went: its story, the score, and stories merged into it."""

    story: StoryState
    score: float
    created: bool
    merged: list[StoryState] = field(default_factory=list)


class StoryAssigner:
    """Candidate lookup, decision and merging over an in-memory index of live stories."""

    def __init__(self, clusterer: Clusterer, window: timedelta, merge_threshold: float = 1.0,
                 hydrate: Callable[[StoryState], None] | None = None, *,
                 vector_candidates: int = 0, nearest: NearestSearch | None = None) -> None:
        """``hydrate`` fills in a candidate's newest member vectors when a story was
        loaded without them (the pipeline reads them from the store on first use).
        ``vector_candidates`` and ``nearest``: the stories nearest in meaning added to
        each document's candidates, and the store's search for them (see
        :class:`newsdesk.story_index.CandidateIndex`)."""
        self.clusterer = clusterer
        self.index = CandidateIndex(window, vector_candidates, nearest)
        self.merge_threshold = merge_threshold
        self.hydrate = hydrate
        self._seen = 0

    def load(self, stories: list[StoryState]) -> None:
        """Index the stories that are still open (the pipeline's state at a run start)."""
        self.index.add_all(stories)

    def assign(self, doc: DocumentFeatures, new_story_id: int | None = None) -> Assignment:
        """Assign ``doc``: join the clusterer's choice or start a story.

        A started story gets ``new_story_id`` (``None`` when the caller assigns ids after
        saving; :meth:`indexed` must then be called once it has one). Merged stories are
        removed from the index; the caller moves their documents.
        """
        candidates = self.index.candidates(doc)
        if self.hydrate is not None:
            for candidate in candidates:
                if candidate.doc_count and not candidate.recent:
                    self.hydrate(candidate)
        story, score, scores = self.clusterer.assign_scored(doc, candidates)
        created = story is None
        if story is None:
            story = StoryState(id=new_story_id, centroid=np.zeros_like(doc.vector))
        fold_document(story, doc)
        merged: list[StoryState] = []
        if not created:
            story, merged = self._merges(doc, story, candidates, scores)
        for other in merged:
            assert other.id is not None
            self.index.remove(other.id)
        if story.id is not None:
            self.index.add(story)
        self._seen += 1
        if self._seen % 256 == 0:
            self.index.expire(doc.published)
        return Assignment(story, score, created, merged)

    def indexed(self, story: StoryState) -> None:
        """Index a story once it has its id (see :meth:`assign`)."""
        self.index.add(story)

    def _merges(self, doc: DocumentFeatures, story: StoryState, candidates: list[StoryState],
                scores: list[float] | None) -> tuple[StoryState, list[StoryState]]:
        if self.merge_threshold >= 1.0:
            return story, []
        if scores is not None:  # the clusterer told every candidate's score: no second pass
            accepted = sorted(((sc, c) for c, sc in zip(candidates, scores, strict=True)
                               if c is not story and sc >= self.merge_threshold),
                              key=lambda pair: -pair[0])
            others = [c for _, c in accepted]
        else:
            others = []
            rest = [c for c in candidates if c is not story]
            while rest:
                other, score = self.clusterer.assign(doc, rest)
                if other is None or score < self.merge_threshold:
                    break
                rest.remove(other)
                others.append(other)
        survivor, merged = story, []
        for other in others:
            # The larger story survives (its page is the one readers know); on a tie the
            # older one, which has the smaller id.
            if (other.doc_count, -(other.id or 0)) > (survivor.doc_count, -(survivor.id or 0)):
                fold_story(other, survivor)
                merged.append(survivor)
                survivor = other
            else:
                fold_story(survivor, other)
                merged.append(other)
        return survivor, merged
