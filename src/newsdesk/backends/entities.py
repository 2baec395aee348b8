"""The entity recogniser interface: texts to labelled name and date mentions."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from newsdesk.backends import Backend
from newsdesk.entities import Mention


class EntityRecognizer(Backend, abc.ABC):
    """Finds people, organisations, places and dates in text (spaCy's label scheme:
    PERSON, ORG, GPE, LOC, FAC, DATE; other labels are ignored downstream)."""

    model_id: str = ""

    @abc.abstractmethod
    def recognize(self, texts: Sequence[str]) -> list[list[Mention]]:
        """The mentions found in each text, in text order.

        Raises:
            ModelError: the model cannot be loaded.
        """
