"""The whole pipeline three ways on one input: SQLite with one local worker, PostgreSQL
with local workers, PostgreSQL with Ray workers.

    python bench/scale.py --articles 1200 [--workers 2] [--way sqlite --way postgres:1 ...]

Builds the scaled demo corpus (see scaled_corpus.py: copies of the demo corpus, each its
own news cycle), serves it over real HTTP on 127.0.0.1 and runs `newsdesk run` on it as
a user would, once per way, each on a fresh store:

- ``sqlite``: the default store (one SQLite file), ``--workers 1``;
- ``postgres``: a PostgreSQL database (``--database-url``), ``--workers N``;
- ``ray``: the same on PostgreSQL with ``--executor ray --workers N`` (a local Ray
  instance started by the run).

``--way NAME:N`` runs a way with another number of workers (``sqlite:2``,
``postgres:1``), to tell the store's share from the workers'.

PostgreSQL is a throwaway server from the machine's binaries (the one the tests use:
``tests/pg_server.py``, Debian's ``postgresql`` or ``NEWSDESK_PG_BIN``), on a Unix socket,
started with PostgreSQL's default durability (fsync on). Prints for each way: wall
seconds, CPU seconds of the run and everything it started, articles ingested per second,
peak memory (the proportional set size of the run's process tree, sampled every half
second, so memory Ray's processes share is counted once; the PostgreSQL server's own
peak beside it), the database's size on disk, and whether the stored stories and
articles equal the first way's (they must).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy

import scaled_corpus
from newsdesk.demo_server import demo_dir, serve_directory
from newsdesk.settings import load_settings
from throughput import machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
# the tests' throwaway PostgreSQL server
import pg_server

WAYS = ("sqlite", "postgres", "ray")


def parse_way(value: str) -> tuple[str, int | None]:
    """``NAME`` or ``NAME:WORKERS`` (``sqlite``, ``postgres:1``, ``ray:4``)."""
    name, _, workers = value.partition(":")
    if name not in WAYS:
        raise argparse.ArgumentTypeError(f"unknown way {name!r}: one of {', '.join(WAYS)}")
    if workers and (not workers.isdigit() or int(workers) < 1):
        raise argparse.ArgumentTypeError(f"workers must be a whole number >= 1: {value!r}")
    return name, int(workers) if workers else None


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def pss_kib(pid: int) -> int:
    """A process's proportional set size in KiB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree (and of a second tree, the database
    server's) every ``interval`` seconds, and the CPU time of every process seen in it
    (a process's last sample: CPU of processes that exit between samples is lost, so
    the run's own figure comes from its rusage instead)."""

    def __init__(self, pid: int, other: int | None, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.other, self.interval = pid, other, interval
        self.peak_kib = self.other_peak_kib = 0
        self.cpu: dict[int, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            pids = descendants(self.pid)
            self.peak_kib = max(self.peak_kib, sum(pss_kib(p) for p in pids))
            for p in pids[1:]:
                self.cpu[p] = max(self.cpu.get(p, 0.0), cpu_seconds(p))
            if self.other is not None:
                self.other_peak_kib = max(self.other_peak_kib, sum(
                    pss_kib(p) for p in descendants(self.other)))

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class Result:
    """One way's figures."""

    way: str
    workers: int
    seconds: float
    cpu_seconds: float
    documents: int
    stories: int
    articles: int
    articles_per_second: float
    peak_pss_mib: float
    database_peak_pss_mib: float | None
    database_mib: float
    same_as_first: bool


def stored(url: str) -> tuple[int, int, list[tuple[str, ...]]]:
    """(documents, stories, every current article's slug and headline) in the store."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as c:
            docs = c.execute(sqlalchemy.text("SELECT count(*) FROM documents")).scalar_one()
            stories = c.execute(sqlalchemy.text("SELECT count(*) FROM stories")).scalar_one()
            rows = c.execute(sqlalchemy.text(
                "SELECT slug, headline FROM articles WHERE is_current ORDER BY slug")).all()
    finally:
        engine.dispose()
    return int(docs), int(stories), [tuple(r) for r in rows]


def database_mib(url: str, sqlite_file: Path | None) -> float:
    """The store's size on disk: the SQLite file with its WAL, or PostgreSQL's
    ``pg_database_size``."""
    if sqlite_file is not None:
        return sum(p.stat().st_size for p in sqlite_file.parent.glob(sqlite_file.name + "*")
                   ) / 2**20
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as c:
            size = c.execute(sqlalchemy.text(
                "SELECT pg_database_size(current_database())")).scalar_one()
    finally:
        engine.dispose()
    return int(size) / 2**20


def run_way(way: str, workers: int, url: str, *, sqlite_file: Path | None,
            sources: list[str], data: Path, env: dict[str, str], server_pid: int | None,
            log: Path) -> tuple[Result, list[tuple[str, ...]]]:
    """Run ``newsdesk run`` once the given way, with ``data`` as its data folder (the
    benchmark's folder holds its ``newsdesk.toml``), and measure it; with the stored
    articles (slug and headline) to compare between ways."""
    work = data.parent
    command = [sys.executable, "-m", "newsdesk.cli.main", "--config",
               str(work / "newsdesk.toml"), "--database-url", url,
               "--data-dir", str(data), "-q", "run", "--workers", str(workers)]
    if way == "ray":
        command += ["--executor", "ray"]
    before = os.times()
    t0 = time.perf_counter()
    with log.open("w") as errors:
        process = subprocess.Popen([*command, *sources], env=env, cwd=work,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        sampler = TreeSampler(process.pid, server_pid)
        sampler.start()
        code = process.wait()
        sampler.stop()
    seconds = time.perf_counter() - t0
    after = os.times()
    if code:
        raise RuntimeError(f"{way}: newsdesk run exited {code}; see {log}")
    # Waited-for children (the run and its local workers) by rusage; processes that
    # are not our children (Ray's, started by its own daemons) by their last sample.
    waited = (after.children_user + after.children_system
              - before.children_user - before.children_system)
    cpu = waited + (sum(sampler.cpu.values()) if way == "ray" else 0.0)
    docs, stories, articles = stored(url)
    return Result(way, workers, seconds, cpu, docs, stories, len(articles), docs / seconds,
                  sampler.peak_kib / 1024,
                  sampler.other_peak_kib / 1024 if server_pid is not None else None,
                  database_mib(url, sqlite_file), False), articles


def largest_corpus(demo: Path, days_apart: int) -> int:
    """The most articles the scaled corpus can hold with copies ``days_apart`` days apart:
    each copy goes further back in time, and the pipeline drops dates before 1900."""
    articles, _ = scaled_corpus.demo_counts(demo)
    first = scaled_corpus.corpus_day(demo)
    copies = (first - date(1901, 1, 1)).days // days_apart + 1
    return copies * articles


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one line per way."""
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--articles", type=int, default=1200,
                        help="at least this many articles (default 1200; see bench/README.md "
                             "for what limits the size)")
    parser.add_argument("--workers", type=int, default=2,
                        help="local or Ray workers on PostgreSQL (default 2)")
    parser.add_argument("--way", action="append", type=parse_way, metavar="WAY[:N]",
                        help="run only these ways, in this order: sqlite (1 worker), "
                             "postgres, ray (--workers workers), or NAME:N for N workers "
                             "(repeatable; default: all three)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    ways = [(name, workers or (1 if name == "sqlite" else args.workers))
            for name, workers in (args.way or [(w, None) for w in WAYS])]
    if any(w != "sqlite" for w, _ in ways) and pg_server.unavailable_reason():
        print(f"PostgreSQL unavailable: {pg_server.unavailable_reason()}", file=sys.stderr)
        return 2
    print(f"newsdesk scale benchmark, {datetime.now(UTC).isoformat(timespec='seconds')}")
    host = machine()
    print(f"newsdesk {host['newsdesk']} ({host['revision']}); machine: {host['cpu']}, "
          f"{host['cores']} cores, {host['ram_gib']} GiB RAM, {host['os']}, Python "
          f"{host['python']}; load average {os.getloadavg()[0]:.1f}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-scale-") as tmp:
        work = Path(tmp)
        demo = demo_dir()
        defaults = load_settings(None, {}, environ={})
        window = max(defaults["dedupe.window_days"], defaults["cluster.window_days"])
        apart = scaled_corpus.separate_cycles_days(demo, window)
        largest = largest_corpus(demo, apart)
        if args.articles > largest:
            print(f"--articles {args.articles}: the scaled corpus holds at most {largest} "
                  f"articles (copies {apart} days apart reach back to 1900, before which "
                  "the pipeline drops dates as implausible)", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        corpus = scaled_corpus.build(demo, work / "corpus", args.articles, apart)
        print(f"corpus: {len(corpus.copies)} copies of the demo corpus, built in "
              f"{time.perf_counter() - t0:.1f} s")
        (work / "newsdesk.toml").write_text("# the benchmark runs on the defaults\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
        env.update({"NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.1", "PYTHONHASHSEED": "0"})
        server = (pg_server.PostgresServer(durable=True)
                  if any(w != "sqlite" for w, _ in ways) else None)
        try:
            print(f"{'way':<9} {'workers':>7} {'seconds':>8} {'cpu s':>8} {'docs':>6} "
                  f"{'stories':>7} {'articles':>8} {'art/s':>6} {'peak MiB':>8} "
                  f"{'db peak':>7} {'db MiB':>7}  same as first")
            first: list[tuple[str, ...]] | None = None
            with serve_directory(corpus.root) as base:
                for number, (way, workers) in enumerate(ways):
                    if way == "sqlite":
                        sqlite_file = work / f"data-{number}" / "newsdesk.db"
                        url, server_pid = f"sqlite:///{sqlite_file}", None
                    else:
                        assert server is not None
                        sqlite_file = None
                        url, server_pid = server.new_database(way), server.pid
                    result, articles = run_way(way, workers, url, sqlite_file=sqlite_file,
                                     sources=corpus.sources(base), data=work / f"data-{number}",
                                     env=env, server_pid=server_pid,
                                     log=work / f"{number}-{way}.log")
                    first = first if first is not None else articles
                    result.same_as_first = articles == first
                    results.append(result)
                    db_peak = (f"{result.database_peak_pss_mib:>7.0f}"
                               if result.database_peak_pss_mib is not None else f"{'-':>7}")
                    print(f"{way:<9} {workers:>7} {result.seconds:>8.1f} "
                          f"{result.cpu_seconds:>8.1f} {result.documents:>6} "
                          f"{result.stories:>7} {result.articles:>8} "
                          f"{result.articles_per_second:>6.2f} {result.peak_pss_mib:>8.0f} "
                          f"{db_peak} {result.database_mib:>7.1f}  {result.same_as_first}")
                    sys.stdout.flush()
        finally:
            if server is not None:
                server.stop()
    if args.json:
        args.json.write_text(json.dumps({"machine": host, "articles": args.articles,
                                         "results": [asdict(r) for r in results]}, indent=2))
    return 0 if all(r.same_as_first for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
