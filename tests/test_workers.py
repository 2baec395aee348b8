"""Several workers on one run: the same stored result as one process, and a worker
killed in the middle of a batch loses nothing and doubles nothing.

The demo corpus is served once on 127.0.0.1. A reference `newsdesk run` works alone.
Other runs use `--workers 2` (the run's own process and one worker process) or
`--executor ray`; one of their workers is killed with SIGKILL while it holds claims:
at a checkpoint of the fault schedule (``NEWSDESK_TEST_WORKER_KILL_AT``, see
``newsdesk.faults``) for local workers, or from outside, by the pid in its claim, for
a Ray worker. The run must end normally and store exactly what the reference stored:
the same documents, stories, memberships, entities, links and articles (compared as
tests/test_kill_resume.py compares them), with every claim ended.

Claims are made 4 at a time (entries, stories) and documents are embedded 4 at a time,
so that a worker is killed with the rest of its batch still claimed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.demo_server import demo_sources
from newsdesk.faults import WORKER_KILL_ENV
from test_kill_resume import base_env, site_files, snapshot

from pg_server import PostgresServer

pytestmark = pytest.mark.slow

SMALL_BATCHES = {"NEWSDESK_WORK_BATCH_SIZE": "4", "NEWSDESK_EMBED_BATCH_SIZE": "4"}


def start(data: Path, sources: list[str], env: dict[str, str], *flags: str
          ) -> subprocess.Popen[str]:
    """`newsdesk run FLAGS SOURCES` on ``data``."""
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli.main", "--data-dir", str(data), "-q", "run",
         *flags, *sources], env=env, cwd=data.parent, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> str:
    _, err = process.communicate(timeout=900)
    assert process.returncode == 0, err
    return err


def run_counts(url: str) -> dict[str, Any]:
    store = SqlStore.open(url, migrate=False)
    try:
        with store.engine.connect() as c:
            (counts,) = c.exec_driver_sql("SELECT counts FROM runs ORDER BY id DESC").first()
        return json.loads(counts) if isinstance(counts, str) else dict(counts)
    finally:
        store.close()


def claims_left(url: str) -> list[Any]:
    store = SqlStore.open(url, migrate=False)
    try:
        with store.engine.connect() as c:
            return [r for table in ("entries", "documents", "stories")
                    for r in c.exec_driver_sql(
                        f"SELECT id FROM {table} WHERE claimed_by IS NOT NULL").fetchall()]
    finally:
        store.close()


def assert_same(want: dict[str, Any], got: dict[str, Any]) -> None:
    for table, rows in want.items():
        assert got[table] == rows, f"{table} differs"
    assert {d[3] for d in got["documents"]} == {"clustered"}
    stories = [s[0] for s in got["stories"]]
    assert len(stories) == len(set(stories)), "a story was made twice"


@pytest.fixture(scope="module")
def served() -> Iterator[list[str]]:
    with demo_sources() as sources:
        yield sources


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {**base_env(tmp_path_factory.mktemp("home")), **SMALL_BATCHES}


@pytest.fixture(scope="module")
def reference(served: list[str], env: dict[str, str],
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One process, no other worker: what every other run must store."""
    data = tmp_path_factory.mktemp("reference") / "data"
    finish(start(data, served, env))
    return data, snapshot(f"sqlite:///{data / 'newsdesk.db'}")


def test_two_local_workers_store_what_one_process_stores(
        served: list[str], env: dict[str, str], reference: tuple[Path, dict[str, Any]],
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    finish(start(data, served, env, "--workers", "2"))
    url = f"sqlite:///{data / 'newsdesk.db'}"
    assert_same(reference[1], snapshot(url))
    assert site_files(data) == site_files(reference[0])
    counts = run_counts(url)
    # Every entry was extracted once, every document embedded once, in all.
    assert counts["entries_extracted"] == len(reference[1]["entries"])
    assert counts["documents_annotated"] == len(reference[1]["documents"])
    assert claims_left(url) == []


@pytest.mark.parametrize("kill_at", ["extract:3", "annotate:1+0.2", "draft:2"])
def test_a_worker_killed_mid_batch_on_sqlite_loses_nothing(
        kill_at: str, served: list[str], env: dict[str, str],
        reference: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    data = tmp_path / "data"
    err = finish(start(data, served, {**env, WORKER_KILL_ENV: kill_at}, "--workers", "2"))
    assert "ended with -9" in err, err  # the worker process was killed
    url = f"sqlite:///{data / 'newsdesk.db'}"
    # It held claims when it died, and the run took them again.
    assert run_counts(url).get("claims_taken_from_dead_workers", 0) >= 1
    assert_same(reference[1], snapshot(url))
    assert site_files(data) == site_files(reference[0])
    assert claims_left(url) == []


@pytest.fixture(scope="module")
def pg_reference(served: list[str], env: dict[str, str], pg_server: PostgresServer,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = pg_server.new_database("workers_reference")
    data = tmp_path_factory.mktemp("pg_reference") / "data"
    finish(start(data, served, {**env, "NEWSDESK_DATABASE_URL": url}))
    return snapshot(url)


def test_a_worker_killed_mid_batch_on_postgresql_loses_nothing(
        served: list[str], env: dict[str, str], pg_server: PostgresServer,
        pg_reference: dict[str, Any], tmp_path: Path) -> None:
    url = pg_server.new_database("workers_killed")
    err = finish(start(tmp_path / "data", served,
                       {**env, "NEWSDESK_DATABASE_URL": url, WORKER_KILL_ENV: "draft:2"},
                       "--workers", "2"))
    assert "ended with -9" in err, err
    assert run_counts(url).get("claims_taken_from_dead_workers", 0) >= 1
    assert_same(pg_reference, snapshot(url))
    assert claims_left(url) == []


# -- Ray ---------------------------------------------------------------------------------


def kill_a_claimant(url: str, process: subprocess.Popen[str], queue_table: str) -> int:
    """SIGKILL the first worker process seen holding claims on ``queue_table`` (never
    the run's own process) while ``process`` runs; returns its pid (0: none seen)."""
    while process.poll() is None:
        try:
            store = SqlStore.open(url, migrate=False)
            try:
                with store.engine.connect() as c:
                    owners = [r[0] for r in c.exec_driver_sql(
                        f"SELECT DISTINCT claimed_by FROM {queue_table} "
                        "WHERE claimed_by IS NOT NULL").fetchall()]
            finally:
                store.close()
        except Exception:  # the store is not created or migrated yet
            owners = []
        for owner in owners:
            pid = int(owner.split(":")[1])
            if pid != process.pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                return pid
        time.sleep(0.05)
    return 0


@pytest.fixture(scope="module")
def ray_installed() -> None:
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'newsdesk[ray]')")


@pytest.mark.usefixtures("ray_installed")
def test_ray_executor_stores_what_one_process_stores(
        served: list[str], env: dict[str, str],
        reference: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    data = tmp_path / "data"
    finish(start(data, served, env, "--executor", "ray", "--workers", "2"))
    url = f"sqlite:///{data / 'newsdesk.db'}"
    assert_same(reference[1], snapshot(url))
    assert site_files(data) == site_files(reference[0])
    counts = run_counts(url)
    # The work was done by Ray tasks (the run's own process claims only when none runs).
    assert counts["entries_extracted"] == len(reference[1]["entries"])
    assert counts["stories_drafted"] >= 1
    assert claims_left(url) == []


@pytest.mark.usefixtures("ray_installed")
def test_a_ray_worker_killed_mid_batch_on_postgresql_loses_nothing(
        served: list[str], env: dict[str, str],
        pg_server: PostgresServer, pg_reference: dict[str, Any], tmp_path: Path) -> None:
    url = pg_server.new_database("ray_killed")
    process = start(tmp_path / "data", served, {**env, "NEWSDESK_DATABASE_URL": url},
                    "--executor", "ray", "--workers", "2")
    killed = kill_a_claimant(url, process, "documents")
    finish(process)
    assert killed, "no Ray worker was seen holding claims"
    assert run_counts(url).get("claims_taken_from_dead_workers", 0) >= 1
    assert_same(pg_reference, snapshot(url))
    assert claims_left(url) == []
