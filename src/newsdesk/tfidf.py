"""Keyword vectors: TF-IDF over a document-frequency table that grows with the archive.

Inverse document frequencies come from the documents newsdesk has already read, not
from a fixed corpus, so they fit whatever the archive covers: in a stream of shooting
reports "shooting" soon weighs nothing and the street and victim names carry the
match. The table hashes each term into one of ``BUCKETS`` counters (no vocabulary to
grow or store); a collision merges two terms' counts, which at 2^20 buckets changes an
IDF by a negligible amount for the few terms it touches. Entity keys are counted in the
same table (they contain a ``:`` and so never collide with words by construction of the
key, only by hash).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Iterable

import numpy as np

from newsdesk.text import content_words

BUCKETS = 1 << 20
TERM_WORDS = 400      # title + the first words of the text: where reports say what happened
TITLE_REPEAT = 2      # title words count this many times: a headline is the densest summary
MAX_TERMS = 120       # strongest terms kept per document vector
STORY_TERMS = 200     # strongest terms kept per story vector
NAME_SCALE = 10.0     # weight of a name never seen before (see name_weight)


def _bucket(term: str) -> int:
    # crc32, not hash(): Python salts str hashes per process, and the table is stored.
    return zlib.crc32(term.encode("utf-8")) & (BUCKETS - 1)


class DocumentFrequencies:
    """How many documents contain each term (hashed), and how many documents there are."""

    def __init__(self, counts: np.ndarray | None = None, documents: int = 0) -> None:
        self.counts = counts if counts is not None else np.zeros(BUCKETS, dtype=np.uint32)
        self.documents = documents

    def add(self, keys: Iterable[str]) -> None:
        """Count one document containing ``keys`` (each distinct key once)."""
        for key in set(keys):
            self.counts[_bucket(key)] += 1
        self.documents += 1

    def idf(self, key: str) -> float:
        """Smoothed inverse document frequency, ``log((N + 1) / (df + 1)) + 1``."""
        df = int(self.counts[_bucket(key)])
        return math.log((self.documents + 1) / (df + 1)) + 1.0

    def name_weight(self, key: str) -> float:
        """The IDF of ``key`` on a scale that does not move as the archive grows:
        ``NAME_SCALE * idf / idf_max``, where ``idf_max`` is the IDF of a key never seen.

        A raw IDF grows with ``log N``: the same rare name weighs 8.6 in an archive of
        2,000 documents and 12.5 in one of 100,000. Clustering sums name weights into
        evidence, so raw IDFs make a model fitted on a small archive join more and more
        eagerly as the archive grows (in a replay of the clustering-gva train stream with
        5,568 unrelated documents counted in first, precision fell from 0.944 to 0.906
        with the weights fitted without them). On this scale a name never seen weighs
        ``NAME_SCALE`` and a name in every document ``NAME_SCALE / idf_max``, whatever
        ``N`` is (the same replay: 0.952 and 0.949).
        """
        return NAME_SCALE * self.idf(key) / (math.log(self.documents + 1) + 1.0)

    def to_bytes(self) -> bytes:
        """The counts, compressed for storage (most buckets are zero)."""
        return zlib.compress(self.counts.astype("<u4").tobytes(), level=1)

    @classmethod
    def from_bytes(cls, blob: bytes, documents: int) -> DocumentFrequencies:
        """The table stored by :meth:`to_bytes`."""
        counts = np.frombuffer(zlib.decompress(blob), dtype="<u4").astype(np.uint32)
        if counts.shape != (BUCKETS,):
            raise ValueError(f"stored term table has {counts.shape[0]} buckets, not {BUCKETS}")
        return cls(counts, documents)


def stem(word: str) -> str:
    """A light suffix stripper, so "signs", "signed" and "signing" count as one term.

    Deliberately conservative (plural and verb endings only): a wrong merge costs more
    than a missed one when the terms decide which story a report joins.
    """
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def document_terms(title: str, text: str) -> Counter[str]:
    """Stemmed term counts of a document: its title (weighted) and the first words of
    its text."""
    counts = Counter(stem(w) for w in content_words(title))
    for term in counts:
        counts[term] *= TITLE_REPEAT
    counts.update(stem(w) for w in content_words(" ".join(text.split()[:TERM_WORDS])))
    return counts


def weigh(counts: Counter[str], frequencies: DocumentFrequencies,
          limit: int = MAX_TERMS) -> dict[str, float]:
    """A unit-length TF-IDF vector (sublinear tf) of the ``limit`` strongest terms."""
    weights = {t: (1.0 + math.log(c)) * frequencies.idf(t) for t, c in counts.items() if c > 0}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: round(w / norm, 5) for t, w in top}


def norm(vector: dict[str, float]) -> float:
    """Euclidean length of a sparse vector."""
    return math.sqrt(sum(w * w for w in vector.values()))


def dot(doc: dict[str, float], other: dict[str, float]) -> float:
    """Dot product of two sparse vectors (iterates the smaller one)."""
    if len(doc) > len(other):
        doc, other = other, doc
    return sum(w * other.get(t, 0.0) for t, w in doc.items())


def cosine(doc: dict[str, float], other: dict[str, float]) -> float:
    """Cosine of two sparse vectors (``other`` need not be unit length)."""
    if len(doc) > len(other):
        doc, other = other, doc
    dot = sum(w * other.get(t, 0.0) for t, w in doc.items())
    if dot == 0.0:
        return 0.0
    norm_a = math.sqrt(sum(w * w for w in doc.values()))
    norm_b = math.sqrt(sum(w * w for w in other.values()))
    return dot / max(norm_a * norm_b, 1e-9)


def add_into(total: dict[str, float], vector: dict[str, float], limit: int = STORY_TERMS
             ) -> dict[str, float]:
    """``total + vector``, keeping the ``limit`` largest entries (a story's term profile)."""
    merged = dict(total)
    for term, weight in vector.items():
        merged[term] = merged.get(term, 0.0) + weight
    if len(merged) > limit:
        merged = dict(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
    return {t: round(w, 5) for t, w in merged.items()}
