"""Every page, feed and file of the site, by its site-relative path.

:class:`SitePages` answers one path at a time from a :class:`~newsdesk.reader.ReaderSource`
(:meth:`SitePages.render`) and lists every path the site has (:meth:`SitePages.paths`).
``newsdesk serve`` calls the first for each request; ``newsdesk publish`` writes the
second to disk. So the static site and the served one are the same pages, and each
list page reads one page of its list from the store, never the whole archive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote_plus

from newsdesk.reader import Facet, ReaderSource, StoryListing, StoryPage
from newsdesk.records import Article
from newsdesk.web import format as fmt
from newsdesk.web.api_models import StoryDetailOut, facet_out, story_detail, story_list
from newsdesk.web.feeds import FeedBuilder, FeedInfo, FeedItem
from newsdesk.web.render import STATIC_DIR, WRITER_NAME, Renderer, SiteSettings, is_valid_slug
from newsdesk.web.story_view import build_story_view
from newsdesk.web.urls import (
    DIR_KINDS,
    FACET_DIRS,
    api_list_path,
    api_story_path,
    directory_path,
    facet_path,
    feed_path,
    home_path,
    story_path,
    year_path,
)

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
FEED_TYPES = {"atom": "application/atom+xml; charset=utf-8",
              "rss": "application/rss+xml; charset=utf-8",
              "json": "application/feed+json; charset=utf-8"}
FEED_FILES = {"feed.xml": "atom", "rss.xml": "rss", "feed.json": "json"}
DIRECTORY_SIZE = 100
SITEMAP_SIZE = 10_000
NEWS_SITEMAP_DAYS = 2.0
NEWS_SITEMAP_MAX = 1000
MAX_PAGE = 100_000
KIND_LABELS = {"person": "Person", "org": "Organisation", "place": "Place"}
DIRECTORY_TITLES = {"topic": ("Topics", "Stories filed by subject."),
                    "entity": ("People, organisations and places",
                               "Everyone and everything the stories name, most covered first."),
                    "outlet": ("Outlets", "The news outlets whose reporting the stories cite.")}

_FACET = "(topics|entities|outlets|archive)"
_SLUG = "([a-z0-9-]{1,200})"
ROUTES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), name) for p, name in [
    (r"index\.html", "home"),
    (r"latest/(\d{1,6})\.html", "home_page"),
    (rf"stories/{_SLUG}\.html", "story"),
    (r"(topics|entities|outlets)/index\.html", "directory"),
    (r"(topics|entities|outlets)/index/(\d{1,6})\.html", "directory_page"),
    (r"archive/index\.html", "archive"),
    (r"archive/(\d{4})\.html", "year"),
    (rf"{_FACET}/{_SLUG}\.html", "facet"),
    (rf"{_FACET}/{_SLUG}/(\d{{1,6}})\.html", "facet_page"),
    (rf"{_FACET}/{_SLUG}/(feed\.xml|rss\.xml|feed\.json)", "facet_feed"),
    (r"(feed\.xml|rss\.xml|feed\.json)", "feed"),
    (r"search\.html", "search"),
    (r"about\.html", "about"),
    (r"robots\.txt", "robots"),
    (r"sitemap\.xml", "sitemap_index"),
    (r"news-sitemap\.xml", "news_sitemap"),
    (r"sitemaps/pages\.xml", "sitemap_pages"),
    (r"sitemaps/(stories|topic|entity|outlet|day)-(\d{1,6})\.xml", "sitemap_part"),
    (r"api/v1/stories\.json", "api_list"),
    (r"api/v1/pages/stories-(\d{1,6})\.json", "api_list_page"),
    (rf"api/v1/stories/{_SLUG}\.json", "api_story"),
    (r"favicon\.ico", "favicon"),
]]


@dataclass
class Page:
    """A rendered response: body, media type and when its content last changed."""

    body: str | bytes
    media_type: str
    last_modified: datetime | None = None
    status: int = 200


@dataclass
class Pagination:
    """Where a page sits in its list and the links to the others."""

    page: int
    pages: int
    prev: str | None
    next: str | None
    links: list[tuple[int, str | None]]  # (number, href); href None marks a gap


def paginate(page: int, pages: int, href: Callable[[int], str]) -> Pagination:
    """Links to the first, last and nearby pages of a list of ``pages`` pages."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[tuple[int, str | None]] = []
    for number in shown:
        if links and number - links[-1][0] > 1:
            links.append((links[-1][0] + 1, None))
        links.append((number, href(number)))
    return Pagination(page, pages, href(page - 1) if page > 1 else None,
                      href(page + 1) if page < pages else None, links)


class SitePages:
    """The whole site over a reader source; safe to share between threads."""

    def __init__(self, source: ReaderSource, site: SiteSettings | None = None, *,
                 static_site: bool = False) -> None:
        self.source = source
        self.site = site or SiteSettings()
        self.renderer = Renderer(self.site)
        self.feeds = FeedBuilder(self.renderer)
        self.static_site = static_site
        # a static site is written in one pass over an index that does not change: a
        # story's feed item is built once for all the feeds that list it
        self._items: dict[int, FeedItem] | None = {} if static_site else None

    # -- dispatch ----------------------------------------------------------------------

    def render(self, path: str, query: Mapping[str, str] | None = None) -> Page | None:
        """The page at site path ``path`` (``""`` is the home page), or ``None``."""
        path = path.lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        for pattern, name in ROUTES:
            match = pattern.fullmatch(path)
            if match:
                handler = getattr(self, f"_{name}")
                if name == "search":
                    return handler(query or {})
                return handler(*match.groups())
        return None

    def not_found(self, path: str, message: str = "") -> Page:
        """The HTML "not found" page for ``path`` (or another error, by ``message``)."""
        title = "Not found" if not message else "This request cannot be answered"
        message = message or "There is no page at this address. It may have moved."
        body = self.renderer.page("not_found.html", path.lstrip("/") or "index.html",
                                  message=message, robots="noindex", heading=title)
        return Page(body, HTML, status=404)

    # -- pages -------------------------------------------------------------------------

    def _home(self) -> Page | None:
        return self._home_at(1)

    def _home_page(self, number: str) -> Page | None:
        # Page 1 lives at index.html only: latest/1.html would be a second copy of it.
        return self._home_at(int(number)) if int(number) >= 2 else None

    def _home_at(self, page: int) -> Page | None:
        size = self.site.home_limit
        listing = self.source.list_stories(size, (page - 1) * size)
        if page > listing.pages:
            return None
        top = self.source.top_stories(self.site.top_stories, self.site.top_window_days) \
            if page == 1 else []
        pager = paginate(page, listing.pages, home_path)
        days = self.source.day_range()
        years = [str(y) for y in range(int(days[1][:4]), int(days[0][:4]) - 1, -1)] \
            if days else []
        path = home_path(page)
        body = self.renderer.page("index.html", path, top=top, items=listing.items,
                                  pagination=pager, years=years)
        return Page(body, HTML, self._newest(listing.items + top))

    def _story(self, slug: str) -> Page | None:
        article = self.source.published_article(slug) if is_valid_slug(slug) else None
        if article is None:
            return None
        wanted = [r.story_id for r in article.related] + [t.story_id for t in article.timeline]
        published = self.source.published_slugs(wanted) if wanted else {}
        previous = (self.source.previous_article(article.story_id, article.version)
                    if article.version > 1 else None)
        view = build_story_view(article, self.site, published,
                                self.source.facets_of_story(article.story_id), previous)
        body = self.renderer.page(
            "story.html", story_path(slug), story=view, og=view.og, writer=WRITER_NAME,
            description=article.meta_description or article.summary.text)
        changed = fmt.as_datetime(article.updated_at or article.written_at)
        return Page(body, HTML, max(filter(None, [view.last_updated, changed])))

    def _directory(self, folder: str) -> Page | None:
        return self._directory_at(folder, 1)

    def _directory_page(self, folder: str, number: str) -> Page | None:
        return self._directory_at(folder, int(number)) if int(number) >= 2 else None

    def _directory_at(self, folder: str, page: int) -> Page | None:
        kind = DIR_KINDS[folder]
        facets, total = self.source.list_facets(kind, DIRECTORY_SIZE, (page - 1) * DIRECTORY_SIZE)
        pages = max(1, -(-total // DIRECTORY_SIZE))
        if page > pages:
            return None
        title, intro = DIRECTORY_TITLES[kind]
        entries = [{"name": f.name, "href": facet_path(kind, f.slug), "stories": f.stories,
                    "detail": KIND_LABELS.get(f.detail, "")} for f in facets]
        path = directory_path(kind, page)
        body = self.renderer.page("directory.html", path, heading=title, intro=intro,
                                  entries=entries,
                                  pagination=paginate(page, pages,
                                                      lambda n: directory_path(kind, n)))
        return Page(body, HTML, max((f.last_updated for f in facets if f.last_updated),
                                    default=None))

    def _archive(self) -> Page | None:
        days = self.source.day_range()
        return self._year(days[1][:4] if days else "", path="archive/index.html")

    def _year(self, year: str, path: str = "") -> Page | None:
        days = self.source.day_range()
        years = [str(y) for y in range(int(days[1][:4]), int(days[0][:4]) - 1, -1)] \
            if days else []
        if year not in years and not (path and not years):
            return None
        facets, _ = self.source.list_facets("day", 400, 0, prefix=f"{year}-") if year else ([], 0)
        months: dict[str, list[dict[str, object]]] = {}
        for facet in facets:
            moment = fmt.as_datetime(facet.slug + "T00:00:00")
            if moment is None:
                continue
            pages = max(1, -(-facet.stories // self.site.page_size))
            months.setdefault(f"{moment:%B %Y}", []).append({
                "label": fmt.format_day(moment), "href": facet_path("day", facet.slug),
                "stories": facet.stories,
                "more": [(n, facet_path("day", facet.slug, n)) for n in range(2, pages + 1)]})
        body = self.renderer.page("archive.html", path or year_path(year),
                                  year=year or "(empty)", years=years,
                                  months=list(months.items()))
        return Page(body, HTML, max((f.last_updated for f in facets if f.last_updated),
                                    default=None))

    def _facet(self, folder: str, slug: str) -> Page | None:
        return self._facet_at(folder, slug, 1)

    def _facet_page(self, folder: str, slug: str, number: str) -> Page | None:
        return self._facet_at(folder, slug, int(number)) if int(number) >= 2 else None

    def _facet_at(self, folder: str, slug: str, page: int) -> Page | None:
        kind = DIR_KINDS[folder]
        if folder == "archive" and slug == "index":
            return None
        facet = self.source.facet(kind, slug)
        if facet is None:
            return None
        size = self.site.page_size
        listing = self.source.list_stories(size, (page - 1) * size, facet=(kind, slug))
        if page > listing.pages:
            return None
        heading, kicker, intro = self._facet_words(facet)
        feeds = {"title": f"{heading} on {self.site.site_title}",
                 **{f: feed_path(f, kind, slug) for f in ("atom", "rss", "json")}}
        body = self.renderer.page(
            "list.html", facet_path(kind, slug, page), heading=heading, kicker=kicker,
            intro=intro, items=listing.items, feeds=feeds, timeline=kind == "entity",
            empty="No published story yet.",
            pagination=paginate(page, listing.pages, lambda n: facet_path(kind, slug, n)))
        return Page(body, HTML, self._newest(listing.items))

    @staticmethod
    def _facet_words(facet: Facet) -> tuple[str, str, str]:
        if facet.kind == "topic":
            return facet.name, "Topic", f"Stories about {facet.name.lower()}, newest first."
        if facet.kind == "entity":
            label = KIND_LABELS.get(facet.detail, "Named in the news")
            return (facet.name, label,
                    f"Every story naming {facet.name}, as a timeline: newest first.")
        if facet.kind == "outlet":
            return (facet.name, "Outlet",
                    f"What {facet.name} covered: stories that cite its reporting, newest first.")
        day = fmt.format_day(facet.slug)
        return day, "Archive", f"Stories first reported on {day}."

    def _search(self, query: Mapping[str, str]) -> Page | None:
        words = " ".join(str(query.get("q", "")).split())[:200]
        try:
            page = max(1, min(MAX_PAGE, int(query.get("page", "1"))))
        except ValueError:
            page = 1
        size = self.site.page_size
        result = (self.source.search_stories(words, size, (page - 1) * size)
                  if words and not self.static_site else StoryPage([], 0, 0, size))
        heading = f"Search: {words}" if words else "Search"
        pages = result.pages
        if not result.exact and len(result.items) == size:
            pages = max(pages, page + 1)  # more matches than were counted
        body = self.renderer.page(
            "search.html", "search.html", heading=heading, kicker="", intro="",
            items=result.items, feeds=None, timeline=False, query=words, total=result.total,
            exact=result.exact,
            static_site=self.static_site, robots="noindex",
            empty="No story matches." if words and not self.static_site else "",
            pagination=paginate(page, pages,
                                lambda n: f"search.html?q={quote_plus(words)}&page={n}"))
        return Page(body, HTML)

    def _about(self) -> Page | None:
        return Page(self.renderer.page("about.html", "about.html", writer=WRITER_NAME), HTML)

    # -- feeds -------------------------------------------------------------------------

    def _feed_page(self, fmt_name: str, info: FeedInfo, listing: list[StoryListing]
                   ) -> Page:
        articles = self.source.articles_for([i.story_id for i in listing])
        items = [self._item(i, articles[i.story_id]) for i in listing
                 if i.story_id in articles]
        build = {"atom": self.feeds.atom, "rss": self.feeds.rss, "json": self.feeds.json_feed}
        return Page(build[fmt_name](info, items), FEED_TYPES[fmt_name],
                    max((i.changed for i in items), default=None))

    def _item(self, listing: StoryListing, article: Article) -> FeedItem:
        if self._items is None:
            return self.feeds.item(listing, article)
        item = self._items.get(listing.story_id)
        if item is None:
            item = self._items[listing.story_id] = self.feeds.item(listing, article)
        return item

    def _feed(self, name: str) -> Page | None:
        fmt_name = FEED_FILES[name]
        listing = self.source.list_stories(self.site.feed_items).items
        info = FeedInfo(self.site.site_title, "index.html", feed_path(fmt_name))
        return self._feed_page(fmt_name, info, listing)

    def _facet_feed(self, folder: str, slug: str, name: str) -> Page | None:
        kind, fmt_name = DIR_KINDS[folder], FEED_FILES[name]
        facet = self.source.facet(kind, slug)
        if facet is None:
            return None
        listing = self.source.list_stories(self.site.feed_items, facet=(kind, slug)).items
        heading, _, intro = self._facet_words(facet)
        info = FeedInfo(f"{heading} · {self.site.site_title}", facet_path(kind, slug),
                        feed_path(fmt_name, kind, slug), intro)
        return self._feed_page(fmt_name, info, listing)

    # -- machine-readable files --------------------------------------------------------

    def _robots(self) -> Page | None:
        lines = ["User-agent: *", "Allow: /", "Disallow: /search.html", "",
                 f"Sitemap: {self.site.absolute('sitemap.xml')}",
                 f"Sitemap: {self.site.absolute('news-sitemap.xml')}", ""]
        return Page("\n".join(lines), TEXT)

    def _sitemap_parts(self) -> list[str]:
        counts = self.source.reader_counts()
        parts = ["sitemaps/pages.xml"]
        for name, key in (("stories", "stories"), ("topic", "topic"), ("entity", "entity"),
                          ("outlet", "outlet"), ("day", "day")):
            total = int(counts.get(key, 0))
            parts += [f"sitemaps/{name}-{n}.xml"
                      for n in range(1, max(1, -(-total // SITEMAP_SIZE)) + 1) if total]
        return parts

    def _sitemap_index(self) -> Page | None:
        newest = self.source.list_stories(1).items
        lastmod = newest[0].last_updated if newest else None
        entries = [{"loc": self.site.absolute(p), "lastmod": lastmod}
                   for p in self._sitemap_parts()]
        return Page(self.renderer.xml("sitemap_index.xml", entries=entries), XML, lastmod)

    def _sitemap_pages(self) -> Page | None:
        paths = ["", "about.html", "archive/index.html",
                 *(directory_path(k) for k in ("topic", "entity", "outlet"))]
        days = self.source.day_range()
        if days:
            paths += [year_path(str(y)) for y in range(int(days[0][:4]), int(days[1][:4]) + 1)]
        entries = [{"loc": self.site.absolute(p), "lastmod": None} for p in paths]
        return Page(self.renderer.xml("sitemap.xml", entries=entries), XML)

    def _sitemap_part(self, name: str, number: str) -> Page | None:
        offset = (int(number) - 1) * SITEMAP_SIZE
        if name == "stories":
            items = self.source.list_stories(SITEMAP_SIZE, offset).items
            entries = [{"loc": self.site.absolute(story_path(i.slug)),
                        "lastmod": i.last_updated} for i in items]
        else:
            facets, _ = self.source.list_facets(name, SITEMAP_SIZE, offset)
            entries = [{"loc": self.site.absolute(facet_path(name, f.slug)),
                        "lastmod": f.last_updated} for f in facets]
        if not entries:
            return None
        return Page(self.renderer.xml("sitemap.xml", entries=entries), XML)

    def _news_sitemap(self) -> Page | None:
        # Search engines want the last two days of news in a news sitemap; "now" is the
        # newest story's time, so an archive replayed from old feeds has one as well.
        listing = self.source.list_stories(NEWS_SITEMAP_MAX).items
        since = listing[0].last_updated - timedelta(days=NEWS_SITEMAP_DAYS) if listing else None
        items = [{"loc": self.site.absolute(story_path(i.slug)), "published": i.first_reported,
                  "title": i.headline} for i in listing if since and i.last_updated >= since]
        return Page(self.renderer.xml("news_sitemap.xml", items=items), XML)

    def _api_list(self) -> Page | None:
        return self._api_list_at(1)

    def _api_list_page(self, number: str) -> Page | None:
        return self._api_list_at(int(number)) if int(number) >= 2 else None

    def _api_list_at(self, page: int) -> Page | None:
        size = self.site.page_size
        listing = self.source.list_stories(size, (page - 1) * size)
        if page > listing.pages:
            return None
        next_url = self.site.absolute(api_list_path(page + 1)) if page < listing.pages else None
        body = story_list(listing, self.site, next_url).model_dump_json(indent=2)
        return Page(body + "\n", JSON, self._newest(listing.items))

    def _api_story(self, slug: str) -> Page | None:
        article = self.source.published_article(slug)
        if article is None:
            return None
        return Page(self.story_json(article) + "\n", JSON)

    def story_model(self, article: Article) -> StoryDetailOut:
        """The API document of a story (``GET /api/v1/stories/<slug>``)."""
        wanted = [r.story_id for r in article.related] + [t.story_id for t in article.timeline]
        published = self.source.published_slugs(wanted) if wanted else {}
        return story_detail(article, self.site, self.source.facets_of_story(article.story_id),
                            published)

    def story_json(self, article: Article) -> str:
        """The JSON document of a story, as the static API file holds it."""
        return self.story_model(article).model_dump_json(indent=2)

    def _favicon(self) -> Page | None:
        return Page((STATIC_DIR / "favicon.ico").read_bytes(), "image/x-icon")

    # -- helpers -----------------------------------------------------------------------

    @staticmethod
    def _newest(items: list[StoryListing]) -> datetime | None:
        return max((i.last_updated for i in items), default=None)

    # -- the whole site ----------------------------------------------------------------

    def paths(self) -> Iterator[str]:
        """Every path of the site (pages, feeds, sitemaps, JSON), for the static export."""
        yield from ("about.html", "search.html", "robots.txt", "sitemap.xml",
                    "news-sitemap.xml", "favicon.ico", "archive/index.html")
        yield from self._sitemap_parts()
        yield from FEED_FILES
        total = self.source.list_stories(1).total
        for page in range(1, max(1, -(-total // self.site.home_limit)) + 1):
            yield home_path(page)
        for page in range(1, max(1, -(-total // self.site.page_size)) + 1):
            yield api_list_path(page)
        for offset in range(0, total, 500):
            for item in self.source.list_stories(500, offset).items:
                yield story_path(item.slug)
                yield api_story_path(item.slug)
        days = self.source.day_range()
        if days:
            yield from (year_path(str(y)) for y in range(int(days[0][:4]), int(days[1][:4]) + 1))
        for kind in FACET_DIRS:
            yield from self._facet_paths(kind)

    def _facet_paths(self, kind: str) -> Iterator[str]:
        _, total = self.source.list_facets(kind, 1)
        if kind != "day":
            for page in range(1, max(1, -(-total // DIRECTORY_SIZE)) + 1):
                yield directory_path(kind, page)
        for offset in range(0, total, 1000):
            facets, _ = self.source.list_facets(kind, 1000, offset)
            for facet in facets:
                pages = max(1, -(-facet.stories // self.site.page_size))
                for page in range(1, pages + 1):
                    yield facet_path(kind, facet.slug, page)
                for fmt_name in ("atom", "rss", "json"):
                    yield feed_path(fmt_name, kind, facet.slug)


__all__ = ["HTML", "JSON", "Page", "SitePages", "facet_out"]
