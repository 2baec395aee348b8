"""Discovery over a folder of feed files served on 127.0.0.1: every file is read as a
feed URL through the real fetcher, content check, parsers and fetch policy, and the
figures say how each ended. Entries are only found, never fetched, so nothing leaves the
machine whatever the feeds link to.

    .venv/bin/python bench/feed_corpus.py FOLDER [--limit N]

Used on feedparser's own test corpus (its tests/ folder: 2,106 well-formed and
ill-formed feeds), which newsdesk must read without a single crash (an ``internal_error``
problem or an exception out of discovery).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.demo_server import serve_directory
from newsdesk.pipeline import Context
from newsdesk.settings import load_settings
from newsdesk.stages.discover import discover


def main() -> int:
    """Serve the folder, discover every feed file in it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    files = sorted(p for p in args.folder.rglob("*") if p.is_file()
                   and p.suffix.lower() in {".xml", ".rss", ".atom", ".rdf", ".json"})
    if args.limit:
        files = files[: args.limit]
    reasons: Counter[str] = Counter()
    escaped: list[str] = []
    entries = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsdesk-corpus-") as tmp, \
            serve_directory(args.folder) as base:
        port = base.rsplit(":", 1)[1]
        settings = load_settings(overrides={
            "data_dir": tmp, "fetch.allow_networks": [f"127.0.0.1:{port}"],
            "fetch.host_delay": 0.0, "fetch.retries": 0}, environ={})
        ctx = Context(settings=settings, store=SqlStore.open(settings.database_url),
                      show_progress=False)
        for path in files:
            url = f"{base}/{path.relative_to(args.folder).as_posix()}"
            before = len(ctx.problems)
            try:
                entries += len(discover([url], ctx))
            except Exception as exc:  # what this benchmark exists to find
                escaped.append(f"{url}: {type(exc).__name__}: {exc}")
            reasons.update(p.reason for p in ctx.problems[before:])
        ctx.store.close()
    seconds = time.perf_counter() - start
    print(f"files: {len(files)}  entries found: {entries}  seconds: {seconds:.1f}")
    print("problems by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
    print(f"internal errors: {reasons['internal_error']}  exceptions escaped: {len(escaped)}")
    for line in escaped[:20]:
        print("  " + line)
    return 1 if escaped or reasons["internal_error"] else 0


if __name__ == "__main__":
    sys.exit(main())
