"""Discovery: the article entries that sources list.

Sources are feed URLs (RSS 2.0, Atom, JSON Feed), OPML lists of feeds, single article
URLs, local HTML files, JSONL files and folders of any of these. Every link a source
gives passes the fetch policy (:mod:`newsdesk.fetch_policy`) before it is queued: a
remote document may only send newsdesk to http(s) URLs, and local files are read only
inside the folders the operator named.

Hostile sources are bounded: at most ``ingest.max_items_per_feed`` items of a feed or
OPML list are read, OPML lists are followed at most ``ingest.max_opml_depth`` lists
deep, JSON nested deeper than ``ingest.max_json_depth`` is refused, and any failure
while reading one source is recorded against it while the others are read.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser

from newsdesk.content_types import unsupported_reason
from newsdesk.decode import decode_bytes
from newsdesk.errors import FetchError
from newsdesk.fetch_policy import check_link, file_url_path, scheme_of
from newsdesk.pipeline import Context
from newsdesk.records import Entry, parse_iso
from newsdesk.safe_json import TooDeep, loads_bounded

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".json", ".rdf"}
HTML_SUFFIXES = {".html", ".htm"}
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_ITEM_START = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]", re.IGNORECASE)
#: Item-level problems recorded per source before the rest are only counted.
PROBLEMS_PER_SOURCE = 20
#: Publication times further ahead than this are a source's error, not news.
FUTURE_SLACK = timedelta(days=1)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
log = logging.getLogger(__name__)


def to_url(spec: str) -> str:
    """A source given as a path becomes a file:// URL; URLs pass through."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", spec) and not re.match(r"^[a-zA-Z]:[\\/]", spec):
        return spec
    return Path(spec).expanduser().resolve().as_uri()


def plausible_date(value: datetime | None, ctx: Context | None = None) -> datetime | None:
    """``value`` unless it lies in the far past (before 1900) or ahead of now; such dates
    are dropped (and counted as ``dates_implausible``)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if EARLIEST <= value <= datetime.now(UTC) + FUTURE_SLACK:
        return value
    if ctx is not None:
        ctx.count("dates_implausible")
    return None


def _struct_time(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (OverflowError, ValueError, TypeError, OSError):
        return None


class _Source:
    """One source being read: where it is, its limits, and its capped problem list."""

    def __init__(self, url: str, ctx: Context) -> None:
        self.url = url
        self.ctx = ctx
        self.items_problems = 0
        self.max_items = int(ctx.settings["ingest.max_items_per_feed"])
        self.max_json_depth = int(ctx.settings["ingest.max_json_depth"])

    def item_problem(self, item: str, reason: str, detail: str) -> None:
        """Record a problem with one item; past PROBLEMS_PER_SOURCE they are counted."""
        self.items_problems += 1
        if self.items_problems <= PROBLEMS_PER_SOURCE:
            self.ctx.problem("ingest", item, reason, detail)
        else:
            self.ctx.count(f"item_problems_not_listed_{reason}")

    def link(self, link: str, base: str, item: str) -> tuple[str, str] | None:
        """(URL, local root) of a link this source gives, or ``None`` (recorded)."""
        try:
            url = check_link(link, base, self.ctx.fetcher.local_root)
        except FetchError as exc:
            self.item_problem(item, exc.reason, f"{exc.url}: {exc.detail}")
            return None
        root = ""
        if scheme_of(url) == "file":
            found = self.ctx.fetcher.local_root(file_url_path(url))
            root = str(found) if found else ""
        return url, root


def queue(entries: list[Entry], ctx: Context) -> int:
    """Queue ``entries`` for fetching; those their own source shows edited are queued
    again (counted as ``entries_edited``, see the store's ``queue_entries``). Returns how
    many entries are new."""
    new, edits = ctx.store.queue_entries(entries)
    if edits:
        ctx.count("entries_edited", edits)
    return new


def discover(specs: Sequence[str], ctx: Context) -> list[Entry]:
    """Every article entry the given sources list. Broken sources are recorded, skipped.

    Local sources (paths and ``file:`` URLs) are the operator's: each named folder, or
    the folder of each named file, is granted to the fetcher, and only files inside
    those folders are ever read.
    """
    entries: list[Entry] = []
    seen: set[str] = set()  # each source is read once per run, and an OPML cycle ends
    named: list[tuple[str, Path | None]] = []
    path: Path | None
    for spec in specs:
        url = to_url(spec)
        scheme = scheme_of(url)
        if scheme == "file":
            try:
                path = Path(file_url_path(url)).resolve()
            except FetchError as exc:
                ctx.problem("ingest", spec, exc.reason, exc.detail)
                continue
            ctx.fetcher.allow_local(path if path.is_dir() else path.parent)
            named.append((path.as_uri(), path))
        elif scheme in {"http", "https"}:
            named.append((url, None))
        else:
            ctx.problem("ingest", spec, "unsupported_scheme",
                        "a source is an http(s) URL, a file: URL or a local path")
    for url, path in named:
        if path is not None and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in (
                        FEED_SUFFIXES | HTML_SUFFIXES | {".opml", ".jsonl"}):
                    entries.extend(_discover_guarded(child.as_uri(), ctx, seen, 0))
        else:
            entries.extend(_discover_guarded(url, ctx, seen, 0))
    return entries


def _discover_guarded(url: str, ctx: Context, seen: set[str], depth: int) -> list[Entry]:
    """:func:`_discover_one`, with any failure recorded against the source."""
    try:
        return _discover_one(url, ctx, seen, depth)
    except Exception as exc:  # one bad source must never stop the run
        log.exception("ingest: reading %s failed", url)
        ctx.problem("ingest", url, "internal_error", f"{type(exc).__name__}: {exc}"[:2000])
        ctx.store.update_source(url, "feed", status="failed", error=type(exc).__name__)
        return []


def _local_root(url: str, ctx: Context) -> str:
    if scheme_of(url) != "file":
        return ""
    found = ctx.fetcher.local_root(file_url_path(url))
    return str(found) if found else ""


def _discover_one(url: str, ctx: Context, seen: set[str], depth: int) -> list[Entry]:
    if url in seen:
        return []
    seen.add(url)
    lowered = urlsplit(url).path.lower()
    if lowered.endswith(tuple(HTML_SUFFIXES)):
        return [Entry(url=url, source_url=url, local_root=_local_root(url, ctx))]
    etag, modified = ctx.store.source_validators(url)
    try:
        fetched = ctx.fetcher.fetch(url, etag, modified)
    except FetchError as exc:
        ctx.problem("ingest", url, exc.reason, exc.detail)
        ctx.store.update_source(url, "feed", status="failed", error=str(exc))
        return []
    if fetched.not_modified:
        ctx.store.update_source(url, "feed", status="not_modified")
        ctx.count("sources_not_modified")
        return []
    content = fetched.content
    binary = unsupported_reason(content, fetched.content_type)
    if binary:
        ctx.problem("ingest", url, "unsupported_content_type", binary)
        ctx.store.update_source(url, "feed", status="failed", error="unsupported_content_type")
        return []
    source = _Source(url, ctx)
    kind = _sniff(lowered, content)
    if kind == "opml":
        feeds = parse_opml(content, fetched.final_url, url, ctx, source)
        ctx.store.update_source(url, "opml", status="ok", entries_found=len(feeds))
        limit = int(ctx.settings["ingest.max_opml_depth"])
        if feeds and depth >= limit:
            ctx.problem("ingest", url, "too_deep",
                        f"an OPML list {depth + 1} lists deep (ingest.max_opml_depth = "
                        f"{limit}); its {len(feeds)} sources are not read")
            return []
        found: list[Entry] = []
        for feed_url in feeds:
            found.extend(_discover_guarded(feed_url, ctx, seen, depth + 1))
        return found
    if kind == "jsonl":
        entries = parse_jsonl(content, url, ctx, source, fetched.final_url)
        ctx.store.update_source(url, "jsonl", status="ok", entries_found=len(entries))
        return entries
    if kind == "html":
        return [Entry(url=url, source_url=url, local_root=_local_root(url, ctx))]
    entries, title = parse_feed(content, fetched.final_url, url, fetched.headers, ctx,
                                reader=source)
    # The feed's validators (ETag, Last-Modified) are stored in the same transaction as
    # its entries: stored alone, a run killed before queueing the entries would get a
    # 304 for the feed next time and never see them.
    with ctx.store.transaction():
        ctx.count("entries_new", queue(entries, ctx))
        ctx.store.update_source(url, "feed", status="ok" if entries else "empty", title=title,
                                etag=fetched.etag, last_modified=fetched.last_modified,
                                entries_found=len(entries))
    ctx.count("feeds_read")
    ctx.checkpoint("discover")
    return entries


def _sniff(path: str, content: bytes) -> str:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if path.endswith(".opml") or b"<opml" in head:
        return "opml"
    if path.endswith(".jsonl"):
        return "jsonl"
    if head.startswith(b"{") or b"<rss" in head or b"<feed" in head or b"<rdf" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    return "feed"


def parse_opml(content: bytes, base_url: str, source: str, ctx: Context,
               reader: _Source | None = None) -> list[str]:
    """Feed URLs listed in an OPML document (nested outlines included), each checked
    against the fetch policy; at most ``ingest.max_items_per_feed`` of them."""
    reader = reader or _Source(source, ctx)
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        ctx.problem("ingest", source, "malformed_opml", str(exc))
        return []
    urls: list[str] = []
    listed = 0
    for index, node in enumerate(root.iter("outline")):
        link = node.get("xmlUrl", "").strip()
        if not link:
            continue
        listed += 1
        if listed > reader.max_items:
            continue
        checked = reader.link(link, base_url, f"{source}#outline-{index + 1}")
        if checked:
            urls.append(checked[0])
    if listed > reader.max_items:
        ctx.problem("ingest", source, "too_many_items",
                    f"{listed} outlines; the first {reader.max_items} read "
                    "(ingest.max_items_per_feed)")
    if not listed:
        ctx.problem("ingest", source, "empty_opml", "no <outline xmlUrl=...> entries")
    return urls


def parse_json_feed(content: bytes, base_url: str, source: str, ctx: Context,
                    reader: _Source | None = None) -> tuple[list[Entry], str] | None:
    """Entries of a JSON Feed (1.0 or 1.1), or ``None`` if the content is not one.

    Raises:
        TooDeep: the JSON nests deeper than ``ingest.max_json_depth``.
    """
    reader = reader or _Source(source, ctx)
    try:
        feed = loads_bounded(decode_bytes(content)[0], reader.max_json_depth)
    except TooDeep:
        raise
    except ValueError:
        return None
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        return None
    title = str(feed.get("title", ""))
    items = feed.get("items") or []
    if not isinstance(items, list):
        ctx.problem("ingest", source, "malformed_feed", "'items' is not a list")
        return [], title
    if len(items) > reader.max_items:
        ctx.problem("ingest", source, "too_many_items",
                    f"{len(items)} items; the first {reader.max_items} read "
                    "(ingest.max_items_per_feed)")
    entries = []
    for index, item in enumerate(items[:reader.max_items]):
        name = f"{source}#item-{index + 1}"
        if not isinstance(item, dict):
            reader.item_problem(name, "bad_feed_item", "not an object")
            continue
        link = item.get("url") or item.get("external_url") or ""
        if not link or not isinstance(link, str):
            reader.item_problem(name, "entry_without_link",
                                f"title: {str(item.get('title', '(none)'))[:200]!r}")
            continue
        checked = reader.link(link, base_url, name)
        if checked is None:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        if not isinstance(authors, list):
            authors = [authors]
        html = item.get("content_html") or ""
        try:
            published = parse_iso(str(item.get("date_published") or "").replace("Z", "+00:00"))
        except (ValueError, OverflowError):
            published = None
        entries.append(Entry(
            url=checked[0], source_url=source, local_root=checked[1],
            title=str(item.get("title", "")), summary=str(item.get("summary", "")),
            content=str(html or item.get("content_text") or ""), content_is_html=bool(html),
            author=", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict)),
            published_at=plausible_date(published, ctx), site_name=title,
            language=str(item.get("language") or feed.get("language") or "")[:2],
        ))
    return entries, title


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));?")


def _defuse_char_refs(content: bytes) -> bytes:
    """Character references to no character (``&#2000000;``, ``&#xD800;``) become U+FFFD:
    feedparser raises on them instead of reporting a malformed feed."""
    def fix(match: re.Match[bytes]) -> bytes:
        value = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF or value == 0:
            return b"&#xFFFD;"
        return match.group(0)

    return _CHAR_REF.sub(fix, content) if b"&#" in content else content


def _cut_items(content: bytes, limit: int) -> tuple[bytes, int]:
    """The feed cut before its ``limit + 1``-th item, and how many items it had.

    Cutting the bytes before parsing keeps a feed of 100,000 items from being parsed
    (and held) whole; the parser reads the cut feed as truncated.
    """
    starts = [m.start() for m in _ITEM_START.finditer(content)]
    if len(starts) <= limit:
        return content, len(starts)
    return content[:starts[limit]], len(starts)


def parse_feed(content: bytes, base_url: str, source: str, headers: dict[str, str],
               ctx: Context, *, reader: _Source | None = None) -> tuple[list[Entry], str]:
    """Entries of an RSS, Atom or JSON feed. Entry links are resolved against the feed
    and checked against the fetch policy."""
    reader = reader or _Source(source, ctx)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            as_json = parse_json_feed(content, base_url, source, ctx, reader)
        except TooDeep as exc:
            ctx.problem("ingest", source, "too_deep", str(exc))
            return [], ""
        if as_json is not None:
            return as_json
        ctx.problem("ingest", source, "malformed_feed", "JSON that is not a JSON Feed")
        return [], ""
    content, items = _cut_items(content, reader.max_items)
    cut = items > reader.max_items
    if cut:
        ctx.problem("ingest", source, "too_many_items",
                    f"{items} items; the first {reader.max_items} read "
                    "(ingest.max_items_per_feed)")
    # feedparser turns a file:// base into "file://a/..." (host "a"), so it only gets an
    # http(s) base; every link is joined with the feed's URL below anyway.
    base = {"content-location": base_url} if base_url.startswith(("http://", "https://")) else {}
    try:
        parsed = feedparser.parse(_defuse_char_refs(content), response_headers={
            **base, **{k.lower(): v for k, v in headers.items()}})
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError,
            UnicodeError) as exc:
        ctx.problem("ingest", source, "malformed_feed",
                    f"the feed parser failed: {type(exc).__name__}: {exc}"[:500])
        return [], ""
    # A missing or non-XML Content-Type (every local file) and a charset header that the
    # XML declaration overrides are normal on the web, not a broken feed.
    bozo = parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS_BOZO)
    if bozo and not parsed.entries:
        ctx.problem("ingest", source, "malformed_feed", str(parsed.get("bozo_exception", "")))
        return [], ""
    if bozo and not cut:
        ctx.problem("ingest", source, "feed_not_well_formed",
                    f"{parsed.get('bozo_exception', '')}; {len(parsed.entries)} entries read")
    feed_title = str(parsed.feed.get("title", ""))
    entries = []
    for index, item in enumerate(parsed.entries):
        name = f"{source}#entry-{index + 1}"
        link = item.get("link") or ""
        if not link and re.match(r"^https?://|^\.{0,2}/", str(item.get("id", ""))):
            link = item["id"]
        if not link:
            reader.item_problem(name, "entry_without_link",
                                f"title: {str(item.get('title', '(none)'))[:200]!r}")
            continue
        checked = reader.link(str(link), base_url, name)
        if checked is None:
            continue
        content_html = ""
        if item.get("content"):
            content_html = str(item["content"][0].get("value", ""))
        published = _struct_time(item.get("published_parsed") or item.get("updated_parsed"))
        entries.append(Entry(
            url=checked[0],
            source_url=source,
            local_root=checked[1],
            title=str(item.get("title", "")),
            summary=str(item.get("summary", "")),
            content=content_html,
            content_is_html=True,
            author=str(item.get("author", "")),
            published_at=plausible_date(published, ctx),
            site_name=feed_title,
            language=str(parsed.feed.get("language", ""))[:2],
            # the item's own <updated> only (feedparser's item.get would fall back on
            # the publication date)
            updated=str(dict.get(item, "updated") or "")[:64],
        ))
    return entries, feed_title


def parse_jsonl(content: bytes, source: str, ctx: Context, reader: _Source | None = None,
                base_url: str = "") -> list[Entry]:
    """Articles from a JSON Lines file: one object per line with ``url`` and ``text``
    (or ``html``), optionally ``title``, ``published``, ``author``, ``site_name``, ``language``.

    Each ``url`` passes the fetch policy too: it becomes the article's source link.
    """
    reader = reader or _Source(source, ctx)
    text, _ = decode_bytes(content)
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        item = f"{source}:{number}"
        try:
            record = loads_bounded(line, reader.max_json_depth)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            url = str(record["url"])
            body = record.get("text") or record.get("html")
            if not body:
                raise ValueError("no 'text' or 'html'")
            checked = reader.link(url, base_url or source, item)
            if checked is None:
                continue
            entries.append(Entry(
                url=checked[0], source_url=source, title=str(record.get("title", "")),
                content=str(body), content_is_html=not record.get("text"),
                author=str(record.get("author", "")),
                published_at=plausible_date(parse_iso(record.get("published")), ctx),
                site_name=str(record.get("site_name", "")),
                language=str(record.get("language", "")),
                summary=str(record.get("summary", "")),
                fetch=False, local_root=checked[1],
            ))
        except TooDeep as exc:
            reader.item_problem(item, "too_deep", str(exc))
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            reader.item_problem(item, "bad_jsonl_record", str(exc)[:500])
    return entries
