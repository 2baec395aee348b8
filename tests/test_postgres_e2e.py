"""`newsdesk run --demo` on PostgreSQL gives the newsroom the SQLite run gives: the same
stories with the same member documents, and the same articles sentence for sentence.

The SQLite run is the session's ``demo_site``; the PostgreSQL run goes into a new
database on the session's throwaway server (``pg_server`` in conftest.py), through the
command line a user types (``--database-url``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cli.main import main

from pg_server import PostgresServer

pytestmark = pytest.mark.slow

# What may differ between two databases holding the same newsroom: row ids (documents
# and stories are numbered in the order each database hands out ids), wall-clock times
# and the port of each run's own demo server in the pages' fetched URLs.
VOLATILE = {"story_id", "doc_id", "id", "written_at", "updated_at"}
DEMO_SERVER = re.compile(r"http://127\.0\.0\.1:\d+/")


def without_volatile(value: Any) -> Any:
    """``value`` (an article's dict) with row ids, wall-clock times and the demo
    server's port left out."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    if isinstance(value, str):
        return DEMO_SERVER.sub("http://demo-server/", value)
    return value


def sentences(article: dict[str, Any]) -> list[str]:
    """Every sentence an article shows, in reading order."""
    shown = [article["headline"], article["summary"], *article["lead"]]
    shown += [s for section in article["sections"] for s in section["sentences"]]
    return [s["text"] for s in shown]


def newsroom(store: SqlStore) -> dict[frozenset[str], dict[str, Any]]:
    """Each live story, keyed by its member documents' canonical URLs, with its current
    article (``None`` when it has none)."""
    stories: dict[frozenset[str], dict[str, Any]] = {}
    for story in store.active_stories(None):
        members = frozenset(d.canonical_url for d in store.story_documents(story["id"]))
        article = store.current_article(story["id"])
        stories[members] = {"doc_count": story["doc_count"],
                            "write_status": story["write_status"],
                            "article": without_volatile(article.to_dict()) if article else None}
    return stories


def test_a_demo_run_on_postgresql_equals_the_sqlite_run(
        demo_site: Path, pg_server: PostgresServer, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_server.new_database("demo")
    data = tmp_path / "data"
    assert main(["run", "--demo", "--data-dir", str(data), "--database-url", url,
                 "--quiet"]) == 0
    assert not (data / "newsdesk.db").exists()  # everything went to PostgreSQL
    assert f"newsdesk serve --data-dir {data} --database-url '{url}'" in capsys.readouterr().out

    sqlite = SqlStore.open(f"sqlite:///{demo_site / 'newsdesk.db'}", migrate=False)
    postgres = SqlStore.open(url, migrate=False)
    try:
        expected, got = newsroom(sqlite), newsroom(postgres)
        assert len([s for s in expected.values() if s["article"]]) >= 8  # a real newsroom
        # The same stories, each with the same member documents ...
        assert set(got) == set(expected)
        for members, story in expected.items():
            mine = got[members]
            assert (mine["doc_count"], mine["write_status"]) == (
                story["doc_count"], story["write_status"]), sorted(members)
            if story["article"] is None:
                assert mine["article"] is None
                continue
            # ... and the same article: every sentence, citation, source and verdict.
            assert sentences(mine["article"]) == sentences(story["article"])
            assert mine["article"] == story["article"], story["article"]["slug"]
        # The reader index and the counts a user sees agree as well.
        assert postgres.list_stories(50).total == sqlite.list_stories(50).total
        assert [i.slug for i in postgres.list_stories(50).items] == [
            i.slug for i in sqlite.list_stories(50).items]
        sqlite_search = {w: sqlite.search_stories(w, 20) for w in ("fire", "strike talks")}
        counts = ("documents", "duplicates", "stories", "stories_written", "article_versions")
        assert {k: postgres.stats()[k] for k in counts} == {
            k: sqlite.stats()[k] for k in counts}
    finally:
        sqlite.close()
        postgres.close()
    # The site served from the PostgreSQL store: its API and pages.
    from fastapi.testclient import TestClient

    from newsdesk.web.app import create_app

    served = SqlStore.open(url, migrate=False)
    try:
        client = TestClient(create_app(served, data / "site"))
        listing = client.get("/api/v1/stories").json()["items"]
        assert len(listing) == len(list((demo_site / "site" / "stories").glob("*.html")))
        assert client.get(f"/stories/{listing[0]['slug']}.html").status_code == 200
        for words in ("fire", "strike talks"):
            found = client.get("/api/v1/search", params={"q": words}).json()["results"]
            expected_found = sqlite_search[words]
            assert found["total"] == expected_found.total >= 1
            assert {i["slug"] for i in found["items"]} == {i.slug for i in expected_found.items}
    finally:
        served.close()
    # The published site is built from the PostgreSQL store: same story pages.
    assert sorted(p.name for p in (data / "site" / "stories").glob("*.html")) == sorted(
        p.name for p in (demo_site / "site" / "stories").glob("*.html"))
