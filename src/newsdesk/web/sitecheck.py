"""Check a published site as a reader and a crawler meet it: links, clicks, base URL.

:func:`crawl` follows the links of a site from its home page, breadth first, over HTTP
(``newsdesk serve`` or any file server) or straight from an exported folder, and
reports:

- every page and how many clicks from the home page it is,
- broken internal links (a page or an ``#anchor`` that does not exist),
- absolute URLs that point at one of the site's own pages but not at the configured
  base URL (a canonical link, feed link, id or JSON-LD URL on the wrong host or port),
- published stories (from the sitemap) that are not reachable, or further than
  ``max_clicks`` from home.

Run it against a served site::

    python -m newsdesk.web.sitecheck http://127.0.0.1:8799/ --max-clicks 3
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

#: (status, content type, body) of a URL.
Fetch = Callable[[str], tuple[int, str, bytes]]
SITE_PATH = re.compile(r"^/(?:index\.html|latest/|stories/|topics/|entities/|outlets/|archive/"
                       r"|feed\.xml|rss\.xml|feed\.json|sitemap|sitemaps/|news-sitemap\.xml|"
                       r"robots\.txt|static/|favicon\.ico|about\.html|search\.html|api/v1/|$)")
_ABSOLUTE = re.compile(r"https?://[^\s\"'<>\\)]+")
MACHINE_FILES = ("feed.xml", "rss.xml", "feed.json", "sitemap.xml", "news-sitemap.xml",
                 "robots.txt", "api/v1/stories.json")


@dataclass
class Report:
    """What :func:`crawl` found."""

    depth: dict[str, int] = field(default_factory=dict)  # page URL -> clicks from home
    broken: list[str] = field(default_factory=list)  # "page -> target"
    off_base: list[str] = field(default_factory=list)  # "page: url"
    stories: list[str] = field(default_factory=list)  # story URLs from the sitemap
    unreachable: list[str] = field(default_factory=list)  # stories never reached
    too_deep: list[str] = field(default_factory=list)  # stories beyond max_clicks

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not (self.broken or self.off_base or self.unreachable or self.too_deep)

    def max_story_clicks(self) -> int:
        """The most clicks any published story needs from home (-1 for none)."""
        return max((self.depth[s] for s in self.stories if s in self.depth), default=-1)


def http_fetch(timeout: float = 30.0) -> Fetch:
    """Fetch over HTTP with httpx."""
    import httpx

    client = httpx.Client(timeout=timeout, follow_redirects=False)

    def fetch(url: str) -> tuple[int, str, bytes]:
        response = client.get(url)
        return response.status_code, response.headers.get("content-type", ""), response.content

    return fetch


def folder_fetch(root: Path, base: str) -> Fetch:
    """Read ``base``-relative URLs as files of an exported site folder."""
    root = root.resolve()

    def fetch(url: str) -> tuple[int, str, bytes]:
        path = urlsplit(url).path.removeprefix(urlsplit(base).path).lstrip("/")
        target = (root / (path or "index.html")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(root) or not target.is_file():
            return 404, "text/plain", b""
        kind = "text/html" if target.suffix == ".html" else "application/octet-stream"
        return 200, kind, target.read_bytes()

    return fetch


def _page_links(url: str, body: bytes) -> tuple[list[str], set[str], list[str]]:
    """(links a reader can click, ids on the page, every absolute URL in the page)."""
    doc = lxml.html.fromstring(body)
    clicks = [urljoin(url, a.get("href")) for a in doc.iter("a") if a.get("href")]
    ids = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
    other = [urljoin(url, e.get(attr)) for e in doc.iter() if isinstance(e.tag, str)
             for attr in ("href", "src", "action") if e.get(attr) and e.tag != "a"]
    absolute = _ABSOLUTE.findall(body.decode("utf-8", "replace"))
    return clicks + other, ids, absolute


def _is_site_url(url: str, origins: set[str]) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" in origins


def _looks_like_site_page(url: str) -> bool:
    return bool(SITE_PATH.match(urlsplit(url).path or "/"))


def crawl(start: str, fetch: Fetch, base: str, max_clicks: int = 3,
          max_pages: int = 100_000) -> Report:
    """Crawl the site from ``start`` (its home page); ``base`` is the configured base URL
    every absolute link to the site must use."""
    report = Report()
    base = base.rstrip("/")
    start_parts = urlsplit(start)
    origins = {f"{start_parts.scheme}://{start_parts.netloc}"}
    home = urljoin(start, "index.html") if start.endswith("/") else start
    queue: deque[tuple[str, int]] = deque([(home, 0)])
    report.depth[home] = 0
    ids: dict[str, set[str]] = {}
    wanted: list[tuple[str, str]] = []  # (page, target with fragment)
    while queue and len(ids) < max_pages:
        url, depth = queue.popleft()
        status, kind, body = fetch(url)
        if status != 200:
            report.broken.append(f"{url} ({status})")
            continue
        if "html" not in kind:
            ids[url] = set()
            continue
        links, page_ids, absolute = _page_links(url, body)
        ids[url] = page_ids
        _check_absolute(url, absolute, base, report)
        for link in links:
            if not _is_site_url(link, origins):
                continue
            target, fragment = urldefrag(link)
            target = target.split("?", 1)[0]
            if target.endswith("/"):
                target += "index.html"
            wanted.append((url, f"{target}#{fragment}" if fragment else target))
            if target not in report.depth:
                report.depth[target] = depth + 1
                queue.append((target, depth + 1))
    for name in MACHINE_FILES:
        url = urljoin(home, name)
        status, _, body = fetch(url)
        if status == 200:
            _check_absolute(url, _ABSOLUTE.findall(body.decode("utf-8", "replace")), base,
                            report)
    for page, target in wanted:
        path, _, fragment = target.partition("#")
        if path in ids and fragment and fragment not in ids[path] and path.endswith(".html"):
            report.broken.append(f"{page} -> {target}")
    report.stories = _sitemap_stories(urljoin(home, "sitemap.xml"), fetch, base, home)
    report.unreachable = [s for s in report.stories if s not in report.depth]
    report.too_deep = [s for s in report.stories
                       if s in report.depth and report.depth[s] > max_clicks]
    return report


def _check_absolute(page: str, urls: list[str], base: str, report: Report) -> None:
    for found in urls:
        url = found.rstrip(".,;")
        if url == base or url.startswith(base + "/"):
            continue
        if _looks_like_site_page(url) and urlsplit(url).netloc in {
                urlsplit(base).netloc, urlsplit(page).netloc, "127.0.0.1:8000"}:
            report.off_base.append(f"{page}: {url}")


def _sitemap_stories(index_url: str, fetch: Fetch, base: str, home: str) -> list[str]:
    """Story page URLs listed by the sitemaps, mapped onto the crawled site."""
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    status, _, body = fetch(index_url)
    if status != 200:
        return []
    stories: list[str] = []
    for part in lxml.etree.fromstring(body).xpath("//s:loc/text()", namespaces=ns):
        if "/sitemaps/stories-" not in part:
            continue
        local = urljoin(home, part.removeprefix(base + "/"))
        status, _, sitemap = fetch(local)
        if status == 200:
            stories += [urljoin(home, loc.removeprefix(base + "/")) for loc in
                        lxml.etree.fromstring(sitemap).xpath("//s:loc/text()", namespaces=ns)]
    return stories


def main(argv: list[str] | None = None) -> int:
    """Crawl a served site and print the report as JSON; exit 1 when anything is wrong."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the site's home page, e.g. http://127.0.0.1:8799/")
    parser.add_argument("--base", help="the configured base URL (default: the URL's origin)")
    parser.add_argument("--max-clicks", type=int, default=3)
    args = parser.parse_args(argv)
    parts = urlsplit(args.url)
    base = args.base or f"{parts.scheme}://{parts.netloc}"
    report = crawl(args.url, http_fetch(), base, args.max_clicks)
    summary = {"pages": len(report.depth), "stories": len(report.stories),
               "max_story_clicks": report.max_story_clicks(),
               "stories_by_clicks": {str(d): sum(1 for s in report.stories
                                                 if report.depth.get(s) == d)
                                     for d in sorted({report.depth.get(s, -1)
                                                      for s in report.stories})},
               "broken": report.broken[:50], "off_base": report.off_base[:50],
               "unreachable": report.unreachable[:50], "too_deep": report.too_deep[:50]}
    print(json.dumps(summary, indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
