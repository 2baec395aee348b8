"""Passwords and tokens in feed and database URLs never reach logs, problem rows, `stats`,
`config show` or published pages, while the real URL is still what is fetched."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.redact import public_links, public_url, redact_text, redact_url

from reader_store import store_with

SECRET = "s3cr3t-Zq81"
PASSWORD = "hunter2-Xv7"


@pytest.mark.parametrize(("url", "shown"), [
    (f"https://reader:{PASSWORD}@feeds.example/world.xml",
     "https://***@feeds.example/world.xml"),
    (f"https://{SECRET}@feeds.example/world.xml", "https://***@feeds.example/world.xml"),
    (f"https://feeds.example/rss?token={SECRET}&section=world",
     "https://feeds.example/rss?token=***&section=world"),
    (f"https://feeds.example/rss?section=world&api_key={SECRET}&X-Amz-Signature={SECRET}",
     "https://feeds.example/rss?section=world&api_key=***&X-Amz-Signature=***"),
    (f"https://feeds.example/rss?private_token={SECRET}", "https://feeds.example/rss?private_token=***"),
    (f"postgresql+psycopg://newsdesk:{PASSWORD}@db.example:5432/news",
     "postgresql+psycopg://newsdesk:***@db.example:5432/news"),
    ("postgresql+psycopg://newsdesk@db.example/news", "postgresql+psycopg://newsdesk@db.example/news"),
    ("https://feeds.example/rss?page=2&sort=new", "https://feeds.example/rss?page=2&sort=new"),
    ("sqlite:///newsdesk-data/newsdesk.db", "sqlite:///newsdesk-data/newsdesk.db"),
])
def test_urls_are_shown_with_their_secrets_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_text(f"fetching {url} failed: http_404") == f"fetching {shown} failed: http_404"


def test_free_text_and_published_links_lose_their_secrets() -> None:
    text = (f"GET /feed?token={SECRET} -> 403; retrying https://u:{PASSWORD}@h.example/x "
            f"with session={SECRET}, page=3")
    masked = redact_text(text)
    assert SECRET not in masked and PASSWORD not in masked
    assert "page=3" in masked and "h.example/x" in masked
    assert public_url(f"https://u:{PASSWORD}@news.example/a?id=7&token={SECRET}#top") == \
        "https://news.example/a?id=7#top"
    assert public_url("https://news.example/a?id=7&b=1") == "https://news.example/a?id=7&b=1"


def test_published_articles_carry_no_secret(tmp_path: Path, articles: list[Any]) -> None:
    article = articles[0]
    secret_url = f"https://reader:{PASSWORD}@gazette.example/port?token={SECRET}&id=4"
    article.sources[0].url = secret_url
    for sentence in article.body_sentences():
        sentence.citation.url = secret_url
    source = store_with(tmp_path, [public_links(article)])
    written = SitePublisher().publish(source, tmp_path / "site")
    source.close()
    text = "".join(p.read_text(errors="replace") for p in written)
    assert SECRET not in text and PASSWORD not in text
    assert "https://gazette.example/port?id=4" in text


class AuthFeed:
    """A feed that only answers with the right basic-auth password and token; its items
    link to pages that need the token too, and are missing (404s)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                auth = self.headers.get("Authorization", "")
                feed.seen.append((self.path, auth))
                expected = "Basic " + base64.b64encode(f"reader:{PASSWORD}".encode()).decode()
                is_feed = self.path.startswith("/feed.xml")
                if f"token={SECRET}" not in self.path or (is_feed and auth != expected):
                    self.send_response(403)
                    self.end_headers()
                    return
                if is_feed:
                    items = "".join(
                        f"<item><title>Item {i}</title><link>{feed.base}/gone{i}.html?"
                        f"token={SECRET}</link></item>" for i in range(2))
                    body = f"<rss version='2.0'><channel><title>T</title>{items}</channel></rss>"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()
                    self.wfile.write(body.encode())
                    return
                self.send_response(404)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{port}"
        self.url = f"http://reader:{PASSWORD}@127.0.0.1:{port}/feed.xml?token={SECRET}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def auth_feed() -> Iterator[AuthFeed]:
    feed = AuthFeed()
    yield feed
    feed.server.shutdown()
    feed.server.server_close()


def test_a_feed_behind_a_password_and_token_is_fetched_and_never_shown(
        tmp_path: Path, auth_feed: AuthFeed) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env["NEWSDESK_FETCH_RESPECT_ROBOTS"] = "false"
    env["NEWSDESK_FETCH_ALLOW_NETWORKS"] = "127.0.0.1"  # the test server's address
    data = tmp_path / "data"

    def cli(*args: str, **extra: str) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-m", "newsdesk.cli.main", *args],
                              env={**env, **extra}, cwd=tmp_path, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr

    out, err = cli("-v", "ingest", auth_feed.url, "--data-dir", str(data))
    # The real URL was used: the server saw the password and the token.
    assert auth_feed.seen and all(f"token={SECRET}" in p for p, _ in auth_feed.seen)
    assert "entries failed: 2" in out  # the two pages are 404s, recorded as problems
    shown = [out, err]
    shown += cli("stats", "--data-dir", str(data))
    shown += cli("stats", "--json", "--data-dir", str(data))
    shown += cli("config", "show", "--data-dir", str(data),
                 NEWSDESK_SOURCES=auth_feed.url,
                 NEWSDESK_DATABASE_URL=f"postgresql+psycopg://newsdesk:{PASSWORD}@db.example/n")
    shown += cli("config", "show", "--json", NEWSDESK_SOURCES=auth_feed.url)
    everything = "\n".join(shown)
    assert "http_404" in everything and "gone0.html?token=***" in everything
    assert "newsdesk:***@db.example" in everything
    assert SECRET not in everything and PASSWORD not in everything

    store = SqlStore.open(f"sqlite:///{data / 'newsdesk.db'}")
    try:
        stored = json.dumps([p.to_dict() for p in store.problems()])
        assert "gone1.html" in stored and SECRET not in stored
        with store.engine.connect() as connection:
            errors = connection.exec_driver_sql("SELECT last_error, detail FROM sources "
                                                "JOIN entries").fetchall()
        assert SECRET not in repr(errors) and PASSWORD not in repr(errors)
    finally:
        store.close()


def test_a_database_password_stays_out_of_error_messages(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli.main", "stats", "--database-url",
         f"postgresql+nosuchdriver://newsdesk:{PASSWORD}@127.0.0.1:1/news"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "cannot open database postgresql+nosuchdriver://newsdesk:***@127.0.0.1:1/news" \
        in done.stderr
    assert PASSWORD not in done.stderr + done.stdout

