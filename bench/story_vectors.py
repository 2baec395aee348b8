"""Nearest-story search (``cluster.vector_candidates``): milliseconds per document for
the in-memory search and for pgvector's, with N open stories in the window.

Synthetic 384-dimensional unit centroids, one story every ``8760 / N`` hours over a
year, all inside the 365-day window; each query is a random unit vector at the end of
the year. Both searches go through :meth:`newsdesk.story_index.CandidateIndex.nearest`
(the shortlist of k + 16 and the exact re-ranking included). pgvector runs on a
throwaway PostgreSQL started from the ``pgserver`` wheel's binaries (the tests' server,
``tests/pg_server.py``), or on ``--database-url`` (an empty database on a server with
the vector extension). Only speed is measured; whether the extra candidates help is
measured by ``newsdesk eval cluster --vector-candidates K``.

    python bench/story_vectors.py                 # 1,000 and 10,000 stories, k = 8
    python bench/story_vectors.py --sizes 1000,10000,50000 --json vectors.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from throughput import machine

DIMENSIONS = 384
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def measure(url: str, size: int, queries: int, k: int) -> dict[str, Any]:
    """Milliseconds per document of both searches over ``size`` stories."""
    from newsdesk.backends.clusterer import DocumentFeatures, StoryState
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.story_index import CandidateIndex

    rng = np.random.default_rng(size)
    store = SqlStore.open(url)
    try:
        if not store.has_story_vectors:
            raise SystemExit(f"{url}: the server has no vector extension")
        stories = []
        for number in range(size):
            centroid = rng.standard_normal(DIMENSIONS).astype(np.float32)
            centroid /= np.linalg.norm(centroid)
            when = T0 + timedelta(hours=number * 8760 / size)
            story_id = store.save_story({"centroid": centroid, "names": {}, "terms": {},
                                         "doc_count": 1, "first_published": when,
                                         "last_published": when})
            stories.append(StoryState(id=story_id, centroid=centroid, doc_count=1,
                                      first_published=when, last_published=when))
        docs = []
        for _ in range(queries):
            vector = rng.standard_normal(DIMENSIONS)
            docs.append(DocumentFeatures(0, vector / np.linalg.norm(vector), [],
                                         T0 + timedelta(days=364)))
        figures: dict[str, Any] = {"stories": size, "k": k}
        for label, nearest in (("memory", None), ("pgvector", store.nearest_stories)):
            index = CandidateIndex(timedelta(days=365), k, nearest)
            index.add_all(stories)
            started = time.perf_counter()
            for doc in docs:
                index.nearest(doc, doc.published - timedelta(days=365))
            figures[f"{label}_ms"] = round((time.perf_counter() - started) / queries * 1000, 2)
        return figures
    finally:
        store.close()


def main() -> None:
    """Print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="open stories, comma-separated")
    parser.add_argument("--queries", type=int, default=200, help="documents searched per size")
    parser.add_argument("-k", type=int, default=8, help="nearest stories wanted")
    parser.add_argument("--database-url", help="a server with pgvector (default: start one)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    server = None
    if not args.database_url:
        from pg_server import PostgresServer, pgvector_binaries, unavailable_reason

        reason = unavailable_reason(with_pgvector=True)
        if reason:
            raise SystemExit(reason)
        server = PostgresServer(pgvector_binaries())
    results = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            url = args.database_url or (server.new_database("bench") if server else "")
            figures = measure(url, size, args.queries, args.k)
            print(f"{size:>7} stories, k={args.k}: in memory {figures['memory_ms']:.2f} ms, "
                  f"pgvector {figures['pgvector_ms']:.2f} ms per document", flush=True)
            results.append(figures)
    finally:
        if server is not None:
            server.stop()
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": results},
                                              indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
