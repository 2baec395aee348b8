"""Main-text extraction with readability-lxml (the Python port of Arc90's Readability).

It scores containers by the paragraphs they hold rather than by trafilatura's
element rules, so it often finds an article trafilatura misses (old table layouts),
and it tends to leave out blocks trafilatura keeps (slideshows, related links).
"""

from __future__ import annotations

import logging
import re

from lxml import html as lxml_html

from newsdesk.backends import BackendOptions
from newsdesk.backends.extractor import Extracted, Extractor
from newsdesk.builtin.extract_paragraphs import ParagraphCollector

log = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class ReadabilityExtractor(Extractor):
    """readability-lxml's article container, cut into paragraphs."""

    name = "readability"

    class Options(BackendOptions):
        """readability-lxml switches."""

        #: shortest text readability keeps as a candidate paragraph (its own default)
        min_text_length: int = 25
        #: below this many characters readability retries with looser rules
        retry_length: int = 250

    options: Options

    def extract(self, html: str, url: str) -> Extracted | None:
        """See :meth:`Extractor.extract`."""
        if not html.strip():
            return None
        try:
            from readability import Document as ReadabilityDocument
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ImportError("readability-lxml is missing: pip install readability-lxml") \
                from exc
        try:
            page = ReadabilityDocument(
                _XML_DECLARATION.sub("", html, count=1), url=url or None,
                min_text_length=self.options.min_text_length,
                retry_length=self.options.retry_length)
            summary = page.summary(html_partial=True)
            title = page.short_title() or ""
            tree = lxml_html.fragment_fromstring(summary, create_parent="div")
        except Exception as exc:  # readability raises assorted lxml/parse errors on junk
            log.debug("readability failed on %s: %s", url, exc)
            return None
        collector = ParagraphCollector()
        collector.walk(tree)
        collector.flush()
        lines = [text for text, _ in collector.paragraphs]
        if lines and title and lines[0].casefold() == title.strip().casefold():
            lines = lines[1:]  # the headline is metadata, not body text
        if not lines:
            return None
        return Extracted(text="\n".join(lines), title=title.strip())


