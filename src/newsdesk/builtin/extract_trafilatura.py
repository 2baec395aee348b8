"""Main-text and metadata extraction with trafilatura, plus the page's own meta tags."""

from __future__ import annotations

import logging

import trafilatura

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
        if not html.strip():
            return None
        try:
            result = trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False,
                include_tables=self.options.include_tables,
                favor_precision=self.options.favor_precision,
                favor_recall=self.options.favor_recall,
            )
        except Exception as exc:  # trafilatura raises assorted lxml/parse errors on junk
            log.debug("trafilatura failed on %s: %s", url, exc)
            result = None
        text = (getattr(result, "text", None) or "").strip() if result is not None else ""
        if not text:
            return None
        page = read_page_metadata(html)
        title = (getattr(result, "title", None) or page.title or "").strip()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and title and lines[0].casefold() == title.casefold():
            lines = lines[1:]  # the headline is metadata, not body text
        if not lines:
            return None
        canonical = getattr(result, "url", None) or page.canonical_url
        return Extracted(
            text="\n".join(lines),
            title=title,
            author=(page.author or getattr(result, "author", None) or "").strip(),
            published=page.published or getattr(result, "date", None) or "",
            site_name=(page.site_name or getattr(result, "sitename", None) or "").strip(),
            language=page.language,
            canonical_url=canonical if canonical.startswith(("http://", "https://")) else "",
            description=page.description,
        )
