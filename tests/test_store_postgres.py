"""The reader index on a real PostgreSQL server: the migrations, listing, facets and
full-text search (PostgreSQL's own text search behind the same store method as FTS5).

The server is the session's throwaway cluster (``pg_server`` in conftest.py: the
machine's PostgreSQL binaries on a Unix socket in a temporary folder, no TCP port).
"""

from __future__ import annotations

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import Article

from reader_store import add_articles


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


def test_postgresql_search_can_use_its_gin_index(pg_url: str, articles: list[Article]) -> None:
    # The index is on to_tsvector('english', search_text): the store's search must use
    # that very expression, or every search reads the whole table. The statements
    # search_stories sends are captured and explained with sequential scans switched off,
    # so that the plan shows whether the index fits them (a tiny table is scanned anyway).
    from typing import Any

    from sqlalchemy import event

    store = SqlStore.open(pg_url)
    try:
        add_articles(store, articles)
        sent: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if "@@" in statement:
                sent.append((statement, params))

        event.listen(store.engine, "before_cursor_execute", capture)
        assert store.search_stories("dredging", 10).total == 1
        event.remove(store.engine, "before_cursor_execute", capture)
        assert sent
        with store.engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            for statement, params in sent:
                plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                    f"EXPLAIN {statement}", params))
                assert "ix_reader_stories_search" in plan, plan
    finally:
        store.close()
