"""The clusterer interface: decides which story a new document belongs to."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from newsdesk.backends import Backend


@dataclass
class StoryState:
    """What the clusterer knows of a story: its centroid, names and time span."""

    id: int | None
    centroid: np.ndarray
    names: dict[str, int] = field(default_factory=dict)
    doc_count: int = 0
    first_published: datetime | None = None
    last_published: datetime | None = None


@dataclass
class DocumentFeatures:
    """What the clusterer knows of a document."""

    doc_id: int
    vector: np.ndarray
    names: list[str]
    published: datetime


class Clusterer(Backend, abc.ABC):
    """Online assignment of documents to stories, one document at a time."""

    @abc.abstractmethod
    def assign(self, doc: DocumentFeatures,
               candidates: list[StoryState]) -> tuple[StoryState | None, float]:
        """The candidate story ``doc`` joins and the score, or ``(None, best score)``
        when it starts a new story."""
