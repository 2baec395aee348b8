"""Dedupe: exact copies by content hash, syndicated near-copies by MinHash; a duplicate
is linked to its original and keeps its own row."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest

from newsdesk.builtin.extract_trafilatura import TrafilaturaExtractor
from newsdesk.builtin.store_models import DocumentRow
from newsdesk.decode import decode_bytes
from newsdesk.demo_server import demo_dir
from newsdesk.pipeline import Context
from newsdesk.records import Document, parse_iso
from newsdesk.stages.dedupe import dedupe
from newsdesk.stages.ingest import content_hash

DEMO = demo_dir()
MANIFEST: dict[str, dict[str, Any]] = {
    m["id"]: m for m in json.loads((DEMO / "manifest.json").read_text("utf-8"))}
WIRE: dict[str, dict[str, Any]] = {
    r["url"]: r for r in map(json.loads, (DEMO / "wire" / "allied-wire.jsonl").read_text(
        "utf-8").splitlines()) if r}
SYNDICATED = sorted(i for i, m in MANIFEST.items() if m["syndicated_from"])


@cache
def demo_text(item_id: str) -> str:
    """The text of a demo article as ingest would store it."""
    item = MANIFEST[item_id]
    if item["page"] is None:
        return str(WIRE[item["url"]]["text"])
    html, _ = decode_bytes((DEMO / item["page"]).read_bytes())
    extracted = TrafilaturaExtractor().extract(html, item["url"])
    assert extracted is not None
    return extracted.text


def store(ctx: Context, url: str, text: str, published: datetime | None) -> int:
    doc = Document(url=url, canonical_url=url, title=url.rsplit("/", 1)[-1], text=text,
                   content_hash=content_hash(text), published_at=published)
    doc_id, outcome = ctx.store.save_document(doc)
    assert outcome == "new"
    return doc_id


def store_demo(ctx: Context, item_id: str) -> int:
    item = MANIFEST[item_id]
    return store(ctx, item["url"], demo_text(item_id), parse_iso(item["published"]))


def link(ctx: Context, doc_id: int) -> tuple[int | None, str | None]:
    doc = ctx.store.document(doc_id)
    assert doc is not None
    return doc.duplicate_of, doc.duplicate_kind


def edited_copy(wire: str) -> str:
    """What a subscriber does to wire copy: its own first paragraph, an extra credit line."""
    paragraphs = wire.split("\n\n")
    paragraphs[0] = ("Some 1,850 port workers downed tools at Port Calder on Monday morning, "
                     "bringing container traffic to a stop in a row over wages and new "
                     "automated cranes.")
    paragraphs.append("Additional reporting by Jana Holm in Port Calder.")
    return "\n\n".join(paragraphs)


PORT_STRIKE = MANIFEST["port-strike-wire-1"]
T0 = datetime(2026, 11, 16, 7, 15, tzinfo=UTC)


def test_an_exact_copy_under_another_url_is_linked_as_exact(ctx: Context) -> None:
    text = demo_text("port-strike-wire-1")
    original = store(ctx, "https://alliedwire.example/port-strike", text, T0)
    # Same words, different spacing and case: still the same text.
    copy = store(ctx, "https://partner.example/port-strike", "  " + text.upper(),
                 T0 + timedelta(hours=2))
    assert dedupe(ctx) == 1
    assert link(ctx, copy) == (original, "exact")
    assert link(ctx, original) == (None, None)
    assert ctx.counts == {"duplicates_exact": 1}


def test_an_edited_syndicated_copy_is_linked_as_near(ctx: Context) -> None:
    wire = demo_text("port-strike-wire-1")
    copy_text = edited_copy(wire)
    assert copy_text != wire
    original = store(ctx, PORT_STRIKE["url"], wire, T0)
    copy = store(ctx, "https://partner.example/2026/11/16/strike", copy_text,
                 T0 + timedelta(hours=3))
    assert dedupe(ctx) == 1
    assert link(ctx, copy) == (original, "near")
    with ctx.store.session() as s:
        row = s.get(DocumentRow, copy)
        assert row is not None and row.duplicate_score is not None
        assert row.duplicate_score >= ctx.settings["dedupe.near_threshold"]
        assert row.duplicate_score < 1.0


@pytest.mark.parametrize("copy_id", SYNDICATED)
def test_demo_syndicated_pages_are_linked_to_their_wire_story(ctx: Context, copy_id: str) -> None:
    original = store_demo(ctx, MANIFEST[copy_id]["syndicated_from"])
    copy = store_demo(ctx, copy_id)
    dedupe(ctx)
    assert link(ctx, copy) == (original, "near")


def test_different_articles_on_the_same_story_are_not_linked(ctx: Context) -> None:
    same_story = [i for i, m in MANIFEST.items() if m["story"] == "port-strike"
                  and m["kind"] == "article" and not m["syndicated_from"]]
    assert len(same_story) >= 4
    ids = [store_demo(ctx, item_id) for item_id in same_story]
    assert dedupe(ctx) == 0
    assert all(link(ctx, doc_id) == (None, None) for doc_id in ids)


def test_duplicates_keep_their_own_row(ctx: Context) -> None:
    wire = demo_text("port-strike-wire-1")
    original = store(ctx, PORT_STRIKE["url"], wire, T0)
    exact = store(ctx, "https://mirror.example/strike", wire, T0 + timedelta(hours=1))
    near = store(ctx, "https://partner.example/strike", edited_copy(wire), T0 + timedelta(hours=2))
    assert dedupe(ctx) == 2
    docs = ctx.store.documents([original, exact, near])
    assert [d.url for d in docs] == [PORT_STRIKE["url"], "https://mirror.example/strike",
                                     "https://partner.example/strike"]
    assert all(d.text for d in docs)  # linked, not emptied
    assert [d.duplicate_of for d in docs] == [None, original, original]
    stats = ctx.store.stats()
    assert (stats["documents"], stats["duplicates"]) == (3, 2)
    assert {d.id for d in ctx.store.documents_at_stage("deduped")} == {original, exact, near}


def test_the_earlier_article_is_the_original(ctx: Context) -> None:
    wire = demo_text("port-strike-wire-1")
    # Stored in the wrong order: the copy arrived first but was published later.
    copy = store(ctx, "https://partner.example/strike", edited_copy(wire), T0 + timedelta(hours=2))
    original = store(ctx, PORT_STRIKE["url"], wire, T0)
    dedupe(ctx)
    assert link(ctx, copy) == (original, "near")
    assert link(ctx, original) == (None, None)


def test_copies_published_far_apart_are_not_compared(ctx: Context) -> None:
    wire = demo_text("port-strike-wire-1")
    store(ctx, PORT_STRIKE["url"], wire, T0)
    days = ctx.settings["dedupe.window_days"] + 1
    later = store(ctx, "https://partner.example/anniversary", edited_copy(wire),
                  T0 + timedelta(days=days))
    assert dedupe(ctx) == 0
    assert link(ctx, later) == (None, None)


def test_dedupe_runs_only_on_new_documents(ctx: Context) -> None:
    wire = demo_text("port-strike-wire-1")
    store(ctx, PORT_STRIKE["url"], wire, T0)
    store(ctx, "https://mirror.example/strike", wire, T0 + timedelta(hours=1))
    assert dedupe(ctx) == 1
    assert dedupe(ctx) == 0  # nothing new: nothing counted twice
    assert ctx.store.stats()["duplicates"] == 1
