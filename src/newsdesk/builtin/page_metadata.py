"""Article metadata a page states about itself: ``<meta>`` tags (Open Graph, Dublin
Core, plain names), JSON-LD, ``<link rel="canonical">``, ``<html lang>`` and ``<title>``.

Shared by the extractors: whichever of them finds the text, these are the page's own
words about its title, author, date, site, language and address.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from newsdesk.backends.extractor import Extracted
from newsdesk.safe_json import loads_bounded

# lxml refuses a str that starts with an encoding declaration (XHTML pages often do); the
# text is already decoded, so the declaration is dropped before parsing.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished",
                   "pubdate", "publishdate", "date", "dc.date", "dc.date.issued",
                   "dcterms.created", "sailthru.date", "parsely-pub-date")
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "sailthru.author",
                "parsely-author")
_WS = re.compile(r"\s+")
JSON_LD_MAX_DEPTH = 32
_TOKEN = re.compile(r"\w+")
# Separators between a headline and the site or section names in a <title>. Not ":",
# which headlines use themselves ("Algeria: ministers resign").
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—»]\s+|\s*::\s*|_")


def parse_html(html: str) -> Any | None:
    """The page as an lxml tree, or ``None`` when it does not parse at all."""
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, etree.ParserError):
        return None


def meta_tags(tree: Any) -> dict[str, str]:
    """Lower-cased name/property -> content of the page's <meta> tags (first wins)."""
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        content = node.get("content")
        if key and content and content.strip() and key not in found:
            found[key] = content.strip()
    return found


def _json_ld_items(tree: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for node in tree.iter("script"):
        if (node.get("type") or "").lower() != "application/ld+json" or not node.text:
            continue
        try:
            data = loads_bounded(node.text, JSON_LD_MAX_DEPTH)
        except ValueError:  # not JSON, or nested deeper than any real JSON-LD
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                items.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return items


def _name_of(value: Any) -> str:
    """A person's or organisation's name from JSON-LD (a string, an object, or a list)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return str(value.get("name") or "").strip()
    if isinstance(value, list):
        return ", ".join(n for n in (_name_of(v) for v in value) if n)
    return ""


def json_ld_article(tree: Any) -> dict[str, str]:
    """headline, author, datePublished and publisher of the page's JSON-LD article."""
    found: dict[str, str] = {}
    for item in _json_ld_items(tree):
        if not item.get("datePublished") and not item.get("headline"):
            continue
        for key, value in (("headline", item.get("headline")),
                           ("author", _name_of(item.get("author"))),
                           ("published", item.get("datePublished")),
                           ("publisher", _name_of(item.get("publisher")))):
            if value and key not in found:
                found[key] = _WS.sub(" ", str(value)).strip()
    return found


def page_summaries(html: str | Any) -> list[str]:
    """Every summary the page gives of its article, distinct, in this order:
    ``<meta name="description">``, ``og:description``, ``twitter:description``, then
    the JSON-LD ``description`` of its article items (the publisher's own words about
    what the page holds; see :mod:`newsdesk.article_text`)."""
    tree = parse_html(html) if isinstance(html, str) else html
    if tree is None:
        return []
    meta = meta_tags(tree)
    found = [meta.get(k, "") for k in ("description", "og:description", "twitter:description")]
    for item in _json_ld_items(tree):
        if isinstance(item.get("description"), str) and (
                item.get("headline") or item.get("datePublished")):
            found.append(item["description"])
    summaries: list[str] = []
    for raw in found:
        text = _WS.sub(" ", raw).strip()
        if text and text not in summaries:
            summaries.append(text)
    return summaries


def read_page_metadata(html: str | Any) -> Extracted:
    """Title, author, published time, site name, language, canonical URL and description
    as the page states them, with ``text`` empty. Missing fields are empty strings."""
    tree = parse_html(html) if isinstance(html, str) else html
    if tree is None:
        return Extracted(text="")
    meta = meta_tags(tree)
    ld = json_ld_article(tree)
    title_tag = ""
    for node in tree.iter("title"):
        title_tag = _WS.sub(" ", node.text_content()).strip()
        break
    canonical = ""
    for node in tree.iter("link"):
        if "canonical" in (node.get("rel") or "").lower().split() and node.get("href"):
            canonical = node.get("href").strip()
            break
    canonical = canonical or meta.get("og:url", "")
    language = (tree.get("lang") or tree.get("xml:lang") or meta.get("og:locale")
                or meta.get("content-language") or meta.get("language") or "")
    return Extracted(
        text="",
        title=meta.get("og:title") or ld.get("headline") or title_tag,
        author=next((meta[k] for k in _AUTHOR_META
                     if meta.get(k) and not meta[k].startswith("http")), "")
        or ld.get("author", ""),
        published=next((meta[k] for k in _PUBLISHED_META if meta.get(k)), "")
        or ld.get("published", ""),
        site_name=meta.get("og:site_name") or meta.get("application-name")
        or ld.get("publisher", ""),
        language=normalize_language(language),
        canonical_url=canonical if canonical.startswith(("http://", "https://")) else "",
        description=meta.get("description") or meta.get("og:description") or "",
    )


def _words(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold()))


def headings(tree: Any, limit: int = 8) -> list[str]:
    """The texts of the page's first ``<h1>`` then ``<h2>`` elements."""
    found: list[str] = []
    for tag in ("h1", "h2"):
        for node in tree.iter(tag):
            text = _WS.sub(" ", node.text_content()).strip()
            if text:
                found.append(text)
                if len(found) >= limit:  # the rest would be cut off
                    return found[:limit]
    return found[:limit]


def refine_title(title: str, tree: Any | None, found: list[str] | None = None) -> str:
    """The headline inside ``title``: without the site and section names a ``<title>``
    tag adds ("Headline - Sport - Site News", "Headline_English_Site").

    A heading of the page that the title contains wins (it is the headline as shown);
    otherwise the longest part between separators, when it is most of the title. An
    empty title becomes the page's first heading. ``found``: the page's
    :func:`headings`, where they were already read (``tree`` is then not read).
    """
    if found is None:
        found = headings(tree) if tree is not None else []
    key = _words(title)
    if not key:
        return next(iter(found), "")
    for heading in found:
        words = _words(heading)
        if len(words.split()) >= 3 and words != key and words in key:
            return heading
    parts = [part.strip() for part in _TITLE_SEPARATOR.split(title) if part.strip()]
    if len(parts) > 1:
        best = max(parts, key=lambda part: len(part.split()))
        if len(best.split()) >= 3 and len(best) > len(title) - len(best):
            return best
    return title


def normalize_language(value: str) -> str:
    """``en-GB``, ``en_US``, ``EN`` -> ``en``; anything unreadable -> ``""``."""
    primary = value.strip().split("-")[0].split("_")[0].lower()
    return re.sub(r"[^a-z]", "", primary)[:8]
