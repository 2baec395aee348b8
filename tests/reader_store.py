"""A real SQLite store holding given articles as published stories, for the tests of
the site, the feeds and the API (no stand-in: the same queries ``newsdesk serve`` runs)."""

from __future__ import annotations

import copy
from pathlib import Path

from newsdesk.builtin.store_models import StoryRow
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import Article
from newsdesk.stages.reader_index import index_stories


def add_articles(store: SqlStore, articles: list[Article]) -> None:
    """Save ``articles`` (each with a story row) and bring the reader index up to date."""
    with store.session() as s:
        for article in articles:
            if s.get(StoryRow, article.story_id) is None:
                s.add(StoryRow(id=article.story_id, centroid=b"\0\0\0\0", doc_count=3,
                               names={}, terms={}, needs_write=False, write_status="written"))
    for article in articles:
        store.save_article(copy.deepcopy(article))
    index_stories(store)


def store_with(path: Path, articles: list[Article]) -> SqlStore:
    """A new SQLite store in ``path`` publishing ``articles``."""
    store = SqlStore.open(f"sqlite:///{path / 'reader.db'}")
    add_articles(store, articles)
    return store
