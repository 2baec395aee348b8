"""Soak test: two days and more of a changing feed site, compressed on a fake clock.

The demo corpus's articles appear in their outlets' RSS feeds one by one over 40 fake
hours, served by this test's own servers on 127.0.0.1 (port 0). Along the way an item
is edited, a feed dies with 410 Gone, another with 404, and one outlet's host answers
503 (with Retry-After) and then 500 to everything for 14 hours before it recovers.
The daemon runs in this process with a fake clock: its sleep moves the clock on, so
no test waits real time. Asserted: each story is published in the tick of the first
successful poll after its second outlet's report appeared, and later reports join it
the same way, each within one poll interval (at most daemon.max_interval); dead feeds
back off to daemon.max_interval and are not hammered; the failing host's reports are
published once it recovers; nothing is stored twice; traced memory stays flat over
the last 16 hours.
"""

from __future__ import annotations

import email.utils
import hashlib
import itertools
import random
import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from newsdesk.builtin.store_schedule import ScheduleStore
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.daemon import Daemon, DaemonContext
from newsdesk.demo_server import demo_dir
from newsdesk.settings import load_settings

from demo_corpus import manifest

pytestmark = pytest.mark.slow

HOUR = 3600.0
START = 1_900_000_000.0  # the fake clock's start (2030); only the daemon's schedule reads it
REVEAL_FROM, REVEAL_TO = 1 * HOUR, 40 * HOUR
OUTAGE = (30 * HOUR, 44 * HOUR)  # the failing outlet's host: 503 then 500
END = 56 * HOUR
MIN_INTERVAL, MAX_INTERVAL = 600.0, 3 * HOUR
FAILING_OUTLET = "valley-courier"
EDITED_OUTLET = "harbor-chronicle"
EDITED_AT = 20 * HOUR  # the outlet's oldest item is edited: page and feed title change
EDIT = ("<p>This article was updated on Saturday with a statement from the organisers, "
        "who said the final figures would be published by the end of next week.</p>")


class FakeClock:
    """Seconds since the epoch that move only when told to."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Item:
    """A demo article as it appears in its outlet's feed."""

    id: str
    outlet: str
    url: str  # canonical URL (what the store keys documents by)
    page: str  # path under the demo folder
    title: str
    published: datetime
    reveal: float  # fake time it appears in the feed


@dataclass
class Site:
    """The changing feed site: what each feed lists at the fake clock's time."""

    clock: FakeClock
    items: list[Item]
    requests: list[tuple[float, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def elapsed(self) -> float:
        return self.clock() - START

    def edited_item(self) -> Item:
        """The item edited at EDITED_AT: its outlet's oldest, so in its feed by then."""
        return min((i for i in self.items if i.outlet == EDITED_OUTLET),
                   key=lambda i: i.published)

    def page(self, path: str, body: bytes) -> bytes:
        """A page as served now: the edited item's gains a paragraph at EDITED_AT."""
        if self.elapsed() >= EDITED_AT and path == "/" + self.edited_item().page:
            # after the article's last paragraph (the test checks that there is one)
            return body.replace(b"</p>\n</div>", b"</p>\n" + EDIT.encode() + b"\n</div>", 1)
        return body

    def feed(self, outlet: str) -> bytes:
        shown = sorted((i for i in self.items if i.outlet == outlet
                        and i.reveal <= self.clock()), key=lambda i: i.published, reverse=True)
        edited = self.elapsed() >= EDITED_AT and outlet == EDITED_OUTLET
        hint = "<ttl>20</ttl>" if outlet == "daily-signal" else ""
        parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                 f"<title>{escape(outlet)}</title><link>https://{outlet}.example/</link>{hint}"]
        edited_item = self.edited_item() if edited else None
        for item in shown:
            title = item.title + (" (updated)" if item is edited_item else "")
            parts.append(
                f"<item><title>{escape(title)}</title><link>/{item.page}</link>"
                f"<guid isPermaLink=\"false\">{escape(item.url)}</guid>"
                f"<pubDate>{email.utils.format_datetime(item.published, usegmt=True)}"
                f"</pubDate></item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode("utf-8")


def load_items(clock: FakeClock) -> list[Item]:
    """The demo articles that have pages, appearing in publication order over 40 hours."""
    chosen = [a for a in manifest() if a.get("page")]
    times = [datetime.fromisoformat(str(a["published"]).replace("Z", "+00:00")) for a in chosen]
    first, last = min(times), max(times)
    span = (last - first).total_seconds()
    rng = random.Random(11)
    items = []
    for article, published in zip(chosen, times, strict=True):
        share = (published - first).total_seconds() / span
        reveal = START + REVEAL_FROM + share * (REVEAL_TO - REVEAL_FROM) + rng.uniform(0, 300)
        items.append(Item(str(article["id"]), str(article["outlet"]), str(article["url"]),
                          str(article["page"]), str(article["title"]), published, reveal))
    return items


def handler_for(site: Site, failing: bool) -> type[BaseHTTPRequestHandler]:
    root = demo_dir()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            with site.lock:
                site.requests.append((site.clock(), self.path, status))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            elapsed = site.elapsed()
            if failing and OUTAGE[0] <= elapsed < OUTAGE[1]:
                if elapsed < OUTAGE[0] + 6 * HOUR:
                    self.answer(503, b"down", {"Retry-After": "7200"})
                else:
                    self.answer(500, b"broken", {})
                return
            path = self.path.split("?", 1)[0]
            if path == "/feeds/gone.xml":
                if elapsed >= 10 * HOUR:
                    self.answer(410, b"gone", {})
                else:
                    self.answer(200, b'<rss version="2.0"><channel><title>Gone soon</title>'
                                     b"</channel></rss>", {"Content-Type": "application/rss+xml"})
                return
            if path == "/feeds/vanished.xml":
                self.answer(404 if elapsed >= 12 * HOUR else 200,
                            b'<rss version="2.0"><channel><title>x</title></channel></rss>', {})
                return
            if path.startswith("/feeds/") and path.endswith(".xml"):
                body = site.feed(path[len("/feeds/"):-len(".xml")])
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.answer(304, b"", {"ETag": etag})
                else:
                    self.answer(200, body, {"Content-Type": "application/rss+xml",
                                            "ETag": etag, "Cache-Control": "max-age=60"})
                return
            if path.startswith("/pages/"):
                target = (root / path.lstrip("/")).resolve()
                if target.is_file() and target.is_relative_to(root):
                    self.answer(200, site.page(path, target.read_bytes()),
                                {"Content-Type": "text/html; charset=utf-8"})
                    return
            self.answer(404, b"not found", {})

    return Handler


@contextmanager
def serve(site: Site, failing: bool) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site, failing))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def published_members(store: SqlStore) -> set[str]:
    """Canonical URLs of the documents in stories the site lists now."""
    with store.engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT d.canonical_url FROM documents d JOIN reader_stories r "
            "ON r.story_id = d.story_id").fetchall()
    return {row[0] for row in rows}


def test_two_days_of_a_changing_site(tmp_path: Path) -> None:
    clock = FakeClock(START)
    site = Site(clock, load_items(clock))
    outlets = sorted({i.outlet for i in site.items})
    with serve(site, failing=False) as good, serve(site, failing=True) as bad:
        feed_of = {o: f"{bad if o == FAILING_OUTLET else good}/feeds/{o}.xml" for o in outlets}
        sources = [*feed_of.values(), f"{good}/feeds/gone.xml", f"{good}/feeds/vanished.xml"]
        settings = load_settings(environ={}, overrides={
            "data_dir": str(tmp_path), "fetch.allow_networks": ["127.0.0.1"],
            "fetch.retries": 0, "fetch.host_delay": 0, "ingest.retry_backoff": 0.001,
            "ingest.max_attempts": 50, "daemon.min_interval": MIN_INTERVAL,
            "daemon.max_interval": MAX_INTERVAL, "daemon.initial_interval": 1800})
        store = SqlStore.open(settings.database_url)
        ctx = DaemonContext(settings=settings, store=store, show_progress=False)
        first_seen: dict[str, float] = {}
        good_polls: dict[str, list[float]] = {url: [] for url in sources}
        all_polls: dict[str, list[tuple[float, str]]] = {url: [] for url in sources}
        traced: dict[str, int] = {}
        schedule = ScheduleStore(store)

        edited = site.edited_item()
        page = (demo_dir() / edited.page).read_bytes()
        clock.now = START + EDITED_AT
        assert EDIT.encode() in site.page("/" + edited.page, page)
        clock.now = START
        versions: list[tuple[float, int]] = []  # (after a tick, article versions of its story)

        def observe() -> None:
            """After each tick: what is published, which polls happened, and how many
            article versions the edited item's story has."""
            with store.engine.connect() as c:
                versions.append((clock(), c.exec_driver_sql(
                    "SELECT COUNT(*) FROM articles a JOIN documents d "
                    "ON d.story_id = a.story_id WHERE d.canonical_url = ?",
                    (edited.url,)).scalar_one()))
            for url in published_members(store):
                first_seen.setdefault(url, clock())
            for row in schedule.all():
                if row.last_polled is not None and abs(row.last_polled - clock()) < 0.01:
                    all_polls[row.url].append((clock(), row.last_status))
                    if row.failures == 0:
                        good_polls[row.url].append(clock())
            elapsed = clock() - START
            if elapsed >= 36 * HOUR and "start" not in traced:
                tracemalloc.start()
                traced["start"] = tracemalloc.get_traced_memory()[0]
            if elapsed >= 40 * HOUR and "day2" not in traced:
                traced["day2"] = tracemalloc.get_traced_memory()[0]

        def fake_sleep(seconds: float) -> None:
            observe()
            clock.now += max(seconds, 1.0)

        daemon = Daemon(ctx, sources, clock=clock, sleep=fake_sleep, rng=random.Random(5))
        try:
            ticks = daemon.run(until=START + END)
            observe()
            traced["end"] = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
            ctx.fetcher.close()  # type: ignore[attr-defined]
        assert ticks > 100

        # -- every report that made or joined a published story did so at the first
        # successful poll of its feed after it appeared, within one poll interval
        with store.engine.connect() as c:
            story_of = dict(c.exec_driver_sql(
                "SELECT canonical_url, story_id FROM documents WHERE story_id IS NOT NULL "
                "AND story_id IN (SELECT story_id FROM reader_stories)").fetchall())
            doubled = c.exec_driver_sql("SELECT canonical_url, COUNT(*) FROM documents "
                                        "GROUP BY canonical_url HAVING COUNT(*) > 1").fetchall()
        assert not doubled
        by_url = {i.url: i for i in site.items}
        stories: dict[int, list[Item]] = {}
        for url, story_id in story_of.items():
            stories.setdefault(story_id, []).append(by_url[url])
        assert len(stories) >= 8, stories.keys()
        checked = 0

        def first_poll(item: Item) -> float:
            polls = [t for t in good_polls[feed_of[item.outlet]] if t >= item.reveal]
            assert polls, f"{item.id} never polled after it appeared"
            return polls[0]

        for members in stories.values():
            published = min(first_seen[i.url] for i in members)
            fetched = {i.id: first_poll(i) for i in members}
            # The report that made the story publishable (its second outlet, or a later
            # one when the writer needed more) was fetched at the latest poll before the
            # story appeared on the site: the story must appear in that same tick.
            trigger = max(t for t in fetched.values() if t <= published)
            assert published == trigger, (
                f"a story was published at +{(published - START) / HOUR:.2f}h, but its "
                f"last report before that was fetched at +{(trigger - START) / HOUR:.2f}h")
            for item in members:
                poll = fetched[item.id]
                if poll > published:  # a later report joins the published story at once
                    assert first_seen[item.url] <= poll, (
                        f"{item.id} appeared at +{(item.reveal - START) / HOUR:.2f}h, its "
                        f"feed was polled at +{(poll - START) / HOUR:.2f}h, but it was "
                        f"published only at +{(first_seen[item.url] - START) / HOUR:.2f}h")
                in_outage = OUTAGE[0] <= item.reveal - START < OUTAGE[1]
                if item.outlet == FAILING_OUTLET and in_outage:
                    assert poll - (START + OUTAGE[1]) <= MAX_INTERVAL * 1.1
                else:
                    assert poll - item.reveal <= MAX_INTERVAL * 1.1, item.id
                checked += 1
        assert checked >= 15

        # -- dead feeds back off to the maximum and are never hammered
        for name, died in (("gone.xml", 10 * HOUR), ("vanished.xml", 12 * HOUR)):
            url = f"{good}/feeds/{name}"
            after = [t for t, status in all_polls[url] if t >= START + died]
            assert all(status in {"http_410", "http_404"} for t, status in all_polls[url]
                       if t >= START + died)
            gaps = [b - a for a, b in itertools.pairwise(after)]
            assert gaps and gaps[-1] >= MAX_INTERVAL * 0.9, gaps
            # doubling from at least the minimum reaches the maximum within a few polls;
            # after that one poll per daemon.max_interval (with jitter)
            assert len(after) <= 5 + (END - died) / (MAX_INTERVAL * 0.9), (name, len(after))
        failing_feed = feed_of[FAILING_OUTLET]
        during = [t for t, status in all_polls[failing_feed]
                  if START + OUTAGE[0] <= t < START + OUTAGE[1]]
        assert len(during) <= 10  # 14 hours of failures, backed off
        retry_after_polls = [t for t in during if t < START + OUTAGE[0] + 6 * HOUR]
        gaps = [b - a for a, b in itertools.pairwise(retry_after_polls)]
        assert all(gap >= 7200 * 0.9 for gap in gaps), gaps  # Retry-After: 7200 honoured
        failing_items = [i for i in site.items if i.outlet == FAILING_OUTLET
                         and i.url in story_of]
        assert all(i.url in first_seen for i in failing_items)
        # -- the edited item: fetched again once, after its feed showed the edit (not on
        # every later poll of the changing feed); its document updated in place (no
        # second document), still in its story, and that story written again
        assert edited.reveal < START + EDITED_AT
        page_gets = [t for t, path, status in site.requests
                     if path == "/" + edited.page and status == 200]
        assert len([t for t in page_gets if t >= START + EDITED_AT]) == 1, page_gets
        with store.engine.connect() as c:
            text, doc_story = c.exec_driver_sql(
                "SELECT text, story_id FROM documents WHERE canonical_url = ?",
                (edited.url,)).one()
        assert "final figures would be published by the end of next week" in text
        assert doc_story is not None
        refetched = min(t for t in page_gets if t >= START + EDITED_AT)
        # (the fake clock stands still during a tick: the tick that fetched the page
        # is observed at the time of the fetch)
        before = [n for t, n in versions if t < refetched]
        after = [n for t, n in versions if t >= refetched]
        if before and before[-1]:  # its story had an article: written again in that tick
            assert after and after[0] > before[-1], (before[-1], after[:1])

        # -- memory: what the second half of the run kept, measured by tracemalloc
        day2_growth = traced["end"] - traced["day2"]
        print(f"traced memory: +{(traced['day2'] - traced['start']) / 1e6:.2f} MB from 36h "
              f"to 40h, +{day2_growth / 1e6:.2f} MB from 40h to {END / HOUR:.0f}h; "
              f"{ticks} ticks")
        assert day2_growth < 8_000_000
        assert not ctx.problems or len(ctx.problems) < 50  # cleared every tick
        store.close()
