"""Serving throughput as the archive grows: requests per second and latency (median,
p99) for the home page, a story page, a search and a feed, with the store holding N
published stories (default 10,000 and 100,000).

For each size, a fresh SQLite store is filled with synthetic published stories,
inserted directly (stories, article records with sentences, sources, entities and
verdicts, and the reader index with full-text search), as ``newsdesk publish`` would
leave them. ``newsdesk serve``'s app then runs in its own process on a free loopback
port (uvicorn, one worker), and a load generator in this process sends requests from
``--clients`` threads, each on a keep-alive connection, for ``--seconds`` per endpoint
after a warm-up. Story pages are drawn from random stories and searches from common
and rare words, so no single cached answer is measured.

    python bench/web.py                                  # 10,000 and 100,000 stories
    python bench/web.py --stories 2000 --seconds 5       # a quick run
    python bench/web.py --json web.json --keep

Only speed is measured here: the figures say whether a page's cost grows with the
archive. The server and the load generator share the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from newsdesk.builtin.store_models import ArticleRow, StoryRow
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import (
    Article,
    Citation,
    EntityRef,
    Section,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.web.catalog import indexed_story


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words("harbour council strike vote budget election court police fire rail tunnel "
         "bank rates inflation hospital school storm flood drought water energy port "
         "ferry minister union workers contract tender investigation regulator breach "
         "customers shares market profit tax housing rent transport airport flights "
         "climate emissions forest river bridge road museum festival club final cup")
OUTLETS = [f"{a} {b}" for a in ("Harbour", "Valley", "Capital", "Coastal", "Northern",
                                  "Meridian", "Signal", "Daily")
           for b in ("Gazette", "Times", "Post", "Herald", "Courier", "Wire", "Ledger")]
FIRST = _words("Anna Marek Ingrid Tomas Helena Paulo Sofia Lukas Ines Otto Marta Jonas Ruth "
         "Elias Dario Greta Pieter Birgit Anders Karel")
LAST = _words("Holt Maal Rehn Sarne Strand Ferro Vidal Brask Lindqvist Seidel Kalvik Weiss "
        "Hellin Marsk Vos Tallak Kvist Moravec Rask Okafor")
PLACES = [f"{p}{s}" for p in ("Port ", "North ", "Upper ", "")
          for s in ("Calder", "Dornach", "Halden", "Varsk", "Ostmark", "Brennick", "Arlen",
                    "Sarvale", "Tollen", "Marrow")]
ENDPOINTS = ("home", "story", "search", "feed")
SENTENCES_PER_STORY = 8


def sentence(rng: random.Random, number: int, doc: int) -> Sentence:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 22)))
    text = f"{words.capitalize()}, {rng.choice(OUTLETS)} reported."
    return Sentence(text=text, citation=Citation(doc_id=doc, sentence_index=number,
                                                 source_text=text, outlet=rng.choice(OUTLETS),
                                                 url=f"https://news.example/{doc}",
                                                 number=number),
                    verdict=Verdict(status="supported", similarity=0.93,
                                    verifier="alignment", evidence=[text]))


def synthetic_article(story_id: int, when: datetime, rng: random.Random) -> Article:
    """One published article of plausible size and shape."""
    sources = []
    for number in range(1, rng.randint(2, 6) + 1):
        sources.append(SourceRef(
            number=number, doc_id=story_id * 10 + number, outlet=rng.choice(OUTLETS),
            title=" ".join(rng.choice(WORDS) for _ in range(8)).capitalize(),
            url=f"https://news.example/{story_id}/{number}",
            published_at=(when + timedelta(hours=number)).isoformat()))
    body = [sentence(rng, (i % len(sources)) + 1, story_id * 10 + 1)
            for i in range(SENTENCES_PER_STORY)]
    entities = [EntityRef(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", kind="person",
                          key=f"person:{story_id}"),
                EntityRef(name=rng.choice(PLACES), kind="place", key=f"place:{story_id}")]
    headline = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
    return Article(
        story_id=story_id, headline=sentence(rng, 1, story_id * 10 + 1),
        summary=sentence(rng, 1, story_id * 10 + 1), lead=body[:2],
        sections=[Section("What happened", body[2:5]), Section("What comes next", body[5:])],
        slug=f"story-{story_id}-{headline.lower().replace(' ', '-')[:60]}",
        meta_description=headline, keywords=[], sources=sources, writer="grounded",
        written_at=when + timedelta(hours=8), verification={"checked": 10, "supported": 10,
                                                            "dropped": 0},
        entities=entities)


def fill(store: SqlStore, count: int, seed: int = 7) -> list[str]:
    """Insert ``count`` published stories over about three years; returns their slugs."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    spacing = timedelta(days=3 * 365) / count
    slugs: list[str] = []
    batch = 2000
    for first in range(1, count + 1, batch):
        articles = [synthetic_article(i, start + spacing * i, rng)
                    for i in range(first, min(count, first + batch - 1) + 1)]
        with store.session() as s:
            s.add_all(StoryRow(id=a.story_id, centroid=b"\0\0\0\0", doc_count=len(a.sources),
                               names={}, terms={}, needs_write=False, write_status="written")
                      for a in articles)
            s.flush()
            s.add_all(ArticleRow(story_id=a.story_id, version=1, slug=a.slug,
                                 headline=a.headline.text, is_current=True,
                                 written_at=a.written_at, data=a.to_dict()) for a in articles)
        store.sync_reader_index((indexed_story(a) for a in articles), complete=False)
        slugs += [a.slug for a in articles]
        print(f"  {len(slugs):,} stories stored", file=sys.stderr, flush=True)
    return slugs


SERVER = """
import socket, sys, uvicorn
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.web.app import create_app
from newsdesk.web.render import SiteSettings
store = SqlStore.open(sys.argv[1])
sock = socket.socket(fileno=int(sys.argv[2]))
app = create_app(store, None, site=SiteSettings(base_url=sys.argv[3]))
uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                              access_log=False)).run(sockets=[sock])
"""


def start_server(database: str) -> tuple[subprocess.Popen[bytes], str]:
    """``newsdesk serve``'s app over ``database`` in a child process on a free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    process = subprocess.Popen([sys.executable, "-c", SERVER, database, str(sock.fileno()),
                                base], pass_fds=[sock.fileno()])
    sock.close()
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("the server did not start")
        time.sleep(0.2)


def load(base: str, endpoint: str, slugs: list[str], seconds: float, clients: int
         ) -> dict[str, Any]:
    """Requests per second and latency percentiles for one endpoint."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def path(rng: random.Random) -> str:
        if endpoint == "home":
            return "/"
        if endpoint == "story":
            return f"/stories/{rng.choice(slugs)}.html"
        if endpoint == "search":
            return f"/search.html?q={rng.choice(WORDS)}+{rng.choice(WORDS)}"
        return "/feed.xml"

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=base, timeout=60,
                          headers={"accept-encoding": "gzip"}) as client:
            while time.monotonic() < stop:
                began = time.perf_counter()
                response = client.get(path(rng))
                mine.append(time.perf_counter() - began)
                bad += response.status_code != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {"requests": len(latencies), "errors": errors,
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "median_ms": round(1000 * statistics.median(latencies), 1),
            "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1)}


def bench_size(count: int, seconds: float, clients: int, folder: Path) -> dict[str, Any]:
    """Fill a store with ``count`` stories, serve it, and load each endpoint."""
    database = f"sqlite:///{folder / f'web-{count}.db'}"
    store = SqlStore.open(database)
    began = time.monotonic()
    slugs = fill(store, count)
    fill_seconds = time.monotonic() - began
    store.close()
    size_mb = (folder / f"web-{count}.db").stat().st_size / 2**20
    process, base = start_server(database)
    results: dict[str, Any] = {"stories": count, "fill_seconds": round(fill_seconds, 1),
                               "database_mb": round(size_mb, 1)}
    try:
        for endpoint in ENDPOINTS:
            load(base, endpoint, slugs, min(3.0, seconds), clients)  # warm-up
            results[endpoint] = load(base, endpoint, slugs, seconds, clients)
            print(f"  {count:,} stories, {endpoint}: {results[endpoint]}", file=sys.stderr,
                  flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, action="append",
                        help="stories in the store (repeat for several sizes; "
                             "default 10000 and 100000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="load per endpoint")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the stores")
    args = parser.parse_args(argv)
    sizes = args.stories or [10_000, 100_000]
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-bench-web-"))
    runs = [bench_size(n, args.seconds, args.clients, folder) for n in sizes]
    print(f"\nserving benchmark, {args.clients} clients, {args.seconds:g} s per endpoint, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print("| stories | endpoint | requests/s | median ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        for endpoint in ENDPOINTS:
            r = run[endpoint]
            print(f"| {run['stories']:,} | {endpoint} | {r['requests_per_s']} | "
                  f"{r['median_ms']} | {r['p99_ms']} | {r['errors']} |")
    for run in runs:
        print(f"{run['stories']:,} stories: filled in {run['fill_seconds']} s, "
              f"database {run['database_mb']} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=2) + "\n", "utf-8")
    if args.keep:
        print(f"stores kept in {folder}")
    else:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
