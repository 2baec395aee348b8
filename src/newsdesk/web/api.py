"""The versioned JSON API (``/api/v1``): stories, story detail, sources, topics,
entities, outlets and search, each with typed responses and every error it can return
listed in the OpenAPI document (``/api/v1/openapi.json``).

Lists take ``limit`` (1-100) and ``offset`` and answer ``total`` and the URL of the
next page; the store reads only the page asked for.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from newsdesk.reader import ReaderSource, StoryPage
from newsdesk.web.api_models import (
    ErrorOut,
    FacetListOut,
    FacetStoriesOut,
    SearchOut,
    SourceOut,
    StatsOut,
    StoryDetailOut,
    StoryListOut,
    facet_out,
    story_list,
)
from newsdesk.web.pages import SitePages
from newsdesk.web.render import is_valid_slug

MAX_LIMIT = 100
SLUG = r"^[a-z0-9-]{1,200}$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut,
                                                    "description": "no such item"}}
INVALID: dict[int | str, dict[str, Any]] = {422: {"model": ErrorOut,
                                                  "description": "invalid parameters"}}
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
Slug = Annotated[str, Path(pattern=SLUG, max_length=200)]
FACET_KINDS = {"topics": "topic", "entities": "entity", "outlets": "outlet", "days": "day"}


def _next_url(request: Request, page: StoryPage | tuple[int, int, int]) -> str | None:
    total, offset, limit = ((page.total, page.offset, page.limit)
                            if isinstance(page, StoryPage) else page)
    more = isinstance(page, StoryPage) and not page.exact and len(page.items) == limit
    if offset + limit >= total and not more:
        return None
    params = {k: v for k, v in request.query_params.items() if k not in {"offset", "limit"}}
    params.update({"limit": str(limit), "offset": str(offset + limit)})
    return str(request.url.replace(query=urlencode(params)))


def build_router(source: ReaderSource, pages: SitePages) -> APIRouter:
    """The ``/api/v1`` routes over ``source``."""
    site = pages.site
    router = APIRouter(prefix="/api/v1", responses=INVALID)

    def missing(what: str) -> HTTPException:
        return HTTPException(status_code=404, detail=f"no {what}")

    @router.get("/stories", response_model=StoryListOut, summary="List stories, newest first")
    def stories(request: Request, limit: Limit = 20, offset: Offset = 0) -> StoryListOut:
        """Published stories, most recently updated first. The stories of one topic,
        entity, outlet or day are under ``/topics/{slug}``, ``/entities/{slug}``,
        ``/outlets/{slug}`` and ``/days/{date}``."""
        page = source.list_stories(limit, offset)
        return story_list(page, site, _next_url(request, page))

    @router.get("/stories/{slug}.json", include_in_schema=False)
    def story_file(slug: str) -> Response:
        # The static export's file name for the same document.
        page = pages.render(f"api/v1/stories/{slug}.json")
        if page is None:
            raise missing(f"story {slug!r}")
        return Response(page.body, media_type=page.media_type)

    @router.get("/stories/{slug}", response_model=StoryDetailOut, responses=NOT_FOUND,
                summary="One story with every sentence, citation and verdict")
    def story(slug: Slug) -> Any:
        """The full story: each published sentence with its cited source sentence and
        the verifier's verdict, the sources, entities, topics, related and background
        stories, and the recorded updates."""
        article = source.published_article(slug)
        if article is None:
            raise missing(f"story {slug!r}")
        return pages.story_model(article)

    @router.get("/stories/{slug}/sources", response_model=list[SourceOut],
                responses=NOT_FOUND, summary="The sources of one story")
    def story_sources(slug: Slug) -> Any:
        """The story's source articles, with how much of the article rests on each."""
        article = source.published_article(slug)
        if article is None:
            raise missing(f"story {slug!r}")
        return pages.story_model(article).sources

    @router.get("/search", response_model=SearchOut, summary="Full-text search")
    def search(request: Request,
               q: Annotated[str, Query(min_length=1, max_length=200,
                                       description="words to find")],
               limit: Limit = 20, offset: Offset = 0) -> SearchOut:
        """Stories containing every word of ``q`` (stems match), best first."""
        page = source.search_stories(q, limit, offset)
        return SearchOut(query=q, results=story_list(page, site, _next_url(request, page)))

    def facet_routes(folder: str, kind: str) -> None:
        @router.get(f"/{folder}", response_model=FacetListOut, name=f"list_{folder}",
                    summary=f"List {folder}"
                    + (", newest first" if kind == "day" else ", most stories first"))
        def listing(request: Request, limit: Limit = 20, offset: Offset = 0) -> FacetListOut:
            facets, total = source.list_facets(kind, limit, offset)
            return FacetListOut(items=[facet_out(f, site) for f in facets], total=total,
                                limit=limit, offset=offset,
                                next=_next_url(request, (total, offset, limit)))

        @router.get(f"/{folder}/{{slug}}", response_model=FacetStoriesOut,
                    responses=NOT_FOUND, name=f"get_{kind}",
                    summary=f"One of the {folder} and its stories, newest first")
        def one(request: Request, slug: Slug, limit: Limit = 20,
                offset: Offset = 0) -> FacetStoriesOut:
            facet = source.facet(kind, slug)
            if facet is None:
                raise missing(f"{kind} {slug!r}")
            page = source.list_stories(limit, offset, facet=(kind, slug))
            return FacetStoriesOut(facet=facet_out(facet, site),
                                   stories=story_list(page, site, _next_url(request, page)))

    for folder, kind in FACET_KINDS.items():
        facet_routes(folder, kind)

    @router.get("/stats", response_model=StatsOut, summary="Counts")
    def stats() -> StatsOut:
        """How many stories, topics, entities, outlets and archive days there are."""
        counts = source.reader_counts()
        return StatsOut(stories=counts.get("stories", 0), topics=counts.get("topic", 0),
                        entities=counts.get("entity", 0), outlets=counts.get("outlet", 0),
                        days=counts.get("day", 0))

    return router


__all__ = ["build_router", "is_valid_slug"]
