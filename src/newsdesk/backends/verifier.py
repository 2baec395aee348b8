"""The verifier interface: checks written sentences against the sources they cite."""

from __future__ import annotations

import abc

from newsdesk.backends import Backend
from newsdesk.backends.embedder import Embedder
from newsdesk.records import Sentence, Verdict


class Verifier(Backend, abc.ABC):
    """Decides, per sentence, whether its cited source supports it."""

    @abc.abstractmethod
    def verify(self, sentences: list[Sentence], embedder: Embedder,
               documents: dict[int, str] | None = None) -> list[Verdict]:
        """One verdict per sentence, in order; the sentences are not modified.

        ``documents`` optionally maps document ids to their full text, so that a
        sentence may be checked against the best evidence in the document it cites
        rather than only the one sentence its citation names.

        Raises:
            ModelError: a model the verifier needs cannot be loaded.
        """
