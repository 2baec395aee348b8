"""``newsdesk daemon``: poll every feed on its own schedule and publish as news arrives.

One *tick*: every source whose next poll has come is polled (a conditional GET through
the same discovery code as ``newsdesk ingest``), its new entries queued, and the next
poll scheduled (:mod:`newsdesk.schedule`, table ``feed_schedule``); then the pending
work flows through the existing stages: fetch and extract (``ingest``), dedupe, embed
and assign to stories (``cluster``), write and verify (``write``, which also relates
stories and updates the reader index that ``newsdesk serve`` reads), and, when articles
changed, the static site is brought up to date (:mod:`newsdesk.publish_incremental`).
Then the daemon sleeps until the next poll is due.

Nothing here keeps state that the store does not: every stage resumes from the store,
and a feed's entries are committed with its validators before its schedule moves on, so
a daemon stopped (SIGTERM, Ctrl-C) or killed at any moment and started again polls what
was due, processes what was pending, and does nothing twice.

The clock and the sleep are passed in, so the soak test runs two days of feed life in
minutes: ``clock()`` returns seconds since the epoch and ``sleep(seconds)`` waits (or,
in a test, moves a fake clock on).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk import backends
from newsdesk.backends.fetcher import Fetcher, FetchResult
from newsdesk.backends.publisher import Publisher
from newsdesk.builtin.publish_site import SitePublisher
from newsdesk.builtin.store_schedule import ScheduleStore
from newsdesk.errors import FetchError, NewsdeskError, StoreLockedError
from newsdesk.fetch_policy import file_url_path, scheme_of
from newsdesk.pipeline import Context
from newsdesk.publish_incremental import article_fingerprints, changed_slugs, export_site
from newsdesk.schedule import Bounds, FeedHints, PollOutcome, hints_from, next_interval
from newsdesk.schedule import retry_after_seconds as _retry_after

log = logging.getLogger("newsdesk.daemon")
#: A poll that recorded one of these against the source failed even without a fetch error.
SOURCE_FAILURES = {"unsupported_content_type", "malformed_feed", "internal_error",
                   "malformed_opml", "too_deep"}


#: Seconds (of the daemon's clock) a fetcher, with its robots.txt cache, is kept.
FETCHER_LIFETIME = 86400.0


class StopRequested(KeyboardInterrupt):
    """Raised at the next checkpoint once a stop was asked for: it unwinds the stages
    exactly as Ctrl-C does (an entry being fetched goes back to the queue)."""


class ObservingFetcher(Fetcher):
    """Wraps the configured fetcher and keeps the last answer (or error) per URL, so the
    daemon can read a feed's headers and head after discovery has used them."""

    name = "observing"

    def __init__(self, inner: Fetcher) -> None:
        super().__init__()
        self.inner = inner
        self.seen: dict[str, FetchResult | FetchError] = {}

    def allow_local(self, root: str | Path) -> None:
        """Grant a local folder on the wrapped fetcher."""
        self.inner.allow_local(root)

    def local_root(self, path: Path) -> Path | None:
        """The wrapped fetcher's granted folder holding ``path``."""
        return self.inner.local_root(path)

    def close(self) -> None:
        """Close the wrapped fetcher's connections, if it has any."""
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def fetch(self, url: str, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """Fetch through the wrapped fetcher, remembering the answer for ``url``."""
        try:
            result = self.inner.fetch(url, etag, last_modified)
        except FetchError as exc:
            self.seen[url] = exc
            raise
        # Only the head is kept: hints sit before the first item.
        self.seen[url] = FetchResult(result.url, result.final_url, result.status,
                                     result.content[:16_384], result.content_type,
                                     result.charset, result.etag, result.last_modified,
                                     result.not_modified, dict(result.headers))
        return result


class DaemonContext(Context):
    """A pipeline context whose checkpoints also honour a stop request."""

    stop_event: threading.Event | None = None

    def checkpoint(self, name: str) -> None:
        """See :meth:`Context.checkpoint`; raises :class:`StopRequested` once asked to stop."""
        super().checkpoint(name)
        if self.stop_event is not None and self.stop_event.is_set():
            raise StopRequested("stop requested")


@dataclass
class TickReport:
    """What one tick did, for the log line and the tests."""

    started: float
    polled: int = 0
    failed: int = 0
    not_modified: int = 0
    new_entries: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    pages_rendered: int = 0
    files_written: int = 0
    next_due: float | None = None

    def line(self) -> str:
        """One log line an operator can read."""
        c = self.counts
        stored = c.get("documents_new", 0) + c.get("documents_updated", 0)
        written = c.get("stories_written", 0)
        parts = [f"polled {self.polled} feeds ({self.failed} failed, "
                 f"{self.not_modified} not modified)", f"{self.new_entries} new entries",
                 f"{stored} documents stored", f"{c.get('entries_failed', 0)} entries failed",
                 f"{written} articles written"]
        if self.files_written or self.pages_rendered:
            parts.append(f"site: {self.pages_rendered} pages rendered, "
                         f"{self.files_written} files changed")
        if self.next_due is not None:
            parts.append(f"next poll in {max(0.0, self.next_due - self.started):.0f}s")
        return "tick: " + "; ".join(parts)


def _is_opml(url: str) -> bool:
    return url.lower().split("?", 1)[0].endswith(".opml")


class Daemon:
    """Polls sources on their schedules and runs the stages on what arrives.

    Args:
        ctx: a pipeline context (normally a :class:`DaemonContext` holding the store lock).
        sources: the sources named by the operator (feed URLs, OPML lists, files).
        clock: seconds since the epoch (``time.time``); a test passes a fake one.
        sleep: waits a number of seconds; the default waits on :attr:`stop` so a stop
            request ends the wait at once.
        rng: the source of schedule jitter.
        static_site: keep ``site_dir`` up to date (``daemon.static_site``).
    """

    def __init__(self, ctx: Context, sources: Sequence[str], *,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] | None = None,
                 rng: random.Random | None = None, static_site: bool | None = None,
                 out_dir: Path | None = None) -> None:
        self.ctx = ctx
        self.sources = list(sources)
        self.clock = clock
        self.stop = threading.Event()
        if isinstance(ctx, DaemonContext):
            ctx.stop_event = self.stop
        self._sleep = sleep or self._wait
        self.rng = rng or random.Random()
        self.bounds = Bounds.from_settings(ctx.settings)
        self.schedule = ScheduleStore(ctx.store)
        self.static_site = (ctx.settings["daemon.static_site"] if static_site is None
                            else static_site)
        self.out_dir = out_dir or ctx.settings.site_dir
        self._new_fetcher()
        self.full_export_due = True  # the first export (and one after a failure) is full
        self.ticks = 0
        self.totals: dict[str, int] = {}

    def _new_fetcher(self) -> None:
        """A fresh fetcher (wrapped in an observer the stages fetch through). The fetcher
        caches each host's robots.txt for its lifetime, and a robots.txt that failed with
        a 5xx means "disallow all" (RFC 9309): a fetcher kept for months would keep
        obeying a day's outage, so it is made again every :data:`FETCHER_LIFETIME`."""
        old = self.ctx.__dict__.pop("fetcher", None)
        inner = old.inner if isinstance(old, ObservingFetcher) else old
        if inner is not None and hasattr(inner, "close"):
            inner.close()
        self.observer = ObservingFetcher(self.ctx.fetcher)
        self.ctx.__dict__["fetcher"] = self.observer  # the stages fetch through the observer
        self.fetcher_since = self.clock()

    # -- the loop ----------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        self.stop.wait(max(0.0, seconds))

    def request_stop(self) -> None:
        """Ask the loop to stop after the unit of work in hand (thread-safe)."""
        self.stop.set()

    def run(self, *, once: bool = False, max_ticks: int | None = None,
            until: float | None = None) -> int:
        """Tick until stopped; returns the number of ticks run.

        Args:
            once: run one tick (poll what is due, process everything pending) and return.
            max_ticks: return after this many ticks.
            until: return once the clock passes this time (seconds since the epoch).
        """
        self.plan()
        while not self.stop.is_set():
            try:
                report = self.tick()
            except (StoreLockedError, KeyboardInterrupt):
                raise
            except Exception:
                if once:
                    raise
                # A tick that failed as a whole (the database unreachable, a disk full)
                # is logged and tried again later; every unit it finished is stored.
                log.exception("daemon: tick failed; trying again in %.0fs",
                              self.bounds.min_interval)
                self.full_export_due = True
                self.ticks += 1
                self.ctx.count("ticks_failed")
                self._sleep(self.bounds.min_interval)
                continue
            if once or (max_ticks is not None and self.ticks >= max_ticks):
                break
            wake = report.next_due if report.next_due is not None else (
                self.clock() + self.bounds.max_interval)
            if until is not None and wake > until:
                break
            self._sleep(max(0.0, wake - self.clock()))
        return self.ticks

    def plan(self) -> int:
        """Schedule every named source not scheduled yet (due now); OPML lists are read
        and each feed they list gets a schedule of its own. Returns how many were added."""
        from newsdesk.stages.discover import to_url

        urls = [to_url(spec) for spec in self.sources]
        added = self.schedule.ensure(urls, self.clock(), self.bounds.initial_interval)
        if added:
            log.info("daemon: %d sources scheduled (%d named)", added, len(urls))
        return added

    def tick(self) -> TickReport:
        """Poll every due source, then run the stages on what is pending."""
        ctx = self.ctx
        ctx.counts.clear()
        ctx.problems.clear()  # recorded in the store already; kept here they would pile up
        report = TickReport(started=self.clock())
        if report.started - self.fetcher_since >= FETCHER_LIFETIME:
            self._new_fetcher()
        limit = int(ctx.settings["daemon.max_polls_per_tick"])
        polled: set[str] = set()
        while report.polled < limit:
            # Asked again after each round: an OPML list polled in this tick schedules
            # its feeds due now, and they are polled in this same tick.
            due = [f for f in self.schedule.due(self.clock(), limit + len(polled))
                   if f.url not in polled][:limit - report.polled]
            if not due:
                break
            for feed in due:
                polled.add(feed.url)
                outcome = self.poll(feed.url, feed.last_polled, feed.interval, feed.failures)
                report.polled += 1
                report.failed += 0 if outcome.ok else 1
                report.not_modified += outcome.status == "not_modified"
                report.new_entries += outcome.new_entries
                ctx.checkpoint("poll")
        self.process(report)
        self.ticks += 1
        report.counts = dict(ctx.counts)
        for key, value in report.counts.items():
            self.totals[key] = self.totals.get(key, 0) + value
        report.next_due = self.schedule.next_due()
        log.info("%s", report.line())
        return report

    # -- polling -----------------------------------------------------------------------

    def poll(self, url: str, last_polled: float | None, interval: float,
             failures: int) -> PollOutcome:
        """Poll one source, queue its new entries and schedule its next poll."""
        from newsdesk.stages.discover import discover, queue

        ctx = self.ctx
        now = self.clock()
        self.observer.seen.pop(url, None)
        problems_before = len(ctx.problems)
        new_before = ctx.counts.get("entries_new", 0)
        try:
            if _is_opml(url):
                new = self._poll_opml(url)
            else:
                entries = discover([url], ctx)
                # Feeds queue their own entries with their validators; other kinds
                # (JSONL files, pages, folders) are queued here, as `ingest` does.
                new = queue(entries, ctx)
                new += ctx.counts.get("entries_new", 0) - new_before
        except FetchError as exc:  # an OPML list that could not be fetched
            ctx.problem("ingest", url, exc.reason, exc.detail)
        seen = self.observer.seen.get(url)
        failed_here = [p.reason for p in ctx.problems[problems_before:]
                       if p.item == url and p.reason in SOURCE_FAILURES]
        hints = FeedHints()
        if isinstance(seen, FetchError):
            ok, status, reason = False, seen.reason, seen.detail
            hints = FeedHints(retry_after=_retry_after(seen.retry_after))
            new = 0
        elif failed_here:
            ok, status, reason, new = False, failed_here[0], "", 0
        else:
            ok, reason = True, ""
            status = ("not_modified" if isinstance(seen, FetchResult) and seen.not_modified
                      else "ok" if new else "empty")
            if isinstance(seen, FetchResult) and not seen.not_modified:
                hints = hints_from(seen.content, seen.headers)
        failures = 0 if ok else failures + 1
        elapsed = now - last_polled if last_polled is not None else None
        outcome = PollOutcome(ok=ok, new_entries=new, status=status, hints=hints,
                              elapsed=elapsed)
        seconds, why = next_interval(interval if last_polled is not None else None,
                                     failures, outcome, self.bounds, self.rng)
        self.schedule.record_poll(url, polled=now, interval=seconds, ok=ok, status=status,
                                  reason=reason, new_entries=new)
        ctx.count("feeds_polled")
        if not ok:
            ctx.count("feeds_failed")
        log.log(logging.INFO if (new or not ok) else logging.DEBUG,
                "poll %s: %s, %d new; next in %.0fs (%s)", url, status, new, seconds, why,
                extra={"feed": url, "status": status, "new_entries": new,
                       "interval": round(seconds, 1)})
        return outcome

    def _poll_opml(self, url: str) -> int:
        """Read an OPML list and schedule every feed on it (due now if new)."""
        from newsdesk.stages.discover import parse_opml

        ctx = self.ctx
        if scheme_of(url) == "file":
            ctx.fetcher.allow_local(file_url_path(url).parent)
        fetched = ctx.fetcher.fetch(url)
        feeds = parse_opml(fetched.content, fetched.final_url, url, ctx)
        ctx.store.update_source(url, "opml", status="ok", entries_found=len(feeds))
        added = self.schedule.ensure(feeds, self.clock(), self.bounds.initial_interval)
        if added:
            log.info("daemon: %s lists %d feeds, %d newly scheduled", url, len(feeds), added)
        return 0

    # -- processing --------------------------------------------------------------------

    def process(self, report: TickReport) -> None:
        """Run the stages on whatever is pending; publish what changed."""
        from newsdesk.stages import cluster, ingest, write

        ctx = self.ctx
        ingest.ingest([], ctx)  # entries pending, earlier failures whose time came
        cluster.cluster(ctx)
        needs_write = bool(ctx.store.stories_needing_write())
        export = self.static_site and (needs_write or self.full_export_due)
        before = article_fingerprints(ctx.store) if export and not self.full_export_due else {}
        if needs_write:
            write.write(ctx)  # also relates stories and refreshes the reader index
        if export:
            self._export(before, report)

    def _export(self, before: dict[str, str], report: TickReport) -> None:
        ctx = self.ctx
        publisher = backends.load("publisher", "site", Publisher,
                                  **ctx.settings.section("publish"))
        assert isinstance(publisher, SitePublisher)
        full = self.full_export_due
        if full:
            from newsdesk.stages.relate import relate

            relate(ctx)  # a first export may follow a run that never related
        dirty = changed_slugs(before, article_fingerprints(ctx.store)) if not full else set()
        try:
            done = export_site(publisher, ctx.store, self.out_dir,
                               None if full else dirty.__contains__)
        except NewsdeskError:
            self.full_export_due = True
            raise
        self.full_export_due = False
        report.pages_rendered, report.files_written = done.rendered, done.written
        ctx.count("pages_rendered", done.rendered)
        ctx.count("files_written", done.written)
        ctx.count("story_pages_skipped", done.skipped_stories)


def describe_schedule(daemon: Daemon) -> list[dict[str, Any]]:
    """Each scheduled source with its next poll, interval and failures (for logs/tests)."""
    return [vars(s) for s in daemon.schedule.all()]
