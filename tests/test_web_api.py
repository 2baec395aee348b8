"""The live web app: JSON API, HTML pages and feeds over an article source."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.errors import ConfigError
from newsdesk.records import Article
from newsdesk.web.app import ArticleSource, create_app
from newsdesk.web.render import SiteSettings

from conftest import make_article

BASE = "https://news.example.org"


class ListSource:
    """An in-memory article source, newest first, recording the slugs it was asked for."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles
        self.asked: list[str] = []

    def latest_articles(self, limit: int, offset: int) -> list[Article]:
        return self.articles[offset : offset + limit]

    def article_by_slug(self, slug: str) -> Article | None:
        self.asked.append(slug)
        return next((a for a in self.articles if a.slug == slug), None)

    def stats(self) -> dict[str, Any]:
        return {"stories": len(self.articles), "documents": 3 * len(self.articles)}


@pytest.fixture
def source(articles: list[Article]) -> ListSource:
    return ListSource(articles)


@pytest.fixture
def client(source: ListSource) -> TestClient:
    return TestClient(create_app(source, None, site=SiteSettings(base_url=BASE)))


@pytest.fixture
def site(tmp_path: Path, articles: list[Article]) -> Path:
    SitePublisher(base_url=BASE).publish(articles, tmp_path)
    return tmp_path


def test_list_source_satisfies_the_protocol(source: ListSource) -> None:
    assert isinstance(source, ArticleSource)


def test_api_stories_equals_static_json(client: TestClient, site: Path) -> None:
    static = json.loads((site / "api" / "stories.json").read_text("utf-8"))
    response = client.get("/api/stories")
    assert response.status_code == 200
    assert response.headers["x-ai-generated"] == "true"
    assert response.json() == static
    assert client.get("/api/stories.json").json() == static
    assert all(item["ai_generated"] is True and item["disclosure"] for item in static)


def test_api_stories_pages_with_limit_and_offset(
    client: TestClient, articles: list[Article]
) -> None:
    page = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert [item["slug"] for item in page] == [articles[1].slug]
    assert client.get("/api/stories", params={"offset": 5}).json() == []
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422
    assert client.get("/api/stories", params={"limit": 10_000}).status_code == 422


def test_api_story_equals_static_document(
    client: TestClient, site: Path, articles: list[Article]
) -> None:
    for article in articles:
        static = json.loads((site / "api" / "stories" / f"{article.slug}.json").read_text("utf-8"))
        live = client.get(f"/api/stories/{article.slug}")
        assert live.status_code == 200
        assert live.json() == static
        assert live.json()["ai_generated"] is True
        assert "automated writer" in live.json()["disclosure"]
        assert client.get(f"/api/stories/{article.slug}.json").json() == static


def test_unknown_story_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/stories/no-such-story")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert "no-such-story" in response.json()["detail"]


def test_html_pages_equal_the_published_files(
    client: TestClient, site: Path, articles: list[Article]
) -> None:
    for path in ["index.html", *(f"stories/{a.slug}.html" for a in articles)]:
        response = client.get(f"/{path}")
        assert response.status_code == 200, path
        assert response.headers["x-ai-generated"] == "true"
        assert response.text == (site / path).read_text("utf-8"), path
    home = client.get("/")
    assert home.text == (site / "index.html").read_text("utf-8")
    assert home.headers["x-ai-generated"] == "true"
    assert '<meta name="ai-generated" content="true">' in home.text


def test_story_page_links_only_to_stories_the_source_has(
    articles: list[Article],
) -> None:
    # Without the third story in the source, the others must not link to it.
    app = create_app(ListSource(articles[:2]), None, site=SiteSettings(base_url=BASE))
    html = TestClient(app).get(f"/stories/{articles[0].slug}.html").text
    assert f'href="{articles[1].slug}.html"' in html
    assert f'href="{articles[2].slug}.html"' not in html


def test_unknown_and_unsafe_story_pages_are_404(client: TestClient, source: ListSource) -> None:
    response = client.get("/stories/no-such-story.html")
    assert response.status_code == 404
    assert "no-such-story" in response.text
    assert response.headers["x-ai-generated"] == "true"
    for path in [
        "/stories/..%2F..%2Fetc%2Fpasswd.html",
        "/api/stories/..%2Fsecret",
        "/api/stories/Not.A.Slug",
        "/stories/UPPER.html",
    ]:
        assert client.get(path).status_code == 404, path
    assert source.asked == ["no-such-story"], "unsafe slugs must not reach the store"


@pytest.mark.parametrize(("path", "kind"), [("/feed.xml", "atom"), ("/rss.xml", "rss")])
def test_feeds_are_served_valid_and_labelled(
    client: TestClient, site: Path, articles: list[Article], path: str, kind: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert kind in response.headers["content-type"]
    assert response.headers["x-ai-generated"] == "true"
    assert response.text == (site / path.lstrip("/")).read_text("utf-8")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert len(feed.entries) == len(articles)
    assert all("ai-generated" in {t.term for t in e.tags} for e in feed.entries)


def test_stats_health_and_static_assets(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/api/stats").json() == {"stories": 3, "documents": 9}
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]


def test_site_dir_serves_published_files_behind_live_routes(source: ListSource, site: Path) -> None:
    (site / "about.html").write_text("<p>About this newsroom</p>", "utf-8")
    client = TestClient(create_app(source, site, site=SiteSettings(base_url=BASE)))
    about = client.get("/about.html")
    assert about.status_code == 200 and "About this newsroom" in about.text
    assert about.headers["x-ai-generated"] == "true"
    assert client.get("/api/stories").json()[0]["slug"] == source.articles[0].slug
    with pytest.raises(ConfigError):
        create_app(source, site / "missing")


def test_served_by_uvicorn_over_http(source: ListSource) -> None:
    app = create_app(source, None, site=SiteSettings(base_url=BASE))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
        response = httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=5)
        assert response.status_code == 200
        assert [item["slug"] for item in response.json()] == [a.slug for a in source.articles]
        assert response.headers["x-ai-generated"] == "true"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive()


def test_a_fresh_article_appears_without_republishing(source: ListSource) -> None:
    client = TestClient(create_app(source, None))
    source.articles.insert(0, make_article("breaking-ferry-news", 42, "Ferry runs aground"))
    assert client.get("/api/stories").json()[0]["headline"] == "Ferry runs aground"
    assert "Ferry runs aground" in client.get("/").text
