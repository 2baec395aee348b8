"""Full-text search: every word must match, stems match, the newest matches are ranked
by relevance and older ones follow, counts are capped, and paging loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from newsdesk.builtin import store_reader
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.web.app import create_app
from newsdesk.web.render import SiteSettings

from conftest import make_article
from reader_store import add_articles

START = datetime(2025, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    """The articles below in a new store, on SQLite (FTS5) and on PostgreSQL (its own
    text search)."""
    articles = []
    for n in range(1, 9):
        article = make_article(f"harbour-{n}", n, f"Harbour report number {n}",
                               written_at=START + timedelta(days=n))
        if n == 2:  # the most relevant: "dredging" in the headline, not only the body
            article.headline.text = "Harbour dredging approved by the council"
        article.sections[0].sentences[0].text += " The dredging plan was discussed."
        articles.append(article)
    opened = SqlStore.open(store_url)
    add_articles(opened, articles)
    yield opened
    opened.close()


def test_every_word_must_match_and_stems_match(store: SqlStore) -> None:
    assert store.search_stories("harbour dredging", 20).total == 8
    assert store.search_stories("harbours", 20).total == 8  # Porter stems
    assert store.search_stories("harbour zebra", 20).total == 0
    assert store.search_stories("", 20).total == 0
    assert store.search_stories('"; DROP TABLE reader_stories; --', 20).total == 0
    assert store.search_stories("harbour AND OR NEAR(", 20).total == 0  # no query syntax


def test_the_best_match_comes_first(store: SqlStore) -> None:
    found = store.search_stories("dredging", 3)
    assert found.items[0].slug == "harbour-2"


def test_a_window_of_newest_matches_is_ranked_and_paging_loses_nothing(
        store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_reader, "SEARCH_WINDOW", 3)
    monkeypatch.setattr(store_reader, "SEARCH_COUNT_CAP", 5)
    seen: list[str] = []
    for offset in range(0, 10, 2):
        page = store.search_stories("harbour", 2, offset)
        seen += [i.slug for i in page.items]
        assert page.total == 5 and page.exact is False
    assert sorted(seen) == sorted(f"harbour-{n}" for n in range(1, 9))
    # beyond the ranked window, older matches follow newest first
    assert seen[3:] == [f"harbour-{n}" for n in range(5, 0, -1)]


def test_search_pages_link_on_past_a_capped_count(
        store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_reader, "SEARCH_COUNT_CAP", 3)
    client = TestClient(create_app(store, None, site=SiteSettings(page_size=2)))
    html = client.get("/search.html", params={"q": "harbour", "page": 2}).text
    assert "More than 3 stories match" in html and 'rel="next"' in html
    api = client.get("/api/v1/search", params={"q": "harbour", "limit": 2}).json()
    assert api["results"]["total_exact"] is False and api["results"]["next"]
