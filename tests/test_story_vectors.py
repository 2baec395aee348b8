"""Stories nearest in meaning as extra candidates (``cluster.vector_candidates``): the
in-memory search, pgvector's search in the store, and the fallback where PostgreSQL has
no pgvector; all three must offer a document the same stories.

The pgvector server is the ``pgserver`` wheel's PostgreSQL 16 (``pgvector_server`` in
conftest.py); Debian's PostgreSQL 15 (``pg_server``) has no pgvector and is the fallback.
"""

from __future__ import annotations

import importlib.resources
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from newsdesk.backends.clusterer import DocumentFeatures, StoryState
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.story_index import CandidateIndex
from newsdesk.story_vectors import CentroidMatrix, rank

T0 = datetime(2026, 11, 16, 8, tzinfo=UTC)
DIM = 16


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def story(sid: int, centroid: np.ndarray, hours: float, names: dict[str, int] | None = None
          ) -> StoryState:
    when = T0 + timedelta(hours=hours)
    return StoryState(id=sid, centroid=centroid, names=names or {}, doc_count=2,
                      first_published=when, last_published=when)


def doc(vector: np.ndarray, hours: float, names: list[str] | None = None) -> DocumentFeatures:
    return DocumentFeatures(0, vector, names or [], T0 + timedelta(hours=hours))


def random_stories(seed: int, count: int = 300) -> list[StoryState]:
    """Stories over 40 days, in clumps of near-identical centroids (ties for the search)."""
    rng = np.random.default_rng(seed)
    bases = [unit(rng.normal(size=DIM)) for _ in range(30)]
    stories = []
    for sid in range(1, count + 1):
        base = bases[sid % len(bases)]
        jitter = 0.0 if sid % 7 == 0 else 0.05  # every 7th story sits exactly on its base
        stories.append(story(sid, unit(base + jitter * rng.normal(size=DIM)),
                             float(rng.uniform(0, 40 * 24))))
    return stories


# -- in memory ----------------------------------------------------------------------------


def test_a_story_that_shares_no_key_is_offered_only_with_vector_candidates() -> None:
    rng = np.random.default_rng(1)
    near = unit(rng.normal(size=DIM))
    # 20 fresher stories keep the near one out of the "most recent" list; it shares no
    # name or keyword with the document
    others = [story(i, unit(rng.normal(size=DIM)), 10 + i, {f"n{i}": 1}) for i in range(2, 22)]
    target = story(1, near, 1)
    report = doc(unit(near + 0.1 * rng.normal(size=DIM)), 30)
    plain, searching = CandidateIndex(timedelta(days=30)), CandidateIndex(timedelta(days=30), 3)
    for index in (plain, searching):
        index.add_all([target, *others])
    by_keys = plain.candidates(report)
    assert target not in by_keys
    found = searching.candidates(report)
    assert found[:len(by_keys)] == by_keys  # the key-based candidates come first
    assert target in found[len(by_keys):]
    assert searching.nearest(report, report.published - timedelta(days=30))[0] is target


def test_the_in_memory_search_is_the_exact_ranking_over_the_window() -> None:
    stories = random_stories(2)
    index = CandidateIndex(timedelta(days=10), vector_candidates=5)
    index.add_all(stories)
    rng = np.random.default_rng(3)
    for _ in range(200):
        report = doc(unit(rng.normal(size=DIM)), float(rng.uniform(0, 45 * 24)))
        earliest = report.published - timedelta(days=10)
        window = [s for s in stories if s.last_published and s.last_published >= earliest]
        assert index.nearest(report, earliest) == rank(report.vector, window, 5)


def test_removed_changed_and_expired_stories_follow_the_index() -> None:
    a, b = story(1, unit(np.eye(DIM)[0]), 0), story(2, unit(np.eye(DIM)[1]), 0)
    index = CandidateIndex(timedelta(days=2), vector_candidates=1)
    index.add_all([a, b])
    report = doc(np.eye(DIM)[0], 1)
    earliest = report.published - timedelta(days=2)
    assert index.nearest(report, earliest) == [a]
    index.remove(1)
    assert index.nearest(report, earliest) == [b]
    b.centroid = unit(np.eye(DIM)[0] + np.eye(DIM)[1])
    b.last_published = T0 + timedelta(days=5)
    index.add(b)  # changed: its new centroid and time count
    later = doc(np.eye(DIM)[0], 24 * 6)
    assert index.nearest(later, later.published - timedelta(days=2)) == [b]
    assert index.nearest(later, later.published - timedelta(hours=12)) == []


def test_the_matrix_reuses_rows_and_grows() -> None:
    matrix = CentroidMatrix()
    stories = random_stories(4, 150)
    for s in stories:
        matrix.put(s)
    for s in stories[:100]:
        matrix.drop(s.id or 0)
    for s in stories[:100]:
        matrix.put(s)
    assert len(matrix) == 150
    got = matrix.nearest(stories[5].centroid, T0 - timedelta(days=1), 150)
    assert sorted(got) == sorted(s.id for s in stories)
    assert got[0] in {s.id for s in stories if np.allclose(s.centroid, stories[5].centroid)}


# -- in the store ---------------------------------------------------------------------------


def _save_all(store: SqlStore, stories: list[StoryState]) -> None:
    for s in stories:
        s.id = store.save_story({"centroid": s.centroid, "names": s.names, "terms": {},
                                 "doc_count": s.doc_count, "first_published": s.first_published,
                                 "last_published": s.last_published})


def test_pgvector_is_found_and_the_store_searches_its_centroids(pgvector_url: str) -> None:
    store = SqlStore.open(pgvector_url)
    try:
        assert store.has_story_vectors
        stories = random_stories(5)
        _save_all(store, stories)
        with store.engine.connect() as connection:
            filled = connection.execute(text(
                "SELECT count(*) FROM stories WHERE centroid_vec IS NOT NULL")).scalar()
        assert filled == len(stories)
        rng = np.random.default_rng(6)
        for _ in range(50):
            vector = unit(rng.normal(size=DIM))
            since = T0 + timedelta(days=float(rng.uniform(0, 35)))
            window = [s for s in stories if s.last_published and s.last_published >= since]
            got = store.nearest_stories(vector, since, 20)
            assert set(got) <= {s.id for s in window}
            # exact up to float32: the store's top 20 hold the exact top 4
            assert {s.id for s in rank(vector, window, 4)} <= set(got)
        # a merged story is never offered
        best = store.nearest_stories(stories[0].centroid, T0 - timedelta(days=1), 1)[0]
        store.merge_story(best, stories[1].id or 0)
        assert best not in store.nearest_stories(stories[0].centroid, T0 - timedelta(days=1), 5)
    finally:
        store.close()


def test_the_index_gives_the_same_candidates_from_pgvector_as_in_memory(
        pgvector_url: str) -> None:
    store = SqlStore.open(pgvector_url)
    try:
        stories = random_stories(7)
        _save_all(store, stories)
        memory = CandidateIndex(timedelta(days=10), vector_candidates=6)
        database = CandidateIndex(timedelta(days=10), vector_candidates=6,
                                  nearest=store.nearest_stories)
        memory.add_all(stories)
        database.add_all(stories)
        rng = np.random.default_rng(8)
        for number in range(150):
            # half the documents sit exactly on a clump's shared centroid: ties
            base = stories[number % 30].centroid if number % 2 else rng.normal(size=DIM)
            report = doc(unit(base), float(rng.uniform(0, 45 * 24)))
            assert [s.id for s in database.candidates(report)] == \
                [s.id for s in memory.candidates(report)]
    finally:
        store.close()


def test_postgresql_without_pgvector_migrates_and_falls_back(pg_url: str) -> None:
    store = SqlStore.open(pg_url)
    try:
        with store.engine.connect() as connection:
            offered = connection.execute(text(
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
        if offered is not None:
            pytest.skip("this PostgreSQL has pgvector: it is no fallback server")
        assert not store.has_story_vectors
        _save_all(store, random_stories(9, 5))  # saving stories works without the column
        with pytest.raises(RuntimeError, match="search in memory"):
            store.nearest_stories(np.ones(DIM), T0, 3)
    finally:
        store.close()


def test_sqlite_has_no_store_search(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path}/news.db")
    try:
        assert not store.has_story_vectors
    finally:
        store.close()


def test_stories_made_before_pgvector_get_their_vectors(pgvector_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location",
                           str(importlib.resources.files("newsdesk") / "migrations"))
    engine = create_engine(pgvector_url)
    stories = random_stories(10, 40)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005_run_safety")
        for s in stories:
            connection.execute(text(
                "INSERT INTO stories (created_at, updated_at, centroid, doc_count, names, "
                "terms, needs_write, write_status, last_published, assign_state) "
                "VALUES (:t, :t, :c, 2, '{}', '{}', true, '', :t, '')"),
                {"t": s.last_published, "c": np.asarray(s.centroid, "<f4").tobytes()})
    engine.dispose()
    store = SqlStore.open(pgvector_url)  # migration 0006 fills the column
    try:
        assert store.has_story_vectors
        target = stories[11]
        assert store.nearest_stories(target.centroid, T0 - timedelta(days=1), 1) == [12]
        # pgvector installed after the store was made: the column comes at the next open
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE stories DROP COLUMN centroid_vec"))
            connection.execute(text("DROP EXTENSION vector"))
    finally:
        store.close()
    store = SqlStore.open(pgvector_url)
    try:
        assert store.has_story_vectors
        assert store.nearest_stories(target.centroid, T0 - timedelta(days=1), 1) == [12]
    finally:
        store.close()


def test_a_negative_number_of_vector_candidates_is_refused() -> None:
    from newsdesk.cluster_model import cluster_setup
    from newsdesk.errors import ConfigError
    from newsdesk.settings import load_settings

    assert cluster_setup(load_settings(environ={})).vector_candidates == 0
    chosen = load_settings(environ={"NEWSDESK_CLUSTER_VECTOR_CANDIDATES": "6"})
    assert cluster_setup(chosen).vector_candidates == 6
    assert "vector_candidates" not in cluster_setup(chosen).options  # not a clusterer option
    with pytest.raises(ConfigError, match=r"cluster\.vector_candidates is -3"):
        cluster_setup(load_settings(environ={"NEWSDESK_CLUSTER_VECTOR_CANDIDATES": "-3"}))
