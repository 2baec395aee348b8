"""The ONNX embedder: a text's vector is the same whatever batch it comes in, and each
text is run through the model once while it stays in the cache (real model)."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder

SENTENCES = [
    "The council approved the harbour budget on Monday after a long debate.",
    "Officials said the bridge will stay closed until repairs are finished.",
    "Rain is expected.",
    "A much longer sentence about the port expansion, which will cost 4.2 million dollars "
    "and take three years to complete, according to the city's transport department.",
]


@pytest.fixture(scope="module")
def uncached() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder(cache_size=0)


def test_vector_does_not_depend_on_the_batch(uncached: OnnxMiniLMEmbedder) -> None:
    together = uncached.embed_batch(SENTENCES)
    alone = np.stack([uncached.embed_batch([s])[0] for s in SENTENCES])
    assert np.array_equal(together, alone)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_cached_vectors_equal_computed_ones(uncached: OnnxMiniLMEmbedder) -> None:
    cached = OnnxMiniLMEmbedder()
    first = cached.embed_batch(SENTENCES[:2])
    # repeats within one call and across calls, in another order
    second = cached.embed_batch([SENTENCES[1], SENTENCES[3], SENTENCES[1], SENTENCES[0]])
    assert cached.computed == 3
    assert cached.reused == 3
    expected = uncached.embed_batch([SENTENCES[1], SENTENCES[3], SENTENCES[1], SENTENCES[0]])
    assert np.array_equal(second, expected)
    assert np.array_equal(first, uncached.embed_batch(SENTENCES[:2]))
    # what a caller does with the array it got back never reaches the cache
    second[:] = 0
    assert np.array_equal(cached.embed_batch([SENTENCES[0]])[0], expected[3])


def test_cache_keeps_only_the_most_recent_texts() -> None:
    small = OnnxMiniLMEmbedder(cache_size=2)
    small.embed_batch(SENTENCES[:3])
    small.embed_batch([SENTENCES[0]])  # the oldest was dropped: computed again
    assert small.computed == 4
    small.embed_batch([SENTENCES[2]])  # still cached
    assert small.reused == 1


def test_blank_text_gets_a_unit_vector() -> None:
    vectors = OnnxMiniLMEmbedder().embed_batch(["", "  ", SENTENCES[2]])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
