"""Ingest: find article entries in sources, fetch each page, extract it, store it.

Discovery (feeds, OPML lists, JSONL files, pages, folders, and the fetch policy every
link passes) lives in :mod:`newsdesk.stages.discover`. Entries go into a queue in the
store first, so a crash while fetching leaves the rest pending for the next run rather
than lost. Any failure while handling one entry is recorded against it and the run goes
on; an entry that failed for a passing reason (a timeout, a 5xx answer, an error in
newsdesk itself) is tried again by later runs after a growing delay, at most
``ingest.max_attempts`` times, and an entry that was being handled when the process
died counts that as an attempt, so no single entry can stop every run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsdesk.article_text import is_article_text, short_text_detail
from newsdesk.backends.extractor import Extracted, Rejection
from newsdesk.content_types import unsupported_reason
from newsdesk.decode import decode_document
from newsdesk.errors import FetchError
from newsdesk.fetch_policy import AddressPolicy, same_site, scheme_of
from newsdesk.pipeline import Context
from newsdesk.records import Document, Entry, parse_iso
from newsdesk.stages.discover import (  # re-exported: discovery used to live here
    FEED_SUFFIXES,
    HTML_SUFFIXES,
    discover,
    parse_feed,
    parse_json_feed,
    parse_jsonl,
    parse_opml,
    plausible_date,
    queue,
    to_url,
)
from newsdesk.work import reap, run_queue

__all__ = ["FEED_SUFFIXES", "HTML_SUFFIXES", "content_hash", "discover", "extract_entry",
           "fetch_entry",
           "ingest", "normalize_url", "parse_feed", "parse_json_feed", "parse_jsonl",
           "parse_opml", "to_url"]

_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|cmpid$)")
_WS = re.compile(r"\s+")
#: Failures worth another try in a later run; anything else stays failed until
#: ``--retry-failed``.
TRANSIENT = re.compile(r"^(timeout|connect_error|read_error|internal_error|http_429|http_5\d\d)$")
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
    """Fetch, check, decode and extract the entry's page: (final URL, what the extractor
    found). Character repairs made while decoding are counted (``decode_<repair>``).

    Raises:
        FetchError: the page could not be fetched, or is not a text document
            (``unsupported_content_type``).
    """
    if entry.local_root and scheme_of(entry.url) == "file":
        ctx.fetcher.allow_local(entry.local_root)  # granted when the entry was found
    fetched = ctx.fetcher.fetch(entry.url)
    binary = unsupported_reason(fetched.content, fetched.content_type)
    if binary:
        raise FetchError(entry.url, "unsupported_content_type", binary)
    decoded = decode_document(fetched.content, fetched.charset)
    for kind, n in decoded.repairs.items():
        ctx.count(f"decode_{kind}", n)
    found = ctx.extractor.extract(decoded.text, fetched.final_url)
    return fetched.final_url, found


def _vouched(url: str, ctx: Context) -> bool:
    """Whether the operator vouches for what ``url`` says about other sites: a local file
    inside a named folder (or no URL at all), or a host listed in ``fetch.allow_networks``
    (a mirror the operator runs, such as the demo corpus on 127.0.0.1)."""
    if scheme_of(url) not in {"http", "https"}:
        return True  # a local file inside a named folder, or a name the caller gave
    policy = AddressPolicy.from_settings(False, ctx.settings["fetch.allow_networks"])
    return policy.lists_host(url)


def trusted_canonical(canonical: str, page_url: str, ctx: Context) -> bool:
    """Whether a page at ``page_url`` may name ``canonical`` as its address: only on its
    own site (the same registrable domain), unless the operator vouches for the page."""
    return same_site(canonical, page_url) or _vouched(page_url, ctx)


def _fail_entry(ctx: Context, entry: Entry, reason: str, detail: str) -> None:
    """Mark the entry failed; a passing failure is tried again later, with back-off."""
    transient = bool(TRANSIENT.match(reason))
    retry_at = ctx.store.fail_entry(
        entry.url, reason, detail,
        backoff=float(ctx.settings["ingest.retry_backoff"]) if transient else 0.0,
        max_attempts=int(ctx.settings["ingest.max_attempts"]))
    if retry_at is not None:
        ctx.count("entries_to_retry")
        log.info("ingest: %s failed (%s); next try after %s", entry.url, reason,
                 retry_at.isoformat(timespec="minutes"))


def extract_entry(entry: Entry, ctx: Context) -> dict[str, Any]:
    """Fetch and extract one entry's page: the part of ingesting it that workers share
    (see :mod:`newsdesk.work`), since it depends on nothing else in the store.

    Returns a JSON-ready record: the final URL, what the extractor found (``page``) and
    why fetching failed (``reason``, ``detail``), for :func:`fetch_entry`.
    """
    found: dict[str, Any] = {"final_url": entry.url, "page": None, "reason": "",
                             "detail": ""}
    if not entry.fetch:
        return found
    try:
        final_url, page = _extract_page(entry, ctx)
        found["final_url"] = final_url
        found["page"] = dataclasses.asdict(page) if page is not None else None
    except FetchError as exc:
        found["reason"], found["detail"] = exc.reason, exc.detail
    except (ValueError, TypeError, LookupError, RecursionError, AttributeError) as exc:
        # A page an extractor cannot digest is that page's failure, not the run's.
        log.warning("extract: %s: %s", entry.url, exc, exc_info=True)
        found["reason"], found["detail"] = "extract_error", f"{type(exc).__name__}: {exc}"[:500]
    return found


def _page(found: dict[str, Any]) -> Extracted | None:
    page = found.get("page")
    if page is None:
        return None
    return Extracted(**{**page, "rejected": [Rejection(**r) for r in page["rejected"]]})


def fetch_entry(entry: Entry, ctx: Context, fetched: dict[str, Any] | None = None
                ) -> Document | None:
    """Fetch and extract one entry. Returns ``None`` (with a recorded problem) on failure.

    The page goes through the configured extractor (a chain by default). Its text is
    the article when it has at least ``extract.min_chars`` characters, or when it is
    shorter, the page's own description says the same and the page or the feed entry
    gives a publication time (a short wire item; see :mod:`newsdesk.article_text`).
    Otherwise the feed entry's own content, then its summary, is used instead when it
    has ``extract.min_chars`` (a JSONL record's own text whatever its length), but only
    when the feed is on the article's own site (or one the operator vouches for):
    another site's words are never stored under an outlet's URL. Lines that recur
    across the site's stored pages are stripped first. Which extractor produced the
    text is ``Document.extractor``; why the others were passed over is counted
    (``rejected_<extractor>_<reason>``) and logged. A canonical URL on another site
    than the page is ignored (counted as ``canonical_other_site``).

    ``fetched`` is what :func:`extract_entry` found (a worker may have done that part);
    without it the page is fetched here. Everything from here on depends on the
    documents stored before this one (site boilerplate), so it runs in entry order.
    """
    min_chars = ctx.settings["extract.min_chars"]
    text, extractor = "", ""
    if fetched is None:
        fetched = extract_entry(entry, ctx)
    page_meta = _page(fetched)
    final_url = str(fetched["final_url"])
    reason, detail = str(fetched["reason"]), str(fetched["detail"])
    rejected: list[Rejection] = []
    stripped: list[str] = []
    own_url = entry.url if entry.url.startswith("http") else final_url
    declared = page_meta.canonical_url if page_meta and page_meta.canonical_url else ""
    if declared and not trusted_canonical(declared, final_url, ctx):
        ctx.count("canonical_other_site")
        log.info("extract: %s names %s, on another site, as its canonical URL; ignored",
                 final_url, declared)
        declared = ""
    canonical = declared or own_url
    if page_meta is not None:
        rejected = list(page_meta.rejected)
        found, stripped = ctx.boilerplate.strip(canonical, page_meta.text)
        summaries = [page_meta.description]
        dated = bool(page_meta.published.strip()) or entry.published_at is not None
        if is_article_text(found, min_chars, summaries, dated=dated):
            text, extractor = found, page_meta.extractor or ctx.extractor.name
        else:
            reason, detail = "no_article_text", f"{len(found)} characters extracted"
            if found.strip():
                detail = short_text_detail(found, min_chars, summaries, dated)
            if stripped:
                detail += f" after stripping {len(stripped)} site boilerplate lines"
    elif entry.fetch and not reason:
        reason, detail = "no_article_text", "0 characters extracted"
    source_may_speak = (not entry.source_url or same_site(entry.url, entry.source_url)
                        or _vouched(entry.source_url, ctx))
    if not text and not source_may_speak and (entry.content or entry.summary):
        rejected.append(Rejection("feed-content", "other_site",
                                  f"{entry.source_url} is not on the site of {entry.url}"))
        if not entry.fetch:
            reason, detail = "other_site_content", (
                f"{entry.source_url} carries text for {entry.url}, on another site")
    if not text and source_may_speak:
        for label, content, is_html in (
                ("feed-content", entry.content, entry.content_is_html),
                ("feed-summary", entry.summary, True)):
            fallback, stripped = ctx.boilerplate.strip(canonical, _feed_text(content, is_html))
            # A JSONL record's own text is the article as its source gives it, short or long.
            given = label == "feed-content" and not entry.fetch
            if len(fallback) >= min_chars or (given and fallback.strip()):
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
        _fail_entry(ctx, entry, reason or "no_article_text", detail)
        return None
    _record_extraction(ctx, entry.url, extractor, rejected, stripped)
    ctx.boilerplate.learn(canonical, text, key=normalize_url(canonical))
    meta = page_meta
    page_date = (meta.published if meta else "").strip()
    published = plausible_date(parse_iso_lenient(page_date), ctx) or entry.published_at
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
    except (ValueError, OverflowError):
        return None


def _handle(entry: Entry, ctx: Context, fetched: dict[str, Any]) -> None:
    """Store one fetched entry as a document, recording how it ended."""
    if fetched.get("error"):  # newsdesk itself failed on the entry in a worker
        raise RuntimeError(fetched["error"])
    doc = fetch_entry(entry, ctx, fetched)
    if doc is None:
        ctx.count("entries_failed")
        return
    with ctx.store.transaction():  # a stored document and its entry's status together
        doc_id, outcome = ctx.store.save_document(doc)
        ctx.store.finish_entry(entry.url, "done", outcome, document_id=doc_id)
    ctx.count(f"documents_{outcome}")


def ingest(specs: Sequence[str], ctx: Context) -> dict[str, int]:
    """Discover entries in ``specs``, queue them, then fetch and store every pending entry
    (and every earlier failure whose retry time has come).

    Returns counts: entries found and new, documents new, updated and unchanged, failures.
    """
    entries = discover(specs, ctx)
    ctx.count("entries_new", queue(entries, ctx))  # feeds queued their own
    ctx.count("entries_found", len(entries))
    requeued, given_up = reap(ctx)
    if requeued or given_up:
        ctx.count("entries_interrupted_requeued", requeued)
        ctx.count("entries_interrupted_given_up", given_up)
        log.warning("ingest: %d entries were being fetched when a run stopped: %d queued "
                    "again, %d given up after ingest.max_attempts", requeued + given_up,
                    requeued, given_up)
    ctx.store.requeue_due_entries()
    # Workers fetch and extract (the slow part) in any order; the results are stored as
    # documents here, in entry order, exactly as one process would have stored them.
    run_queue(ctx, "fetch")
    fetched = ctx.store.fetched_entries()
    for _entry_id, data, found in ctx.track(fetched, "storing articles"):
        entry = Entry.from_dict(data)
        try:
            _handle(entry, ctx, found)
        except Exception as exc:  # one entry must never stop the run
            log.exception("ingest: handling %s failed", entry.url)
            detail = f"{type(exc).__name__}: {exc}"[:2000]
            ctx.problem("ingest", entry.url, "internal_error", detail)
            _fail_entry(ctx, entry, "internal_error", detail)
            ctx.count("entries_failed")
        ctx.checkpoint("fetch")
    return dict(ctx.counts)
