"""The reader side's records and the interface the site, feeds and API read through.

:class:`IndexedStory` is what the reader index keeps of a published story (computed
from its article by :func:`newsdesk.web.catalog.indexed_story`); :class:`StoryListing`
is one row of a list; :class:`Facet` is a list readers browse (a topic, an entity, an
outlet, a day). :class:`ReaderSource` is the set of queries the web layer needs; the
SQL store implements it (``newsdesk.builtin.store_reader``) with every list paginated
in the query, so a page costs the same whatever the size of the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from newsdesk.records import Article

FacetKind = Literal["topic", "entity", "outlet", "day"]
FACET_KINDS: tuple[FacetKind, ...] = ("topic", "entity", "outlet", "day")


@dataclass(frozen=True)
class FacetRef:
    """A story's membership in a facet: kind, URL slug, display name and detail (an
    entity's kind: person, org or place)."""

    kind: FacetKind
    slug: str
    name: str
    detail: str = ""


@dataclass
class IndexedStory:
    """What the reader index stores about one published story."""

    story_id: int
    slug: str
    headline: str
    summary: str
    first_reported: datetime
    last_updated: datetime
    outlets: int
    sources: int
    checked: int
    supported: int
    dropped: int
    facets: list[FacetRef] = field(default_factory=list)
    search_headline: str = ""
    search_summary: str = ""
    search_body: str = ""
    search_names: str = ""
    signature: str = ""


@dataclass
class StoryListing:
    """One story in a list: what a teaser, a feed's skeleton or an API list item shows."""

    story_id: int
    slug: str
    headline: str
    summary: str
    first_reported: datetime
    last_updated: datetime
    outlets: int
    sources: int
    checked: int
    supported: int
    dropped: int


@dataclass
class Facet:
    """A list readers browse, with how many published stories it holds."""

    kind: FacetKind
    slug: str
    name: str
    detail: str
    stories: int
    last_updated: datetime | None


@dataclass
class StoryPage:
    """One page of a list: the stories shown and how many there are in all."""

    items: list[StoryListing]
    total: int
    offset: int
    limit: int
    exact: bool = True  # False when ``total`` is a lower bound (a capped search count)

    @property
    def pages(self) -> int:
        """How many pages the whole list takes (at least one)."""
        return max(1, -(-self.total // self.limit)) if self.limit else 1


@runtime_checkable
class ReaderSource(Protocol):
    """The queries the site, the feeds and the API read through."""

    def list_stories(self, limit: int, offset: int = 0, facet: tuple[str, str] | None = None
                     ) -> StoryPage:
        """Published stories, most recently updated first; within one facet when
        ``facet`` is ``(kind, slug)``."""
        ...

    def top_stories(self, limit: int, window_days: float) -> list[StoryListing]:
        """The stories most outlets carry among those updated within ``window_days`` of
        the newest story, most outlets first, then most recent."""
        ...

    def search_stories(self, query: str, limit: int, offset: int = 0) -> StoryPage:
        """Stories matching a full-text query, best match first."""
        ...

    def facet(self, kind: str, slug: str) -> Facet | None:
        """One facet, or ``None`` when there is none."""
        ...

    def list_facets(self, kind: str, limit: int, offset: int = 0,
                    prefix: str | None = None) -> tuple[list[Facet], int]:
        """Facets of a kind, most stories first (days: newest first; ``prefix`` keeps
        the slugs starting with it, e.g. the days of one year), and how many there are."""
        ...

    def facets_of_story(self, story_id: int) -> list[Facet]:
        """Every facet a published story belongs to."""
        ...

    def day_range(self) -> tuple[str, str] | None:
        """The first and last archive day (``YYYY-MM-DD``), ``None`` for an empty index."""
        ...

    def published_article(self, slug: str) -> Article | None:
        """The article of the published story with this slug, or ``None``."""
        ...

    def articles_for(self, story_ids: list[int]) -> dict[int, Article]:
        """The current articles of these stories, by story id."""
        ...

    def published_slugs(self, story_ids: list[int]) -> dict[int, str]:
        """Slugs of the stories among ``story_ids`` that are published."""
        ...

    def previous_article(self, story_id: int, version: int) -> Article | None:
        """The version of a story's article before ``version``, if any."""
        ...

    def reader_counts(self) -> dict[str, Any]:
        """The index's totals: published stories and facets of each kind."""
        ...


class SnapshotSource:
    """A :class:`ReaderSource` read once per question, for writing a whole site in one
    pass: the index does not change while the pass runs, and one story is listed on
    many pages and in many feeds (its outlets', its topics', its people's, each in three
    formats), so each listing, facet and article is read from the store once. Not for
    the live server, whose index changes between requests."""

    def __init__(self, source: ReaderSource) -> None:
        self._source = source
        self._calls: dict[tuple[Any, ...], Any] = {}
        self._articles: dict[int, Article | None] = {}

    def _once(self, key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
        if key not in self._calls:
            self._calls[key] = read()
        return self._calls[key]

    def list_stories(self, limit: int, offset: int = 0, facet: tuple[str, str] | None = None
                     ) -> StoryPage:
        return self._once(("list", limit, offset, facet),
                          lambda: self._source.list_stories(limit, offset, facet=facet))

    def facet(self, kind: str, slug: str) -> Facet | None:
        return self._once(("facet", kind, slug), lambda: self._source.facet(kind, slug))

    def facets_of_story(self, story_id: int) -> list[Facet]:
        return self._once(("facets_of", story_id),
                          lambda: self._source.facets_of_story(story_id))

    def day_range(self) -> tuple[str, str] | None:
        return self._once(("days",), self._source.day_range)

    def articles_for(self, story_ids: list[int]) -> dict[int, Article]:
        missing = [i for i in dict.fromkeys(story_ids) if i not in self._articles]
        if missing:
            found = self._source.articles_for(missing)
            for story_id in missing:
                self._articles[story_id] = found.get(story_id)
        return {i: a for i in story_ids if (a := self._articles[i]) is not None}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)  # every other query goes to the store
