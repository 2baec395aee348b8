"""The demo corpus clustered with ``cluster.vector_candidates`` on SQLite (in-memory
search), on PostgreSQL with pgvector (the store's search) and on PostgreSQL without it
(the fallback): the same stories with the same member documents on all three.

Each store gets ``newsdesk ingest --demo`` then ``newsdesk cluster``, through the command
line a user types; writing is left out (the stories are what the search decides).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cli.main import main

from pg_server import PostgresServer

pytestmark = pytest.mark.slow

K = 8


def clustered(url: str, data: Path) -> None:
    assert main(["ingest", "--demo", "--data-dir", str(data), "--database-url", url,
                 "--quiet"]) == 0
    assert main(["cluster", "--data-dir", str(data), "--database-url", url, "--quiet"]) == 0


def stories(url: str) -> dict[frozenset[str], int]:
    """Each live story's member documents (canonical URLs) and document count."""
    store = SqlStore.open(url, migrate=False)
    try:
        return {frozenset(d.canonical_url for d in store.story_documents(s["id"])):
                s["doc_count"] for s in store.active_stories(None)}
    finally:
        store.close()


def test_the_demo_clusters_alike_with_pgvector_without_it_and_on_sqlite(
        pgvector_server: PostgresServer, pg_server: PostgresServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_CLUSTER_VECTOR_CANDIDATES", str(K))
    searches: list[str] = []
    search = SqlStore.nearest_stories

    def counted(self: SqlStore, vector: Any, since: Any, limit: int) -> list[int]:
        searches.append(self.engine.dialect.name)
        return search(self, vector, since, limit)

    monkeypatch.setattr(SqlStore, "nearest_stories", counted)

    urls = {"sqlite": f"sqlite:///{tmp_path / 'sqlite' / 'newsdesk.db'}",
            "pgvector": pgvector_server.new_database("demo"),
            "fallback": pg_server.new_database("demo")}
    found = {}
    for name, url in urls.items():
        before = len(searches)
        clustered(url, tmp_path / name)
        store = SqlStore.open(url, migrate=False)
        try:
            assert store.has_story_vectors == (name == "pgvector")
        finally:
            store.close()
        # only the pgvector store searches in the database: once per assigned document
        assert (len(searches) > before + 40) == (name == "pgvector"), (name, len(searches))
        found[name] = stories(url)

    assert len(found["sqlite"]) >= 10  # a real newsroom: the demo's stories and one-offs
    assert found["pgvector"] == found["sqlite"]
    assert found["fallback"] == found["sqlite"]

    # the database's copies of the centroids are the stored centroids
    store = SqlStore.open(urls["pgvector"], migrate=False)
    try:
        with store.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT centroid, centroid_vec::text FROM stories WHERE merged_into IS NULL"
            )).all()
        assert rows
        for blob, vector in rows:
            stored = np.frombuffer(blob, dtype="<f4")
            copied = np.array([float(v) for v in vector.strip("[]").split(",")], dtype="<f4")
            assert np.array_equal(stored, copied)
    finally:
        store.close()
