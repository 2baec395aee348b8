"""One bad entry or source never stops a run, and is never retried forever: any exception
while handling it is recorded against it, a passing failure is tried again by later runs
after a growing delay, at most ``ingest.max_attempts`` times, and an entry that was being
handled when the process died counts that as an attempt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from newsdesk.builtin.store_models import EntryRow
from newsdesk.pipeline import Context
from newsdesk.records import utcnow
from newsdesk.stages import discover as discover_module
from newsdesk.stages.ingest import ingest

from conftest import DATA, close_context, make_context
from hostile_server import Answer, HostileServer

ARTICLE = (DATA / "pages" / "port-talks.html").read_bytes()
HTML = {"Content-Type": "text/html"}


@pytest.fixture
def server() -> Iterator[HostileServer]:
    hostile = HostileServer()
    for name in ("a", "b", "c"):
        page = ARTICLE.replace(b"port-talks", name.encode())
        hostile.routes[f"/{name}"] = Answer(body=page, headers=HTML)
    hostile.routes["/feed.xml"] = Answer(body=(
        "<rss><channel><title>F</title>" + "".join(
            f"<item><link>/{n}</link></item>" for n in ("a", "b", "c"))
        + "</channel></rss>").encode())
    yield hostile
    hostile.stop()


@pytest.fixture
def ctx(tmp_path: Path, server: HostileServer) -> Iterator[Context]:
    context = make_context(tmp_path, **{
        "fetch.allow_networks": [f"127.0.0.1:{server.port}"], "ingest.max_attempts": 3,
        "ingest.retry_backoff": 600.0, "fetch.retries": 0})
    yield context
    close_context(context)


def row(ctx: Context, url: str) -> EntryRow:
    with ctx.store.session() as s:
        found = s.scalar(select(EntryRow).where(EntryRow.url == url))
        assert found is not None
        return found


def time_passes(ctx: Context, url: str) -> None:
    """Move the entry's retry time into the past, as if the back-off had passed."""
    with ctx.store.session() as s:
        s.execute(update(EntryRow).where(EntryRow.url == url, EntryRow.retry_at.is_not(None))
                  .values(retry_at=utcnow() - timedelta(seconds=1)))


class Breaks:
    """An extractor wrapper that raises (as a bug in newsdesk would) for one URL."""

    def __init__(self, real: Any, url: str, error: BaseException) -> None:
        self.real, self.url, self.error, self.calls = real, url, error, 0

    def extract(self, html: str, url: str) -> Any:
        if url == self.url:
            self.calls += 1
            raise self.error
        return self.real.extract(html, url)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_an_exception_on_one_entry_is_recorded_and_retried_with_backoff(
        ctx: Context, server: HostileServer) -> None:
    bad = server.url("/b")
    breaker = Breaks(ctx.extractor, bad, RuntimeError("a bug met a strange page"))
    ctx.extractor = breaker  # type: ignore[assignment]
    counts = ingest([server.url("/feed.xml")], ctx)
    assert counts["documents_new"] == 2  # the entries after the bad one were handled
    [problem] = [p for p in ctx.problems if p.item == bad]
    assert problem.reason == "internal_error"
    assert "RuntimeError: a bug met a strange page" in problem.detail
    first = row(ctx, bad)
    assert (first.status, first.attempts) == ("failed", 1)
    assert first.retry_at is not None

    ingest([server.url("/feed.xml")], ctx)  # too early: not tried again
    assert breaker.calls == 1

    time_passes(ctx, bad)
    ingest([server.url("/feed.xml")], ctx)
    second = row(ctx, bad)
    assert (breaker.calls, second.attempts) == (2, 2)
    assert second.retry_at is not None and second.updated_at is not None
    delay = (second.retry_at - second.updated_at).total_seconds()
    assert 1190 < delay < 1210  # the back-off doubled: 600 s, then 1200 s

    time_passes(ctx, bad)
    ingest([server.url("/feed.xml")], ctx)
    third = row(ctx, bad)
    assert (breaker.calls, third.attempts, third.retry_at) == (3, 3, None)  # given up
    time_passes(ctx, bad)
    ingest([server.url("/feed.xml")], ctx)
    assert breaker.calls == 3  # never again by itself ...

    assert ctx.store.retry_failed_entries() == 1  # ... only with --retry-failed
    ctx.extractor = breaker.real
    ctx.counts.clear()
    counts = ingest([server.url("/feed.xml")], ctx)
    assert counts["documents_new"] == 1
    assert row(ctx, bad).status == "done"


def test_a_permanent_failure_is_not_retried(ctx: Context, server: HostileServer) -> None:
    server.routes["/feed.xml"] = Answer(body=b"<rss><channel><item><link>/gone</link>"
                                        b"</item></channel></rss>")
    ingest([server.url("/feed.xml")], ctx)
    gone = row(ctx, server.url("/gone"))
    assert (gone.status, gone.reason, gone.retry_at) == ("failed", "http_404", None)


def test_an_entry_that_killed_the_process_is_given_up_after_max_attempts(
        ctx: Context, server: HostileServer) -> None:
    ingest([server.url("/feed.xml")], ctx)
    killer = server.url("/killer")
    server.routes["/killer"] = Answer(body=ARTICLE.replace(b"port-talks", b"killer"),
                                      headers=HTML)
    server.routes["/feed.xml"] = Answer(body=b"<rss><channel><item><link>/killer</link>"
                                        b"</item></channel></rss>")
    from newsdesk.records import Entry

    ctx.store.add_entries([Entry(url=killer, source_url=server.url("/feed.xml"))])
    for attempt in (1, 2):
        ctx.store.start_entry(killer)  # the process dies (kill -9) while handling it
        requeued, given_up = ctx.store.recover_interrupted_entries(3)
        assert (requeued, given_up) == (1, 0)
        assert (row(ctx, killer).status, row(ctx, killer).attempts) == ("pending", attempt)
    ctx.store.start_entry(killer)  # a third death
    ctx.counts.clear()
    counts = ingest([], ctx)
    assert counts["entries_interrupted_given_up"] == 1
    final = row(ctx, killer)
    assert (final.status, final.reason, final.attempts) == ("failed", "interrupted", 3)
    assert "documents_new" not in counts  # the next run got past it


def test_ctrl_c_puts_the_entry_back_without_counting_an_attempt(
        ctx: Context, server: HostileServer) -> None:
    ctx.extractor = Breaks(ctx.extractor, server.url("/a"),  # type: ignore[assignment]
                           KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        ingest([server.url("/feed.xml")], ctx)
    interrupted = row(ctx, server.url("/a"))
    assert (interrupted.status, interrupted.attempts) == ("pending", 0)


def test_an_exception_while_reading_one_source_is_recorded(
        ctx: Context, server: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    real = discover_module.parse_opml

    def exploding(content: bytes, *args: Any, **kwargs: Any) -> list[str]:
        if b"explode" in content:
            raise MemoryError("the parser gave up")
        return real(content, *args, **kwargs)

    monkeypatch.setattr(discover_module, "parse_opml", exploding)
    server.routes["/bad.opml"] = Answer(body=b'<opml><body><outline xmlUrl="/explode"/>'
                                        b"</body></opml>")
    counts = ingest([server.url("/bad.opml"), server.url("/feed.xml")], ctx)
    assert [(p.item, p.reason) for p in ctx.problems] == [
        (server.url("/bad.opml"), "internal_error")]
    assert counts["documents_new"] == 3
