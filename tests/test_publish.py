"""The static site publisher: pages, AI labelling, publishing standards, feeds and the
static JSON API, written from a real SQLite store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import lxml.html
import pytest

from newsdesk.backends import load
from newsdesk.backends.publisher import Publisher
from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.errors import ConfigError, PublishError
from newsdesk.records import Article

from conftest import make_article, related_to
from reader_store import add_articles, store_with

BASE = "https://news.example.org"
NOTICE = (
    "This article was written by newsdesk's automated writer from 3 source articles. "
    "Every sentence cites its source and was checked against it: 7 of 8 sentences "
    "passed verification, 1 was removed."
)
TIME_ATTR = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:\d\d)$")


def publish(tmp_path: Path, articles: list[Article], **options: object) -> Path:
    store = store_with(tmp_path, articles)
    out = tmp_path / "site"
    SitePublisher(base_url=BASE, **options).publish(store, out)
    store.close()
    return out


def page(out: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / path).read_text("utf-8"))


def story(out: Path, slug: str) -> lxml.html.HtmlElement:
    return page(out, f"stories/{slug}.html")


def test_publish_writes_the_whole_site(tmp_path: Path, articles: list[Article]) -> None:
    out = publish(tmp_path, articles)
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    expected = {
        "index.html", "about.html", "search.html", "feed.xml", "rss.xml", "feed.json",
        "sitemap.xml", "news-sitemap.xml", "sitemaps/pages.xml", "sitemaps/stories-1.xml",
        "robots.txt", "favicon.ico", "static/style.css", "static/verify.js", "static/card.png",
        "static/logo.png", "static/favicon.svg", "archive/index.html", "archive/2025.html",
        "topics/index.html", "entities/index.html", "outlets/index.html",
        "outlets/harbour-gazette.html", "outlets/harbour-gazette/feed.xml",
        "outlets/harbour-gazette/rss.xml", "outlets/harbour-gazette/feed.json",
        "archive/2025-11-22.html", "api/v1/stories.json",
        *(f"stories/{a.slug}.html" for a in articles),
        *(f"api/v1/stories/{a.slug}.json" for a in articles),
    }
    assert expected <= names, expected - names
    assert "font-family" in (out / "static" / "style.css").read_text()


def test_publisher_is_registered_as_a_backend() -> None:
    publisher = load("publisher", "site", Publisher, site_title="Harbour News")
    assert isinstance(publisher, SitePublisher)
    with pytest.raises(ConfigError):
        SitePublisher(colour="red")


def test_story_page_shows_headline_dek_byline_and_sections(
        tmp_path: Path, articles: list[Article]) -> None:
    doc = story(publish(tmp_path, articles), "port-strike-talks")
    h1 = doc.xpath("//h1")[0]
    assert h1.text_content() == articles[0].headline.text
    assert not h1.xpath(".//sup"), "no citation marker inside the headline"
    assert doc.xpath("string(//title)").startswith(articles[0].headline.text)
    assert articles[0].summary.text in doc.xpath("string(//p[@class='dek'])")
    assert doc.xpath("//div[@class='story-body']//h2/text()") == [
        "What was discussed", "What happens next"]
    meta = " ".join(doc.xpath("string(//p[@class='meta'])").split())
    # The news's own times: the earliest and latest source, not the writing time.
    assert "First reported 22 Nov 2025, 06:30 UTC" in meta
    assert "Last updated 22 Nov 2025, 08:30 UTC" in meta
    assert "automated writer" in doc.xpath("string(//p[@class='byline'])")
    for value in doc.xpath("//time/@datetime"):
        assert TIME_ATTR.match(value), value


def test_every_citation_reveals_its_source_sentence_and_verdict(
        tmp_path: Path, articles: list[Article]) -> None:
    doc = story(publish(tmp_path, articles), "port-strike-talks")
    source_ids = {li.get("id") for li in doc.xpath("//section[@id='sources']//li")}
    assert source_ids == {"src-1", "src-2", "src-3"}
    markers = doc.xpath("//sup[@class='cite']/a")
    assert len(markers) == 6  # the summary and five body sentences; none in the headline
    by_text = {s.text: s for s in articles[0].body_sentences()}
    for marker in markers:
        note = doc.get_element_by_id(marker.get("href")[1:])
        sentence_id = note.xpath("string(.//a[@class='back']/@href)")[1:]
        span = doc.get_element_by_id(sentence_id)
        sentence = by_text[span.text_content()]
        assert marker.text_content() == f"[{sentence.citation.number}]"
        assert sentence.citation.source_text in note.text_content()
        assert "Verified against source" in note.text_content()
        link = note.xpath(".//span[@class='cited']/a/@href")[0]
        assert link == f"#src-{sentence.citation.number}" and link[1:] in source_ids
        assert span.get("data-verdict") == "supported"
    first = doc.get_element_by_id("src-1")
    assert first.xpath("string(.//a[@class='source-title']/@href)") == (
        "https://gazette.example/port-strike")
    text = " ".join(first.text_content().split())
    assert "Also carried by Regional Syndicate" in text
    assert "Cited for 2 sentences of the article (40%)" in text


def test_unsupported_and_dropped_sentences_never_appear(tmp_path: Path) -> None:
    rogue = "The port will close permanently next month."
    article = make_article(unsupported_in_body=rogue, dropped_text="A secret deal was signed.")
    out = publish(tmp_path, [article])
    html = (out / "stories" / f"{article.slug}.html").read_text("utf-8")
    for path in ("feed.xml", "rss.xml", "feed.json", f"api/v1/stories/{article.slug}.json"):
        html += (out / path).read_text("utf-8")
    assert rogue not in html
    assert "A secret deal was signed." not in html
    assert 'data-verdict="unsupported"' not in html
    assert article.sections[1].sentences[0].text in html


def test_ai_labels_json_ld_and_social_tags(tmp_path: Path, articles: list[Article]) -> None:
    doc = story(publish(tmp_path, articles), "port-strike-talks")
    notice = " ".join(doc.xpath("string(//aside[contains(@class,'ai-notice')])").split())
    assert NOTICE in notice
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
    assert meta["ai-generated"] == "true"
    assert meta["description"] == articles[0].meta_description
    assert doc.xpath("//link[@rel='canonical']/@href") == [
        f"{BASE}/stories/port-strike-talks.html"]
    ld = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["@type"] == "NewsArticle" and ld["headline"] == articles[0].headline.text
    assert ld["datePublished"] == "2025-11-22T06:30:00+00:00"
    assert ld["dateModified"] == "2025-11-22T08:30:00+00:00"
    assert ld["image"] == [f"{BASE}/static/card.png"]
    assert ld["author"]["url"] == f"{BASE}/about.html"
    assert ld["publisher"]["logo"]["url"] == f"{BASE}/static/logo.png"
    assert ld["isBasedOn"] == [s.url for s in articles[0].sources]
    assert ld["creativeWorkStatus"] == "AI-generated" and "automated writer" in ld["backstory"]
    props = {m.get("property"): m.get("content") for m in doc.xpath("//meta[@property]")}
    assert props["og:url"] == f"{BASE}/stories/port-strike-talks.html"
    assert props["og:image"] == f"{BASE}/static/card.png"
    assert props["article:published_time"] == "2025-11-22T06:30:00+00:00"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["keywords"] and "labour" not in meta["keywords"].split(", ")


def test_unsafe_source_urls_are_text_never_links(tmp_path: Path) -> None:
    article = make_article()
    article.sources[0].url = "javascript:alert(document.domain)"
    article.sources[1].url = "data:text/html,<script>alert(1)</script>"
    article.sources[2].title = '<img src=x onerror="alert(1)">'
    out = publish(tmp_path, [article])
    doc = story(out, article.slug)
    hrefs = doc.xpath("//@href")
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert "javascript:alert(document.domain)" in doc.get_element_by_id("src-1").text_content()
    assert not doc.xpath("//img")
    assert "onerror" not in "".join(doc.xpath("//@*[starts-with(name(), 'on')]"))
    data = json.loads((out / "api" / "v1" / "stories" / f"{article.slug}.json").read_text())
    assert [s["url"] for s in data["sources"]][:2] == ["", ""]


def test_related_stories_link_only_to_published_pages(
        tmp_path: Path, articles: list[Article]) -> None:
    first = articles[0]
    missing = make_article("not-published-here", 9, "A story outside this batch")
    first.related = [related_to(first), related_to(missing), *first.related]
    out = publish(tmp_path, articles)
    for article in articles:
        doc = story(out, article.slug)
        links = doc.xpath("//section[@class='related']//a")
        assert links, f"{article.slug} lists no related stories"
        for link in links:
            target = (out / "stories" / link.get("href")).resolve()
            assert target.is_file(), link.get("href")
            assert target.name != f"{article.slug}.html"
    items = story(out, first.slug).xpath("//section[@class='related']//li")
    assert [li.xpath("string(a)") for li in items] == [a.headline.text for a in articles[1:]]


def test_home_page_top_stories_latest_and_pages(tmp_path: Path, articles: list[Article]) -> None:
    out = publish(tmp_path, articles, home_limit=2, top_stories=1)
    doc = page(out, "index.html")
    top = doc.xpath("//section[@class='top-stories']//li[@class='teaser']")
    assert len(top) == 1
    latest = doc.xpath("//section[@class='latest']//li[@class='teaser']")
    assert [li.xpath("string(.//a)") for li in latest] == [
        a.headline.text for a in articles[:2]]
    text = " ".join(latest[0].text_content().split())
    assert "4 outlets" in text and "7/8 sentences verified" in text
    assert "Updated 22 Nov 2025, 08:30 UTC" in text
    older = doc.xpath("//nav[@class='pager']//a[@rel='next']/@href")
    assert older == ["latest/2.html"]
    second = page(out, "latest/2.html")
    assert [li.xpath("string(.//a)") for li in second.xpath("//li[@class='teaser']")] == [
        articles[2].headline.text]
    assert second.xpath("//a[@rel='prev']/@href") == ["../index.html"]
    assert doc.xpath("//nav[@class='archive-years']//a/@href") == ["archive/2025.html"]


@pytest.mark.parametrize("name", ["feed.xml", "rss.xml"])
def test_feeds_parse_and_carry_full_text_author_and_label(
        tmp_path: Path, articles: list[Article], name: str) -> None:
    articles[1].headline.text = "Council <approves> dredging & \x0bsilt plan"
    out = publish(tmp_path, articles)
    feed = feedparser.parse((out / name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == [
        articles[0].headline.text, "Council <approves> dredging & silt plan",
        articles[2].headline.text]
    for entry, article in zip(feed.entries, articles, strict=True):
        assert entry.link == f"{BASE}/stories/{article.slug}.html"
        assert "ai-generated" in {tag.term for tag in entry.tags}
        assert "automated writer" in entry.author
        content = entry.content[0].value
        assert article.lead[0].text in content and article.sources[0].url in content
        assert "written by newsdesk's automated writer" in content
        assert entry.get("updated_parsed") or entry.get("published_parsed")
        tags = {tag.term for tag in entry.tags}
        assert not tags & {"port", "strike", "labour"}, "raw keywords are not categories"


def test_feed_ids_differ_between_atom_and_rss(tmp_path: Path, articles: list[Article]) -> None:
    out = publish(tmp_path, articles)
    atom = feedparser.parse((out / "feed.xml").read_bytes())
    rss = feedparser.parse((out / "rss.xml").read_bytes())
    atom_ids = [e.id for e in atom.entries]
    rss_ids = [e.id for e in rss.entries]
    assert len(set(atom_ids)) == 3 and not set(atom_ids) & set(rss_ids)
    assert all(i.startswith("tag:news.example.org,") for i in atom_ids)


def check_json_feed(data: dict[str, object]) -> None:
    """The JSON Feed 1.1 rules (jsonfeed.org/version/1.1): required top-level and item
    fields, types, unique item ids, extensions only under underscore keys."""
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(data["title"], str) and data["title"]
    items = data["items"]
    assert isinstance(items, list)
    known_top = {"version", "title", "home_page_url", "feed_url", "description",
                 "user_comment", "next_url", "icon", "favicon", "authors", "language",
                 "expired", "hubs", "items"}
    assert all(k in known_top or k.startswith("_") for k in data)
    known_item = {"id", "url", "external_url", "title", "content_html", "content_text",
                  "summary", "image", "banner_image", "date_published", "date_modified",
                  "authors", "tags", "language", "attachments"}
    ids = []
    for item in items:
        assert isinstance(item, dict)
        assert all(k in known_item or k.startswith("_") for k in item)
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        for key in ("date_published", "date_modified"):
            assert TIME_ATTR.match(item[key]), item[key]
        ids.append(item["id"])
    assert len(set(ids)) == len(ids)


def test_json_feed_has_the_required_fields(tmp_path: Path, articles: list[Article]) -> None:
    articles[1].headline.text = "Council <approves> dredging & \x0bsilt plan"
    data = json.loads((publish(tmp_path, articles) / "feed.json").read_text("utf-8"))
    check_json_feed(data)
    assert data["feed_url"] == f"{BASE}/feed.json" and data["home_page_url"] == f"{BASE}/"
    assert [i["title"] for i in data["items"]][1] == "Council <approves> dredging & silt plan"
    for item, article in zip(data["items"], articles, strict=True):
        assert item["url"] == f"{BASE}/stories/{article.slug}.html"
        assert item["authors"][0]["url"] == f"{BASE}/about.html"
        assert item["_newsdesk"]["ai_generated"] is True
        assert "ai-generated" in item["tags"]
        assert article.lead[0].text in item["content_html"]


def test_sitemaps_and_robots(tmp_path: Path, articles: list[Article]) -> None:
    out = publish(tmp_path, articles)
    robots = (out / "robots.txt").read_text()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots
    index = lxml.etree.fromstring((out / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    parts = index.xpath("//s:loc/text()", namespaces=ns)
    assert f"{BASE}/sitemaps/stories-1.xml" in parts
    for url in parts:
        assert (out / url.removeprefix(BASE + "/")).is_file()
    stories = lxml.etree.fromstring((out / "sitemaps" / "stories-1.xml").read_bytes())
    assert sorted(stories.xpath("//s:loc/text()", namespaces=ns)) == sorted(
        f"{BASE}/stories/{a.slug}.html" for a in articles)
    news = (out / "news-sitemap.xml").read_text()
    assert news.count("<news:news>") == 3  # all three within two days of the newest


def test_static_json_api(tmp_path: Path, articles: list[Article]) -> None:
    out = publish(tmp_path, articles)
    listing = json.loads((out / "api" / "v1" / "stories.json").read_text("utf-8"))
    assert [item["slug"] for item in listing["items"]] == [a.slug for a in articles]
    assert listing["total"] == 3 and listing["next"] is None
    item = listing["items"][0]
    assert item["url"] == f"{BASE}/stories/port-strike-talks.html"
    assert item["verification"] == {"sources": 3, "checked": 8, "supported": 7, "dropped": 1}
    assert item["ai_generated"] is True and item["disclosure"] == NOTICE


def test_markup_in_text_is_escaped(tmp_path: Path) -> None:
    article = make_article(headline='Port says "no" to <script>alert(1)</script> plan')
    out = publish(tmp_path, [article])
    html = (out / "stories" / f"{article.slug}.html").read_text("utf-8")
    assert "<script>alert(1)" not in html
    ld = json.loads(lxml.html.fromstring(html).xpath(
        "//script[@type='application/ld+json']/text()")[0])
    assert ld["headline"] == article.headline.text


@pytest.mark.parametrize("slug", ["../escape", "a/b", "Capital-Letters", "dot.html"])
def test_unsafe_slugs_are_never_published(tmp_path: Path, slug: str) -> None:
    out = publish(tmp_path, [make_article(slug=slug), make_article("safe-story", 2)])
    assert (out / "stories" / "safe-story.html").is_file()
    assert not (tmp_path / "escape.html").exists()
    assert len(list((out / "stories").iterdir())) == 1
    store = SqlStore.open(f"sqlite:///{tmp_path / 'reader.db'}")
    assert "unsafe_slug" in {p.reason for p in store.problems()}
    store.close()


def test_unwritable_out_dir_raises_publish_error(tmp_path: Path, articles: list[Article]) -> None:
    store = store_with(tmp_path, articles)
    blocker = tmp_path / "taken"
    blocker.write_text("not a directory")
    with pytest.raises(PublishError, match=str(blocker)):
        SitePublisher().publish(store, blocker)
    with pytest.raises(PublishError, match=str(blocker)):
        SitePublisher().publish(store, blocker / "site")
    store.close()


def test_republishing_replaces_pages_and_removes_stale_ones(
        tmp_path: Path, articles: list[Article]) -> None:
    store = store_with(tmp_path, articles)
    out = tmp_path / "site"
    SitePublisher(base_url=BASE).publish(store, out)
    renamed = make_article("strike-talks-end", 1, "Strike talks end without a deal",
                           written_at=articles[0].written_at)
    add_articles(store, [renamed])
    SitePublisher(base_url=BASE).publish(store, out)
    assert "Strike talks end without a deal" in story(out, "strike-talks-end").text_content()
    assert not (out / "stories" / "port-strike-talks.html").exists()
    assert not (out / "api" / "v1" / "stories" / "port-strike-talks.json").exists()
    assert not [p for p in out.rglob(".*") if p.is_file()], "temporary files left behind"
    store.close()
