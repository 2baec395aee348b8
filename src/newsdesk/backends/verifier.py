"""The verifier interface: checks written sentences against the sources they cite."""

from __future__ import annotations

import abc

from newsdesk.backends import Backend
from newsdesk.backends.embedder import Embedder
from newsdesk.records import Sentence, Verdict


class Verifier(Backend, abc.ABC):
    """Decides, per sentence, whether its cited source supports it."""

    @abc.abstractmethod
    def verify(self, sentences: list[Sentence], embedder: Embedder) -> list[Verdict]:
        """One verdict per sentence, in order; the sentences are not modified."""
