"""The published demo site in a real browser: Debian's Chromium driven by Playwright,
pages served by `newsdesk serve`'s app (uvicorn on 127.0.0.1) from the demo store.

What a reader does: open the home page, open a story, point at a sentence to see how
it was verified and against what, follow a citation marker to its source, follow a
related story, read the AI notice; and what a machine reads: the JSON API and the
machine-readable AI label.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.web.app import create_app

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium"))
# Chromium on a machine with no route to the internet: no background connections, no
# sandbox (tests may run as root), no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(demo_site: Path) -> Iterator[str]:
    """The web app over the demo store and site, on a free port of 127.0.0.1."""
    store = SqlStore.open(f"sqlite:///{demo_site / 'newsdesk.db'}")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, demo_site / "site"),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make venv` installs Debian's chromium "
                    "(or set NEWSDESK_CHROMIUM to a Chromium binary)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def open_first_story(page: Any, base_url: str) -> str:
    """Open the home page, click the first story; returns its headline."""
    page.goto(f"{base_url}/")
    first = page.locator("a[href*='stories/']").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_url(re.compile(r"/stories/[^/]+$"))
    headline = page.locator("h1 .sentence").inner_text().strip()
    assert headline == title
    return headline


def test_a_reader_opens_a_story_from_the_home_page(page: Any, base_url: str) -> None:
    open_first_story(page, base_url)
    notice = page.locator("aside.ai-notice")
    assert notice.is_visible()
    assert "AI-generated" in notice.inner_text()
    assert re.search(r"\d+/\d+ sentences verified", page.locator(".verified").inner_text())
    headings = page.locator(".story-body h2")
    assert 2 <= headings.count() <= 4
    assert all(h.is_visible() and h.inner_text().strip() for h in headings.all())
    assert page.locator("meta[name='ai-generated']").get_attribute("content") == "true"


def test_pointing_at_a_sentence_shows_its_verification_and_evidence(
        page: Any, base_url: str) -> None:
    open_first_story(page, base_url)
    card = page.locator("#verdict-card")
    assert card.is_hidden()
    sentences = page.locator(".story-body .sentence")
    assert sentences.count() >= 3
    for index in range(sentences.count()):
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
    # keyboard readers get the same card
    sentences.first.focus()
    card.wait_for(state="visible")
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")


def test_a_citation_marker_leads_to_its_source(page: Any, base_url: str) -> None:
    open_first_story(page, base_url)
    marker = page.locator(".story-body sup.cite a").first
    number = marker.inner_text().strip("[]")
    marker.click()
    assert page.url.endswith(f"#src-{number}")
    target = page.locator(f"#src-{number}")
    assert target.evaluate("element => element.matches(':target')")
    assert target.is_visible()
    link = target.locator("a[href^='http']").first
    assert link.get_attribute("href")
    assert link.inner_text().strip()


def test_a_related_story_link_opens_another_story(page: Any, base_url: str) -> None:
    headline = open_first_story(page, base_url)
    related = page.locator(".related a").first
    teaser = related.inner_text().strip()
    assert teaser
    related.click()
    page.wait_for_load_state()
    other = page.locator("h1 .sentence").inner_text().strip()
    assert other and other != headline


def test_the_json_api_is_labelled_as_ai_generated(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/")
    stories = page.evaluate("fetch('/api/stories').then(r => r.json())")
    assert len(stories) >= 8
    assert all(s["ai_generated"] is True and s["disclosure"] for s in stories)
    first = page.evaluate(
        f"fetch('/api/stories/{stories[0]['slug']}').then(r => r.json())")
    sentences = list(first["lead"])
    assert sentences and all(s["verdict"]["status"] == "supported" for s in sentences)
    assert all(s["verdict"]["evidence"] for s in sentences)
