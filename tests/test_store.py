"""The SQL store: migrations, idempotent writes keyed by URL, document outcomes,
article versions, recorded problems and the counts `newsdesk stats` shows.

Every test here runs twice, on SQLite and on a throwaway PostgreSQL server (the
``store_url`` fixture in conftest.py): the store's contract is the same on both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import inspect, text

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import Document, Entry, Problem
from newsdesk.stages.ingest import content_hash

from conftest import make_article

TABLES = {"sources", "entries", "documents", "stories", "articles", "related", "problems", "runs"}


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(store_url)
    yield opened
    opened.close()


def document(text: str, url: str = "https://gazette.example/2026/11/18/port-talks") -> Document:
    return Document(url=url, canonical_url=url, title="Talks resume", text=text,
                    content_hash=content_hash(text), site_name="Harbour Gazette",
                    published_at=datetime(2026, 11, 18, 8, 30, tzinfo=UTC))


def new_story(store: SqlStore, doc_id: int | None = None) -> int:
    published = datetime(2026, 11, 18, 8, 30, tzinfo=UTC)
    story_id = store.save_story({"centroid": np.ones(4, dtype=np.float32), "names": {},
                                 "doc_count": 1, "first_published": published,
                                 "last_published": published})
    if doc_id is not None:
        store.assign_story(doc_id, story_id, 0.9)
    store.set_write_status(story_id, "written", needs_write=False)
    return story_id


def migration_head() -> str:
    """The newest migration's revision (there must be exactly one)."""
    import importlib.resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location",
                           str(importlib.resources.files("newsdesk") / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    return heads[0]


def test_opening_creates_the_schema(store_url: str) -> None:
    store = SqlStore.open(store_url)
    try:
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        with store.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert [row[0] for row in version] == [migration_head()]
    finally:
        store.close()


def test_a_store_made_before_the_story_engine_is_upgraded_in_place(store_url: str) -> None:
    import importlib.resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    url = store_url
    config = Config()
    config.set_main_option("script_location",
                           str(importlib.resources.files("newsdesk") / "migrations"))
    engine = create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text(
            "INSERT INTO stories (created_at, updated_at, centroid, doc_count, names, "
            "needs_write, write_status) "
            "VALUES ('2026-11-16', '2026-11-16', :centroid, 1, '{}', :yes, '')"),
            {"centroid": b"\x00\x00\x80\x3f", "yes": True})
    engine.dispose()
    store = SqlStore.open(url)
    try:
        assert {"entities", "story_entities", "story_links", "story_updates"} <= set(
            inspect(store.engine).get_table_names())
        story = store.story(1)
        assert story is not None and story["terms"] == {} and story["merged_into"] is None
    finally:
        store.close()


def test_opening_again_keeps_the_data_and_the_schema(store_url: str) -> None:
    url = store_url
    first = SqlStore.open(url)
    first.save_document(document("The talks resume on Thursday."))
    first.close()
    second = SqlStore.open(url)
    try:
        assert second.stats()["documents"] == 1
        with second.engine.connect() as connection:
            rows = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar()
        assert rows == 1
    finally:
        second.close()


def test_save_document_new_unchanged_updated(store: SqlStore) -> None:
    doc_id, outcome = store.save_document(document("The talks resume on Thursday."))
    assert outcome == "new"
    # Same text with different spacing and case is the same content.
    assert store.save_document(document("the talks  resume on\nThursday.")) == (doc_id, "unchanged")
    store.mark_deduped(doc_id, b"", None, None, None)
    assert store.documents_at_stage("extracted") == []

    assert store.save_document(document("The talks resume on Friday instead.")) == (
        doc_id, "updated")
    stored = store.document(doc_id)
    assert stored is not None and stored.text == "The talks resume on Friday instead."
    # An updated document goes through dedupe, embedding and clustering again.
    assert [d.id for d in store.documents_at_stage("extracted")] == [doc_id]
    assert store.stats()["documents"] == 1


def test_an_updated_document_marks_its_story_for_rewriting(store: SqlStore) -> None:
    doc_id, _ = store.save_document(document("The talks resume on Thursday."))
    story_id = new_story(store, doc_id)
    assert store.stories_needing_write() == []

    store.save_document(document("The talks resume on Thursday."))  # unchanged
    assert store.stories_needing_write() == []
    store.save_document(document("The talks were postponed until next week."))
    assert store.stories_needing_write() == [story_id]


def test_add_entries_is_idempotent(store: SqlStore) -> None:
    entries = [Entry(url="https://gazette.example/a", source_url="feed", title="A"),
               Entry(url="https://gazette.example/b", source_url="feed", title="B")]
    assert store.add_entries(entries) == 2
    assert store.add_entries(entries) == 0
    assert store.add_entries([*entries, *entries]) == 0
    store.finish_entry("https://gazette.example/a", "done", "new")
    assert store.add_entries(entries) == 0
    assert [e.url for e in store.pending_entries()] == ["https://gazette.example/b"]
    assert store.stats()["entries"] == {"done": 1, "pending": 1}


def test_an_entry_for_a_stored_document_is_not_queued(store: SqlStore) -> None:
    store.save_document(document("Text.", url="https://gazette.example/2026/11/18/port-talks"))
    entry = Entry(url="https://gazette.example/2026/11/18/port-talks", source_url="other feed")
    assert store.add_entries([entry]) == 0
    assert store.pending_entries() == []


def test_a_duplicate_entry_in_one_batch_keeps_the_one_with_content(store: SqlStore) -> None:
    teaser = Entry(url="https://gazette.example/gallery", source_url="aggregator")
    full = Entry(url="https://gazette.example/gallery", source_url="gazette",
                 content="<p>The whole story, as the feed carried it.</p>", content_is_html=True)
    assert store.add_entries([full, teaser]) == 1
    assert store.pending_entries()[0].source_url == "gazette"


def test_queued_entries_round_trip(store: SqlStore) -> None:
    entry = Entry(url="https://gazette.example/a", source_url="feed", title="Café “talks”",
                  published_at=datetime(2026, 11, 18, 8, 30, tzinfo=UTC), fetch=False,
                  content="text", author="Renée")
    store.add_entries([entry])
    assert store.pending_entries() == [entry]


def test_problems_are_recorded_and_listed_newest_first(store: SqlStore) -> None:
    run_id = store.start_run("ingest")
    store.record_problems([Problem("ingest", "https://a.example/feed", "malformed_feed", "l. 4")],
                          run_id)
    store.record_problems([Problem("extract", "https://a.example/x", "http_404", "Not Found"),
                           Problem("extract", "https://a.example/y", "http_404")], run_id)
    listed = store.problems()
    assert [(p.reason, p.item) for p in listed] == [
        ("http_404", "https://a.example/y"), ("http_404", "https://a.example/x"),
        ("malformed_feed", "https://a.example/feed")]
    assert listed[-1].detail == "l. 4"
    assert store.problems(limit=1) == listed[:1]
    assert store.stats()["problems"] == {"http_404": 2, "malformed_feed": 1}


def test_article_versions_are_kept_and_only_the_newest_is_current(store: SqlStore) -> None:
    story_id = new_story(store)
    first = make_article(story_id=story_id)
    store.save_article(first)
    second = make_article(story_id=story_id, headline="Port talks end without a deal")
    store.save_article(second)

    versions = store.article_versions(story_id)
    assert [a.version for a in versions] == [1, 2]
    assert versions[1].headline.text == "Port talks end without a deal"
    current = store.current_articles()
    assert [(a.story_id, a.version) for a in current] == [(story_id, 2)]
    assert current[0].written_at == first.written_at  # first publication time is kept
    assert current[0].updated_at is not None
    latest = store.article_by_slug("port-strike-talks")
    assert latest is not None and latest.version == 2
    stats = store.stats()
    assert (stats["stories"], stats["stories_written"], stats["article_versions"]) == (1, 1, 2)


def test_stats_counts(store: SqlStore) -> None:
    store.start_run("ingest")
    store.update_source("https://a.example/feed", "feed", status="ok", entries_found=2)
    store.update_source("https://a.example/feed", "feed", status="not_modified")
    store.add_entries([Entry(url="https://a.example/1", source_url="feed"),
                       Entry(url="https://a.example/2", source_url="feed"),
                       Entry(url="https://a.example/3", source_url="feed")])
    original, _ = store.save_document(document("Original wire copy.", "https://a.example/1"))
    copy, _ = store.save_document(document("Original wire copy.", "https://b.example/1"))
    store.finish_entry("https://a.example/1", "done", "new", document_id=original)
    store.finish_entry("https://a.example/2", "failed", "http_404")
    store.mark_deduped(copy, b"", original, "exact", 1.0)
    store.record_problems([Problem("extract", "https://a.example/2", "http_404")])

    stats = store.stats()
    assert stats["sources"] == 1
    assert stats["entries"] == {"done": 1, "failed": 1, "pending": 1}
    assert (stats["documents"], stats["duplicates"]) == (2, 1)
    assert stats["problems"] == {"http_404": 1}
    assert (stats["stories"], stats["stories_written"], stats["runs"]) == (0, 0, 1)


def test_source_validators_are_remembered(store: SqlStore) -> None:
    assert store.source_validators("https://a.example/feed") == (None, None)
    store.update_source("https://a.example/feed", "feed", status="ok", etag='"v1"',
                        last_modified="Wed, 18 Nov 2026 08:30:00 GMT")
    store.update_source("https://a.example/feed", "feed", status="not_modified")
    assert store.source_validators("https://a.example/feed") == (
        '"v1"', "Wed, 18 Nov 2026 08:30:00 GMT")


def test_lists_come_in_one_order_on_every_database(store: SqlStore) -> None:
    # PostgreSQL returns rows as they lie on disk (an updated row moves) and sorts a
    # missing date last where SQLite sorts it first: the store must not show either.
    first = new_story(store)
    second, third = new_story(store), new_story(store)
    story = store.story(first)
    assert story is not None
    store.save_story({**story, "doc_count": 2})  # the update that moves the row
    assert [s["id"] for s in store.active_stories(None)] == [first, second, third]

    dated, _ = store.save_document(document("Talks resume.", "https://a.example/dated"))
    undated, _ = store.save_document(Document(
        url="https://b.example/undated", canonical_url="https://b.example/undated",
        title="Talks", text="Talks resume, an undated page says.",
        content_hash=content_hash("Talks resume, an undated page says.")))
    store.assign_story(dated, second, 0.9)
    store.assign_story(undated, second, 0.8)
    assert [d.id for d in store.story_documents(second)] == [undated, dated]
    assert store.assigned_documents(second) == [undated, dated]
    store.mark_embedded([(dated, np.ones(4, dtype=np.float32), [], {}),
                         (undated, np.zeros(4, dtype=np.float32), [], {})])
    # the newest sources (the undated one counts as oldest), oldest of them first
    newest = store.story_member_vectors(second, 1)
    assert len(newest) == 1 and newest[0].tolist() == [1.0, 1.0, 1.0, 1.0]
