"""Story-assignment throughput as the archive grows: documents per second at 1k, 10k and
100k stored documents, and peak memory.

Each archive size runs in its own process (so peak memory belongs to that size alone)
and measures two things on the same synthetic stream:

- **store**: the pipeline's real assign step (:func:`newsdesk.stages.cluster.
  assign_documents`) on a SQLite store already holding N clustered documents, their
  stories and entities, assigning ``--batch`` new documents: candidate index rebuilt
  from the store, scoring, story saves, update records, story entities and story-thread
  links. The index rebuild is timed on its own;
- **memory**: the same assignment code in memory (:class:`newsdesk.story_assign.
  StoryAssigner`) with the N archive documents' stories indexed, timing the next
  ``--batch`` documents: the cost of candidate search and scoring alone.

The stream is synthetic: 384-dimensional unit vectors around a per-story direction,
entity keys and keywords drawn from Zipf-like vocabularies, stories of 1-6 reports
arriving at a steady ``--per-day`` documents a day. Only speed is measured here; quality
is measured by ``newsdesk eval cluster`` on real labelled streams.

    python bench/assignment.py                       # 1k, 10k, 100k; about 10 minutes
    python bench/assignment.py --sizes 1000,10000 --json assign.json
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from throughput import machine

DIMENSIONS = 384
NAME_VOCABULARY = 50_000
WORD_VOCABULARY = 30_000


def synthetic_stream(total: int, per_day: int, seed: int = 7) -> list[dict[str, Any]]:
    """``total`` documents in publication order, with their story labels."""
    rng = np.random.default_rng(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    docs: list[dict[str, Any]] = []
    story = 0
    while len(docs) < total:
        size = int(rng.integers(1, 7))
        direction = rng.standard_normal(DIMENSIONS).astype(np.float32)
        names = [f"place:p{int(n)}" for n in rng.zipf(1.3, 2) % NAME_VOCABULARY]
        names += [f"person:s{int(n)}" for n in rng.zipf(1.2, 3) % NAME_VOCABULARY]
        words = [f"w{int(n)}" for n in rng.zipf(1.2, 25) % WORD_VOCABULARY]
        first = start + timedelta(days=len(docs) / per_day)
        for k in range(size):
            vector = direction + 0.8 * rng.standard_normal(DIMENSIONS).astype(np.float32)
            own = [f"org:o{int(n)}" for n in rng.zipf(1.3, 2) % NAME_VOCABULARY]
            doc_words = [*rng.choice(words, 15), *(f"w{int(n)}" for n in
                                                   rng.zipf(1.1, 15) % WORD_VOCABULARY)]
            docs.append({"story": story, "vector": vector / np.linalg.norm(vector),
                         "names": sorted(set(names[: 3 + k % 2] + own)),
                         "words": [str(w) for w in doc_words],
                         "published": first + timedelta(hours=3 * k)})
        story += 1
    docs = docs[:total]
    docs.sort(key=lambda d: d["published"])
    return docs


def _terms(words: list[str]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    norm = float(np.sqrt(sum(c * c for c in counts.values())))
    return {w: round(c / norm, 5) for w, c in counts.items()}


def features(doc: dict[str, Any], number: int) -> Any:
    """The clusterer's view of one synthetic document."""
    from newsdesk.backends.clusterer import DocumentFeatures

    return DocumentFeatures(number, doc["vector"], doc["names"], doc["published"],
                            _terms(doc["words"]), dict.fromkeys(doc["names"], 6.0),
                            len(doc["words"]))


def measure_memory(stream: list[dict[str, Any]], archive: int, window: float) -> dict[str, Any]:
    """Index the ``archive`` documents' stories in memory, then time the rest."""
    from newsdesk import backends
    from newsdesk.backends.clusterer import Clusterer, StoryState
    from newsdesk.cluster_model import cluster_setup
    from newsdesk.settings import load_settings
    from newsdesk.story_assign import StoryAssigner, fold_document

    setup = cluster_setup(load_settings(environ={}))
    merge = setup.merge_threshold
    clusterer = backends.load("clusterer", "online", Clusterer, **setup.options)
    assigner = StoryAssigner(clusterer, timedelta(days=window), merge)
    started = time.perf_counter()
    stories: dict[int, StoryState] = {}
    for number, doc in enumerate(stream[:archive], 1):
        story = stories.setdefault(doc["story"], StoryState(
            id=doc["story"] + 1, centroid=np.zeros(DIMENSIONS, dtype=np.float32)))
        fold_document(story, features(doc, number))
    assigner.load(list(stories.values()))
    assigner.index.expire(stream[archive]["published"])
    build = time.perf_counter() - started
    batch = stream[archive:]
    started = time.perf_counter()
    candidates = 0
    for number, doc in enumerate(batch, archive + 1):
        feats = features(doc, number)
        candidates += len(assigner.index.candidates(feats))
        assigner.assign(feats, new_story_id=len(stories) + number)
    seconds = time.perf_counter() - started
    return {"docs_per_s": round(len(batch) / seconds, 1), "index_build_s": round(build, 2),
            "live_stories": len(assigner.index),
            "mean_candidates": round(candidates / len(batch), 1)}


def fill_store(store: Any, stream: list[dict[str, Any]], archive: int) -> None:
    """Insert the archive as clustered documents with stories and entities, and the
    rest of the stream as embedded documents waiting for assignment."""
    from sqlalchemy import insert

    from newsdesk.builtin.store_models import (
        DocumentEntityRow,
        DocumentRow,
        EntityRow,
        StoryEntityRow,
        StoryRow,
    )
    from newsdesk.builtin.store_sql import vector_to_bytes

    stories: dict[int, dict[str, Any]] = {}
    entity_ids: dict[str, int] = {}
    doc_rows, doc_entities = [], []
    for number, doc in enumerate(stream, 1):
        clustered = number <= archive
        if clustered:
            story = stories.setdefault(doc["story"] + 1, {
                "id": doc["story"] + 1, "vectors": [], "names": {}, "words": [],
                "first": doc["published"], "last": doc["published"], "docs": set()})
            story["vectors"].append(doc["vector"])
            story["words"] += doc["words"]
            story["last"] = doc["published"]
            for name in doc["names"]:
                story["names"][name] = story["names"].get(name, 0) + 1
                entity_ids.setdefault(name, len(entity_ids) + 1)
                doc_entities.append({"document_id": number, "entity_id": entity_ids[name],
                                     "mentions": 1})
        doc_rows.append({
            "id": number, "url": f"https://example.org/{number}",
            "canonical_url": f"https://example.org/{number}", "content_hash": f"{number:064x}",
            "title": f"Report {number}", "author": "", "published_at": doc["published"],
            "site_name": f"Outlet {number % 40}", "language": "en", "text": "Synthetic text.",
            "source_url": "", "extractor": "bench", "fetched_at": doc["published"],
            "stage": "clustered" if clustered else "embedded",
            "embedding": vector_to_bytes(doc["vector"]), "names": doc["names"],
            "terms": _terms(doc["words"]),
            "story_id": doc["story"] + 1 if clustered else None,
        })
    story_rows, story_entities = [], []
    for story in stories.values():
        centroid = np.mean(story["vectors"], axis=0)
        story_rows.append({
            "id": story["id"], "created_at": story["first"], "updated_at": story["last"],
            "first_published": story["first"], "last_published": story["last"],
            "centroid": vector_to_bytes(centroid), "doc_count": len(story["vectors"]),
            "names": story["names"], "terms": _terms(story["words"]), "needs_write": False,
            "write_status": "written"})
        story_entities += [{"story_id": story["id"], "entity_id": entity_ids[n],
                            "documents": c, "mentions": c} for n, c in story["names"].items()]
    kinds = {"place": "place", "person": "person", "org": "org"}
    with store.session() as s:
        s.execute(insert(EntityRow), [{"id": i, "key": k, "kind": kinds[k.split(":")[0]],
                                       "name": k.split(":")[1], "documents": 1}
                                      for k, i in entity_ids.items()])
        s.execute(insert(StoryRow), story_rows)
        for start in range(0, len(doc_rows), 5000):
            s.execute(insert(DocumentRow), doc_rows[start:start + 5000])
        s.execute(insert(DocumentEntityRow), doc_entities)
        s.execute(insert(StoryEntityRow), story_entities)


def measure_store(stream: list[dict[str, Any]], archive: int, work: Path) -> dict[str, Any]:
    """The pipeline's assign step on a store holding ``archive`` documents."""
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.pipeline import Context
    from newsdesk.settings import load_settings
    from newsdesk.stages import cluster

    settings = load_settings(overrides={"data_dir": str(work)}, environ={})
    store = SqlStore.open(settings.database_url)
    started = time.perf_counter()
    fill_store(store, stream, archive)
    fill = time.perf_counter() - started
    ctx = Context(settings=settings, store=store, show_progress=False)
    rebuild = {"seconds": 0.0}
    load = store.active_stories

    def timed_load(since: datetime | None) -> list[dict[str, Any]]:
        begun = time.perf_counter()
        found = load(since)
        rebuild["seconds"] += time.perf_counter() - begun
        rebuild["stories"] = len(found)
        return found

    store.active_stories = timed_load  # type: ignore[method-assign]
    # The rebuild is reading the window's stories and indexing them in memory.
    from newsdesk.story_assign import StoryAssigner
    index_load = StoryAssigner.load

    def timed_index(self: StoryAssigner, stories: list[Any]) -> None:
        begun = time.perf_counter()
        index_load(self, stories)
        rebuild["seconds"] += time.perf_counter() - begun

    StoryAssigner.load = timed_index  # type: ignore[method-assign]
    batch = len(stream) - archive
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        cluster.assign_documents(ctx)
    finally:
        StoryAssigner.load = index_load  # type: ignore[method-assign]
    seconds = time.perf_counter() - started
    store.close()
    return {"docs_per_s": round(batch / seconds, 1),
            "docs_per_s_after_rebuild": round(batch / (seconds - rebuild["seconds"]), 1),
            "index_rebuild_s": round(rebuild["seconds"], 2),
            "stories_loaded": rebuild.get("stories", 0),
            "fill_s": round(fill, 1),
            "peak_rss_growth_mib": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                          - rss_before) / 1024, 1)}


def child(archive: int, batch: int, per_day: int) -> dict[str, Any]:
    """Both measurements for one archive size (run in a fresh process)."""
    from newsdesk.settings import load_settings

    logging.disable(logging.WARNING)
    window = load_settings(environ={})["cluster.window_days"]
    stream = synthetic_stream(archive + batch, per_day)
    with tempfile.TemporaryDirectory(prefix="newsdesk-assign-") as tmp:
        store = measure_store(stream, archive, Path(tmp))
    memory = measure_memory(stream, archive, window)
    return {"archive_documents": archive, "batch": batch, "window_days": window,
            "store": store, "memory": memory,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> int:
    """Run each size in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="archive sizes in stored documents (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=500,
                        help="new documents assigned per size (default: %(default)s)")
    parser.add_argument("--per-day", type=int, default=250,
                        help="synthetic documents a day (default: %(default)s)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.batch, args.per_day)))
        return 0
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        result = subprocess.run([sys.executable, __file__, "--child", str(size), "--batch",
                                 str(args.batch), "--per-day", str(args.per_day)],
                                capture_output=True, text=True, check=True)
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        row = rows[-1]
        print(f"{row['archive_documents']:>8} stored: pipeline assign "
              f"{row['store']['docs_per_s']:>6.0f} docs/s "
              f"({row['store']['docs_per_s_after_rebuild']:.0f} after a "
              f"{row['store']['index_rebuild_s']:.1f} s index rebuild of "
              f"{row['store']['stories_loaded']} stories); in memory "
              f"{row['memory']['docs_per_s']:>6.0f} docs/s, "
              f"{row['memory']['mean_candidates']:.0f} candidates/doc; "
              f"peak RSS {row['peak_rss_mib']:.0f} MiB", flush=True)
    info = machine()
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {info['cpu']}, {info['cores']} cores, "
          f"{info['ram_gib']} GiB, Python {info['python']}, newsdesk {info['newsdesk']} "
          f"({info['revision']}); window {rows[0]['window_days'] if rows else '?'} days, "
          f"{args.per_day} documents a day, {args.batch} new documents per size")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "date": datetime.now(UTC)
                                               .isoformat(), "sizes": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
