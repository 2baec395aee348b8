"""Ingest: find article entries in sources, fetch each page, extract it, store it.

Sources are feed URLs (RSS 2.0, Atom, JSON Feed), OPML lists of feeds, single article
URLs, local HTML files, JSONL files and folders of any of these. Entries go into a
queue in the store first, so a crash while fetching leaves the rest pending for the
next run rather than lost.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree import ElementTree

import feedparser

from newsdesk.backends.extractor import Extracted, Rejection
from newsdesk.decode import decode_bytes, decode_document
from newsdesk.errors import FetchError
from newsdesk.pipeline import Context
from newsdesk.records import Document, Entry, parse_iso

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".json", ".rdf"}
HTML_SUFFIXES = {".html", ".htm"}
_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|cmpid$)")
_WS = re.compile(r"\s+")
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """A URL without fragment and tracking parameters, with a lower-case host."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING.match(k.lower())])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def content_hash(text: str) -> str:
    """SHA-256 of the text with case and white space folded: equal text, equal hash."""
    return hashlib.sha256(_WS.sub(" ", text).strip().casefold().encode("utf-8")).hexdigest()


def to_url(spec: str) -> str:
    """A source given as a path becomes a file:// URL; URLs pass through."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", spec):
        return spec
    return Path(spec).expanduser().resolve().as_uri()


def _local_path(url: str) -> Path | None:
    parts = urlsplit(url)
    return Path(parts.path) if parts.scheme == "file" else None


def _struct_time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None


# -- discovery -------------------------------------------------------------------------


def discover(specs: Sequence[str], ctx: Context) -> list[Entry]:
    """Every article entry the given sources list. Broken sources are recorded, skipped."""
    entries: list[Entry] = []
    seen: set[str] = set()  # each source is read once per run, and an OPML cycle ends
    for spec in specs:
        url = to_url(spec)
        path = _local_path(url)
        if path is not None and path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in (
                        FEED_SUFFIXES | HTML_SUFFIXES | {".opml", ".jsonl"}):
                    entries.extend(_discover_one(child.as_uri(), ctx, seen))
        else:
            entries.extend(_discover_one(url, ctx, seen))
    return entries


def _discover_one(url: str, ctx: Context, seen: set[str]) -> list[Entry]:
    if url in seen:
        return []
    seen.add(url)
    lowered = urlsplit(url).path.lower()
    if lowered.endswith(tuple(HTML_SUFFIXES)):
        return [Entry(url=url, source_url=url)]
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
    kind = _sniff(lowered, content)
    if kind == "opml":
        feeds = parse_opml(content, fetched.final_url, url, ctx)
        ctx.store.update_source(url, "opml", status="ok", entries_found=len(feeds))
        found: list[Entry] = []
        for feed_url in feeds:
            found.extend(_discover_one(feed_url, ctx, seen))
        return found
    if kind == "jsonl":
        entries = parse_jsonl(content, url, ctx)
        ctx.store.update_source(url, "jsonl", status="ok", entries_found=len(entries))
        return entries
    if kind == "html":
        return [Entry(url=url, source_url=url)]
    entries, title = parse_feed(content, fetched.final_url, url, fetched.headers, ctx)
    ctx.store.update_source(url, "feed", status="ok" if entries else "empty", title=title,
                            etag=fetched.etag, last_modified=fetched.last_modified,
                            entries_found=len(entries))
    ctx.count("feeds_read")
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


def parse_opml(content: bytes, base_url: str, source: str, ctx: Context) -> list[str]:
    """Feed URLs listed in an OPML document (nested outlines included)."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        ctx.problem("ingest", source, "malformed_opml", str(exc))
        return []
    urls = [urljoin(base_url, node.get("xmlUrl", "").strip())
            for node in root.iter("outline") if node.get("xmlUrl")]
    if not urls:
        ctx.problem("ingest", source, "empty_opml", "no <outline xmlUrl=...> entries")
    return urls


def parse_json_feed(content: bytes, base_url: str, source: str,
                    ctx: Context) -> tuple[list[Entry], str] | None:
    """Entries of a JSON Feed (1.0 or 1.1), or ``None`` if the content is not one."""
    try:
        feed = json.loads(decode_bytes(content)[0])
    except ValueError:
        return None
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        return None
    title = str(feed.get("title", ""))
    entries = []
    for index, item in enumerate(feed.get("items") or []):
        if not isinstance(item, dict):
            ctx.problem("ingest", f"{source}#item-{index + 1}", "bad_feed_item", "not an object")
            continue
        link = item.get("url") or item.get("external_url") or ""
        if not link:
            ctx.problem("ingest", f"{source}#item-{index + 1}", "entry_without_link",
                        f"title: {item.get('title', '(none)')!r}")
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        html = item.get("content_html") or ""
        try:
            published = parse_iso(str(item.get("date_published") or "").replace("Z", "+00:00"))
        except ValueError:
            published = None
        entries.append(Entry(
            url=urljoin(base_url, str(link)), source_url=source,
            title=str(item.get("title", "")), summary=str(item.get("summary", "")),
            content=str(html or item.get("content_text") or ""), content_is_html=bool(html),
            author=", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict)),
            published_at=published, site_name=title,
            language=str(item.get("language") or feed.get("language") or "")[:2],
        ))
    return entries, title


def parse_feed(content: bytes, base_url: str, source: str, headers: dict[str, str],
               ctx: Context) -> tuple[list[Entry], str]:
    """Entries of an RSS, Atom or JSON feed. Entry links are resolved against the feed."""
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        as_json = parse_json_feed(content, base_url, source, ctx)
        if as_json is not None:
            return as_json
        ctx.problem("ingest", source, "malformed_feed", "JSON that is not a JSON Feed")
        return [], ""
    # feedparser turns a file:// base into "file://a/..." (host "a"), so it only gets an
    # http(s) base; every link is joined with the feed's URL below anyway.
    base = {"content-location": base_url} if base_url.startswith(("http://", "https://")) else {}
    parsed = feedparser.parse(content, response_headers={
        **base, **{k.lower(): v for k, v in headers.items()}})
    # A missing or non-XML Content-Type (every local file) and a charset header that the
    # XML declaration overrides are normal on the web, not a broken feed.
    bozo = parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS_BOZO)
    if bozo and not parsed.entries:
        ctx.problem("ingest", source, "malformed_feed", str(parsed.get("bozo_exception", "")))
        return [], ""
    if bozo:
        ctx.problem("ingest", source, "feed_not_well_formed",
                    f"{parsed.get('bozo_exception', '')}; {len(parsed.entries)} entries read")
    feed_title = str(parsed.feed.get("title", ""))
    entries = []
    for index, item in enumerate(parsed.entries):
        link = item.get("link") or ""
        if not link and re.match(r"^https?://|^\.{0,2}/", str(item.get("id", ""))):
            link = item["id"]
        if not link:
            ctx.problem("ingest", f"{source}#entry-{index + 1}", "entry_without_link",
                        f"title: {item.get('title', '(none)')!r}")
            continue
        content_html = ""
        if item.get("content"):
            content_html = str(item["content"][0].get("value", ""))
        entries.append(Entry(
            url=urljoin(base_url, link),
            source_url=source,
            title=str(item.get("title", "")),
            summary=str(item.get("summary", "")),
            content=content_html,
            content_is_html=True,
            author=str(item.get("author", "")),
            published_at=_struct_time(item.get("published_parsed") or item.get("updated_parsed")),
            site_name=feed_title,
            language=str(parsed.feed.get("language", ""))[:2],
        ))
    return entries, feed_title


def parse_jsonl(content: bytes, source: str, ctx: Context) -> list[Entry]:
    """Articles from a JSON Lines file: one object per line with ``url`` and ``text``
    (or ``html``), optionally ``title``, ``published``, ``author``, ``site_name``, ``language``.
    """
    text, _ = decode_bytes(content)
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        item = f"{source}:{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            url = str(record["url"])
            body = record.get("text") or record.get("html")
            if not body:
                raise ValueError("no 'text' or 'html'")
            entries.append(Entry(
                url=url, source_url=source, title=str(record.get("title", "")),
                content=str(body), content_is_html=not record.get("text"),
                author=str(record.get("author", "")),
                published_at=parse_iso(record.get("published")),
                site_name=str(record.get("site_name", "")),
                language=str(record.get("language", "")),
                summary=str(record.get("summary", "")),
                fetch=False,
            ))
        except (ValueError, KeyError, TypeError) as exc:
            ctx.problem("ingest", item, "bad_jsonl_record", str(exc))
    return entries


# -- fetching and extraction -----------------------------------------------------------


def _feed_text(content: str, is_html: bool) -> str:
    """Plain text of content a feed or JSONL record carried itself."""
    if not content.strip():
        return ""
    if not is_html:
        return "\n".join(p.strip() for p in content.split("\n") if p.strip())
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(content)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    blocks = [b.text_content().strip() for b in tree.iter("p", "li", "h2", "h3")]
    return "\n".join(b for b in blocks if b) or tree.text_content().strip()


def _extract_page(entry: Entry, ctx: Context) -> tuple[str, Extracted | None]:
    """Fetch, decode and extract the entry's page: (final URL, what the extractor found).
    Character repairs made while decoding are counted (``decode_<repair>``)."""
    fetched = ctx.fetcher.fetch(entry.url)
    decoded = decode_document(fetched.content, fetched.charset)
    for kind, n in decoded.repairs.items():
        ctx.count(f"decode_{kind}", n)
    found = ctx.extractor.extract(decoded.text, fetched.final_url)
    return fetched.final_url, found


def fetch_entry(entry: Entry, ctx: Context) -> Document | None:
    """Fetch and extract one entry. Returns ``None`` (with a recorded problem) on failure.

    The page goes through the configured extractor (a chain by default); when it gives
    less than ``extract.min_chars``, the feed entry's own content, then its summary, is
    used instead. Lines that recur across the site's stored pages are stripped first.
    Which extractor produced the text is ``Document.extractor``; why the others were
    passed over is counted (``rejected_<extractor>_<reason>``) and logged.
    """
    min_chars = ctx.settings["extract.min_chars"]
    text, extractor = "", ""
    page_meta: Extracted | None = None
    final_url = entry.url
    reason, detail = "", ""
    rejected: list[Rejection] = []
    stripped: list[str] = []
    if entry.fetch:
        try:
            final_url, page_meta = _extract_page(entry, ctx)
        except FetchError as exc:
            reason, detail = exc.reason, exc.detail
    canonical = (page_meta.canonical_url if page_meta and page_meta.canonical_url else "") or (
        entry.url if entry.url.startswith("http") else final_url)
    if page_meta is not None:
        rejected = list(page_meta.rejected)
        found, stripped = ctx.boilerplate.strip(canonical, page_meta.text)
        if len(found) >= min_chars:
            text, extractor = found, page_meta.extractor or ctx.extractor.name
        else:
            reason, detail = "no_article_text", f"{len(found)} characters extracted"
            if stripped:
                detail += f" after stripping {len(stripped)} site boilerplate lines"
    elif entry.fetch and not reason:
        reason, detail = "no_article_text", "0 characters extracted"
    if not text:
        for label, content, is_html in (
                ("feed-content", entry.content, entry.content_is_html),
                ("feed-summary", entry.summary, True)):
            fallback, stripped = ctx.boilerplate.strip(canonical, _feed_text(content, is_html))
            if len(fallback) >= min_chars:
                text, extractor = fallback, label
                if reason:
                    rejected.append(Rejection("page", reason, detail))
                    ctx.count(f"fell_back_to_{label.replace('-', '_')}")
                break
    if not text:
        for rejection in rejected:
            ctx.count(f"rejected_{rejection.extractor}_{rejection.reason}")
        if rejected:
            detail = (detail or "the source gave no text") + "; " + "; ".join(
                str(r) for r in rejected)
        ctx.problem("extract", entry.url, reason or "no_article_text",
                    detail or "the source gave no text")
        ctx.store.finish_entry(entry.url, "failed", reason or "no_article_text", detail)
        return None
    _record_extraction(ctx, entry.url, extractor, rejected, stripped)
    ctx.boilerplate.learn(canonical, text, key=normalize_url(canonical))
    meta = page_meta
    page_date = (meta.published if meta else "").strip()
    published = parse_iso_lenient(page_date) or entry.published_at
    if (len(page_date) == 10 and published and entry.published_at
            and entry.published_at.date() == published.date()):
        published = entry.published_at  # a bare day on the page: keep the feed's exact time
    return Document(
        url=final_url,
        canonical_url=normalize_url(canonical),
        title=((meta.title if meta else "") or entry.title).strip(),
        text=text,
        content_hash=content_hash(text),
        author=((meta.author if meta else "") or entry.author).strip(),
        published_at=published,
        site_name=((meta.site_name if meta else "") or entry.site_name
                   or urlsplit(canonical).hostname or "").strip(),
        language=(meta.language if meta and meta.language else entry.language) or "",
        source_url=entry.source_url,
        extractor=extractor,
    )


def _record_extraction(ctx: Context, url: str, extractor: str, rejected: list[Rejection],
                       stripped: list[str]) -> None:
    """Count and log which extractor gave the text, what was passed over, what stripped."""
    ctx.count(f"extracted_by_{extractor}")
    for rejection in rejected:
        ctx.count(f"rejected_{rejection.extractor}_{rejection.reason}")
    if rejected:
        log.info("extract: %s: text from %s; passed over %s", url, extractor,
                 "; ".join(str(r) for r in rejected))
    if stripped:
        ctx.count("boilerplate_lines_stripped", len(stripped))
        ctx.count("documents_with_boilerplate_stripped")
        log.info("extract: %s: stripped %d site boilerplate lines: %s", url, len(stripped),
                 " | ".join(line[:60] for line in stripped))


def parse_iso_lenient(value: str) -> datetime | None:
    """An ISO 8601 time from page metadata, or ``None`` when it does not parse."""
    if not value:
        return None
    try:
        return parse_iso(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def ingest(specs: Sequence[str], ctx: Context) -> dict[str, int]:
    """Discover entries in ``specs``, queue them, then fetch and store every pending entry.

    Returns counts: entries found and new, documents new, updated and unchanged, failures.
    """
    entries = discover(specs, ctx)
    new = ctx.store.add_entries(entries)
    ctx.count("entries_found", len(entries))
    ctx.count("entries_new", new)
    pending = ctx.store.pending_entries()
    for entry in ctx.track(pending, "fetching articles"):
        doc = fetch_entry(entry, ctx)
        if doc is None:
            ctx.count("entries_failed")
            continue
        doc_id, outcome = ctx.store.save_document(doc)
        ctx.store.finish_entry(entry.url, "done", outcome, document_id=doc_id)
        ctx.count(f"documents_{outcome}")
    return dict(ctx.counts)
