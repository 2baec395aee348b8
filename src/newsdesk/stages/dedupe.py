"""Dedupe: exact copies by content hash, syndicated near-copies by MinHash.

A duplicate is linked to its original (``duplicate_of``), never deleted: it joins the
original's story and is listed as "also carried by", but it is not counted as an
independent source by the writer.
"""

from __future__ import annotations

import hashlib

import numpy as np

from newsdesk.pipeline import Context
from newsdesk.records import Document
from newsdesk.text import words

SHINGLE = 4
PERMUTATIONS = 64
_rng = np.random.default_rng(20261125)  # fixed: signatures must be comparable across runs
_MASKS = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_MULTIPLIERS = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)


def minhash(text: str) -> np.ndarray:
    """A 64-value MinHash signature over word 4-shingles (multiply-shift hashing)."""
    tokens = words(text)
    shingles = {" ".join(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))}
    base = np.fromiter(
        (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little")
         for s in shingles), dtype=np.uint64, count=len(shingles))
    with np.errstate(over="ignore"):
        hashed = ((base[None, :] ^ _MASKS[:, None]) * _MULTIPLIERS[:, None]) >> np.uint64(32)
    return hashed.min(axis=1).astype(np.uint32)


def jaccard_estimates(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature against each row of ``others``."""
    return (others == signature[None, :]).mean(axis=1)


def dedupe_document(doc: Document, ctx: Context) -> tuple[int | None, str | None, float | None]:
    """Find the original this document copies. Returns (original id, kind, score)."""
    assert doc.id is not None
    signature = minhash(doc.text)
    exact = ctx.store.document_by_hash(doc.content_hash, doc.id)
    if exact is not None:
        result: tuple[int | None, str | None, float | None] = (exact, "exact", 1.0)
    else:
        result = (None, None, None)
        candidates = ctx.store.minhashes_near(doc.published_at,
                                              ctx.settings["dedupe.window_days"], doc.id)
        if candidates:
            ids = [c[0] for c in candidates]
            matrix = np.vstack([np.frombuffer(c[1], dtype=np.uint32) for c in candidates])
            scores = jaccard_estimates(signature, matrix)
            best = int(np.argmax(scores))
            if scores[best] >= ctx.settings["dedupe.near_threshold"]:
                result = (ids[best], "near", float(scores[best]))
    ctx.store.mark_deduped(doc.id, signature.tobytes(), *result)
    return result


def dedupe(ctx: Context) -> int:
    """Dedupe every newly extracted document, oldest first. Returns how many were copies."""
    found = 0
    docs = ctx.store.documents_at_stage("extracted")
    for doc in ctx.track(docs, "finding duplicates"):
        original, kind, _score = dedupe_document(doc, ctx)
        ctx.checkpoint("dedupe")
        if original is not None:
            found += 1
            ctx.count(f"duplicates_{kind}")
    return found
