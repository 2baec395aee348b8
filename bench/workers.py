"""Ingest-to-publish time of `newsdesk run` with 1, 2, ... workers on the same input.

    python bench/workers.py [--articles 600] [--workers 1 --workers 2] [--executor local]

Builds the scaled demo corpus (see scaled_corpus.py), serves it over real HTTP on
127.0.0.1 and runs `newsdesk run --workers N` on it once per N, each on a fresh SQLite
store, as a user would. Prints wall and CPU seconds (the run and its worker processes),
articles per second, and whether each run stored the same stories and articles as the
first (it must: see "Workers and claims" in README.md).
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scaled_corpus
from newsdesk.demo_server import demo_dir, serve_directory
from newsdesk.settings import load_settings


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stored(db: Path) -> tuple[int, int, list[tuple[str, ...]]]:
    """(documents, current articles, every current article's slug and headline)."""
    with sqlite3.connect(db) as c:
        docs = c.execute("SELECT count(*) FROM documents").fetchone()[0]
        rows = c.execute("SELECT slug, headline FROM articles WHERE is_current "
                         "ORDER BY slug").fetchall()
    return int(docs), len(rows), [tuple(r) for r in rows]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one line per worker count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--workers", type=int, action="append")
    parser.add_argument("--executor", default="local", choices=("local", "ray"))
    args = parser.parse_args(argv)
    counts = args.workers or [1, 2]
    with tempfile.TemporaryDirectory(prefix="newsdesk-workers-") as tmp:
        work = Path(tmp)
        demo = demo_dir()
        # Copies far enough apart that none is deduplicated against or clustered with
        # another (as bench/throughput.py builds them).
        defaults = load_settings(None, {}, environ={})
        window = max(defaults["dedupe.window_days"], defaults["cluster.window_days"])
        corpus = scaled_corpus.build(demo, work / "corpus", args.articles,
                                     scaled_corpus.separate_cycles_days(demo, window))
        (work / "newsdesk.toml").write_text("# the benchmark runs on the defaults\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
        env.update({"NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.1", "PYTHONHASHSEED": "0"})
        first = None
        print(f"{'workers':>7} {'seconds':>8} {'cpu s':>8} {'docs':>6} {'articles':>8} "
              f"{'articles/s':>10}  same as first")
        with serve_directory(corpus.root) as base:
            for n in counts:
                data = work / f"data-{n}"
                t0, c0 = time.perf_counter(), children_cpu()
                done = subprocess.run(
                    [sys.executable, "-m", "newsdesk.cli.main", "--config",
                     str(work / "newsdesk.toml"), "--data-dir", str(data), "-q", "run",
                     "--workers", str(n), "--executor", args.executor,
                     *corpus.sources(base)], env=env, cwd=work, check=False,
                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                if done.returncode:  # the run's warnings (bad pages) only when it fails
                    print(done.stderr[-4000:], file=sys.stderr)
                    return 1
                seconds, cpu = time.perf_counter() - t0, children_cpu() - c0
                docs, articles, result = stored(data / "newsdesk.db")
                first = first if first is not None else result
                print(f"{n:>7} {seconds:>8.1f} {cpu:>8.1f} {docs:>6} {articles:>8} "
                      f"{articles / seconds:>10.2f}  {result == first}")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
