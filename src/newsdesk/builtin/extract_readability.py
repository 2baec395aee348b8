"""Main-text extraction with readability-lxml (the Python port of Arc90's Readability).

It scores containers by the paragraphs they hold rather than by trafilatura's
element rules, so it often finds an article trafilatura misses (old table layouts),
and it tends to leave out blocks trafilatura keeps (slideshows, related links).
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from functools import cache
from typing import Any

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
        document = _parsed_once_document()
        try:
            page = document(
                _XML_DECLARATION.sub("", html, count=1), url=url or None,
                min_text_length=self.options.min_text_length,
                retry_length=self.options.retry_length)
            summary = page.summary(html_partial=True)
            title = page.short_title() or ""
            tree = lxml_html.fragment_fromstring(summary, create_parent="div")
        except Exception as exc:  # readability raises assorted lxml/parse errors on junk
            log.debug("readability failed on %s: %s", url, exc)
            return None
        lines = _paragraphs(tree)
        if lines and title and lines[0].casefold() == title.strip().casefold():
            lines = lines[1:]  # the headline is metadata, not body text
        if not lines:
            return None
        return Extracted(text="\n".join(lines), title=title.strip())


@cache  # one class, made on first use: readability is imported only when needed
def _parsed_once_document() -> type:
    """readability-lxml's ``Document``, parsing and cleaning the page only once.

    ``summary()`` and ``short_title()`` each start from a fresh parse (``_html(True)``:
    parse, drop hidden elements, lxml's cleaner, absolute links), ``summary()`` once
    more when its first text is too short, since the summary changes the tree it reads.
    That preparation is most of readability's cost. Here the first prepared tree is kept
    aside untouched and every later parse is a copy of it: the same input, so the same
    tree, as the cleaner's own output is already a copy of the parsed page. Only the
    parsing is saved; which text and title come out is not touched.
    """
    try:
        from readability import Document as ReadabilityDocument
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("readability-lxml is missing: pip install readability-lxml") \
            from exc

    class ParsedOnceDocument(ReadabilityDocument):
        """See :func:`_parsed_once_document`."""

        _prepared: Any = None

        def _parse(self, input: Any) -> Any:
            if self._prepared is None:
                doc = super()._parse(input)
                self._prepared = deepcopy(doc)
                return doc
            return deepcopy(self._prepared)

    return ParsedOnceDocument


def _paragraphs(tree: Any) -> list[str]:
    """The paragraphs of a readability summary, as the paragraphs extractor reads them."""
    collector = ParagraphCollector()
    collector.walk(tree)
    collector.flush()
    return [text for text, _ in collector.paragraphs]


def quick_readability_text(html: str, tree: Any | None = None,
                           in_place: bool = False) -> str | None:
    """The article text of trafilatura's minimal fork of readability-lxml: the same
    container scoring without the second pass, about five times cheaper than
    :class:`ReadabilityExtractor` (5 against 26 ms a page on extraction-zyte) and
    close to it, but not the same (it keeps less of some articles).

    Used as a screen, never as the text: the extractor chain runs the real readability
    only where this one suggests its text may be tighter (see
    :mod:`newsdesk.builtin.extract_chain`). ``None`` when the fork is missing (it is an
    internal module of trafilatura 2) or fails on the page: the caller then runs
    the real thing. ``tree``: the page already parsed as :func:`lxml.html.document_fromstring`
    parses it (a copy is worked on, since the fork changes the tree it reads, unless
    ``in_place``: the caller gives the tree up).
    """
    try:
        from trafilatura.readability_lxml import Document as ForkDocument
    except ImportError:  # pragma: no cover - trafilatura without its fork
        return None
    try:
        if tree is None:
            tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
        elif not in_place:
            tree = deepcopy(tree)
        summary = ForkDocument(tree, min_text_length=25).summary()
        fragment = lxml_html.fragment_fromstring(summary, create_parent="div")
    except Exception as exc:  # the fork raises what lxml raises on junk, or a TypeError
        log.debug("quick readability failed: %r", exc)  # on another trafilatura version
        return None
    return "\n".join(_paragraphs(fragment))
