"""A last-resort extractor: every long, sentence-like, link-poor paragraph of the page.

Old table layouts and pages with broken markup defeat the DOM-scoring extractors
(trafilatura, readability): the article sits in a ``<td>`` as text separated by
``<br>``, or the extractor finds no container it likes. This one has no notion of a
container at all. It cuts the page into paragraphs at every block element and ``<br>``
and keeps those that read like prose: long enough, ending like a sentence or long
enough to be one, and mostly not link text. It keeps some boilerplate that is also
prose (a copyright notice), so it only runs when the better extractors found nothing.
"""

from __future__ import annotations

import html as html_entities
import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from newsdesk.backends import BackendOptions
from newsdesk.backends.extractor import Extracted, Extractor

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})
# Elements whose text is never article text. Not <form>: old ASP.NET pages wrap the
# whole body in one.
_SKIP = frozenset({
    "script", "style", "noscript", "nav", "aside", "footer", "header", "select",
    "option", "button", "iframe", "svg", "template", "figcaption", "title", "meta", "link",
    "textarea", "label", "menu",
})
# class/id words and ARIA roles of page furniture (readability's "unlikely candidates"
# idea): a cookie notice or a newsletter box is prose too, but never the article.
_FURNITURE_WORDS = frozenset({
    "ad", "ads", "advert", "advertisement", "banner", "breadcrumb", "breadcrumbs",
    "comment", "comments", "consent", "cookie", "cookies", "footer", "masthead", "menu",
    "modal", "nav", "navbar", "navigation", "newsletter", "popup", "promo", "related",
    "share", "sharing", "sidebar", "signup", "social", "sponsor", "sponsored", "subscribe",
    "subscription",
})
_FURNITURE_ROLES = frozenset({"banner", "complementary", "contentinfo", "dialog",
                              "navigation", "search"})
_CONTAINERS = frozenset({"html", "body", "main", "article"})
_WORD_SPLIT = re.compile(r"[\s_-]+")
_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)]*$""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Tag-soup reading, for pages whose markup libxml2 mis-nests so badly that the article
# ends up inside a <script> or <title> (a spliced crawl, an unquoted attribute).
_SOUP_DROP = re.compile(
    r"<(script|style|noscript|select|textarea|title)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL)
_SOUP_BREAK = re.compile(r"</?(?:{}|br)\b[^>]*>".format("|".join(sorted(_BLOCK))),
                         re.IGNORECASE)
_SOUP_LINK = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_SOUP_TAG = re.compile(r"<[^>]*>")


def _is_furniture(node: Any) -> bool:
    """Whether an element's class, id or role marks it as page furniture."""
    if (node.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    names = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    return bool(names.strip()) and not _FURNITURE_WORDS.isdisjoint(_WORD_SPLIT.split(names))


class ParagraphCollector:
    """Walks a tree, cutting text into paragraphs; tracks how much of each is link text."""

    def __init__(self) -> None:
        self.paragraphs: list[tuple[str, int]] = []
        self._pieces: list[str] = []
        self._link_chars = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self._pieces.append(text)
            if in_link:
                self._link_chars += len(text.strip())

    def flush(self) -> None:
        text = _WS.sub(" ", "".join(self._pieces)).strip()
        if text:
            self.paragraphs.append((text, self._link_chars))
        self._pieces, self._link_chars = [], 0

    def walk(self, node: Any, in_link: bool = False) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _SKIP or not tag:  # comments and processing instructions too
            return
        tag = tag.lower()
        if tag not in _CONTAINERS and _is_furniture(node):
            return
        block = tag in _BLOCK
        if block or tag == "br":
            self.flush()
        link = in_link or tag == "a"
        self.add(node.text, link)
        for child in node:
            self.walk(child, link)
            self.add(child.tail, link)
        if block:
            self.flush()


def _visible_chars(tree: Any) -> int:
    """Characters of text the parsed tree holds outside scripts, styles and the title."""
    texts = tree.xpath("//text()[not(ancestor::script) and not(ancestor::style)"
                       " and not(ancestor::title)]")
    return sum(len(_WS.sub(" ", str(t)).strip()) for t in texts)


def soup_paragraphs(markup: str) -> list[tuple[str, int]]:
    """(paragraph, link characters) of ``markup`` read as tag soup, without a DOM."""
    found: list[tuple[str, int]] = []
    for part in _SOUP_BREAK.split(_SOUP_DROP.sub(" ", markup)):
        links = sum(len(_WS.sub(" ", html_entities.unescape(_SOUP_TAG.sub("", m))).strip())
                    for m in _SOUP_LINK.findall(part))
        text = _WS.sub(" ", html_entities.unescape(_SOUP_TAG.sub("", part))).strip()
        if text:
            found.append((text, links))
    return found


class ParagraphsExtractor(Extractor):
    """Long prose paragraphs anywhere on the page, in page order (see the module docs)."""

    name = "paragraphs"

    class Options(BackendOptions):
        """What counts as a prose paragraph."""

        min_paragraph_chars: int = 80
        #: a paragraph this long counts even without sentence punctuation at its end
        long_paragraph_chars: int = 200
        #: share of a paragraph's characters inside links above which it is navigation
        max_link_share: float = 0.3

    options: Options

    def extract(self, html: str, url: str) -> Extracted | None:
        """See :meth:`Extractor.extract`."""
        if not html.strip():
            return None
        try:
            tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
        except (ValueError, etree.ParserError):
            return None
        collector = ParagraphCollector()
        collector.walk(tree)
        collector.flush()
        kept = self._prose(collector.paragraphs)
        if not kept:
            # When libxml2 lost most of the page's text (swallowed into a script or the
            # title by broken markup), read it as tag soup instead. Only then: the DOM
            # reading knows page furniture by its class names, the soup does not.
            soup = soup_paragraphs(html)
            if sum(len(text) for text, _ in soup) > 2 * _visible_chars(tree):
                kept = self._prose(soup)
        if not kept:
            return None
        title = ""
        for node in tree.iter("title"):  # the first one is the page's
            title = _WS.sub(" ", node.text_content()).strip()
            break
        return Extracted(text="\n".join(kept), title=title)

    def _prose(self, paragraphs: list[tuple[str, int]]) -> list[str]:
        """The paragraphs that read like article prose (see the module docs)."""
        opts = self.options
        return [
            text for text, link_chars in paragraphs
            if len(text) >= opts.min_paragraph_chars
            and link_chars <= opts.max_link_share * len(text)
            and (_SENTENCE_END.search(text) or len(text) >= opts.long_paragraph_chars)
        ]
