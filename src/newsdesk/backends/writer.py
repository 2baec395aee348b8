"""The writer interface: composes a story's article from its source documents."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

import numpy as np

from newsdesk.backends import Backend
from newsdesk.backends.embedder import Embedder
from newsdesk.records import Article, Document


@dataclass
class WriteRequest:
    """Everything a writer gets for one story.

    ``documents`` are the independent sources (oldest first); ``duplicates`` maps an
    original's id to the outlets that carried a copy of it. ``people`` and ``places``
    map a document's id to the whole names a named-entity recogniser found in it
    ("Lori Lightfoot", "Hanoi"); a writer uses them to introduce people by their full
    name and to name sections, and copes without them. ``vectors`` maps a document's id
    to the embedding clustering made of it (its title and lead, see
    :func:`newsdesk.story_features.embedding_text`), so that a writer does not embed a
    document again; a writer embeds a document that is missing from it.
    """

    story_id: int
    documents: list[Document]
    embedder: Embedder
    duplicates: dict[int, list[str]] = field(default_factory=dict)
    max_sentences: int = 14
    sentences_per_doc: int = 20
    people: dict[int, list[str]] = field(default_factory=dict)
    places: dict[int, list[str]] = field(default_factory=dict)
    vectors: dict[int, np.ndarray] = field(default_factory=dict)


class Writer(Backend, abc.ABC):
    """Writes an article in which every sentence cites a source sentence."""

    @abc.abstractmethod
    def write(self, request: WriteRequest) -> Article | None:
        """An unverified article for the story, or ``None`` when the sources hold too
        little usable text. Every sentence must carry a :class:`Citation`."""
