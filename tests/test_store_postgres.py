"""The reader index on a real PostgreSQL server: the migrations, listing, facets and
full-text search (PostgreSQL's own text search behind the same store method as FTS5).

A throwaway cluster is created with the machine's PostgreSQL binaries and listens only
on a Unix socket in a temporary folder (no TCP port). The test skips when PostgreSQL
or psycopg is not installed (``pip install 'newsdesk[postgres]'``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import Article

from reader_store import add_articles

BIN = Path(os.environ.get("NEWSDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; run it as the postgres user then.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    pytest.importorskip("psycopg", reason="pip install 'newsdesk[postgres]'")
    if not (BIN / "initdb").is_file() or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip(f"no PostgreSQL server binaries in {BIN} (set NEWSDESK_PG_BIN)")
    # Not under pytest's temporary folder: that is private to this user, and the server
    # may run as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    root.chmod(0o777)
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    sock.chmod(0o777)
    subprocess.run(_as_postgres([str(BIN / "initdb"), "-D", str(data), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True, timeout=120)
    server = subprocess.Popen(_as_postgres([str(BIN / "postgres"), "-D", str(data), "-k",
                                            str(sock), "-c", "listen_addresses=",
                                            "-c", "fsync=off"]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(sock.glob(".s.PGSQL.*")):
            assert time.monotonic() < deadline, "PostgreSQL did not start"
            assert server.poll() is None, "PostgreSQL exited"
            time.sleep(0.2)
        port = next(sock.glob(".s.PGSQL.*")).suffix.lstrip(".")
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port={port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def test_the_reader_index_on_postgresql(pg_url: str, articles: list[Article]) -> None:
    store = SqlStore.open(pg_url)
    try:
        add_articles(store, articles)
        page = store.list_stories(2)
        assert page.total == 3 and [i.slug for i in page.items] == [a.slug for a in articles[:2]]
        assert store.list_stories(2, 2).items[0].slug == articles[2].slug
        found = store.search_stories("dredging", 10)
        assert [i.slug for i in found.items] == ["harbour-dredging-plan"]
        assert store.search_stories("negotiators", 10).total == 3  # stems match
        assert store.search_stories("zebra", 10).total == 0
        outlets, total = store.list_facets("outlet", 10)
        assert total == 4 and outlets[0].stories == 3
        gazette = store.list_stories(10, facet=("outlet", "harbour-gazette"))
        assert gazette.total == 3
        assert store.day_range() == ("2025-11-20", "2025-11-22")
        assert store.published_article("port-strike-talks") is not None
    finally:
        store.close()
