"""Ingest-to-publish throughput of the whole pipeline on the demo corpus, scaled up.

    python bench/throughput.py [--articles 2000] [--days-apart N] [--json PATH] [--keep]

Builds ceil(articles / 57) copies of the bundled demo corpus in a temporary folder (see
scaled_corpus.py), serves it over real HTTP on 127.0.0.1, and runs the whole pipeline
(``newsdesk.pipeline.run_all``, what ``newsdesk run`` runs) with the default settings and
a fresh SQLite store. Its stages, and the steps inside them worth timing apart, are
wrapped for the run so that each records its wall time, CPU time and peak memory.
Prints those figures with articles per second per stage and end to end, what the
pipeline produced, and the machine it ran on; ``--json`` also writes them to a file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

import newsdesk
import scaled_corpus
from newsdesk.builtin.store_models import DocumentRow, StoryRow
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.demo_server import demo_dir, serve_directory
from newsdesk.pipeline import Context, run_all
from newsdesk.settings import BY_NAME, Settings, load_settings
from newsdesk.stages import cluster, ingest, publish, write

log = logging.getLogger("newsdesk.bench")

# What is timed: (key, module, function, description, depth). Depth 0 are the stages
# run_all calls; depth 1 are steps they call, looked up in the stage's module at call
# time, which is why wrapping the module attribute times them.
SPANS: tuple[tuple[str, Any, str, str, int], ...] = (
    ("ingest", ingest, "ingest", "fetch, extract, store", 0),
    ("cluster", cluster, "cluster", "dedupe, embed, assign", 0),
    ("dedupe", cluster, "dedupe", "exact and near copies", 1),
    ("embed", cluster, "embed_documents", "embed documents, names", 1),
    ("assign", cluster, "assign_documents", "assign to stories", 1),
    ("write", write, "write", "write and verify articles", 0),
    ("write.relate", write, "relate", "related stories", 1),
    ("publish", publish, "publish", "site, feeds, JSON API", 0),
    ("publish.relate", publish, "relate", "related stories", 1),
)


def peak_rss_mib() -> float:
    """The process's peak resident set size so far, in MiB (ru_maxrss)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far, all threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def timed(timings: dict[str, dict[str, float]], failed: list[str]) -> Iterator[None]:
    """Wrap every function in SPANS for the duration: each call adds its wall and CPU
    seconds to ``timings[key]`` and records the peak RSS after it; the key of a call
    that raised is appended to ``failed``. The functions are restored afterwards."""
    saved = []
    for key, module, name, _what, _depth in SPANS:
        original = getattr(module, name, None)
        if original is None:
            continue  # a step this version of newsdesk does not have

        def wrapper(*args: Any, _f: Callable[..., Any] = original, _key: str = key,
                    **kwargs: Any) -> Any:
            log.info("bench: %s starts", _key)
            t0, c0 = time.perf_counter(), cpu_seconds()
            try:
                return _f(*args, **kwargs)
            except BaseException:
                failed.append(_key)
                raise
            finally:
                span = timings.setdefault(_key, {"seconds": 0.0, "cpu_seconds": 0.0})
                span["seconds"] += time.perf_counter() - t0
                span["cpu_seconds"] += cpu_seconds() - c0
                span["peak_rss_mib"] = peak_rss_mib()

        saved.append((module, name, original))
        setattr(module, name, wrapper)
    try:
        yield
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, OS and Python version of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable, "ram_gib": ram_gib,
            "os": platform.platform(), "python": platform.python_version(),
            "newsdesk": newsdesk.__version__, "revision": revision(),
            "source": str(Path(newsdesk.__file__).resolve().parent)}


def revision() -> str:
    """The git commit of the newsdesk source being measured, "+changes" when the work
    tree differs from it; empty outside a git checkout."""
    source = Path(newsdesk.__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(source), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return commit + ("+changes" if dirty else "")


def source_stamp() -> float:
    """The newest modification time among newsdesk's source files: if it changes during
    a run, the run may have imported two versions of the code."""
    source = Path(newsdesk.__file__).resolve().parent
    return max(p.stat().st_mtime for p in source.rglob("*.py"))


def settings_for(work: Path) -> tuple[Settings, dict[str, Any]]:
    """Default settings with the data folder moved into ``work`` and the loopback corpus
    server allowed.

    An empty config file stands in for ./newsdesk.toml and the environment is not read,
    so a developer's own configuration cannot change what is measured.
    """
    config = work / "newsdesk.toml"
    config.write_text("# the benchmark runs on the defaults\n", encoding="utf-8")
    # The corpus is served on 127.0.0.1, which the fetch policy refuses unless listed.
    settings = load_settings(config, {"data_dir": str(work / "data"),
                                      "fetch.allow_networks": ["127.0.0.1"]}, environ={})
    differ = {name: value for name, value, _origin, _help in settings.rows()
              if value != BY_NAME[name].default}
    return settings, differ


class LogCounter(logging.Handler):
    """Counts log records by level and logger, so errors in the logs are reported."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[tuple[str, str]] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[(record.levelname, record.name)] += 1


def copy_of(url: str, canonical_url: str) -> int:
    """Which corpus copy a document came from: the copy's folder in the page URL, or the
    ``-copy-k`` suffix of a wire story's URL (copy 0 has neither)."""
    folder = re.search(r"/c(\d{3})/", url)
    if folder:
        return int(folder.group(1))
    suffix = re.search(r"-copy-(\d+)$", canonical_url)
    return int(suffix.group(1)) if suffix else 0


def copy_figures(store: SqlStore) -> dict[str, Any]:
    """How the copies came out: stories and written stories per copy (the same in every
    copy when the copies are independent news cycles), and stories and duplicate links
    that join documents of different copies (0 then)."""
    with store.session() as s:
        rows = s.execute(select(DocumentRow.id, DocumentRow.url, DocumentRow.canonical_url,
                                DocumentRow.story_id, DocumentRow.duplicate_of)).all()
        written = set(s.scalars(select(StoryRow.id).where(StoryRow.write_status == "written")))
    copy = {r.id: copy_of(r.url, r.canonical_url) for r in rows}
    copies_of_story: dict[int, set[int]] = {}
    for r in rows:
        if r.story_id is not None:
            copies_of_story.setdefault(r.story_id, set()).add(copy[r.id])
    stories_in: Counter[int] = Counter()
    written_in: Counter[int] = Counter()
    for story, copies in copies_of_story.items():
        for k in copies:
            stories_in[k] += 1
            written_in[k] += story in written
    ks = sorted(set(copy.values()))
    return {
        "stories_per_copy": [min(stories_in[k] for k in ks), max(stories_in[k] for k in ks)],
        "written_per_copy": [min(written_in[k] for k in ks), max(written_in[k] for k in ks)],
        "stories_spanning_copies": sum(1 for c in copies_of_story.values() if len(c) > 1),
        "duplicates_across_copies": sum(1 for r in rows if r.duplicate_of is not None
                                        and copy[r.duplicate_of] != copy[r.id]),
    }


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Build the corpus in ``work``, run the pipeline on it, return every figure."""
    started = datetime.now(UTC)
    stamp = source_stamp()
    load_before = os.getloadavg()
    demo = demo_dir()
    settings, differ = settings_for(work)
    window = max(settings["dedupe.window_days"], settings["cluster.window_days"])
    days_apart = args.days_apart or scaled_corpus.separate_cycles_days(demo, window)

    t0 = time.perf_counter()
    corpus = scaled_corpus.build(demo, work / "corpus", args.articles, days_apart)
    corpus_seconds = time.perf_counter() - t0

    # As the command line logs at the default log_level, but to a file.
    logging.basicConfig(filename=work / "bench.log", level=settings["log_level"], force=True,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "trafilatura", "alembic", "urllib3", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    counter = LogCounter()
    logging.getLogger().addHandler(counter)

    store = SqlStore.open(settings.database_url)
    ctx = Context(settings=settings, store=store, show_progress=False)
    ctx.run_id = store.start_run("bench")
    timings: dict[str, dict[str, float]] = {}
    failed: list[str] = []
    error = ""
    with serve_directory(corpus.root) as base, timed(timings, failed):
        t0, c0 = time.perf_counter(), cpu_seconds()
        try:
            run_all(ctx, corpus.sources(base))
        except Exception as exc:  # report what was measured, then the failure
            log.exception("bench: the run failed")
            where = failed[-1] if failed else "run_all"
            error = f"{where} failed after {time.perf_counter() - t0:.1f} s: {exc!r}"
        total = {"seconds": time.perf_counter() - t0, "cpu_seconds": cpu_seconds() - c0}
    store.finish_run(ctx.run_id, "failed" if error else "ok", ctx.counts)
    stats = store.stats()
    per_copy = copy_figures(store)
    store.close()

    counts = dict(ctx.counts)
    ingested = counts.get("documents_new", 0) + counts.get("documents_updated", 0)
    for figures in [*timings.values(), total]:
        figures["articles_per_second"] = ingested / figures["seconds"] if figures["seconds"] else 0
    total["peak_rss_mib"] = peak_rss_mib()
    k = len(corpus.copies)
    problems = Counter(f"{p.stage}: {p.reason}" for p in ctx.problems)
    return {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "settings_differing_from_defaults": differ,
        "corpus": {
            "articles_requested": args.articles, "copies": k,
            "demo_articles_per_copy": corpus.articles_per_copy,
            "demo_entries_per_copy": corpus.entries_per_copy,
            "days_apart": days_apart, "renamed_words": corpus.renamed_words,
            "build_seconds": corpus_seconds,
        },
        "error": error,
        "source_changed_during_run": source_stamp() != stamp,
        "stages": {key: timings[key] for key, *_ in SPANS if key in timings},
        "total": total,
        # Other processes competing for the CPU inflate wall time; CPU seconds much lower
        # than wall seconds x threads with a high load average is the sign.
        "load_average": {"before": list(load_before), "after": list(os.getloadavg())},
        "results": {
            "entries_found": counts.get("entries_found", 0),
            "entries_failed": counts.get("entries_failed", 0),
            "articles_ingested": ingested,
            "duplicates_exact": counts.get("duplicates_exact", 0),
            "duplicates_near": counts.get("duplicates_near", 0),
            "stories": stats["stories"],
            "stories_written": counts.get("stories_written", 0),
            "stories_waiting_for_sources": counts.get("stories_waiting_for_sources", 0),
            "stories_failed_verification": counts.get("stories_failed_verification", 0),
            "stories_too_little_text": counts.get("stories_too_little_text", 0),
            "stories_writer_error": counts.get("stories_writer_error", 0),
            "articles_published": counts.get("articles_published", 0),
            "sentences_checked": counts.get("sentences_checked", 0),
            "sentences_dropped": counts.get("sentences_dropped", 0),
            "related_links": counts.get("related_links", 0),
            "files_written": counts.get("files_written", 0),
            **per_copy,
        },
        "problems": dict(sorted(problems.items())),
        "log_records": {f"{level} {name}": n for (level, name), n in
                        sorted(counter.counts.items())},
        "counts": counts,
    }


def report(figures: dict[str, Any], work: Path | None) -> str:
    """The figures as a human-readable table."""
    m, c, r = figures["machine"], figures["corpus"], figures["results"]
    lines = [
        f"newsdesk {m['newsdesk']} ({m['revision'] or m['source']}) throughput benchmark, "
        f"{figures['date']}",
        f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}; load average "
        f"{figures['load_average']['before'][0]:.1f} before, "
        f"{figures['load_average']['after'][0]:.1f} after",
    ]
    differ = figures["settings_differing_from_defaults"]
    lines.append("settings: defaults, except " + ", ".join(
        f"{k}={v!r}" for k, v in differ.items()) + " (the temporary store and site)"
        if differ else "settings: all defaults")
    lines.append("          (fetch.host_delay does not apply to the 127.0.0.1 corpus server; "
                 "NEWSDESK_* variables and ./newsdesk.toml are not read)")
    lines += [
        f"corpus: {c['copies']} {'copy' if c['copies'] == 1 else 'copies'} x "
        f"{c['demo_articles_per_copy']} demo articles "
        f"({c['demo_entries_per_copy']} feed/wire entries each, failures included), "
        f"{c['days_apart']} days apart, {c['renamed_words']} names varied per copy; "
        f"built in {c['build_seconds']:.1f} s",
        "",
        f"{'stage':<10}{'what':<28}{'seconds':>9}{'CPU s':>9}{'articles/s':>12}"
        f"{'peak RSS MiB':>14}",
    ]
    for key, _module, _name, what, depth in SPANS:
        t = figures["stages"].get(key)
        if t is None:
            continue
        label = "  " * depth + key.split(".")[-1]
        lines.append(f"{label:<10}{'  ' * depth + what:<28}{t['seconds']:>9.1f}"
                     f"{t['cpu_seconds']:>9.1f}{t['articles_per_second']:>12.1f}"
                     f"{t['peak_rss_mib']:>14.0f}")
    t = figures["total"]
    lines += [
        f"{'total':<10}{'run_all, ingest to publish':<28}{t['seconds']:>9.1f}"
        f"{t['cpu_seconds']:>9.1f}{t['articles_per_second']:>12.2f}{t['peak_rss_mib']:>14.0f}",
        "",
        f"articles ingested      {r['articles_ingested']} of {r['entries_found']} entries "
        f"({r['entries_failed']} failed: pages without text, missing pages)",
        f"duplicates             {r['duplicates_exact']} exact, {r['duplicates_near']} near",
        f"stories                {r['stories']} ({r['stories_written']} written, "
        f"{r['stories_waiting_for_sources']} waiting for a second outlet, "
        f"{r['stories_failed_verification']} failed verification, "
        f"{r['stories_too_little_text']} too little text, {r['stories_writer_error']} errors)",
        f"articles published     {r['articles_published']} ({r['files_written']} files, "
        f"{r['related_links']} related-story links)",
        f"sentences              {r['sentences_checked']} checked, "
        f"{r['sentences_dropped']} dropped",
        "per copy               {}-{} stories, {}-{} written".format(
            *r["stories_per_copy"], *r["written_per_copy"]),
        f"across copies          {r['stories_spanning_copies']} stories, "
        f"{r['duplicates_across_copies']} duplicate links (0 when copies are separate cycles)",
    ]
    if figures["problems"]:
        lines.append("problems recorded      " + "; ".join(
            f"{k} x{n}" for k, n in figures["problems"].items()))
    if figures["log_records"]:
        lines.append("log warnings/errors    " + "; ".join(
            f"{k} x{n}" for k, n in figures["log_records"].items()))
    if figures["source_changed_during_run"]:
        lines.append("WARNING: newsdesk source files changed during the run; the figures may "
                     "mix two versions of the code")
    if figures["error"]:
        lines.append(f"ERROR: {figures['error']} (traceback in bench.log; the stages after it "
                     "did not run)")
    if work is not None:
        lines.append(f"kept: {work} (corpus/, data/newsdesk.db, data/site/, bench.log)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000,
                        help="at least this many articles (default 2000)")
    parser.add_argument("--days-apart", type=int, default=0, metavar="N",
                        help="days between copies (default: just beyond the dedupe window, "
                             "so every copy is its own news cycle)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary corpus, database, site and log")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    json_path = Path(args.json).resolve() if args.json else None
    work = Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    try:
        figures = run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(report(figures, work if args.keep else None))
    if json_path is not None:
        print(f"figures written to {json_path}")
    return 1 if figures["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
