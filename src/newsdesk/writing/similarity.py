"""Similarity and centrality over a story's candidate sentences: TF-IDF rows, word-pair
"concepts", centroid closeness and LexRank."""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

import numpy as np

from newsdesk.text import STOPWORDS, content_words, words


def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match "protesters"/"protester"."""
    for suffix, keep in (("'s", 0), ("ies", 0), ("ing", 5), ("ed", 4), ("es", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def bigrams(text: str) -> list[str]:
    """Adjacent word pairs (stemmed) that are not both stop words: the "concepts" whose
    coverage the selection rewards."""
    tokens = [stem(w) for w in words(text)]
    return [f"{a} {b}" for a, b in pairwise(tokens)
            if not (a in STOPWORDS and b in STOPWORDS)]


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    """Unit-length TF-IDF rows (sublinear tf, IDF over ``texts``) of stemmed content words."""
    docs = [Counter(stem(w) for w in content_words(t)) for t in texts]
    vocabulary: dict[str, int] = {}
    for counts in docs:
        for term in counts:
            vocabulary.setdefault(term, len(vocabulary))
    matrix = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float32)
    df = np.zeros(matrix.shape[1], dtype=np.float32)
    for row, counts in enumerate(docs):
        for term, count in counts.items():
            matrix[row, vocabulary[term]] = 1.0 + math.log(count)
            df[vocabulary[term]] += 1
    matrix *= np.log((len(texts) + 1) / (df + 1)) + 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.maximum(norms, 1e-9), dtype=np.float32)


def centroid_similarity(vectors: np.ndarray) -> np.ndarray:
    """Cosine of each row with the rows' normalised mean."""
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    return np.asarray(vectors @ centroid)


def lexrank(similarity: np.ndarray, threshold: float = 0.1, damping: float = 0.85,
            iterations: int = 100) -> np.ndarray:
    """Continuous LexRank (Erkan and Radev 2004): PageRank over the similarity graph with
    edges below ``threshold`` removed, scaled so the most central sentence scores 1."""
    n = len(similarity)
    weights = np.where(similarity > threshold, similarity, 0.0)
    np.fill_diagonal(weights, 0.0)
    degree = weights.sum(axis=1, keepdims=True)
    transition = np.where(degree > 0, weights / np.maximum(degree, 1e-12), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * transition.T @ rank
        if float(np.abs(updated - rank).sum()) < 1e-8:
            rank = updated
            break
        rank = updated
    return np.asarray(rank / max(float(rank.max()), 1e-12))
