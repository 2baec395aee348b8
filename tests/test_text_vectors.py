"""Stored text vectors: the writer's and verifier's embeddings are kept in the store, so a
story written again embeds nothing it embedded before, and comes out the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from newsdesk import backends
from newsdesk.backends.verifier import Verifier
from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.builtin.store_text_vectors import StoredEmbedder
from newsdesk.builtin.write_llm import writer_from_settings
from newsdesk.pipeline import Context
from newsdesk.settings import load_settings
from newsdesk.stages.write import write_story

TEXTS = ["The port will reopen on Monday, officials said.",
         "Ferry services were cancelled after the storm.",
         "Ferry services were cancelled after the storm."]


def test_vectors_are_stored_once_and_read_back_unchanged(store_url: str) -> None:
    store = SqlStore.open(store_url)
    try:
        vectors = {t: np.random.default_rng(i).random(384).astype(np.float32)
                   for i, t in enumerate(TEXTS[:2])}
        with store.transaction():
            store.save_text_vectors("model-a", vectors)
        # the same texts again (another worker stored them meanwhile) and a new one
        store.save_text_vectors("model-a", {**vectors, "A third text.": np.ones(384)})
        found = store.text_vectors("model-a", [*TEXTS, "never stored"])
        assert set(found) == {*TEXTS[:2]}
        for text, vector in vectors.items():
            assert found[text].dtype == np.float32
            assert np.array_equal(found[text], vector)
        assert store.text_vectors("model-b", TEXTS) == {}  # another model's are its own
    finally:
        store.close()


def test_a_second_embedder_reads_what_the_first_computed(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'news.db'}")
    try:
        first = StoredEmbedder(OnnxMiniLMEmbedder(cache_size=0), store)
        made = first.embed_batch(TEXTS)
        assert first.computed == 2
        second = StoredEmbedder(OnnxMiniLMEmbedder(cache_size=0), store)
        again = second.embed_batch(list(reversed(TEXTS)))
        assert second.computed == 0
        assert second.read == 2
        assert np.array_equal(again, made[::-1])
        assert np.array_equal(made, OnnxMiniLMEmbedder(cache_size=0).embed_batch(TEXTS))
    finally:
        store.close()


def test_a_story_written_again_embeds_nothing_and_reads_the_same(
        demo_site: Path, tmp_path: Path) -> None:
    shutil.copy(demo_site / "newsdesk.db", tmp_path / "newsdesk.db")
    settings = load_settings(overrides={"data_dir": str(tmp_path)}, environ={})
    ctx = Context(settings=settings, store=SqlStore.open(settings.database_url),
                  show_progress=False)
    try:
        written = [a for a in ctx.store.current_articles() if a.kind == "article"]
        assert written
        before = written[0]
        # a fresh process's embedder: nothing in memory, only the store
        ctx.embedder.options.cache_size = 0
        verifier = backends.load("verifier", "alignment", Verifier,
                                 **ctx.settings.section("verify"))
        with ctx.store.transaction():
            status = write_story(before.story_id, writer_from_settings(ctx.settings, verifier),
                                 verifier, ctx)
        assert status == "written"
        after = ctx.store.current_article(before.story_id)
        assert after is not None
        assert ctx.embedder.computed == 0  # type: ignore[attr-defined]
        assert after.headline.text == before.headline.text
        assert [s.text for s in after.body_sentences()] == \
            [s.text for s in before.body_sentences()]
    finally:
        ctx.store.close()
