"""The clusterer interface: decides which story a new document belongs to."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from newsdesk.backends import Backend


@dataclass
class StoryState:
    """What the clusterer knows of a story: centroid, entities, keywords and time span.

    ``names`` counts, per entity match key (see :func:`newsdesk.entities.match_key`),
    the member documents naming it; ``terms`` is the sum of the members' unit TF-IDF
    vectors, cut to its strongest terms.
    """

    id: int | None
    centroid: np.ndarray
    names: dict[str, int] = field(default_factory=dict)
    doc_count: int = 0
    first_published: datetime | None = None
    last_published: datetime | None = None
    terms: dict[str, float] = field(default_factory=dict)
    recent: list[np.ndarray] = field(default_factory=list)  # the newest members' vectors
    terms_norm: float = 0.0  # length of ``terms``, kept with it (0: not computed yet)


@dataclass
class DocumentFeatures:
    """What the clusterer knows of a document.

    ``names`` are its entity match keys, ``name_weights`` their inverse document
    frequencies on a fixed scale (:meth:`newsdesk.tfidf.DocumentFrequencies.name_weight`;
    a name missing there weighs 1), ``terms`` its unit TF-IDF vector and ``words`` the
    length of its title and text in words (0 when unknown).
    """

    doc_id: int
    vector: np.ndarray
    names: list[str]
    published: datetime
    terms: dict[str, float] = field(default_factory=dict)
    name_weights: dict[str, float] = field(default_factory=dict)
    words: int = 0


class Clusterer(Backend, abc.ABC):
    """Online assignment of documents to stories, one document at a time."""

    @abc.abstractmethod
    def assign(self, doc: DocumentFeatures,
               candidates: list[StoryState]) -> tuple[StoryState | None, float]:
        """The candidate story ``doc`` joins and the score, or ``(None, best score)``
        when it starts a new story.

        ``candidates`` are the stories an index found for ``doc`` (never the whole
        archive); the clusterer must not assume they are sorted.
        """

    def assign_scored(self, doc: DocumentFeatures, candidates: list[StoryState]
                      ) -> tuple[StoryState | None, float, list[float] | None]:
        """:meth:`assign` plus every candidate's score when the backend can tell (the
        merge rule uses them), else ``None``. Backends that score candidates one by one
        override this to do it once."""
        story, score = self.assign(doc, candidates)
        return story, score, None
