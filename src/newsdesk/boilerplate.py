"""Site boilerplate: lines that recur on many pages of one site are not article text.

Extractors judge one page at a time, so a sign-up line, a "Related Photos" heading, a
share bar or a standing caption that sits inside the article container gets through.
Seen across a site's pages it gives itself away: the same line on page after page.
:class:`SiteBoilerplate` counts, per host, on how many distinct pages each line
occurs, and strips from a new page every line already seen on ``min_pages`` or more.

A line that occurs once, or on fewer than ``min_pages`` pages, is never stripped: a
quote or a background paragraph repeated across a short run of follow-up stories is
still text. Lines are compared with case and white space folded, digits kept: a daily
"The index closed at 7,512 points" differs from day to day and is news each time.

Counts are seeded from the archive (the documents already stored for that host) the
first time a host is seen, then every new page adds its lines. Stored text is text
after stripping, so a line stops counting once it is learned; it stays learned as
long as the pages that taught it are stored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_WS = re.compile(r"\s+")

#: (page key, text) of the stored pages of a host
SiteLoader = Callable[[str], Iterable[tuple[str, str]]]


def site_of(url: str) -> str:
    """The host a page belongs to, lower-case and without ``www.`` (``""`` if none)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def line_key(line: str) -> str:
    """A line with case and white space folded, for comparing across pages."""
    return _WS.sub(" ", line).strip().casefold()


@dataclass
class _Site:
    pages: set[str] = field(default_factory=set)
    lines: Counter[str] = field(default_factory=Counter)


class SiteBoilerplate:
    """Per-site line counts and the stripping of lines that recur (see the module docs)."""

    def __init__(self, min_pages: int, load: SiteLoader | None = None) -> None:
        """``min_pages`` below 2 turns stripping off; ``load(host)`` gives the stored pages."""
        self.min_pages = min_pages
        self._load = load
        self._sites: dict[str, _Site] = {}

    @property
    def enabled(self) -> bool:
        """Whether any line can ever be stripped."""
        return self.min_pages >= 2

    def _site(self, host: str) -> _Site:
        site = self._sites.get(host)
        if site is None:
            site = self._sites[host] = _Site()
            if self._load is not None:
                for key, text in self._load(host):
                    self._add(site, key, text)
        return site

    @staticmethod
    def _add(site: _Site, key: str, text: str) -> None:
        if key in site.pages:
            return
        site.pages.add(key)
        site.lines.update({line_key(line) for line in text.splitlines() if line.strip()})

    def learn(self, url: str, text: str, key: str | None = None) -> None:
        """Count the lines of one page of ``url``'s site. ``key`` (default ``url``) names
        the page, so the same page seen twice counts once."""
        host = site_of(url)
        if self.enabled and host:
            self._add(self._site(host), key or url, text)

    def learned(self, url: str) -> list[str]:
        """The (folded) lines stripped from pages of ``url``'s site, most frequent first."""
        host = site_of(url)
        if not self.enabled or not host:
            return []
        return [line for line, n in self._site(host).lines.most_common() if n >= self.min_pages]

    def strip(self, url: str, text: str) -> tuple[str, list[str]]:
        """``text`` without the lines that recur across its site, and the lines removed."""
        host = site_of(url)
        if not self.enabled or not host:
            return text, []
        counts = self._site(host).lines
        kept: list[str] = []
        removed: list[str] = []
        for line in text.splitlines():
            if line.strip() and counts[line_key(line)] >= self.min_pages:
                removed.append(line)
            else:
                kept.append(line)
        return ("\n".join(kept), removed) if removed else (text, [])
