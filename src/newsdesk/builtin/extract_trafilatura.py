"""Main-text and metadata extraction with trafilatura, plus the page's own meta tags."""

from __future__ import annotations

import logging
from typing import Any

import trafilatura
from htmldate import find_date
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document as TrafilaturaMetadata
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from newsdesk.backends import BackendOptions
from newsdesk.backends.extractor import Extracted, Extractor
from newsdesk.builtin.page_metadata import read_page_metadata

log = logging.getLogger(__name__)


class TrafilaturaExtractor(Extractor):
    """trafilatura for the text; page meta tags and JSON-LD for precise metadata."""

    name = "trafilatura"

    class Options(BackendOptions):
        """Extraction switches."""

        favor_precision: bool = True
        favor_recall: bool = False
        include_tables: bool = False

    options: Options

    def extract(self, html: str, url: str) -> Extracted | None:
        """See :meth:`Extractor.extract`."""
        return self.extract_page(TrafilaturaPage(html, url))

    def extract_page(self, source: TrafilaturaPage) -> Extracted | None:
        """:meth:`extract` of a page another trafilatura step may already have read
        (the extractor chain runs the precise and the balanced modes on one page)."""
        if not source.html.strip():
            return None
        try:
            read = source.read()
            if read is None:
                return None
            tree, page, metadata = read
            result = trafilatura.bare_extraction(  # (on a copy: the tree stays as read)
                tree, url=source.url, with_metadata=False, include_comments=False,
                include_tables=self.options.include_tables,
                favor_precision=self.options.favor_precision,
                favor_recall=self.options.favor_recall,
            )
        except Exception as exc:  # trafilatura raises assorted lxml/parse errors on junk
            log.debug("trafilatura failed on %s: %s", source.url, exc)
            result = None
        text = (getattr(result, "text", None) or "").strip() if result is not None else ""
        if not text:
            return None
        title = (metadata.title or page.title or "").strip()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and title and lines[0].casefold() == title.casefold():
            lines = lines[1:]  # the headline is metadata, not body text
        if not lines:
            return None
        canonical = metadata.url or page.canonical_url
        return Extracted(
            text="\n".join(lines),
            title=title,
            author=(page.author or metadata.author or "").strip(),
            published=page.published or metadata.date or "",
            site_name=(page.site_name or metadata.sitename or "").strip(),
            language=page.language,
            canonical_url=canonical if canonical.startswith(("http://", "https://")) else "",
            description=page.description,
        )


class TrafilaturaPage:
    """A page as every trafilatura step reads it, read once: trafilatura's parse, the
    page's own tags and trafilatura's metadata (they do not depend on the mode that then
    finds the text). Reading them leaves the tree as parsed, and
    ``trafilatura.bare_extraction`` works on a copy of it, so a second step (the chain's
    balanced mode after the precise one) gets what a fresh read would give, without
    parsing the page and reading its metadata again."""

    def __init__(self, html: str, url: str) -> None:
        self.html = html
        self.url = url
        self._read: tuple[Any, Extracted, TrafilaturaMetadata] | None = None
        self._parsed = False
        self._error: Exception | None = None

    def read(self) -> tuple[Any, Extracted, TrafilaturaMetadata] | None:
        """(tree, the page's own tags, trafilatura's metadata), ``None`` when trafilatura
        cannot parse the page; raises what reading it raised, every time it is asked."""
        if self._error is not None:
            raise self._error
        if not self._parsed:
            try:
                tree = load_html(self.html)
                if tree is not None:
                    # (the page's own tags read from the one parse, before any pruning)
                    page = read_page_metadata(tree)
                    self._read = tree, page, trafilatura_metadata(tree, self.url, page)
            except Exception as exc:
                self._error = exc
                raise
            finally:
                self._parsed = True
        return self._read


#: htmldate's settings as trafilatura's default configuration gives them (extensive search)
_DATE_PARAMS: dict[str, Any] = set_date_params(True)


def trafilatura_metadata(tree: Any, url: str, page: Extracted) -> TrafilaturaMetadata:
    """trafilatura's metadata of a page (``trafilatura.metadata.extract_metadata``, step
    by step and with its rules), without the parts newsdesk does not read: categories,
    tags and licence never, and the author, date and site name only where the page's own
    tags (``page``) do not give them, since those come first. It runs on the parsed page
    before the text is extracted from it, as trafilatura runs it."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as exc:  # trafilatura's JSON-LD reader has bugs of its own
        log.debug("trafilatura's JSON-LD metadata failed on %s: %s", url, exc)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not page.author and not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if not page.published:
        metadata.date = find_date(tree, **{**_DATE_PARAMS, "url": metadata.url})
    if not page.site_name:
        if not metadata.sitename:
            metadata.sitename = extract_sitename(tree)
        if metadata.sitename:
            metadata.sitename = metadata.sitename.lstrip("@")
            if metadata.sitename and "." not in metadata.sitename and \
                    not metadata.sitename[0].isupper():
                metadata.sitename = metadata.sitename.title()
        elif metadata.url:
            match = META_URL.match(metadata.url)
            if match:
                metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata
