"""Main-text and metadata extraction with trafilatura, plus the page's own meta tags."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import trafilatura
from lxml import html as lxml_html

from newsdesk.backends import BackendOptions
from newsdesk.backends.extractor import Extracted, Extractor

log = logging.getLogger(__name__)

# lxml refuses a str that starts with an encoding declaration (XHTML pages often do); the
# text is already decoded, so the declaration is dropped before parsing the meta tags.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PUBLISHED_META = ("article:published_time", "og:published_time", "datePublished",
                   "pubdate", "publishdate", "date", "dc.date", "dcterms.created")


def _meta(tree: Any) -> dict[str, str]:
    """Lower-cased name/property -> content of the page's <meta> tags (first wins)."""
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        content = node.get("content")
        if key and content and key not in found:
            found[key] = content.strip()
    return found


def _json_ld_published(tree: Any) -> str:
    for node in tree.iter("script"):
        if (node.get("type") or "").lower() != "application/ld+json" or not node.text:
            continue
        try:
            data = json.loads(node.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("datePublished"):
                return str(item["datePublished"])
    return ""


class TrafilaturaExtractor(Extractor):
    """trafilatura for the text; page meta tags and JSON-LD for precise metadata."""

    name = "trafilatura"

    class Options(BackendOptions):
        """Extraction switches."""

        favor_precision: bool = True
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
            )
        except Exception as exc:  # trafilatura raises assorted lxml/parse errors on junk
            log.debug("trafilatura failed on %s: %s", url, exc)
            result = None
        try:
            tree = lxml_html.fromstring(_XML_DECLARATION.sub("", html, count=1))
        except (ValueError, lxml_html.etree.ParserError):
            tree = None
        meta = _meta(tree) if tree is not None else {}
        text = (getattr(result, "text", None) or "").strip() if result is not None else ""
        if not text:
            return None
        title = (getattr(result, "title", None) or meta.get("og:title") or "").strip()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and title and lines[0].casefold() == title.casefold():
            lines = lines[1:]  # the headline is metadata, not body text
        published = next((meta[k] for k in _PUBLISHED_META if meta.get(k)), "")
        if not published and tree is not None:
            published = _json_ld_published(tree)
        if not published and result is not None:
            published = getattr(result, "date", None) or ""
        language = ""
        if tree is not None:
            language = (tree.get("lang") or meta.get("og:locale") or "").split("-")[0].split("_")[0]
        canonical = getattr(result, "url", None) or ""
        return Extracted(
            text="\n".join(lines),
            title=title,
            author=(meta.get("author") or getattr(result, "author", None) or "").strip(),
            published=published,
            site_name=(meta.get("og:site_name") or getattr(result, "sitename", None) or "").strip(),
            language=re.sub(r"[^a-z]", "", language.lower())[:8],
            canonical_url=canonical if canonical.startswith(("http://", "https://")) else "",
            description=(meta.get("description") or meta.get("og:description") or "").strip(),
        )
