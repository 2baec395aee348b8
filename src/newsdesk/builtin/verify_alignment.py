"""Sentence verification by alignment with the cited source sentence.

A written sentence is supported only when all of these hold against the source sentence
it cites (the outlet attribution the writer added is set aside first):

- meaning: embedding cosine of at least ``min_similarity``;
- wording: at least ``min_token_support`` of its content words appear in the source;
- numbers, dates and names: every one of them appears in the source;
- quotes: every quoted passage appears verbatim in the source.

Any failed check makes the sentence unsupported, with the failing items listed.
"""

from __future__ import annotations

import re

import numpy as np

from newsdesk.backends import BackendOptions
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.verifier import Verifier
from newsdesk.records import Sentence, Verdict
from newsdesk.text import content_words, dates, names, normalize_quotes, numbers, quotes


def strip_attribution(text: str, outlet: str) -> str:
    """The claim without the "According to <outlet>, ..." / "..., <outlet> reported." frame."""
    if not outlet:
        return text
    escaped = re.escape(outlet)
    text = re.sub(rf"^According to {escaped},\s*", "", text)
    text = re.sub(rf",\s*{escaped} reported\.$", ".", text)
    text = re.sub(rf"^{escaped} reported that\s*", "", text)
    return text[:1].upper() + text[1:] if text else text


class AlignmentVerifier(Verifier):
    """Embedding similarity plus exact checks of numbers, dates, names and quotes."""

    name = "alignment"

    class Options(BackendOptions):
        """Thresholds (see the ``verify.*`` settings)."""

        min_similarity: float = 0.72
        min_token_support: float = 0.8

    options: Options

    def verify(self, sentences: list[Sentence], embedder: Embedder) -> list[Verdict]:
        """See :meth:`Verifier.verify`."""
        if not sentences:
            return []
        claims = [strip_attribution(s.text, s.citation.outlet) for s in sentences]
        sources = [s.citation.source_text for s in sentences]
        vectors = embedder.embed_batch(claims + sources)
        n = len(sentences)
        similarities = np.einsum("ij,ij->i", vectors[:n], vectors[n:])
        return [self._check(claim, source, float(sim))
                for claim, source, sim in zip(claims, sources, similarities, strict=True)]

    def _check(self, claim: str, source: str, similarity: float) -> Verdict:
        missing: list[str] = []
        source_norm = normalize_quotes(source)
        source_words = set(content_words(source))
        claim_words = content_words(claim)
        support = (sum(w in source_words for w in claim_words) / len(claim_words)
                   if claim_words else 0.0)
        missing_numbers = sorted(numbers(claim) - numbers(source))
        missing_dates = sorted(dates(claim) - dates(source))
        missing_names = [n for n in dict.fromkeys(names(claim))
                         if normalize_quotes(n) not in source_norm]
        missing_quotes = [q for q in quotes(claim) if q not in source_norm]
        missing += [f"number {x}" for x in missing_numbers]
        missing += [f"date {x}" for x in missing_dates]
        missing += [f"name {x}" for x in missing_names]
        missing += [f"quote “{x}”" for x in missing_quotes]
        checks = {
            "similarity": similarity >= self.options.min_similarity,
            "wording": support >= self.options.min_token_support,
            "numbers": not missing_numbers,
            "dates": not missing_dates,
            "names": not missing_names,
            "quotes": not missing_quotes,
        }
        if not checks["similarity"]:
            missing.append(f"similarity {similarity:.2f} < {self.options.min_similarity}")
        if not checks["wording"]:
            missing.append(f"word support {support:.2f} < {self.options.min_token_support}")
        return Verdict(status="supported" if all(checks.values()) else "unsupported",
                       similarity=round(similarity, 4), checks=checks, missing=missing,
                       verifier=self.name)
