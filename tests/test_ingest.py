"""Ingest: discovering entries in feeds, OPML lists, JSONL files, pages and folders;
fetching and extracting each page; recording what fails; idempotent, resumable runs;
and the bundled demo corpus end to end over a local HTTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from newsdesk.backends.fetcher import FetchResult
from newsdesk.builtin.store_models import EntryRow
from newsdesk.demo_server import demo_dir, demo_sources, serve_directory
from newsdesk.pipeline import Context
from newsdesk.records import Document, Entry, parse_iso
from newsdesk.stages.ingest import discover, fetch_entry, ingest

from conftest import DATA, LocalServer, Reply, close_context, make_context

FEEDS = DATA / "feeds"
PAGES = DATA / "pages"
MOJIBAKE = ("â€", "Ã©", "Ã¤", "\ufffd")


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    """A fresh context whose feeds (named one by one) may link to the test pages beside
    them: the test data folder is listed in fetch.local_folders."""
    context = make_context(tmp_path, **{"fetch.local_folders": [str(DATA)]})
    yield context
    close_context(context)


def page_uri(name: str) -> str:
    return (PAGES / name).as_uri()


def by_url(entries: list[Entry]) -> dict[str, Entry]:
    return {e.url: e for e in entries}


def reasons(ctx: Context) -> list[tuple[str, str]]:
    """(reason, item) of every problem recorded in this run."""
    return [(p.reason, p.item) for p in ctx.problems]


def entry_status(ctx: Context, url: str) -> tuple[str, str]:
    with ctx.store.session() as s:
        row = s.scalar(select(EntryRow).where(EntryRow.url == url))
        assert row is not None, f"no entry queued for {url}"
        return row.status, row.reason


def all_documents(ctx: Context) -> list[Document]:
    return ctx.store.documents_at_stage("extracted")


# -- discovery -------------------------------------------------------------------------


def test_rss_links_are_resolved_against_the_feed_url(ctx: Context) -> None:
    entries = discover([str(FEEDS / "harbour-gazette.xml")], ctx)
    assert [e.url for e in entries] == [
        page_uri("port-talks.html"), page_uri("gallery-no-text.html"),
        page_uri("harbour-master-retires.html")]
    talks = entries[0]
    assert talks.title == "Dockworkers and port operators agree to resume talks"
    assert talks.author == "Mara Lindqvist"
    assert talks.published_at == datetime(2026, 11, 18, 8, 30, tzinfo=UTC)
    assert (talks.site_name, talks.language) == ("Harbour Gazette", "en")
    assert talks.source_url == (FEEDS / "harbour-gazette.xml").as_uri()
    assert talks.content == ""  # a teaser only: the page has to be fetched
    assert "minus four degrees" in entries[1].content  # the feed's full text, for later


def test_an_entry_without_link_is_recorded_and_the_rest_kept(ctx: Context) -> None:
    entries = discover([str(FEEDS / "harbour-gazette.xml")], ctx)
    assert len(entries) == 3
    [problem] = ctx.problems
    assert problem.reason == "entry_without_link"
    assert problem.item.endswith("harbour-gazette.xml#entry-4")
    assert "Corrections and clarifications" in problem.detail
    assert ctx.store.problems()[0].reason == "entry_without_link"  # stored, not only logged


def test_a_wellformed_local_feed_is_not_reported_as_broken(ctx: Context) -> None:
    # A local file has no Content-Type; that alone must not flag the feed.
    discover([str(FEEDS / "river-times.atom"), str(FEEDS / "kustposten-cp1252.xml")], ctx)
    assert ctx.problems == []


def test_atom_entries_use_the_alternate_link(ctx: Context) -> None:
    entries = discover([(FEEDS / "river-times.atom").as_uri()], ctx)
    assert [e.url for e in entries] == [page_uri("bridge-vote.html"),
                                        page_uri("ferry-cp1252.html")]
    bridge, ferry = entries
    assert bridge.author == "Idris Okafor"
    assert bridge.published_at == datetime(2026, 11, 19, 22, 15, tzinfo=UTC)
    assert bridge.site_name == "River Times"
    assert "31 to 24" in bridge.summary
    assert ferry.author == "Renée Åkesson"


def test_json_feed_items(ctx: Context) -> None:
    entries = discover([str(FEEDS / "valley-notes.json")], ctx)
    bridge, frost = entries
    assert bridge.url == page_uri("bridge-vote.html")
    assert frost.url == page_uri("gallery-no-text.html")  # external_url when there is no url
    assert bridge.author == "Lena Moreau, Sam Adeyemi"
    assert bridge.published_at == datetime(2026, 11, 19, 22, 40, tzinfo=UTC)
    assert frost.published_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert (bridge.site_name, bridge.language) == ("Valley Notes", "en")
    assert bridge.content_is_html and "31 votes to 24" in bridge.content
    assert not frost.content_is_html
    assert reasons(ctx) == [("entry_without_link", (FEEDS / "valley-notes.json").as_uri()
                             + "#item-3")]


def test_windows_1252_feed_titles_are_decoded(ctx: Context) -> None:
    entries = discover([str(FEEDS / "kustposten-cp1252.xml")], ctx)
    titles = [e.title for e in entries]
    assert titles == ["Ferry fares to rise by €2.40 as operator blames fuel costs",
                      "Café owners on Vänö win €5,000 grant — “a lifeline”"]
    assert entries[0].author == "Renée Åkesson"
    assert "“tax on living here”" in entries[0].summary
    assert entries[0].site_name == "Kustposten – English edition"


def test_a_truncated_feed_keeps_what_was_read_and_says_so(ctx: Context) -> None:
    entries = discover([str(FEEDS / "truncated.xml")], ctx)
    assert [e.url for e in entries] == [page_uri("bridge-vote.html")]
    assert ("feed_not_well_formed", (FEEDS / "truncated.xml").as_uri()) in reasons(ctx)


def test_a_malformed_feed_is_recorded_and_the_run_goes_on(ctx: Context) -> None:
    entries = discover([str(FEEDS / "corrupt.xml"), str(FEEDS / "river-times.atom")], ctx)
    assert len(entries) == 2  # the good feed after the broken one was still read
    [problem] = ctx.problems
    assert (problem.reason, problem.item) == ("malformed_feed", (FEEDS / "corrupt.xml").as_uri())
    assert problem.detail  # the parser's own message says where it broke


def test_opml_with_nested_outlines_lists_every_feed(ctx: Context) -> None:
    entries = discover([str(FEEDS / "newsroom.opml")], ctx)
    sources = {e.source_url for e in entries}
    assert sources == {(FEEDS / name).as_uri() for name in
                       ("harbour-gazette.xml", "river-times.atom", "valley-notes.json")}
    assert page_uri("bridge-vote.html") in by_url(entries)
    assert [p for p in ctx.problems if "opml" in p.reason] == []


def test_jsonl_bad_line_is_recorded_and_other_lines_kept(ctx: Context) -> None:
    entries = discover([str(FEEDS / "regional-wire.jsonl")], ctx)
    assert [e.url.rsplit("/", 1)[1] for e in entries] == [
        "grain-harvest", "tram-line", "library-hours"]
    assert all(not e.fetch for e in entries)  # the file already carries the text
    assert reasons(ctx) == [("bad_jsonl_record", (FEEDS / "regional-wire.jsonl").as_uri() + ":4")]
    grain, tram, library = entries
    assert not grain.content_is_html
    assert tram.content_is_html and library.content_is_html  # "html", or an empty "text"
    assert grain.published_at == datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
    assert grain.author == "Regional Wire staff"


def test_a_folder_is_searched_for_every_source_type(ctx: Context) -> None:
    urls = {e.url for e in discover([str(FEEDS)], ctx)}
    assert urls == {
        page_uri("port-talks.html"), page_uri("gallery-no-text.html"),
        page_uri("harbour-master-retires.html"), page_uri("bridge-vote.html"),
        page_uri("ferry-cp1252.html"), page_uri("ferry-cp1252.html") + "#cafe",
        "https://regionalwire.example/2026/11/20/grain-harvest",
        "https://regionalwire.example/2026/11/20/tram-line",
        "https://regionalwire.example/2026/11/20/library-hours",
    }
    # The OPML in the folder lists feeds that are in the folder too: each is read once.
    linkless = [item for reason, item in reasons(ctx) if reason == "entry_without_link"]
    assert len(linkless) == len(set(linkless)) == 3
    assert {e.url for e in discover([FEEDS.as_uri()], ctx)} == urls


def test_an_opml_list_that_includes_itself_ends(ctx: Context, tmp_path: Path) -> None:
    (tmp_path / "a.opml").write_text(
        '<opml version="2.0"><body><outline text="B" xmlUrl="b.opml"/>'
        f'<outline text="Gazette" xmlUrl="{(FEEDS / "harbour-gazette.xml").as_uri()}"/>'
        "</body></opml>", encoding="utf-8")
    (tmp_path / "b.opml").write_text(
        '<opml version="2.0"><body><outline text="A" xmlUrl="a.opml"/></body></opml>',
        encoding="utf-8")
    entries = discover([str(tmp_path / "a.opml")], ctx)
    assert len(entries) == 3


def test_html_files_and_folders_of_pages_become_entries(ctx: Context) -> None:
    single = discover([str(PAGES / "port-talks.html")], ctx)
    assert [e.url for e in single] == [page_uri("port-talks.html")]
    folder = {e.url for e in discover([str(PAGES)], ctx)}
    assert folder == {p.as_uri() for p in PAGES.glob("*.html")}


def test_discovery_over_http_resolves_links_against_the_served_feed(ctx: Context) -> None:
    with serve_directory(DATA) as base:
        entries = discover([f"{base}/feeds/newsroom.opml", f"{base}/feeds/kustposten-cp1252.xml",
                            f"{base}/feeds/regional-wire.jsonl"], ctx)
    urls = by_url(entries)
    assert f"{base}/pages/port-talks.html" in urls
    assert f"{base}/pages/bridge-vote.html" in urls
    assert urls[f"{base}/pages/ferry-cp1252.html#cafe"].title == (
        "Café owners on Vänö win €5,000 grant — “a lifeline”")
    assert urls["https://regionalwire.example/2026/11/20/tram-line"].source_url == (
        f"{base}/feeds/regional-wire.jsonl")
    assert {r for r, _ in reasons(ctx)} == {"entry_without_link", "bad_jsonl_record"}


def test_an_unreachable_source_is_recorded(ctx: Context, local_server: LocalServer) -> None:
    assert discover([local_server.url("/feeds/gone.xml")], ctx) == []
    assert reasons(ctx) == [("http_404", local_server.url("/feeds/gone.xml"))]
    assert discover([str(FEEDS / "no-such-feed.xml")], ctx) == []
    assert ctx.problems[-1].reason == "not_found"


# -- fetching and extracting one entry ---------------------------------------------------

EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected-pages.json").read_text("utf-8"))
ARTICLES = sorted(name for name, e in EXPECTED.items() if not e.get("no_article_text"))


@pytest.mark.parametrize("name", ARTICLES)
def test_fetch_entry_extracts_text_and_metadata(ctx: Context, name: str) -> None:
    expected = EXPECTED[name]
    doc = fetch_entry(Entry(url=page_uri(name), source_url="feed"), ctx)
    assert doc is not None
    assert doc.title == expected["title"]
    assert doc.author == expected["author"]
    assert doc.published_at == parse_iso(expected["published"])
    assert doc.language == expected["language"]
    assert doc.canonical_url == (expected["canonical_url"] or page_uri(name))
    if expected["site_name"]:
        assert doc.site_name == expected["site_name"]
    assert doc.extractor == "trafilatura"
    for snippet in expected["must_contain"]:
        assert snippet in doc.text
    for snippet in expected["must_not_contain"]:
        assert snippet not in doc.text
    assert not doc.text.startswith(expected["title"])  # the headline is not body text


def test_canonical_url_drops_tracking_parameters(ctx: Context) -> None:
    doc = fetch_entry(Entry(url=page_uri("port-talks.html"), source_url="feed"), ctx)
    assert doc is not None
    assert "utm_" not in doc.canonical_url


def test_feed_metadata_fills_what_the_page_lacks(ctx: Context) -> None:
    entry = Entry(url=page_uri("bridge-vote.html"), source_url="feed", site_name="River Times",
                  title="Feed headline", published_at=datetime(2026, 11, 19, 22, 0, tzinfo=UTC))
    doc = fetch_entry(entry, ctx)
    assert doc is not None
    assert doc.site_name == "River Times"  # the page names no site
    assert doc.title.startswith("Council backs")  # the page's own headline wins
    assert doc.published_at == datetime(2026, 11, 19, 22, 15, tzinfo=UTC)  # exact page time


def test_a_page_that_gives_only_a_day_keeps_the_feeds_exact_time(ctx: Context) -> None:
    exact = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)
    entry = Entry(url=page_uri("ferry-cp1252.html"), source_url="feed", published_at=exact)
    doc = fetch_entry(entry, ctx)
    assert doc is not None
    assert doc.published_at == exact


def test_a_page_without_text_falls_back_to_the_feeds_content(ctx: Context) -> None:
    [_, gallery, _] = discover([str(FEEDS / "harbour-gazette.xml")], ctx)
    doc = fetch_entry(gallery, ctx)
    assert doc is not None
    assert doc.extractor == "feed-content"
    assert doc.text.startswith("Temperatures on the Ashwater marshes fell to minus four degrees")
    assert "<p>" not in doc.text
    assert doc.title == "In pictures: the first frost on the Ashwater marshes"
    assert doc.canonical_url == "https://gazette.example/2026/11/19/frost-gallery"
    assert ctx.counts["fell_back_to_feed_content"] == 1


def test_a_page_without_text_and_too_little_feed_content_fails(ctx: Context) -> None:
    entry = Entry(url=page_uri("gallery-no-text.html"), source_url="feed",
                  content="<p>Photographs from a cold morning.</p>", content_is_html=True)
    ctx.store.add_entries([entry])
    assert fetch_entry(entry, ctx) is None
    [problem] = ctx.problems
    assert (problem.reason, problem.item) == ("no_article_text", entry.url)
    assert "characters extracted" in problem.detail
    assert entry_status(ctx, entry.url) == ("failed", "no_article_text")


def test_a_short_wire_item_is_an_article(ctx: Context) -> None:
    # Two sentences, 155 characters: shorter than extract.min_chars, and the page's own
    # description (its first sentence) vouches that this is what the page reports.
    entry = Entry(url=page_uri("wire-brief.html"), source_url="feed")
    ctx.store.add_entries([entry])
    doc = fetch_entry(entry, ctx)
    assert doc is not None, ctx.problems
    assert len(doc.text) < ctx.settings["extract.min_chars"]
    assert doc.text == ("The ferry link to Vänö was suspended on Sunday after a gale damaged the "
                        "loading ramp at Näset quay. Repairs will take at least two days, the "
                        "operator said.")
    assert doc.title == "Ferry link to Vänö suspended after gale damages ramp"
    assert doc.extractor == "trafilatura"
    assert "cookies" not in doc.text and "Sign up" not in doc.text
    assert ctx.problems == []


@pytest.mark.parametrize(("name", "why"), [
    ("cookie-wall.html", "not what the page's own description says"),
    ("soft-404.html", "not what the page's own description says"),
    ("section-front.html", "no publication time"),
    ("gallery-no-text.html", "0 characters extracted"),
    ("short-undescribed.html", "the page gives no description"),
])
def test_a_page_with_no_article_is_rejected_with_its_reason(ctx: Context, name: str,
                                                            why: str) -> None:
    # A consent wall, an error page served with 200, a section front whose blurb repeats
    # its description, a photo gallery: text, but no article. And a short text on a page
    # that says nothing of itself: nothing vouches that it is the page's article.
    entry = Entry(url=page_uri(name), source_url="feed")
    ctx.store.add_entries([entry])
    assert fetch_entry(entry, ctx) is None
    [problem] = ctx.problems
    assert (problem.reason, problem.item) == ("no_article_text", entry.url)
    assert why in problem.detail
    assert entry_status(ctx, entry.url) == ("failed", "no_article_text")


def test_a_short_jsonl_record_is_an_article(ctx: Context, tmp_path: Path) -> None:
    # A JSONL source gives the article's text itself: short or long, it is the article.
    record = {"url": "https://wire.example/2026/11/23/quay", "title": "Quay reopens",
              "text": "Näset quay reopened on Monday.", "published": "2026-11-23T10:00:00Z"}
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [entry] = discover([str(path)], ctx)
    doc = fetch_entry(entry, ctx)
    assert doc is not None and doc.text == "Näset quay reopened on Monday."


def test_a_404_page_is_recorded(ctx: Context, local_server: LocalServer) -> None:
    url = local_server.url("/2026/11/19/harbour-master")
    entry = Entry(url=url, source_url="feed")
    ctx.store.add_entries([entry])
    assert fetch_entry(entry, ctx) is None
    assert reasons(ctx) == [("http_404", url)]
    assert entry_status(ctx, url) == ("failed", "http_404")


# -- whole runs --------------------------------------------------------------------------


def test_an_article_url_over_http_is_fetched_and_stored(
        ctx: Context, local_server: LocalServer) -> None:
    local_server.routes["/2026/11/18/port-talks"] = Reply(
        body=(PAGES / "port-talks.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"})
    counts = ingest([local_server.url("/2026/11/18/port-talks")], ctx)
    assert counts["documents_new"] == 1
    [doc] = all_documents(ctx)
    assert doc.canonical_url == "https://gazette.example/2026/11/18/port-talks"
    assert doc.url == local_server.url("/2026/11/18/port-talks")
    assert doc.site_name == "Harbour Gazette"


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Gazette</title>
<item><title>Talks resume</title><link>/2026/11/18/port-talks</link></item>
<item><title>Harbour master to step down</title><link>/2026/11/19/harbour-master</link></item>
</channel></rss>"""


def test_a_feed_over_http_with_a_missing_page(ctx: Context, local_server: LocalServer) -> None:
    local_server.routes["/feeds/rss"] = Reply(body=RSS, headers={"Content-Type": "text/xml"})
    local_server.routes["/2026/11/18/port-talks"] = Reply(
        body=(PAGES / "port-talks.html").read_bytes(), headers={"Content-Type": "text/html"})
    counts = ingest([local_server.url("/feeds/rss")], ctx)
    assert (counts["documents_new"], counts["entries_failed"]) == (1, 1)
    assert reasons(ctx) == [("http_404", local_server.url("/2026/11/19/harbour-master"))]
    assert entry_status(ctx, local_server.url("/2026/11/18/port-talks"))[0] == "done"


def test_an_unchanged_feed_is_not_read_again(ctx: Context, local_server: LocalServer) -> None:
    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"gazette-42"':
            return Reply(304)
        return Reply(body=RSS, headers={"ETag": '"gazette-42"',
                                        "Content-Type": "application/rss+xml"})

    local_server.routes["/feeds/rss"] = feed
    local_server.routes["/2026/11/18/port-talks"] = Reply(
        body=(PAGES / "port-talks.html").read_bytes(), headers={"Content-Type": "text/html"})
    ingest([local_server.url("/feeds/rss")], ctx)
    ctx.counts.clear()
    requests_before = len(local_server.requests)
    counts = ingest([local_server.url("/feeds/rss")], ctx)
    assert counts == {"sources_not_modified": 1, "entries_found": 0, "entries_new": 0}
    assert local_server.paths()[requests_before:] == ["/feeds/rss"]  # no page fetched again


def test_ingesting_the_same_sources_twice_changes_nothing(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, **{"fetch.local_folders": [str(DATA)]})
    try:
        first = ingest([str(FEEDS)], ctx)
        stats = ctx.store.stats()
        ctx.counts.clear()
        second = ingest([str(FEEDS)], ctx)
        again = ctx.store.stats()
    finally:
        close_context(ctx)
    assert first["documents_new"] == 7
    assert stats["documents"] == 7
    assert stats["entries"] == {"done": 8, "failed": 1}
    for key in ("sources", "entries", "documents", "duplicates"):
        assert again[key] == stats[key], key
    assert second["entries_new"] == 0
    assert not any(key.startswith("documents_") for key in second)  # nothing fetched again


class CrashingFetcher:
    """Delegates to the real fetcher but raises on the n-th article page."""

    def __init__(self, real: Any, crash_on: int) -> None:
        self.real = real
        self.crash_on = crash_on
        self.pages = 0

    def fetch(self, url: str, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        if url.partition("#")[0].endswith(".html"):
            self.pages += 1
            if self.pages == self.crash_on:
                raise KeyboardInterrupt
        return self.real.fetch(url, etag, last_modified)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)  # allow_local, local_root


@pytest.fixture
def crash_ctx(tmp_path: Path) -> Iterator[Context]:
    context = make_context(tmp_path, **{"fetch.local_folders": [str(DATA)]})
    yield context
    close_context(context)


SOURCES = [str(FEEDS / "harbour-gazette.xml"), str(FEEDS / "river-times.atom"),
           str(FEEDS / "kustposten-cp1252.xml")]


def test_a_crash_mid_run_is_resumed_by_the_next_run(crash_ctx: Context) -> None:
    ctx = crash_ctx
    ctx.fetcher = CrashingFetcher(ctx.fetcher, crash_on=3)  # type: ignore[misc]
    with pytest.raises(KeyboardInterrupt):
        ingest(SOURCES, ctx)
    # The two pages fetched and extracted before the crash are kept (documents are
    # stored from them in entry order once every page of the pass is in).
    assert all_documents(ctx) == []
    assert [(d["url"], found["final_url"]) for _i, d, found in ctx.store.fetched_entries()] \
        == [(page_uri("port-talks.html"), page_uri("port-talks.html")),
            (page_uri("gallery-no-text.html"), page_uri("gallery-no-text.html"))]
    pending = [e.url for e in ctx.store.pending_entries()]
    assert pending == [page_uri("harbour-master-retires.html"), page_uri("bridge-vote.html"),
                       page_uri("ferry-cp1252.html"), page_uri("ferry-cp1252.html") + "#cafe"]
    assert ctx.store.claimants() == {}  # the interrupted claim was given back

    counting = CrashingFetcher(ctx.fetcher.real, crash_on=0)  # type: ignore[attr-defined]
    ctx.fetcher = counting  # type: ignore[misc]
    ctx.counts.clear()
    counts = ingest(SOURCES, ctx)
    assert counting.pages == 4  # the pending ones; the two kept pages are not fetched again
    assert ctx.store.pending_entries() == []
    assert counts["entries_new"] == 0
    assert counts["documents_new"] == 4
    assert counts["entries_failed"] == 1  # the missing page
    assert [d.canonical_url for d in all_documents(ctx)][:2] == [
        "https://gazette.example/2026/11/18/port-talks",
        "https://gazette.example/2026/11/19/frost-gallery"]
    assert len(all_documents(ctx)) == 4
    assert ctx.store.stats()["entries"] == {"done": 5, "failed": 1}


# -- the demo corpus ---------------------------------------------------------------------

MANIFEST: list[dict[str, Any]] = json.loads((demo_dir() / "manifest.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The whole demo corpus ingested over a local HTTP server, then ingested again."""
    ctx = make_context(tmp_path_factory.mktemp("demo"))
    with demo_sources() as sources:
        first = ingest(sources, ctx)
        stats = ctx.store.stats()
        problems = list(ctx.problems)
        ctx.counts.clear()
        second = ingest(sources, ctx)
    yield {"ctx": ctx, "first": first, "second": second, "stats": stats,
           "problems": problems, "docs": all_documents(ctx)}
    close_context(ctx)


def test_demo_every_article_is_stored_with_its_canonical_url(demo_run: dict[str, Any]) -> None:
    docs = {d.canonical_url: d for d in demo_run["docs"]}
    articles = [m for m in MANIFEST if m["kind"] == "article"]
    assert len(docs) == len(articles)
    for item in articles:
        doc = docs.get(item["url"])
        assert doc is not None, f"{item['id']} not stored under {item['url']}"
        assert doc.title == item["title"], item["id"]
        assert doc.published_at == parse_iso(item["published"]), item["id"]
        assert len(doc.text) >= 250, item["id"]


def test_demo_pages_without_text_and_missing_pages_are_recorded(
        demo_run: dict[str, Any]) -> None:
    found = {(p.reason, p.item.split("/pages/")[-1]) for p in demo_run["problems"]
             if p.stage == "extract"}
    expected = set()
    for item in MANIFEST:
        if item["kind"] == "no_text":
            expected.add(("no_article_text", item["page"].removeprefix("pages/")))
        elif item["kind"] == "missing":
            expected.add(("http_404", item["feed_link"].removeprefix("../pages/")))
    assert found == expected
    assert demo_run["stats"]["entries"]["failed"] == len(expected)


def test_demo_entry_without_link_is_recorded(demo_run: dict[str, Any]) -> None:
    linkless = [p for p in demo_run["problems"] if p.reason == "entry_without_link"]
    assert len(linkless) == 1
    assert "/feeds/meridian-herald.xml#entry-" in linkless[0].item


def test_demo_windows_1252_outlet_has_no_mojibake(demo_run: dict[str, Any]) -> None:
    coastline = [d for d in demo_run["docs"] if d.canonical_url.startswith(
        "https://coastlinetimes.example/")]
    assert len(coastline) == sum(1 for m in MANIFEST if m["outlet"] == "coastline-times"
                                 and m["kind"] == "article")
    for doc in coastline:
        text = doc.title + "\n" + doc.text + "\n" + doc.author
        assert "€" in text or "’" in text, doc.canonical_url
        for broken in MOJIBAKE:
            assert broken not in text, doc.canonical_url


def test_demo_second_run_changes_nothing(demo_run: dict[str, Any]) -> None:
    stats = demo_run["ctx"].store.stats()
    for key in ("sources", "entries", "documents"):
        assert stats[key] == demo_run["stats"][key]
    second = demo_run["second"]
    assert second["entries_new"] == 0
    assert second.get("sources_not_modified", 0) == 14  # every feed answered 304
    assert not any(key.startswith("documents_") for key in second)


def _feed(title: str, updated: str = "") -> bytes:
    stamp = f"<atom:updated>{updated}</atom:updated>" if updated else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Harbour Gazette'
            f"</title><item><title>{title}</title><link>/2026/11/18/port-talks</link>"
            f"{stamp}</item></channel></rss>").encode()


def test_an_item_its_feed_shows_edited_is_fetched_again_and_its_document_updated(
        ctx: Context, local_server: LocalServer) -> None:
    page = (PAGES / "port-talks.html").read_bytes()
    html = {"Content-Type": "text/html; charset=utf-8"}
    rss = {"Content-Type": "application/rss+xml"}
    article = local_server.url("/2026/11/18/port-talks")
    local_server.routes["/feeds/rss"] = Reply(body=_feed("Talks resume"), headers=rss)
    local_server.routes["/2026/11/18/port-talks"] = Reply(body=page, headers=html)
    assert ingest([local_server.url("/feeds/rss")], ctx)["documents_new"] == 1
    [original] = all_documents(ctx)

    # the same feed again, nothing changed: nothing fetched
    counts = ingest([local_server.url("/feeds/rss")], ctx)  # (counts add up over runs)
    assert "entries_edited" not in counts
    assert local_server.paths().count("/2026/11/18/port-talks") == 1

    # the feed shows the item edited, and the page has a new paragraph
    added = ("<p>Union leaders said late on Wednesday that a vote on the offer would be "
             "held on Friday morning.</p>")
    local_server.routes["/feeds/rss"] = Reply(
        body=_feed("Talks resume, vote on Friday", "2026-11-18T22:00:00Z"), headers=rss)
    local_server.routes["/2026/11/18/port-talks"] = Reply(
        body=page.replace(b"</article>", added.encode() + b"</article>", 1), headers=html)
    counts = ingest([local_server.url("/feeds/rss")], ctx)
    assert counts["entries_edited"] == 1 and counts["documents_updated"] == 1
    assert local_server.paths().count("/2026/11/18/port-talks") == 2
    [updated] = all_documents(ctx)  # the same document, back at the start of the pipeline
    assert updated.id == original.id
    assert "a vote on the offer would be held on Friday morning" in updated.text
    assert entry_status(ctx, article) == ("done", "updated")

    # polled again with the edit already seen: not fetched a third time
    counts = ingest([local_server.url("/feeds/rss")], ctx)
    assert counts["entries_edited"] == 1  # still the one edit
    assert local_server.paths().count("/2026/11/18/port-talks") == 2


def test_another_source_describing_a_known_item_differently_does_not_refetch_it(
        ctx: Context, local_server: LocalServer) -> None:
    rss = {"Content-Type": "application/rss+xml"}
    local_server.routes["/feeds/rss"] = Reply(body=_feed("Talks resume"), headers=rss)
    local_server.routes["/feeds/other"] = Reply(body=_feed("Port talks: live updates",
                                                           "2026-11-19T08:00:00Z"),
                                                headers=rss)
    local_server.routes["/2026/11/18/port-talks"] = Reply(
        body=(PAGES / "port-talks.html").read_bytes(), headers={"Content-Type": "text/html"})
    ingest([local_server.url("/feeds/rss")], ctx)
    counts = ingest([local_server.url("/feeds/other")], ctx)
    assert "entries_edited" not in counts
    assert local_server.paths().count("/2026/11/18/port-talks") == 1


def test_an_edited_item_whose_page_is_now_gone_keeps_its_document(
        ctx: Context, local_server: LocalServer) -> None:
    rss = {"Content-Type": "application/rss+xml"}
    local_server.routes["/feeds/rss"] = Reply(body=_feed("Talks resume"), headers=rss)
    local_server.routes["/2026/11/18/port-talks"] = Reply(
        body=(PAGES / "port-talks.html").read_bytes(), headers={"Content-Type": "text/html"})
    ingest([local_server.url("/feeds/rss")], ctx)
    [before] = all_documents(ctx)
    local_server.routes["/feeds/rss"] = Reply(body=_feed("Talks resume (corrected)"),
                                              headers=rss)
    local_server.routes["/2026/11/18/port-talks"] = Reply(404, b"gone")
    counts = ingest([local_server.url("/feeds/rss")], ctx)
    assert counts["entries_edited"] == 1 and counts["entries_failed"] == 1
    [after] = all_documents(ctx)
    assert (after.id, after.text, after.title) == (before.id, before.text, before.title)
