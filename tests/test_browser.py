"""The demo site in a real browser: Debian's Chromium driven by Playwright, pages served
by `newsdesk serve`'s app (uvicorn on 127.0.0.1) from the demo store.

What a reader does: open the home page and a story, point at a sentence to see how it
was verified, follow a citation to its evidence and its source, follow a related
story, search, open an entity, an outlet and a topic page, page through the latest
stories and the archive. Screenshots of each page at 1280 and 375 px are saved under
``test-output/screenshots``. The lists are served with three stories per page so the
demo's ten stories need several pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk.builtin.store_sql import SqlStore

from browser import WIDTHS, chromium, screenshot, serve_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(demo_site: Path) -> Iterator[str]:
    """The web app over the demo store, three stories per list page."""
    store = SqlStore.open(f"sqlite:///{demo_site / 'newsdesk.db'}")
    with serve_app(store, home_limit=3, page_size=3, top_stories=2) as base:
        yield base
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900})
    opened = context.new_page()
    opened.width = width
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    opened.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield opened
    context.close()
    assert errors == [], f"JavaScript or CSP errors on the page: {errors}"


def shot(page: Any, name: str) -> None:
    screenshot(page, f"{name}-{page.width}")


def open_first_story(page: Any, base_url: str) -> str:
    """Open the home page, click the first story; returns its headline."""
    page.goto(f"{base_url}/")
    shot(page, "home")
    first = page.locator("main a[href*='stories/']").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_url(re.compile(r"/stories/[^/]+$"))
    headline = page.locator("h1 .sentence").inner_text().strip()
    assert headline == title
    return headline


def test_a_reader_opens_a_story_from_the_home_page(page: Any, base_url: str) -> None:
    open_first_story(page, base_url)
    shot(page, "story")
    notice = page.locator("aside.ai-notice")
    assert notice.is_visible() and "AI-generated" in notice.inner_text()
    assert re.search(r"\d+/\d+ sentences verified", page.locator(".verified").inner_text())
    headings = page.locator(".story-body h2")
    assert 2 <= headings.count() <= 4
    assert all(h.is_visible() and h.inner_text().strip() for h in headings.all())
    assert page.locator("h1 sup").count() == 0
    meta = page.locator(".story-head .meta").inner_text()
    assert "First reported" in meta and "Last updated" in meta
    assert page.locator("meta[name='ai-generated']").get_attribute("content") == "true"


def test_pointing_at_a_sentence_shows_its_verification_and_evidence(
        page: Any, base_url: str) -> None:
    open_first_story(page, base_url)
    card = page.locator("#verdict-card")
    assert card.is_hidden()
    sentences = page.locator(".story-body .sentence")
    assert sentences.count() >= 3
    for index in range(min(sentences.count(), 6)):
        sentence = sentences.nth(index)
        sentence.hover()
        card.wait_for(state="visible")
        text = card.inner_text()
        marker = sentence.locator("xpath=following-sibling::sup[1]").inner_text()
        # "Verified against source [2] (similarity 0.97): “<evidence>”"
        assert text.startswith(f"Verified against source {marker}"), text
        evidence = re.findall(r"“(.+?)”", text)
        assert evidence and all(e.strip() for e in evidence), text
        assert card.get_attribute("data-verdict") == "supported"
    page.mouse.move(5, 5)
    card.wait_for(state="hidden")
    sentences.first.focus()  # keyboard readers get the same card
    card.wait_for(state="visible")
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")


def test_a_citation_leads_to_its_evidence_and_source(page: Any, base_url: str) -> None:
    open_first_story(page, base_url)
    marker = page.locator(".story-body sup.cite a").first
    number = marker.inner_text().strip("[]")
    marker.click()
    note = page.locator(":target")
    assert re.search(r"#note-\d+$", page.url)
    assert note.is_visible()
    text = note.inner_text()
    assert "Verified against source" in text and f"Source [{number}]" in text
    shot(page, "citation")
    note.locator(".cited a").click()
    assert page.url.endswith(f"#src-{number}")
    source = page.locator(f"#src-{number}")
    assert source.evaluate("element => element.matches(':target')")
    link = source.locator("a.source-title")
    assert link.get_attribute("href").startswith("http")
    assert "Cited for" in source.inner_text()


def test_a_related_story_link_opens_another_story(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/search.html?q=fire")  # the two factory fires relate
    page.locator("main .teaser h2 a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    headline = page.locator("h1 .sentence").inner_text().strip()
    related = page.locator(".related a").first
    assert related.inner_text().strip()
    related.click()
    page.wait_for_load_state()
    other = page.locator("h1 .sentence").inner_text().strip()
    assert other and other != headline


def test_search_finds_stories(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/")
    page.fill("#site-search-q", "fire")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q=fire"))
    shot(page, "search")
    results = page.locator("main .teaser h2 a")
    assert results.count() >= 2
    assert "stories match" in page.locator(".result-count").inner_text()
    results.first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert "fire" in page.locator("article.story").inner_text().lower()


def test_entity_outlet_and_topic_pages(page: Any, base_url: str) -> None:
    headline = open_first_story(page, base_url)
    story_url = page.url
    entity = page.locator(".entities dd a").first
    name = entity.inner_text()
    entity.click()
    page.wait_for_url(re.compile(r"/entities/"))
    shot(page, "entity")
    assert page.locator("h1").inner_text().startswith(name)
    assert headline in page.locator("main .story-list").inner_text()

    page.goto(story_url)
    outlet = page.locator(".sources .outlet a").first
    outlet_name = outlet.inner_text()
    outlet.click()
    page.wait_for_url(re.compile(r"/outlets/"))
    shot(page, "outlet")
    assert page.locator("h1").inner_text().startswith(outlet_name)
    assert "What " + outlet_name + " covered" in page.locator(".intro").inner_text()

    page.goto(story_url)
    topic = page.locator(".story-head .kicker a").first
    topic_name = topic.text_content()
    topic.click()
    page.wait_for_url(re.compile(r"/topics/"))
    shot(page, "topic")
    assert page.locator("h1").inner_text().startswith(topic_name)
    assert headline in page.locator("main .story-list").inner_text()
    feed = page.locator(".feed-links a").first.get_attribute("href")
    assert feed.endswith("/feed.xml")


def test_paging_through_the_latest_stories_and_the_archive(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/")
    seen: list[str] = []
    while True:
        seen += page.locator(".latest .teaser a").all_inner_texts()
        older = page.locator(".pager a[rel='next']")
        if not older.count():
            break
        older.click()
        page.wait_for_load_state()
    assert len(seen) == len(set(seen)) >= 9  # every story once, three a page
    shot(page, "latest-last-page")

    page.goto(f"{base_url}/")
    page.locator("nav.site-nav a", has_text="Archive").click()
    page.wait_for_url(re.compile(r"/archive/index\.html"))
    shot(page, "archive")
    days = page.locator(".days li > a")
    assert days.count() >= 5
    listed: list[str] = []
    for index in range(days.count()):
        page.goto(f"{base_url}/archive/index.html")
        day = page.locator(".days li > a").nth(index)
        day.click()
        page.wait_for_load_state()
        listed += page.locator("main .teaser h2 a").all_inner_texts()
        while page.locator(".pager a[rel='next']").count():
            page.locator(".pager a[rel='next']").click()
            page.wait_for_load_state()
            listed += page.locator("main .teaser h2 a").all_inner_texts()
    assert sorted(listed) == sorted(set(seen)), "every story has exactly one archive day"


def test_the_json_api_is_labelled_as_ai_generated(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/")
    stories = page.evaluate("fetch('/api/v1/stories?limit=50').then(r => r.json())")
    assert len(stories["items"]) >= 8
    assert all(s["ai_generated"] is True and s["disclosure"] for s in stories["items"])
    first = page.evaluate(
        f"fetch('/api/v1/stories/{stories['items'][0]['slug']}').then(r => r.json())")
    assert first["lead"] and all(s["verdict"]["status"] == "supported" for s in first["lead"])
    assert all(s["verdict"]["evidence"] for s in first["lead"])
