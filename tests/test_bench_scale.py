"""bench/scale.py: the pipeline on SQLite with one worker and on PostgreSQL with two
gives the same stories and articles, and the benchmark measures each run's process tree
and store."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pg_server import unavailable_reason

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load_bench() -> ModuleType:
    sys.path.insert(0, str(BENCH))  # scale.py imports scaled_corpus beside it
    try:
        spec = importlib.util.spec_from_file_location("scale", BENCH / "scale.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["scale"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_process_tree_memory_and_cpu_are_read_from_proc() -> None:
    bench = load_bench()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = bench.descendants(os.getpid())
        assert tree[0] == os.getpid() and child.pid in tree
        assert bench.pss_kib(child.pid) > 0
        assert bench.cpu_seconds(os.getpid()) > 0
    finally:
        child.kill()
        child.wait()
    assert bench.pss_kib(child.pid) == 0  # gone: counted as nothing, not an error
    assert bench.cpu_seconds(child.pid) == 0.0


@pytest.mark.slow
def test_sqlite_and_postgresql_runs_store_the_same_newsroom(tmp_path: Path) -> None:
    if unavailable_reason():
        pytest.skip(unavailable_reason())
    bench = load_bench()
    out = tmp_path / "scale.json"
    assert bench.main(["--articles", "57", "--way", "sqlite", "--way", "postgres",
                       "--workers", "2", "--json", str(out)]) == 0
    results = {r["way"]: r for r in json.loads(out.read_text())["results"]}
    sqlite, postgres = results["sqlite"], results["postgres"]
    assert (sqlite["workers"], postgres["workers"]) == (1, 2)
    assert sqlite["documents"] == postgres["documents"] == 57  # the demo corpus, once
    assert sqlite["articles"] == postgres["articles"] > 0
    assert sqlite["stories"] == postgres["stories"]
    assert postgres["same_as_first"]
    for r in (sqlite, postgres):
        assert r["seconds"] > 0 and r["cpu_seconds"] > 0 and r["peak_pss_mib"] > 0
        assert r["database_mib"] > 0
        assert r["articles_per_second"] == pytest.approx(r["documents"] / r["seconds"])
    assert sqlite["database_peak_pss_mib"] is None
    assert postgres["database_peak_pss_mib"] > 0


def test_a_corpus_reaching_before_1900_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench()
    assert bench.main(["--articles", "100000", "--way", "sqlite"]) == 2
    assert "at most" in capsys.readouterr().err


def test_ways_take_a_worker_count() -> None:
    bench = load_bench()
    assert bench.parse_way("sqlite") == ("sqlite", None)
    assert bench.parse_way("postgres:3") == ("postgres", 3)
    for bad in ("mysql", "ray:0", "ray:two"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"way|workers"):
            bench.parse_way(bad)
