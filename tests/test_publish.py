"""The static site publisher: story pages, AI labelling, feeds and the static JSON API."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import lxml.html
import pytest

from newsdesk.backends import load
from newsdesk.backends.publisher import Publisher
from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.errors import ConfigError, PublishError
from newsdesk.records import Article

from conftest import make_article, related_to

BASE = "https://news.example.org"
NOTICE = (
    "This article was written by newsdesk's automated writer from 3 source articles. "
    "Every sentence cites its source and was checked against it: 7 of 8 sentences "
    "passed verification, 1 was removed."
)


def publish(articles: list[Article], out: Path, **options: object) -> list[Path]:
    return SitePublisher(base_url=BASE, **options).publish(articles, out)


def page(out: Path, slug: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / "stories" / f"{slug}.html").read_text("utf-8"))


def test_publish_writes_the_whole_site(tmp_path: Path, articles: list[Article]) -> None:
    written = publish(articles, tmp_path)
    expected = {
        "index.html",
        "feed.xml",
        "rss.xml",
        "api/stories.json",
        "static/style.css",
        "static/verify.js",
        *(f"stories/{a.slug}.html" for a in articles),
        *(f"api/stories/{a.slug}.json" for a in articles),
    }
    assert {p.relative_to(tmp_path).as_posix() for p in written} == expected
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert "font-family" in (tmp_path / "static" / "style.css").read_text()


def test_publisher_is_registered_as_a_backend() -> None:
    publisher = load("publisher", "site", Publisher, site_title="Harbour News")
    assert isinstance(publisher, SitePublisher)
    with pytest.raises(ConfigError):
        SitePublisher(colour="red")


def test_story_page_shows_headline_dek_and_sections(
    tmp_path: Path, articles: list[Article]
) -> None:
    publish(articles, tmp_path)
    doc = page(tmp_path, "port-strike-talks")
    h1 = doc.xpath("//h1")[0]
    assert h1.xpath("string(.//span[@class='sentence'])") == articles[0].headline.text
    assert doc.xpath("string(//title)").startswith(articles[0].headline.text)
    assert articles[0].summary.text in doc.xpath("string(//p[@class='dek'])")
    assert doc.xpath("//article//h2/text()")[:2] == ["What was discussed", "What happens next"]
    lead = doc.xpath("string(//p[@class='lead'])")
    assert all(s.text in lead for s in articles[0].lead)


def test_every_citation_marker_resolves_to_a_listed_source(
    tmp_path: Path, articles: list[Article]
) -> None:
    publish(articles, tmp_path)
    doc = page(tmp_path, "port-strike-talks")
    source_ids = {li.get("id") for li in doc.xpath("//section[@id='sources']//li")}
    assert source_ids == {"src-1", "src-2", "src-3"}
    markers = doc.xpath("//sup/a")
    sentences = doc.xpath("//span[@class='sentence']")
    assert len(markers) == len(sentences) == len(articles[0].body_sentences())
    by_text = {s.text: s for s in articles[0].body_sentences()}
    for span, marker in zip(sentences, markers, strict=True):
        assert marker.get("href").removeprefix("#") in source_ids
        sentence = by_text[span.text_content()]
        assert marker.get("href") == f"#src-{sentence.citation.number}"
        assert marker.get("title") == sentence.citation.source_text
        assert span.get("data-verdict") == "supported"
        assert f"similarity {sentence.verdict.similarity:.2f}" in span.get("title")  # type: ignore[union-attr]
    first = doc.xpath("//li[@id='src-1']")[0]
    assert first.xpath("string(.//a/@href)") == "https://gazette.example/port-strike"
    assert "Harbour Gazette" in first.text_content()
    assert "Also carried by Regional Syndicate" in first.text_content()


def test_unsupported_and_dropped_sentences_never_appear(tmp_path: Path) -> None:
    rogue = "The port will close permanently next month."
    article = make_article(unsupported_in_body=rogue, dropped_text="A secret deal was signed.")
    publish([article], tmp_path)
    html = (tmp_path / "stories" / f"{article.slug}.html").read_text("utf-8")
    assert rogue not in html
    assert "A secret deal was signed." not in html
    assert 'data-verdict="unsupported"' not in html
    # The rest of that section is still there.
    assert article.sections[1].sentences[0].text in html


def test_ai_notice_and_machine_readable_labels(tmp_path: Path, articles: list[Article]) -> None:
    publish(articles, tmp_path)
    doc = page(tmp_path, "port-strike-talks")
    notice = " ".join(doc.xpath("string(//aside[contains(@class,'ai-notice')])").split())
    assert NOTICE in notice
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
    assert meta["ai-generated"] == "true"
    assert meta["description"] == articles[0].meta_description
    assert meta["keywords"] == "port, strike, labour"
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical == f"{BASE}/stories/port-strike-talks.html"
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] == articles[0].headline.text
    assert ld["datePublished"] == "2025-11-22T09:30:00+00:00"
    assert ld["dateModified"] == "2025-11-22T11:30:00+00:00"
    assert ld["isBasedOn"] == [s.url for s in articles[0].sources]
    assert "automated writer" in ld["backstory"]
    assert ld["creativeWorkStatus"] == "AI-generated"


def test_related_stories_link_to_existing_pages_never_to_itself(
    tmp_path: Path, articles: list[Article]
) -> None:
    first = articles[0]
    missing = make_article("not-published-here", 9, "A story outside this batch")
    evil = make_article("evil", 10)
    evil.slug = "../../etc/passwd"
    first.related = [related_to(first), related_to(missing), related_to(evil), *first.related]
    publish(articles, tmp_path)
    for article in articles:
        doc = page(tmp_path, article.slug)
        links = doc.xpath("//section[@class='related']//a")
        assert links, f"{article.slug} lists no related stories"
        for link in links:
            target = (tmp_path / "stories" / link.get("href")).resolve()
            assert target.is_file(), link.get("href")
            assert target.name != f"{article.slug}.html"
    doc = page(tmp_path, first.slug)
    items = doc.xpath("//section[@class='related']//li")
    assert [li.xpath("string(a)") for li in items] == [a.headline.text for a in articles[1:]]
    assert articles[1].summary.text in items[0].text_content()


def test_index_lists_latest_stories_with_figures(tmp_path: Path, articles: list[Article]) -> None:
    publish(articles, tmp_path, home_limit=2)
    doc = lxml.html.fromstring((tmp_path / "index.html").read_text("utf-8"))
    teasers = doc.xpath("//li[@class='teaser']")
    assert len(teasers) == 2
    link = teasers[0].xpath(".//h2/a")[0]
    assert link.text_content() == articles[0].headline.text
    assert (tmp_path / link.get("href")).is_file()
    text = " ".join(teasers[0].text_content().split())
    assert articles[0].summary.text in text
    assert "3 sources" in text
    assert "7/8 sentences verified" in text
    assert "Updated 22 Nov 2025, 11:30 UTC" in text


@pytest.mark.parametrize("name", ["feed.xml", "rss.xml"])
def test_feeds_are_valid_and_label_every_item(
    tmp_path: Path, articles: list[Article], name: str
) -> None:
    articles[1].headline.text = "Council <approves> dredging & \x0bsilt plan"
    publish(articles, tmp_path)
    feed = feedparser.parse((tmp_path / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == [
        articles[0].headline.text,
        "Council <approves> dredging & silt plan",
        articles[2].headline.text,
    ]
    for entry, article in zip(feed.entries, articles, strict=True):
        assert entry.link == f"{BASE}/stories/{article.slug}.html"
        assert "ai-generated" in {tag.term for tag in entry.tags}
        assert article.summary.text in entry.summary
        assert "written by newsdesk's automated writer" in entry.summary
        assert entry.get("updated_parsed") or entry.get("published_parsed")


def test_static_json_api(tmp_path: Path, articles: list[Article]) -> None:
    publish(articles, tmp_path)
    listing = json.loads((tmp_path / "api" / "stories.json").read_text("utf-8"))
    assert [item["slug"] for item in listing] == [a.slug for a in articles]
    item = listing[0]
    assert item["url"] == f"{BASE}/stories/port-strike-talks.html"
    assert item["sources"] == 3
    assert item["verification"] == {"sources": 3, "checked": 8, "supported": 7, "dropped": 1}
    assert item["ai_generated"] is True and item["disclosure"] == NOTICE
    full = json.loads((tmp_path / "api" / "stories" / "port-strike-talks.json").read_text("utf-8"))
    assert full["ai_generated"] is True
    assert full["disclosure"] == NOTICE
    assert Article.from_dict(full).to_dict() == articles[0].to_dict()


def test_markup_in_text_is_escaped(tmp_path: Path) -> None:
    article = make_article(headline='Port says "no" to <script>alert(1)</script> plan')
    publish([article], tmp_path)
    html = (tmp_path / "stories" / f"{article.slug}.html").read_text("utf-8")
    assert "<script>alert(1)" not in html
    doc = lxml.html.fromstring(html)
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["headline"] == article.headline.text


@pytest.mark.parametrize("slug", ["../escape", "a/b", "Capital-Letters", "", "dot.html"])
def test_unsafe_slugs_are_refused(tmp_path: Path, slug: str) -> None:
    out = tmp_path / "site"
    with pytest.raises(PublishError, match="slug"):
        publish([make_article(slug=slug)], out)
    assert not out.exists()
    assert not (tmp_path / "escape.html").exists()


def test_duplicate_slugs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="share the slug"):
        publish([make_article(story_id=1), make_article(story_id=2)], tmp_path)


def test_unwritable_out_dir_raises_publish_error(tmp_path: Path, articles: list[Article]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a directory")
    with pytest.raises(PublishError, match=str(blocker)):
        publish(articles, blocker)
    with pytest.raises(PublishError, match=str(blocker)):
        publish(articles, blocker / "site")


def test_republishing_replaces_pages(tmp_path: Path, articles: list[Article]) -> None:
    publish(articles, tmp_path)
    articles[0].headline.text = "Strike talks end without a deal"
    publish(articles, tmp_path)
    assert "Strike talks end without a deal" in page(tmp_path, articles[0].slug).text_content()
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()], "temporary files left behind"
