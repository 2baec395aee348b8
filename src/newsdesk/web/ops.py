"""Operations endpoints of ``newsdesk serve``: ``/healthz`` and ``/metrics``.

``/metrics`` is the Prometheus text exposition format (version 0.0.4), written here
without a client library. Each scrape reads the store with a handful of grouped counts
(indexed columns), so it costs the same on a small and a large archive:

- feeds: scheduled, failing, polls, failed polls and new entries (``feed_schedule``);
- entries by status, documents by pipeline stage, stories by write outcome;
- queue depth and the age of the oldest item of each queue: entries waiting to be
  fetched, documents not yet assigned to a story, stories waiting to be written;
- verification: sentences checked, published (supported) and dropped, over the
  published articles; published stories;
- the store lock: whether a run or daemon holds it, and its heartbeat's age;
- HTTP: requests by method, route and status, and a latency histogram by route,
  counted by :class:`RequestMetrics` (ASGI middleware) in this process.

``/healthz`` answers 200 with the database reachable (``SELECT 1``), 503 otherwise,
with the lock holder and the failing-feed count in the JSON body.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import func, select, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdesk.builtin.store_models import DocumentRow, EntryRow, StoryRow
from newsdesk.builtin.store_reader_models import ReaderStoryRow
from newsdesk.builtin.store_schedule import FeedScheduleRow
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.store_lock import current_holder

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Latency buckets (seconds) of the request histogram.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Routes are counted by their first path segment, so label values stay few whatever
#: URLs clients ask for (every story page is one "stories" route).
KNOWN_ROUTES = {"", "stories", "latest", "topics", "entities", "outlets", "archive", "api",
                "static", "search.html", "feed.xml", "rss.xml", "feed.json", "sitemap.xml",
                "sitemaps", "news-sitemap.xml", "robots.txt", "about.html", "favicon.ico",
                "healthz", "metrics", "index.html"}


def route_of(path: str) -> str:
    """The route label of a request path: its first segment, or ``other``."""
    first = path.lstrip("/").split("/", 1)[0]
    return ("/" + first) if first in KNOWN_ROUTES else "other"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items())) + "}"


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class Exposition:
    """Builds a text exposition: each metric family once, with HELP and TYPE."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str,
               samples: list[tuple[dict[str, str], float]] | float) -> None:
        """Add a family: a single value or ``[(labels, value), ...]``."""
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        rows = samples if isinstance(samples, list) else [({}, samples)]
        suffix = "_total" if kind == "counter" else ""
        for labels, value in rows:
            self.lines.append(f"{name}{suffix}{_labels(labels)} {_number(value)}")

    def text(self) -> str:
        """The exposition, newline-terminated."""
        return "\n".join(self.lines) + "\n"


class RequestMetrics:
    """ASGI middleware counting requests and their latency, by method, route, status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], int] = {}
        self.histogram: dict[str, list[int]] = {}
        self.sums: dict[str, float] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, remember)
        finally:
            self.observe(scope.get("method", "GET"), route_of(scope.get("path", "/")),
                         status["code"], time.perf_counter() - started)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request."""
        with self.lock:
            key = (method, route, str(status))
            self.requests[key] = self.requests.get(key, 0) + 1
            counts = self.histogram.setdefault(route, [0] * (len(BUCKETS) + 1))
            counts[bisect_left(BUCKETS, seconds)] += 1
            self.sums[route] = self.sums.get(route, 0.0) + seconds

    def write(self, out: Exposition) -> None:
        """Add the HTTP families to ``out``."""
        with self.lock:
            requests = dict(self.requests)
            histogram = {k: list(v) for k, v in self.histogram.items()}
            sums = dict(self.sums)
        out.family("newsdesk_http_requests", "counter", "HTTP requests answered.",
                   [({"method": m, "route": r, "status": s}, n)
                    for (m, r, s), n in sorted(requests.items())])
        name = "newsdesk_http_request_duration_seconds"
        out.lines.append(f"# HELP {name} Time to answer an HTTP request.")
        out.lines.append(f"# TYPE {name} histogram")
        for route, counts in sorted(histogram.items()):
            running = 0
            for bound, count in zip([*BUCKETS, float("inf")], counts, strict=True):
                running += count
                out.lines.append(f"{name}_bucket{_labels({'route': route, 'le': _number(bound)})}"
                                 f" {running}")
            out.lines.append(f"{name}_sum{_labels({'route': route})} {sums[route]!r}")
            out.lines.append(f"{name}_count{_labels({'route': route})} {running}")


def _age(now: datetime, oldest: datetime | None) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (now - oldest).total_seconds())


def store_metrics(store: SqlStore, out: Exposition, now: datetime | None = None) -> None:
    """Add the store's families (feeds, queues, outcomes, the lock) to ``out``."""
    now = now or datetime.now(UTC)
    with store.session() as s:
        feed = s.execute(select(
            func.count(), func.coalesce(func.sum(FeedScheduleRow.polls), 0),
            func.coalesce(func.sum(FeedScheduleRow.failed_polls), 0),
            func.coalesce(func.sum(FeedScheduleRow.new_entries), 0),
            func.count().filter(FeedScheduleRow.failures > 0))).one()
        entries = dict(s.execute(select(EntryRow.status, func.count())
                                 .group_by(EntryRow.status)).all())
        stages = dict(s.execute(select(DocumentRow.stage, func.count())
                                .group_by(DocumentRow.stage)).all())
        outcomes = dict(s.execute(select(StoryRow.write_status, func.count())
                                  .where(StoryRow.merged_into.is_(None))
                                  .group_by(StoryRow.write_status)).all())
        oldest_entry = s.scalar(select(func.min(EntryRow.discovered_at))
                                .where(EntryRow.status.in_(("pending", "fetching"))))
        # Duplicates stop at dedupe (linked to their original), so they wait for nothing.
        unclustered = (DocumentRow.stage.in_(("extracted", "deduped", "embedded"))
                       & DocumentRow.duplicate_of.is_(None))
        waiting_docs, oldest_doc = s.execute(select(func.count(), func.min(DocumentRow.fetched_at))
                                             .where(unclustered)).one()
        to_write = (StoryRow.needs_write.is_(True)) & StoryRow.merged_into.is_(None)
        waiting_stories, oldest_story = s.execute(
            select(func.count(), func.min(StoryRow.updated_at)).where(to_write)).one()
        checked, supported, dropped, published = s.execute(select(
            func.coalesce(func.sum(ReaderStoryRow.checked), 0),
            func.coalesce(func.sum(ReaderStoryRow.supported), 0),
            func.coalesce(func.sum(ReaderStoryRow.dropped), 0), func.count())).one()
    pending = int(entries.get("pending", 0)) + int(entries.get("fetching", 0))
    out.family("newsdesk_feeds_scheduled", "gauge", "Sources the daemon polls.", int(feed[0]))
    out.family("newsdesk_feeds_failing", "gauge",
               "Scheduled sources whose last poll failed.", int(feed[4]))
    out.family("newsdesk_feed_polls", "counter", "Polls of scheduled sources.", int(feed[1]))
    out.family("newsdesk_feed_poll_failures", "counter", "Polls that failed.", int(feed[2]))
    out.family("newsdesk_feed_new_entries", "counter",
               "New article entries found by polls.", int(feed[3]))
    out.family("newsdesk_entries", "gauge", "Article entries by fetch status.",
               [({"status": str(k)}, int(v)) for k, v in sorted(entries.items())])
    out.family("newsdesk_documents", "gauge", "Stored documents by pipeline stage.",
               [({"stage": str(k)}, int(v)) for k, v in sorted(stages.items())])
    out.family("newsdesk_stories", "gauge", "Stories by the writer's last outcome.",
               [({"write_status": str(k or "not_yet_written")}, int(v))
                for k, v in sorted(outcomes.items(), key=lambda kv: str(kv[0]))])
    out.family("newsdesk_queue_depth", "gauge", "Work waiting, by queue.",
               [({"queue": "entries_to_fetch"}, pending),
                ({"queue": "documents_to_cluster"}, int(waiting_docs or 0)),
                ({"queue": "stories_to_write"}, int(waiting_stories or 0))])
    out.family("newsdesk_oldest_pending_seconds", "gauge",
               "Age of the oldest waiting item of each queue (0 when empty).",
               [({"queue": "entries_to_fetch"}, _age(now, oldest_entry)),
                ({"queue": "documents_to_cluster"}, _age(now, oldest_doc)),
                ({"queue": "stories_to_write"}, _age(now, oldest_story))])
    out.family("newsdesk_sentences", "gauge",
               "Sentences of the published articles by verification outcome.",
               [({"outcome": "checked"}, int(checked)), ({"outcome": "published"}, int(supported)),
                ({"outcome": "dropped"}, int(dropped))])
    out.family("newsdesk_stories_published", "gauge", "Stories the site lists.", int(published))
    holder = current_holder(store.engine)
    out.family("newsdesk_store_lock_held", "gauge",
               "1 while a run or daemon holds the store lock.", 1 if holder else 0)
    out.family("newsdesk_store_lock_heartbeat_age_seconds", "gauge",
               "Seconds since the lock holder's last heartbeat (0 when free).",
               _age(now, holder.heartbeat_at) if holder else 0.0)


def install(app: FastAPI, store: SqlStore, requests: RequestMetrics | None) -> None:
    """Add ``/healthz`` and ``/metrics`` to ``app`` (before its catch-all page route)."""

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            with store.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            holder = current_holder(store.engine)
            with store.session() as s:
                failing = int(s.scalar(select(func.count()).select_from(FeedScheduleRow)
                                       .where(FeedScheduleRow.failures > 0)) or 0)
        except Exception as exc:  # any failure to read the store is ill health
            return JSONResponse({"status": "unavailable", "database": type(exc).__name__},
                                status_code=503)
        body: dict[str, Any] = {"status": "ok", "database": "ok", "feeds_failing": failing,
                                "lock": holder.describe() if holder else None}
        return JSONResponse(body)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> PlainTextResponse:
        out = Exposition()
        store_metrics(store, out)
        if requests is not None:
            requests.write(out)
        return PlainTextResponse(out.text(), media_type=CONTENT_TYPE)
