"""Who a document speaks for: its outlet's name, whether it is opinion, and which
documents count as independent sources of a story.

Feeds and pages do not always name a real outlet. A feed titled "Latest news", "RSS",
"Untitled" or "Unattributed (left)", or a page served from a bare IP address, names
nobody, and an article must never say "according to Unattributed". Such documents get
no outlet name (``""``): the writer then credits "one report", and the citation still
links the page. They still count as sources of their own, told apart by the feed or
site they came from.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from newsdesk.records import Document

# Feed and site titles that name no outlet. Matched on the whole title, with a
# trailing parenthesis ("Unattributed (left)") and surrounding punctuation removed.
_PLACEHOLDER_NAMES = frozenset({
    "unattributed", "unknown", "anonymous", "untitled", "none", "null", "n/a", "na", "rss",
    "atom", "feed", "news", "home", "homepage", "latest", "index", "stories", "articles",
    "blog", "posts", "main", "rss feed", "atom feed", "news feed", "latest news",
    "top stories", "all stories", "home page", "front page", "breaking news",
    "untitled feed", "no title",
})
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
# Opinion and commentary: the words of a columnist or a guest writer, never the
# newsroom's voice. Recognised from the outlet or feed name, the title and the URL.
_OPINION_NAME = re.compile(r"\b(opinion|opinions|editorial|editorials|op-ed|oped|commentary|"
                           r"guest writer|guest column|columnists?|letters to the editor)\b",
                           re.IGNORECASE)
_OPINION_TITLE = re.compile(r"^\s*(opinion|op-ed|editorial|commentary|column|analysis)\s*[:|—–-]",
                            re.IGNORECASE)
_OPINION_PATH = re.compile(r"/(opinion|opinions|op-ed|oped|commentary|editorials?|columns?|"
                           r"columnists?|voices)(/|$)", re.IGNORECASE)


def is_placeholder_name(name: str) -> bool:
    """Whether a site or feed title names no outlet ("Unattributed (left)", "RSS")."""
    core = _TRAILING_PAREN.sub("", name).strip(" .:-–—|").casefold()
    return not core or core in _PLACEHOLDER_NAMES


def _host_name(url: str) -> str:
    """The host of ``url`` as an outlet name, or ``""`` for an IP address or localhost."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or "." not in host:
        return ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host.removeprefix("www.")
    return ""


def outlet_name(doc: Document) -> str:
    """The outlet a document is credited to: its site name when that names an outlet,
    else the host of its URL when that is a domain name, else ``""`` (unknown: the
    writer says "one report" and the citation links the page)."""
    name = (doc.site_name or "").strip()
    if name and not is_placeholder_name(name):
        return name
    return _host_name(doc.canonical_url or doc.url)


def source_key(doc: Document) -> str:
    """What tells independent sources apart: the outlet's name when it has one, else
    the feed (or site) the document came from. Two documents of one outlet are one
    source; two unnamed feeds are two."""
    name = outlet_name(doc)
    if name:
        return name.casefold()
    feed = doc.source_url or doc.url
    parts = urlsplit(feed)
    return f"feed:{parts.netloc}{parts.path}" if parts.netloc else f"feed:{feed}"


def is_opinion(doc: Document) -> bool:
    """Whether a document is opinion or commentary rather than news reporting: its
    outlet or feed name, its title or its URL says so ("Fox News Opinion", "Guest
    Writer", "OPINION: ...", ``/opinion/``)."""
    if _OPINION_NAME.search(doc.site_name or "") or _OPINION_TITLE.match(doc.title or ""):
        return True
    return any(_OPINION_PATH.search(urlsplit(u).path) for u in (doc.url, doc.canonical_url) if u)
