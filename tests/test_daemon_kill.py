"""``newsdesk daemon`` as a process: killed with SIGKILL in the middle of its work and
started again, it ends with exactly the store of an uninterrupted daemon; while it runs
it holds the store lock (``newsdesk run`` refuses); SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.demo_server import demo_sources
from newsdesk.faults import KILL_ENV
from test_kill_resume import base_env, integrity, snapshot

pytestmark = pytest.mark.slow

#: Where the killed daemons die, one process after another: while polling, while
#: fetching pages, while writing articles, and while exporting the site.
KILLS = ["poll:6", "fetch:15+0.01", "write:3", "publish:120"]


@pytest.fixture(scope="module")
def served() -> Iterator[list[str]]:
    with demo_sources() as sources:
        yield sources


def daemon(data: Path, sources: list[str], env: dict[str, str], *extra: str
           ) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli.main", "daemon", "--data-dir", str(data),
         *extra, *sources], env=env, cwd=data.parent, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def test_killed_daemon_resumes_to_the_uninterrupted_result(served: list[str],
                                                           tmp_path: Path) -> None:
    env = base_env(tmp_path)
    whole = tmp_path / "whole"
    done = daemon(whole, served, env, "--once")
    out, err = done.communicate(timeout=900)
    assert done.returncode == 0, err[-3000:]
    assert "10 articles written" in err or "stories written: 10" in out, out

    killed = tmp_path / "killed"
    deaths = 0
    for kill in KILLS:
        process = daemon(killed, served, {**env, KILL_ENV: kill}, "--once")
        _, err = process.communicate(timeout=900)
        deaths += process.returncode == -signal.SIGKILL
        assert process.returncode in {0, -signal.SIGKILL}, err[-3000:]
    assert deaths >= 3  # the plan kills inside polling, fetching, writing and exporting
    last = daemon(killed, served, env, "--once")
    out, err = last.communicate(timeout=900)
    assert last.returncode == 0, err[-3000:]
    assert "marked interrupted" in err  # the killed daemons' runs are recorded as such

    want = snapshot(f"sqlite:///{whole / 'newsdesk.db'}")
    got = snapshot(f"sqlite:///{killed / 'newsdesk.db'}")
    for key in want:
        assert got[key] == want[key], key
    assert integrity(killed) == ("ok", [])
    pages = {p.relative_to(whole / "site") for p in (whole / "site").rglob("*") if p.is_file()}
    again = {p.relative_to(killed / "site") for p in (killed / "site").rglob("*") if p.is_file()}
    assert again == pages


def test_daemon_holds_the_lock_and_stops_on_sigterm(served: list[str], tmp_path: Path) -> None:
    env = base_env(tmp_path)
    data = tmp_path / "data"
    process = daemon(data, served, env, "--no-static")
    try:
        deadline = time.monotonic() + 600
        lines: list[str] = []
        assert process.stderr is not None
        while time.monotonic() < deadline:  # wait for the first tick's line
            line = process.stderr.readline()
            lines.append(line)
            if "tick:" in line or not line:
                break
        assert any("tick:" in line for line in lines), "".join(lines[-20:])
        refused = subprocess.run(
            [sys.executable, "-m", "newsdesk.cli.main", "run", "--data-dir", str(data),
             *served], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
            check=False)
        assert refused.returncode == 2
        assert "newsdesk daemon" in refused.stderr
        os.kill(process.pid, signal.SIGTERM)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err[-2000:]
    assert "daemon stopped after 1 ticks" in out
    assert not (data / "site").exists()  # --no-static: the store only
    stats = subprocess.run([sys.executable, "-m", "newsdesk.cli.main", "stats", "--data-dir",
                            str(data)], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=300, check=False)
    assert stats.returncode == 0 and "daemon" in stats.stdout
