"""One run per store, runs that were killed, options in either place, private store files.

The lock tests run real `newsdesk` processes against one data folder; a slow source on
a local HTTP server keeps a run busy while a second one starts.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from newsdesk.builtin.store_models import StoreLockRow
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cli.main import main
from newsdesk.errors import StoreError, StoreLockedError
from newsdesk.faults import KILL_ENV
from newsdesk.pipeline import Context
from newsdesk.records import Entry, Problem, utcnow
from newsdesk.settings import load_settings
from newsdesk.store_lock import StoreLock, current_holder, holder_alive, process_identity

from reader_store import store_with

ARTICLE = ("<html><head><title>Harbour board approves dredging</title></head><body><article>"
           + "<p>The harbour board approved the dredging plan on Tuesday after a long debate "
             "about costs, silt and the fishing fleet that uses the inner basin.</p>" * 4
           + "</article></body></html>")


class SlowSite:
    """A local site whose article pages answer after ``delay`` seconds, and a feed
    listing ``count`` of them."""

    def __init__(self, delay: float, count: int = 3) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/feed.xml"):
                    items = "".join(f"<item><title>Item {i}</title><link>{site.base}/a{i}.html"
                                    f"</link></item>" for i in range(count))
                    body = f"<rss version='2.0'><channel><title>Slow</title>{items}</channel></rss>"
                    data = body.encode()
                    kind = "application/rss+xml"
                else:
                    time.sleep(delay)
                    data, kind = ARTICLE.encode(), "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_site() -> Iterator[SlowSite]:
    site = SlowSite(delay=1.5)
    yield site
    site.close()


def env_for(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    # The test servers are on 127.0.0.1, which the fetch policy refuses unless listed.
    return {**env, "NEWSDESK_FETCH_RESPECT_ROBOTS": "false",
            "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.1", **extra}


def newsdesk(tmp: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "newsdesk.cli.main", *args],
                            env=env_for(tmp, **extra), cwd=tmp, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def stats(data: Path) -> dict[str, Any]:
    code, out, err = finish(newsdesk(data.parent, "stats", "--json", "--data-dir", str(data)))
    assert code == 0, err
    return dict(json.loads(out))


def wait_for_lock(data: Path, timeout: float = 60, url: str = "") -> None:
    """Wait until a run holds the lock of the store in ``data`` (or at ``url``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if url or (data / "newsdesk.db").exists():
            store = SqlStore.open(url or f"sqlite:///{data / 'newsdesk.db'}", migrate=False)
            try:
                if current_holder(store.engine) is not None:
                    return
            except StoreError:
                pass
            except Exception:  # the table may not exist yet while the first run migrates
                pass
            finally:
                store.close()
        time.sleep(0.1)
    raise AssertionError("the first run never took the lock")


# -- options before or after the subcommand -------------------------------------------------

def test_common_options_work_before_and_after_the_subcommand(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("NEWSDESK_")]:
        monkeypatch.delenv(name)
    before, after = tmp_path / "before", tmp_path / "after"

    def shown(*argv: str) -> dict[str, Any]:
        assert main(list(argv)) == 0
        return dict(json.loads(capsys.readouterr().out))

    assert shown("--data-dir", str(before), "config", "show", "--json")["data_dir"] == str(before)
    assert shown("config", "show", "--json", "--data-dir", str(after))["data_dir"] == str(after)
    # given in both places, the one after the subcommand wins; absent, the default holds
    assert shown("--data-dir", str(before), "config", "show", "--json", "--data-dir",
                 str(after))["data_dir"] == str(after)
    assert shown("config", "show", "--json")["data_dir"] == "newsdesk-data"
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert shown("--database-url", url, "-q", "config", "show", "--json")["database_url"] == url

    # A pipeline command really works in the folder named before it.
    feed = tmp_path / "wire.jsonl"
    feed.write_text(json.dumps({"url": "https://wire.example/a", "title": "Dredging approved",
                                "text": "The harbour board approved dredging. " * 20}) + "\n")
    assert main(["--data-dir", str(before), "-q", "ingest", str(feed)]) == 0
    assert main(["ingest", str(feed), "-q", "--data-dir", str(after)]) == 0
    capsys.readouterr()
    for data in (before, after):
        store = SqlStore.open(f"sqlite:///{data / 'newsdesk.db'}")
        assert store.stats()["documents"] == 1
        store.close()
    assert not (tmp_path / "newsdesk-data").exists()


# -- the store lock ------------------------------------------------------------------------

@pytest.mark.slow
def test_a_second_run_on_the_same_store_refuses_naming_the_first(
        tmp_path: Path, slow_site: SlowSite) -> None:
    data = tmp_path / "data"
    first = newsdesk(tmp_path, "ingest", f"{slow_site.base}/feed.xml", "--data-dir", str(data))
    wait_for_lock(data)
    code, _, err = finish(newsdesk(tmp_path, "run", f"{slow_site.base}/feed.xml",
                                   "--data-dir", str(data)))
    assert code == 2
    assert "another newsdesk run is working on this store" in err
    assert f"pid {first.pid}" in err and "`newsdesk ingest`" in err
    code, out, err = finish(first)
    assert code == 0, err
    assert "documents new: 3" in out
    # The refused run recorded nothing and touched nothing.
    shown = stats(data)
    assert shown["runs_by_status"] == {"ok": 1}
    assert shown["documents"] == 3 and shown["lock"] is None


@pytest.mark.slow
def test_two_runs_on_one_postgresql_store_take_turns(tmp_path: Path, slow_site: SlowSite,
                                                     pg_url: str) -> None:
    # Two data folders (two machines, say) sharing one PostgreSQL store: the lock row is
    # in the database, so the second run sees the first, refuses, then waits its turn.
    feed = f"{slow_site.base}/feed.xml"
    first = newsdesk(tmp_path, "ingest", feed, "--data-dir", str(tmp_path / "a"),
                     NEWSDESK_DATABASE_URL=pg_url)
    wait_for_lock(tmp_path / "a", url=pg_url)
    code, _, err = finish(newsdesk(tmp_path, "ingest", feed, "--data-dir", str(tmp_path / "b"),
                                   NEWSDESK_DATABASE_URL=pg_url))
    assert code == 2
    assert "another newsdesk run is working on this store" in err
    assert f"pid {first.pid}" in err
    code, out, err = finish(newsdesk(tmp_path, "ingest", feed, "--data-dir", str(tmp_path / "b"),
                                     NEWSDESK_DATABASE_URL=pg_url, NEWSDESK_LOCK_WAIT="120"))
    assert code == 0, err
    assert "documents new" not in out  # the first run had stored them all
    code, out, err = finish(first)
    assert code == 0, err
    assert "documents new: 3" in out
    store = SqlStore.open(pg_url, migrate=False)
    try:
        assert store.stats()["documents"] == 3
        assert current_holder(store.engine) is None
        assert [r["status"] for r in store.recent_runs()] == ["ok", "ok"]
    finally:
        store.close()
    assert not (tmp_path / "a" / "newsdesk.db").exists()


@pytest.mark.slow
def test_a_run_told_to_wait_starts_when_the_first_ends(tmp_path: Path,
                                                         slow_site: SlowSite) -> None:
    data = tmp_path / "data"
    first = newsdesk(tmp_path, "ingest", f"{slow_site.base}/feed.xml", "--data-dir", str(data))
    wait_for_lock(data)
    code, out, err = finish(newsdesk(tmp_path, "ingest", f"{slow_site.base}/feed.xml",
                                     "--data-dir", str(data), NEWSDESK_LOCK_WAIT="120"))
    assert code == 0, err
    assert "waiting up to 120 s for `newsdesk ingest`" in err
    assert finish(first)[0] == 0
    assert "documents new" not in out  # the first run had stored them all
    assert stats(data)["runs_by_status"] == {"ok": 2}


@pytest.mark.slow
def test_a_killed_run_is_marked_interrupted_and_its_lock_taken_over(
        tmp_path: Path, slow_site: SlowSite) -> None:
    data = tmp_path / "data"
    feed = f"{slow_site.base}/feed.xml"
    code, _, _ = finish(newsdesk(tmp_path, "ingest", feed, "--data-dir", str(data),
                                 **{KILL_ENV: "fetch:1"}))
    assert code == -signal.SIGKILL
    before = stats(data)
    assert before["lock"] is not None and "no longer running" in before["lock"]["stale"]
    assert before["recent_runs"][0]["status"] == "interrupted"  # shown so, not yet stored
    assert before["documents"] == 1

    code, _, err = finish(newsdesk(tmp_path, "ingest", feed, "--data-dir", str(data)))
    assert code == 0, err
    assert "took over the store lock of `newsdesk ingest`" in err
    assert "is no longer running" in err
    assert "run 1 did not finish (its process was killed); marked interrupted" in err
    after = stats(data)
    assert after["runs_by_status"] == {"interrupted": 1, "ok": 1}
    assert after["documents"] == 3 and after["lock"] is None


@pytest.mark.slow
def test_sigterm_stops_a_run_as_interrupted_and_frees_the_store(
        tmp_path: Path, slow_site: SlowSite) -> None:
    data = tmp_path / "data"
    run = newsdesk(tmp_path, "ingest", f"{slow_site.base}/feed.xml", "--data-dir", str(data))
    wait_for_lock(data)
    time.sleep(0.5)
    run.send_signal(signal.SIGTERM)
    code, _, err = finish(run)
    assert code == 130, err
    assert "interrupted; run the same command again to resume" in err
    shown = stats(data)
    assert shown["runs_by_status"] == {"interrupted": 1} and shown["lock"] is None


def test_the_lock_refuses_a_live_holder_and_takes_over_a_dead_one(store_url: str) -> None:
    store = SqlStore.open(store_url)
    try:
        held = StoreLock(store.engine, "run", heartbeat=0).acquire()
        with pytest.raises(StoreLockedError, match=r"`newsdesk run` \(pid \d+ on "):
            # a second holder in another process: same host, this (live) test process
            other = StoreLock(store.engine, "ingest", heartbeat=0)
            other.owner = process_identity(os.getppid())
            other.acquire()
        held.release()
        assert current_holder(store.engine) is None

        # A dead process on this host: its lock is taken over.
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        ghost = StoreLock(store.engine, "run", heartbeat=0)
        ghost.owner = f"{socket.gethostname()}:{dead.pid}:1"
        ghost.acquire()
        mine = StoreLock(store.engine, "cluster", heartbeat=0).acquire()
        holder = current_holder(store.engine)
        assert holder is not None and holder.pid == os.getpid() and holder.command == "cluster"
        mine.release()
    finally:
        store.close()


def test_a_reused_pid_does_not_hold_the_lock() -> None:
    me = process_identity()
    host, pid, start = me.split(":")
    assert holder_alive(me, host, int(pid)) is True
    if start:  # Linux: a process with this pid that started at another time is another one
        assert holder_alive(f"{host}:{pid}:{int(start) + 1}", host, int(pid)) is False
    assert holder_alive(me, "another-host.example", int(pid)) is None


def test_a_lock_from_another_host_holds_until_its_heartbeat_is_stale(store_url: str) -> None:
    store = SqlStore.open(store_url)
    try:
        remote = StoreLock(store.engine, "run", heartbeat=0).acquire()
        with store.engine.begin() as connection:
            connection.execute(update(StoreLockRow).values(
                owner="newsroom-2.example:4242:99", host="newsroom-2.example", pid=4242))
        waiting = StoreLock(store.engine, "run", wait=0.3, heartbeat=0, stale_after=60)
        started = time.monotonic()
        with pytest.raises(StoreLockedError, match=r"after waiting 0\.3 s.*newsroom-2\.example"):
            waiting.acquire()
        assert time.monotonic() - started >= 0.3
        with store.engine.begin() as connection:
            connection.execute(update(StoreLockRow).values(
                heartbeat_at=utcnow() - timedelta(seconds=61)))
        waiting.acquire()  # stale: taken over
        holder = current_holder(store.engine)
        assert holder is not None and holder.pid == os.getpid()
        waiting.release()
        remote.release()  # not the holder any more: changes nothing
    finally:
        store.close()


def test_a_run_whose_lock_was_taken_over_stops_at_its_next_checkpoint(store_url: str,
                                                                     tmp_path: Path) -> None:
    store = SqlStore.open(store_url)
    lock = StoreLock(store.engine, "run", heartbeat=0.05).acquire()
    ctx = Context(settings=load_settings(overrides={"data_dir": str(tmp_path)}, environ={}),
                  store=store, lock=lock)
    try:
        ctx.checkpoint("fetch")  # still ours
        first = current_holder(store.engine)
        time.sleep(0.3)
        beat = current_holder(store.engine)
        assert first is not None and beat is not None and beat.heartbeat_at > first.heartbeat_at
        with store.engine.begin() as connection:  # another run decided we were dead
            connection.execute(update(StoreLockRow).values(owner="elsewhere:1:1"))
        deadline = time.monotonic() + 10
        while not lock.lost and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(StoreLockedError, match="took over the store lock"):
            ctx.checkpoint("fetch")
    finally:
        lock.release()
        store.close()


# -- transactions ----------------------------------------------------------------------------

def test_a_transaction_commits_every_write_in_it_or_none(store_url: str) -> None:
    store = SqlStore.open(store_url)
    try:
        entry = Entry(url="https://a.example/1", source_url="https://a.example/feed")
        with pytest.raises(RuntimeError), store.transaction():
            store.add_entries([entry])
            store.record_problems([Problem("ingest", entry.url, "test")])
            assert store.stats()["entries"] == {"pending": 1}  # visible inside
            raise RuntimeError("killed half-way")
        assert store.stats()["entries"] == {} and store.problems() == []
        with store.transaction():
            store.add_entries([entry])
            with store.transaction():  # a nested block joins the outer one
                store.finish_entry(entry.url, "done")
        assert store.stats()["entries"] == {"done": 1}
    finally:
        store.close()


# -- permissions -----------------------------------------------------------------------------

def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
def test_the_store_is_private_and_the_site_public(tmp_path: Path, umask: int,
                                                  articles: list[Any]) -> None:
    from newsdesk.builtin.publish_site import SitePublisher

    old = os.umask(umask)
    try:
        data = tmp_path / "data"
        store = SqlStore.open(f"sqlite:///{data / 'newsdesk.db'}")
        store.add_entries([Entry(url="https://a.example/1?token=x", source_url="")])
        with store.engine.connect() as connection:  # while open, the WAL and SHM exist
            connection.exec_driver_sql("SELECT count(*) FROM entries").fetchall()
            files = sorted(data.glob("newsdesk.db*"))
            assert [f.name for f in files] == ["newsdesk.db", "newsdesk.db-shm",
                                               "newsdesk.db-wal"]
            assert {f.name: mode(f) for f in files} == dict.fromkeys(
                (f.name for f in files), 0o600)
        store.close()
        assert mode(data) == 0o700
        site = data / "site"
        source = store_with(tmp_path, articles)
        written = SitePublisher().publish(source, site)
        source.close()
        assert written and all(mode(p) == 0o644 for p in written)
        folders = {p.parent for p in written} | {site}
        assert all(mode(f) == 0o755 for f in folders)
    finally:
        os.umask(old)


def test_an_existing_readable_store_is_reported_not_changed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "shared.db"
    SqlStore.open(f"sqlite:///{path}").close()
    path.chmod(0o644)
    SqlStore.open(f"sqlite:///{path}").close()
    assert mode(path) == 0o644
    assert "can be read by other users (mode 644)" in caplog.text
