"""End to end: the pipeline on the demo corpus, as a user runs it, checked on the pages
it publishes; then re-runs (idempotent) and follow-up sources (stories update)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import html

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.pipeline import run_all

from demo_corpus import make_context, manifest, story_of_url, wave_sources

pytestmark = pytest.mark.slow


def story_pages(data: Path) -> list[Path]:
    return sorted((data / "site" / "stories").glob("*.html"))


def test_demo_site_has_about_ten_multi_source_stories(demo_site: Path) -> None:
    pages = story_pages(demo_site)
    true_stories = {a["story"] for a in manifest()
                    if sum(b["story"] == a["story"] for b in manifest()) > 1}
    assert len(true_stories) - 1 <= len(pages) <= len(true_stories) + 1
    index = html.parse(str(demo_site / "site" / "index.html")).getroot()
    linked = {Path(a.get("href")).name for a in index.iter("a")
              if "stories/" in (a.get("href") or "")}
    assert {p.name for p in pages} <= linked


def test_every_story_page_is_complete(demo_site: Path) -> None:
    pages = story_pages(demo_site)
    assert pages
    related: dict[str, set[str]] = {}
    for page in pages:
        root = html.parse(str(page)).getroot()
        body = root.find_class("story-body")[0]
        headings = [h.text_content().strip() for h in body.iter("h2")]
        assert 2 <= len(headings) <= 4, (page.name, headings)
        sources = {li.get("id") for li in root.get_element_by_id("sources").iter("li")}
        assert len(sources) >= 2, page.name
        sentences = root.find_class("sentence")
        assert sentences
        for span in sentences:
            # every sentence on the page carries a verdict and a citation that resolves:
            # marker -> note with the source sentence and verdict -> the source
            assert span.get("data-verdict") == "supported", (page.name, span.text_content())
            cite = span.getnext()
            if span.getparent().tag == "h1":
                assert cite is None, "no citation marker in the headline"
                continue
            assert cite is not None and cite.tag == "sup", (page.name, span.text_content())
            note = root.get_element_by_id(cite.find("a").get("href")[1:])
            assert "Verified against source" in note.text_content()
            assert note.xpath(".//span[@class='cited']/a/@href")[0][1:] in sources
        text = root.text_content()
        assert "According to " in text or " reported." in text, page.name
        assert "sentences verified" in text and "AI-generated" in text
        for section in root.find_class("related"):
            for link in section.iter("a"):
                target = page.parent / link.get("href")
                assert target.resolve() != page.resolve()
                assert target.exists(), link.get("href")
        related[page.name] = {Path(a.get("href")).name for s in root.find_class("related")
                              for a in s.iter("a")}
        assert root.xpath("//meta[@name='ai-generated']/@content") == ["true"]
    # Related stories are genuinely related: the two factory fires point at each other,
    # and the cup final (like nothing else in the demo) points at nothing.
    fires = [name for name in related if "fire" in name]
    assert len(fires) == 2 and fires[1] in related[fires[0]] and fires[0] in related[fires[1]]
    assert not any(related[name] for name in related if "cup-final" in name)


def test_feeds_and_json_api_files_carry_every_story(demo_site: Path) -> None:
    site = demo_site / "site"
    count = len(story_pages(demo_site))
    for name in ("feed.xml", "rss.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, name
        assert len(parsed.entries) == count
    listing = json.loads((site / "api" / "v1" / "stories.json").read_text())
    assert listing["total"] == len(listing["items"]) == count
    assert all(item["verification"]["dropped"] >= 0 for item in listing["items"])


def test_bad_inputs_are_recorded_with_reasons(demo_site: Path) -> None:
    store = SqlStore.open(f"sqlite:///{demo_site / 'newsdesk.db'}")
    reasons = store.stats()["problems"]
    store.close()
    kinds = [a["kind"] for a in manifest()]
    assert reasons.get("http_404", 0) == kinds.count("missing")
    assert reasons.get("no_article_text", 0) == kinds.count("no_text")
    assert reasons.get("entry_without_link", 0) == 1


def test_rerun_changes_nothing_and_follow_ups_update_stories(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    run_all(ctx, wave_sources(1))
    first = ctx.store.stats()
    articles_before = {a.story_id: a for a in ctx.store.current_articles()}
    known_docs = {d.id for d in ctx.store.documents_at_stage("clustered")}

    ctx.counts.clear()
    run_all(ctx, wave_sources(1))
    again = ctx.store.stats()
    assert again["documents"] == first["documents"]
    assert again["stories"] == first["stories"]
    assert again["article_versions"] == first["article_versions"]
    assert ctx.counts.get("documents_new", 0) == 0
    # nothing changed, so neither relate pass (write stage, publish stage) stores anything
    assert ctx.counts.get("related_stories_updated", 0) == 0
    assert ctx.counts.get("related_links", 0) > 0

    run_all(ctx, wave_sources(2))
    after = ctx.store.stats()
    assert after["documents"] > first["documents"]
    assert after["stories"] <= first["stories"] + 1
    truth = story_of_url()
    follow_up_stories = {truth[d.canonical_url] for d in ctx.store.documents_at_stage("clustered")
                         if d.id not in known_docs}
    assert "port-strike" in follow_up_stories
    updated = [a for a in ctx.store.current_articles() if a.version > 1]
    assert updated, "no story was rewritten after its follow-ups arrived"
    for article in updated:
        before = articles_before[article.story_id]
        assert len(article.sources) > len(before.sources)
        assert article.written_at == before.written_at
        assert article.updated_at is not None
        versions = ctx.store.article_versions(article.story_id)
        assert [v.version for v in versions] == list(range(1, article.version + 1))
    ctx.store.close()


def test_json_api_serves_the_stored_stories(demo_site: Path) -> None:
    from fastapi.testclient import TestClient

    from newsdesk.web.app import create_app

    store = SqlStore.open(f"sqlite:///{demo_site / 'newsdesk.db'}")
    try:
        client = TestClient(create_app(store, demo_site / "site"))
        listing = client.get("/api/v1/stories").json()["items"]
        assert {item["slug"] for item in listing} == {p.stem for p in story_pages(demo_site)}
        story = client.get(f"/api/v1/stories/{listing[0]['slug']}").json()
        assert story["ai_generated"] is True
        sentences = [story["headline_sentence"], story["summary_sentence"], *story["lead"]]
        sentences += [s for section in story["sections"] for s in section["sentences"]]
        assert all(s["verdict"]["status"] == "supported" for s in sentences)
        assert all(s["citation"]["source_text"] for s in sentences)
        page = client.get(f"/stories/{listing[0]['slug']}.html")
        assert page.status_code == 200
        assert page.headers["x-ai-generated"] == "true"
        assert client.get("/api/v1/stories/no-such-story").status_code == 404
    finally:
        store.close()
