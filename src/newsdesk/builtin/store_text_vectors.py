"""The SQL store's table of text embeddings: each text (a source sentence, a title, a
sentence as written) is embedded once per model and read back whenever a story that
uses it is written again, by this process or another.
:class:`~newsdesk.builtin.store_sql.SqlStore` mixes this in."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from newsdesk.backends.embedder import Embedder
from newsdesk.builtin.store_models import TextVectorRow

#: Digests looked up, or rows inserted, per statement (under SQLite's limit on bound
#: parameters).
LOOKUP_CHUNK = 500


def text_digest(text: str) -> str:
    """The key a text's vector is stored under: 128 bits of BLAKE2b of its UTF-8 bytes."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class TextVectorStore:
    """Stored text embeddings; needs ``self.session()`` from the store."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover - SqlStore's
        raise NotImplementedError

    def text_vectors(self, model: str, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those of ``texts`` that ``model`` embedded before."""
        by_digest = {text_digest(t): t for t in dict.fromkeys(texts)}
        found: dict[str, np.ndarray] = {}
        digests = list(by_digest)
        with self.session() as s:
            for start in range(0, len(digests), LOOKUP_CHUNK):
                chunk = digests[start:start + LOOKUP_CHUNK]
                for digest, blob in s.execute(
                        select(TextVectorRow.digest, TextVectorRow.vector)
                        .where(TextVectorRow.model == model, TextVectorRow.digest.in_(chunk))):
                    found[by_digest[digest]] = np.frombuffer(blob, dtype="<f4").copy()
        return found

    def save_text_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Store the vectors ``model`` made of these texts. A text stored already (by
        this run or, at the same moment, another worker) keeps its row."""
        if not vectors:
            return
        rows = [{"model": model, "digest": text_digest(t),
                 "vector": np.asarray(v, dtype="<f4").tobytes()} for t, v in vectors.items()]
        with self.session() as s:
            dialect = s.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            for start in range(0, len(rows), LOOKUP_CHUNK):
                s.execute(insert(TextVectorRow).values(rows[start:start + LOOKUP_CHUNK])
                          .on_conflict_do_nothing(index_elements=["model", "digest"]))


class StoredEmbedder(Embedder):
    """An embedder that answers from the store's ``text_vectors`` table first and stores
    what its ``inner`` embedder computes: a story written again (it gained a source, or
    another worker writes it) embeds only its new sentences. Vectors are stored as the
    model made them (float32), so an article comes out the same either way."""

    name = "stored"

    def __init__(self, inner: Embedder, store: TextVectorStore) -> None:
        super().__init__()
        self.inner, self.store = inner, store
        self.dimensions, self.model_id = inner.dimensions, inner.model_id or inner.name
        #: texts read back from the store and texts given to ``inner``, since creation
        self.read = self.computed = 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """See :meth:`Embedder.embed_batch`."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        known = self.store.text_vectors(self.model_id, texts)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            made = self.inner.embed_batch(missing)
            fresh = dict(zip(missing, made, strict=True))
            self.store.save_text_vectors(self.model_id, fresh)
            known.update(fresh)
        self.read += len(known) - len(missing)
        self.computed += len(missing)
        return np.stack([np.asarray(known[t], dtype=np.float32) for t in texts])
