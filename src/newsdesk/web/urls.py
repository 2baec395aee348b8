"""Where every page, feed and JSON file of the site lives (site-relative paths).

The same paths are files in the static export and routes of ``newsdesk serve``, so a
relative link works in both. A list's first page is ``<name>.html`` and page *n* is
``<name>/<n>.html``; the home page continues at ``latest/<n>.html``.
"""

from __future__ import annotations

FACET_DIRS = {"topic": "topics", "entity": "entities", "outlet": "outlets", "day": "archive"}
DIR_KINDS = {folder: kind for kind, folder in FACET_DIRS.items()}
FEED_FORMATS = {"atom": "feed.xml", "rss": "rss.xml", "json": "feed.json"}


def story_path(slug: str) -> str:
    """A story page."""
    return f"stories/{slug}.html"


def home_path(page: int = 1) -> str:
    """The home page, or page ``page`` of the latest stories."""
    return "index.html" if page <= 1 else f"latest/{page}.html"


def facet_path(kind: str, slug: str, page: int = 1) -> str:
    """A topic, entity, outlet or day page."""
    folder = FACET_DIRS[kind]
    return f"{folder}/{slug}.html" if page <= 1 else f"{folder}/{slug}/{page}.html"


def directory_path(kind: str, page: int = 1) -> str:
    """The list of every topic, entity or outlet."""
    folder = FACET_DIRS[kind]
    return f"{folder}/index.html" if page <= 1 else f"{folder}/index/{page}.html"


def year_path(year: str) -> str:
    """The archive calendar of one year."""
    return f"archive/{year}.html"


def feed_path(fmt: str, kind: str | None = None, slug: str | None = None) -> str:
    """A feed (``atom``, ``rss`` or ``json``) of the home page or of one facet."""
    name = FEED_FORMATS[fmt]
    if kind is None or slug is None:
        return name
    return f"{FACET_DIRS[kind]}/{slug}/{name}"


def api_story_path(slug: str) -> str:
    """A story's JSON document in the static API."""
    return f"api/v1/stories/{slug}.json"


def api_list_path(page: int = 1) -> str:
    """A page of the static API's story list."""
    return "api/v1/stories.json" if page <= 1 else f"api/v1/pages/stories-{page}.json"


def root_of(path: str) -> str:
    """The relative prefix from ``path`` back to the site root (``""``, ``"../"`` ...)."""
    return "../" * path.count("/")
