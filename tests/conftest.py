"""Shared test helpers: a factory for written, verified articles; a pipeline context;
a local HTTP server with routes set per test; a throwaway PostgreSQL server and store
URLs for both SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.pipeline import Context
from newsdesk.records import (
    Article,
    Citation,
    RelatedRef,
    Section,
    Sentence,
    SourceRef,
    Verdict,
)
from newsdesk.settings import load_settings

from pg_server import PostgresServer, pgvector_binaries, unavailable_reason

OUTLETS = [
    ("Harbour Gazette", "https://gazette.example/port-strike"),
    ("Coastal Wire", "https://wire.example/2025/dockworkers"),
    ("Metro Daily", "https://metro.example/news/strike-talks"),
]


def make_sentence(
    text: str,
    number: int,
    status: str | None = "supported",
    similarity: float = 0.92,
    source_text: str | None = None,
) -> Sentence:
    """A written sentence citing source ``number`` (doc id ``100 + number``)."""
    outlet, url = OUTLETS[(number - 1) % len(OUTLETS)]
    verdict = (
        Verdict(status=status, similarity=similarity, verifier="alignment")  # type: ignore[arg-type]
        if status
        else None
    )
    return Sentence(
        text=text,
        citation=Citation(
            doc_id=100 + number,
            sentence_index=number,
            source_text=source_text or f"Source wording: {text}",
            outlet=outlet,
            url=url,
            number=number,
        ),
        verdict=verdict,
    )


def make_article(
    slug: str = "port-strike-talks",
    story_id: int = 1,
    headline: str = "Dockworkers and port operators resume strike talks",
    *,
    related: list[RelatedRef] | None = None,
    written_at: datetime | None = None,
    unsupported_in_body: str | None = None,
    dropped_text: str = "Officials privately expect the strike to last a year.",
) -> Article:
    """A realistic article: 3 sources, a lead, 2 sections, one dropped sentence.

    ``unsupported_in_body`` puts a sentence with an ``unsupported`` verdict into the
    second section, which the writer would normally have removed.
    """
    written = written_at or datetime(2025, 11, 20, 9, 30, tzinfo=UTC)
    tag = f"(story {story_id})"
    second = [
        make_sentence(f"Union leaders said members would vote on any deal {tag}.", 3),
        make_sentence(f"Container traffic fell by a third during the stoppage {tag}.", 1),
    ]
    if unsupported_in_body:
        second.append(make_sentence(unsupported_in_body, 2, status="unsupported", similarity=0.31))
    sources = [
        SourceRef(
            number=i,
            doc_id=100 + i,
            outlet=outlet,
            title=f"{outlet} report {tag}",
            url=url,
            published_at=(written - timedelta(hours=i)).isoformat(),
            also_carried_by=["Regional Syndicate"] if i == 1 else [],
        )
        for i, (outlet, url) in enumerate(OUTLETS, start=1)
    ]
    return Article(
        story_id=story_id,
        headline=make_sentence(headline, 1),
        summary=make_sentence(f"Negotiators met for six hours on Tuesday {tag}.", 2),
        lead=[
            make_sentence(f"The talks are the first since the strike began {tag}.", 1),
            make_sentence(f"Both sides described the meeting as constructive {tag}.", 2),
        ],
        sections=[
            Section(
                "What was discussed",
                [
                    make_sentence(
                        f"Pay and shift patterns topped the agenda {tag}.", 2, similarity=0.88
                    )
                ],
            ),
            Section("What happens next", second),
        ],
        slug=slug,
        meta_description=f"Strike talks resume at the port {tag}.",
        keywords=["port", "strike", "labour"],
        sources=sources,
        writer="grounded",
        written_at=written,
        updated_at=written + timedelta(hours=2),
        verification={"checked": 8, "supported": 7, "dropped": 1},
        dropped=[make_sentence(dropped_text, 3, status="unsupported", similarity=0.22)],
        related=related or [],
    )


def related_to(article: Article, score: float = 0.8) -> RelatedRef:
    """A related-story reference pointing at ``article``."""
    return RelatedRef(
        story_id=article.story_id,
        slug=article.slug,
        headline=article.headline.text,
        teaser=article.summary.text,
        score=score,
    )


@pytest.fixture
def articles() -> list[Article]:
    """Three articles, newest first, related to each other."""
    base = datetime(2025, 11, 20, 9, 30, tzinfo=UTC)
    a = make_article("port-strike-talks", 1, written_at=base + timedelta(days=2))
    b = make_article(
        "harbour-dredging-plan",
        2,
        "Council approves harbour dredging plan",
        written_at=base + timedelta(days=1),
    )
    c = make_article(
        "ferry-timetable-cut",
        3,
        "Ferry operator cuts winter timetable",
        written_at=base,
    )
    a.related = [related_to(b), related_to(c)]
    b.related = [related_to(a)]
    c.related = [related_to(a), related_to(b)]
    return [a, b, c]


# -- pipeline context, test data and a local HTTP server -----------------------------------

DATA = Path(__file__).parent / "data"


def make_context(tmp_path: Path, **overrides: Any) -> Context:
    """A pipeline context whose data folder and SQLite database live in ``tmp_path``.

    The process environment is ignored so a developer's NEWSDESK_* variables cannot
    change what a test sees. The tests' own servers run on 127.0.0.1, which the fetch
    policy refuses unless listed, so it is listed unless the test sets
    ``fetch.allow_networks`` itself; likewise the test data folder is one local files
    may be read from (``fetch.local_folders``), as an operator's archive would be.
    """
    overrides = {"fetch.allow_networks": ["127.0.0.1"], "fetch.local_folders": [str(DATA)],
                 **overrides}
    settings = load_settings(overrides={"data_dir": str(tmp_path), **overrides}, environ={})
    store = SqlStore.open(f"sqlite:///{tmp_path / 'newsdesk.db'}")
    return Context(settings=settings, store=store, show_progress=False)


def close_context(ctx: Context) -> None:
    """Close the fetcher (if one was made) and the store of ``ctx``."""
    fetcher = ctx.__dict__.get("fetcher")
    if fetcher is not None and hasattr(fetcher, "close"):
        fetcher.close()
    ctx.store.close()


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    """A fresh pipeline context with its own database."""
    context = make_context(tmp_path)
    yield context
    close_context(context)


@dataclass
class Reply:
    """What the local server answers: status, body, headers, and how it sends them."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (released early when the server stops)
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length


Route = Reply | list[Reply] | Callable[[dict[str, str]], Reply]


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose answers a test sets per path.

    ``routes[path]`` is a :class:`Reply`, a list of replies given in turn (the last one
    repeats), or a function of the request headers. Unknown paths answer 404. Every
    request is kept in ``requests`` as (path, headers).
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((path, headers))
                reply = server.reply_for(path, headers)
                if reply.delay:
                    server.release.wait(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(reply.body), 400):
                        chunk = reply.body[start:start + 400]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False  # keep-alive connections must not hold up shutdown

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that gave up (timeout tests) is not an error here."""

        self._server = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base + path

    def reply_for(self, path: str, headers: dict[str, str]) -> Reply:
        """The reply configured for ``path`` (404 when there is none)."""
        route = self.routes.get(path)
        if route is None:
            return Reply(404, b"not found")
        if isinstance(route, list):
            return route.pop(0) if len(route) > 1 else route[0]
        if callable(route):
            return route(headers)
        return route

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [path for path, _ in self.requests]

    def stop(self) -> None:
        """Release delayed handlers and shut the server down."""
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A local HTTP server on 127.0.0.1 with routes set by the test."""
    server = LocalServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`newsdesk run --demo` into a fresh data folder (real HTTP server on 127.0.0.1),
    once per test session; tests only read it."""
    from newsdesk.cli.main import main

    data = tmp_path_factory.mktemp("demo")
    assert main(["run", "--demo", "--data-dir", str(data), "--quiet"]) == 0
    return data


# -- PostgreSQL -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server (Unix socket only) for the whole session, started
    by the first test that needs it; skips when PostgreSQL cannot run here."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of a new, empty PostgreSQL database for this test."""
    return pg_server.new_database()


@pytest.fixture(scope="session")
def pgvector_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server with the pgvector extension (the ``pgserver``
    wheel's binaries) for the whole session; skips when there is none."""
    reason = unavailable_reason(with_pgvector=True)
    if reason:
        pytest.skip(f"pgvector tests skipped: {reason}")
    server = PostgresServer(pgvector_binaries())
    yield server
    server.stop()


@pytest.fixture
def pgvector_url(pgvector_server: PostgresServer) -> str:
    """The URL of a new, empty database on the server with pgvector."""
    return pgvector_server.new_database("v")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store's URL: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'news.db'}"
    return str(request.getfixturevalue("pg_url"))
