"""Hostile source fields in a real browser: script tags, event handlers and
``javascript:``/``data:`` links planted in source titles, outlets, URLs, entity names,
headlines and sentences are published, then opened and clicked in Chromium, served by
``newsdesk serve`` (CSP headers) and as a static export from a plain file server (meta
CSP). Nothing may execute: no dialog, no marker set on ``window``, no navigation to a
script URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.records import Article, EntityRef

from browser import chromium, serve_app, serve_folder
from conftest import make_article, related_to
from reader_store import store_with

pytestmark = pytest.mark.slow

MARK = "window.__pwned = (window.__pwned || 0) + 1"
PAYLOADS = [
    f"<script>{MARK}</script>",
    f'<img src=x onerror="{MARK}">',
    f'"><svg onload="{MARK}">',
    f"</title><script>{MARK}</script>",
    f"' onmouseover='{MARK}' x='",
]
URLS = [
    f"javascript:{MARK}",
    f"JaVaScRiPt:{MARK}",
    f" javascript:{MARK}",
    f"data:text/html,<script>{MARK}</script>",
    "java\tscript:alert(1)",
    f"vbscript:{MARK}",
]


def hostile_articles() -> list[Article]:
    """Two stories whose every source-derived field carries a payload."""
    first = make_article("hostile-sources", 1, f"Port strike {PAYLOADS[0]} talks")
    second = make_article("second-story", 2, f"Ferry {PAYLOADS[3]} timetable")
    for article in (first, second):
        for index, source in enumerate(article.sources):
            source.title = PAYLOADS[index % len(PAYLOADS)]
            source.outlet = f"Outlet {PAYLOADS[(index + 1) % len(PAYLOADS)]}"
            source.url = URLS[(index + article.story_id) % len(URLS)]
            source.also_carried_by = [PAYLOADS[2]]
        for number, sentence in enumerate(article.body_sentences()):
            sentence.citation.source_text = PAYLOADS[number % len(PAYLOADS)]
            sentence.citation.url = URLS[number % len(URLS)]
            if sentence.verdict:
                sentence.verdict.evidence = [PAYLOADS[(number + 1) % len(PAYLOADS)]]
        article.lead[0].text += " " + PAYLOADS[1]
        article.sections[0].heading = f"What {PAYLOADS[4]} was said"
        article.entities = [EntityRef(name=f"Ana {PAYLOADS[1]}", kind="person", key="p:a"),
                            EntityRef(name="Port Calder", kind="place", key="place:pc")]
        article.meta_description = PAYLOADS[3]
    first.related = [related_to(second)]
    second.related = [related_to(first)]
    second.related[0].teaser = PAYLOADS[0]
    return [first, second]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    store = store_with(tmp_path_factory.mktemp("hostile"), hostile_articles())
    yield store
    store.close()


def visit_and_click_everything(browser: Any, base: str, paths: list[str]) -> list[str]:
    """Open each page, hover every sentence, click every link that stays on the site and
    every citation; returns what went wrong (dialogs, script marks, script URLs)."""
    problems: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    # Sources are external: no request may leave the machine, and none may be a script.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
               else (problems.append(f"request to {route.request.url}"), route.abort()))
    for path in paths:
        page.goto(f"{base}/{path}")
        links = page.locator("a")
        for index in range(links.count()):
            href = links.nth(index).get_attribute("href") or ""
            if href.strip().lower().startswith(("javascript", "data:", "vbscript")):
                problems.append(f"{path}: script link {href!r}")
        for sentence in page.locator(".sentence").all():
            sentence.hover()
        for selector in (".sources li", ".evidence li", ".entities dd", ".related li"):
            for element in page.locator(selector).all():
                element.click(position={"x": 2, "y": 2}, force=True)
                if not page.url.startswith(f"{base}/{path}"):
                    page.goto(f"{base}/{path}")
        for index in range(page.locator("sup.cite a").count()):
            page.locator("sup.cite a").nth(index).click()
        if page.evaluate("window.__pwned || 0"):
            problems.append(f"{path}: script ran")
    context.close()
    return problems


PAGES = ["index.html", "stories/hostile-sources.html", "stories/second-story.html",
         "outlets/index.html", "entities/index.html", "search.html"]


def test_nothing_planted_in_sources_runs_on_the_served_site(hostile_store: SqlStore) -> None:
    with serve_app(hostile_store) as base, chromium() as browser:
        problems = visit_and_click_everything(browser, base, [*PAGES, "search.html?q=port"])
    assert problems == []


def test_nothing_planted_runs_on_the_static_export(hostile_store: SqlStore,
                                                    tmp_path: Path) -> None:
    SitePublisher(base_url="https://news.example.org").publish(hostile_store, tmp_path)
    for page in tmp_path.rglob("*.html"):
        doc = lxml.html.fromstring(page.read_bytes())
        scripts = [s for s in doc.iter("script")
                   if s.get("type") != "application/ld+json" and not s.get("src")]
        assert scripts == [], page
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), page
        assert not doc.xpath("//img | //svg | //iframe | //object"), page
        for data in doc.xpath("//script[@type='application/ld+json']/text()"):
            assert json.loads(data)["@type"] == "NewsArticle"
    with serve_folder(tmp_path) as base, chromium() as browser:
        problems = visit_and_click_everything(browser, base, PAGES)
    assert problems == []
