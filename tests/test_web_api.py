"""The live web app over a real SQLite store: pages equal the published files, the
JSON API, HTTP behaviour (HEAD, 404s, validators, compression, security headers)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import lxml.html
import pytest
import uvicorn
from fastapi.testclient import TestClient

from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cli.serve import site_settings
from newsdesk.errors import ConfigError
from newsdesk.reader import ReaderSource
from newsdesk.records import Article
from newsdesk.settings import load_settings
from newsdesk.web.app import create_app
from newsdesk.web.pages import SitePages
from newsdesk.web.render import SiteSettings

from conftest import make_article
from reader_store import add_articles, store_with

BASE = "https://news.example.org"
SITE = SiteSettings(base_url=BASE)


@pytest.fixture
def store(tmp_path: Path, articles: list[Article]) -> Iterator[SqlStore]:
    opened = store_with(tmp_path, articles)
    yield opened
    opened.close()


@pytest.fixture
def client(store: SqlStore) -> TestClient:
    return TestClient(create_app(store, None, site=SITE))


@pytest.fixture
def site(tmp_path: Path, store: SqlStore) -> Path:
    out = tmp_path / "site"
    SitePublisher(base_url=BASE).publish(store, out)
    return out


def test_the_store_is_a_reader_source(store: SqlStore) -> None:
    assert isinstance(store, ReaderSource)


def test_every_published_file_is_served_identically(client: TestClient, site: Path) -> None:
    files = [p for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) > 60
    for path in files:
        relative = path.relative_to(site).as_posix()
        response = client.get(f"/{relative}")
        assert response.status_code == 200, relative
        if relative != "search.html":  # the only page that differs: search needs the server
            assert response.content == path.read_bytes(), relative
    assert client.get("/").content == (site / "index.html").read_bytes()


def test_unknown_pages_are_html_and_unknown_api_paths_json(client: TestClient) -> None:
    for path in ["/no-such-page", "/stories/no-such-story.html", "/topics/nothing.html",
                 "/stories/..%2F..%2Fetc%2Fpasswd.html", "/latest/99.html", "/latest/1.html",
                 "/static/missing.css", "/archive/1999.html"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "<h1 class=\"page-title\">Not found</h1>" in response.text, path
    posted = client.post("/index.html")
    assert posted.status_code == 405 and posted.headers["content-type"].startswith("text/html")
    assert client.post("/api/v1/stories").json()["detail"]
    for path in ["/api/v1/stories/no-such-story", "/api/nothing", "/api/v1/topics/nothing"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/json", path
        assert isinstance(response.json()["detail"], str)


def test_head_answers_wherever_get_does_with_the_same_headers(client: TestClient) -> None:
    for path in ["/", "/index.html", "/feed.xml", "/rss.xml", "/feed.json",
                 "/stories/port-strike-talks.html", "/api/v1/stories", "/sitemap.xml",
                 "/robots.txt", "/static/style.css", "/favicon.ico"]:
        get = client.get(path, headers={"accept-encoding": "identity"})
        head = client.head(path, headers={"accept-encoding": "identity"})
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"", path
        for name in ("content-type", "etag", "x-ai-generated", "content-security-policy",
                     "content-length", "last-modified"):
            assert head.headers.get(name) == get.headers.get(name), (path, name)
    assert client.head("/feed.xml").headers["x-ai-generated"] == "true"
    assert client.head("/no-such-page").status_code == 404


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ["/", "/stories/port-strike-talks.html", "/api/v1/stories", "/feed.xml",
                 "/static/verify.js", "/no-such-page", "/api/v1/stories/nothing"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_pages_carry_no_inline_script(client: TestClient) -> None:
    for path in ["/", "/stories/port-strike-talks.html", "/search.html?q=port"]:
        doc = lxml.html.fromstring(client.get(path).text)
        for script in doc.iter("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), path


def test_validators_answer_304_and_responses_are_compressed(client: TestClient) -> None:
    for path in ["/feed.xml", "/rss.xml", "/feed.json", "/", "/api/v1/stories"]:
        first = client.get(path)
        etag = first.headers["etag"]
        assert etag.startswith('W/"')
        again = client.get(path, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b"", path
        assert again.headers["etag"] == etag
        assert client.get(path, headers={"if-none-match": 'W/"other"'}).status_code == 200
    feed = client.get("/feed.xml")
    modified = feed.headers["last-modified"]
    assert client.get("/feed.xml", headers={"if-modified-since": modified}).status_code == 304
    assert client.get("/feed.xml", headers={
        "if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    zipped = client.get("/feed.xml", headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.text == client.get("/feed.xml", headers={"accept-encoding": "identity"}).text


def test_absolute_urls_use_the_configured_base(client: TestClient, store: SqlStore) -> None:
    sources = {s.url for a in [store.published_article(x) for x in
                               ("port-strike-talks", "harbour-dredging-plan")] if a
               for s in a.sources}
    pages = SitePages(store, SITE)
    for path in pages.paths():
        body = client.get(f"/{path}").text if not path.endswith(".ico") else ""
        for found in re.findall(r"https?://[^\s\"'<>\\)]+", body):
            url = found.rstrip(".,;")
            if any(url.startswith(s) for s in sources) or url.startswith((
                    "http://www.w3.org/", "http://www.sitemaps.org/", "http://purl.org/",
                    "https://schema.org", "http://www.google.com/schemas/",
                    "https://jsonfeed.org/", "https://github.com/newsdesk")):
                continue
            assert url.startswith(BASE + "/") or url == BASE, (path, url)


def test_api_lists_page_through_stories(client: TestClient, articles: list[Article]) -> None:
    first = client.get("/api/v1/stories", params={"limit": 2}).json()
    assert first["total"] == 3 and first["limit"] == 2 and first["offset"] == 0
    assert [s["slug"] for s in first["items"]] == [a.slug for a in articles[:2]]
    second = httpx.URL(first["next"])
    assert second.params["offset"] == "2"
    rest = client.get("/api/v1/stories", params=dict(second.params)).json()
    assert [s["slug"] for s in rest["items"]] == [articles[2].slug]
    assert rest["next"] is None
    item = first["items"][0]
    assert item["ai_generated"] is True and "automated writer" in item["disclosure"]
    assert item["url"] == f"{BASE}/stories/{articles[0].slug}.html"
    assert item["first_reported"] == "2025-11-22T06:30:00Z"
    assert item["last_updated"] == "2025-11-22T08:30:00Z"
    assert item["outlets"] == 4  # three sources plus the syndicate carrying one
    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}):
        response = client.get("/api/v1/stories", params=bad)
        assert response.status_code == 422, bad
        assert isinstance(response.json()["detail"], str)
    assert client.get("/api/v1/topics/no-such-topic").status_code == 404
    assert client.get("/api/v1/topics/Not A Slug").status_code == 422
    day = client.get("/api/v1/days/2025-11-22").json()
    assert [s["slug"] for s in day["stories"]["items"]] == [articles[0].slug]


def test_api_story_detail_has_sentences_citations_and_verdicts(
        client: TestClient, articles: list[Article]) -> None:
    story = client.get(f"/api/v1/stories/{articles[0].slug}").json()
    assert story["ai_generated"] is True and story["headline"] == articles[0].headline.text
    sentences = [*story["lead"], *(s for sec in story["sections"] for s in sec["sentences"])]
    assert len(sentences) == 5  # the dropped sentence is not there
    for sentence in sentences:
        assert sentence["verdict"]["status"] == "supported"
        assert sentence["citation"]["source_text"].startswith("Source wording:")
        assert sentence["citation"]["source"] in {1, 2, 3}
    shares = {s["number"]: s["sentences_cited"] for s in story["sources"]}
    assert shares == {1: 2, 2: 2, 3: 1}
    assert client.get(f"/api/v1/stories/{articles[0].slug}/sources").json() == story["sources"]
    assert {r["slug"] for r in story["related"]} == {a.slug for a in articles[1:]}
    assert all(r["url"] for r in story["related"])
    assert client.get(f"/api/v1/stories/{articles[0].slug}.json").json() == story


def test_api_search_topics_entities_outlets(client: TestClient) -> None:
    found = client.get("/api/v1/search", params={"q": "dredging"}).json()
    assert [s["slug"] for s in found["results"]["items"]] == ["harbour-dredging-plan"]
    assert client.get("/api/v1/search", params={"q": "zebra"}).json()["results"]["total"] == 0
    assert client.get("/api/v1/search", params={"q": ""}).status_code == 422
    outlets = client.get("/api/v1/outlets").json()
    names = {o["name"] for o in outlets["items"]}
    assert {"Harbour Gazette", "Coastal Wire", "Metro Daily", "Regional Syndicate"} <= names
    gazette = client.get("/api/v1/outlets/harbour-gazette").json()
    assert gazette["stories"]["total"] == 3
    assert gazette["facet"]["feeds"]["atom"] == f"{BASE}/outlets/harbour-gazette/feed.xml"
    stats = client.get("/api/v1/stats").json()
    assert stats["stories"] == 3 and stats["outlets"] == 4


def test_openapi_lists_typed_responses_and_errors(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/stories/{slug}" in schema["paths"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            ok = responses["200"]["content"]["application/json"]["schema"]
            assert ok, (path, method)
            assert "422" in responses, (path, method)
            if "{slug}" in path:
                assert "404" in responses, (path, method)
    detail = schema["components"]["schemas"]["StoryDetailOut"]["properties"]
    assert {"lead", "sections", "sources", "headline_sentence"} <= set(detail)


def test_a_new_story_appears_once_indexed(client: TestClient, store: SqlStore) -> None:
    add_articles(store, [make_article("breaking-ferry-news", 42, "Ferry runs aground",
                                      written_at=make_article().written_at.replace(year=2026))])
    assert client.get("/api/v1/stories").json()["items"][0]["headline"] == "Ferry runs aground"
    assert "Ferry runs aground" in client.get("/").text


def test_site_dir_files_are_served_behind_live_routes(store: SqlStore, site: Path) -> None:
    (site / "extra.html").write_text("<p>About this newsroom</p>", "utf-8")
    client = TestClient(create_app(store, site, site=SITE))
    assert "About this newsroom" in client.get("/extra.html").text
    assert client.get("/../reader.db").status_code == 404
    with pytest.raises(ConfigError):
        create_app(store, site / "missing")


def test_serve_takes_its_base_url_from_the_address_unless_configured() -> None:
    settings = load_settings(environ={})
    assert site_settings(settings, "127.0.0.1", 8799).base_url == "http://127.0.0.1:8799"
    configured = load_settings(overrides={"publish.base_url": BASE + "/"}, environ={})
    assert site_settings(configured, "127.0.0.1", 8799).base_url == BASE


def test_served_by_uvicorn_over_http(store: SqlStore) -> None:
    app = create_app(store, None, site=SITE)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
            time.sleep(0.02)
        response = httpx.get(f"http://127.0.0.1:{port}/api/v1/stories", timeout=5)
        assert response.status_code == 200 and response.headers["x-ai-generated"] == "true"
        head = httpx.head(f"http://127.0.0.1:{port}/", timeout=5)
        assert head.status_code == 200 and head.headers["x-ai-generated"] == "true"
        assert head.content == b""
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive()
