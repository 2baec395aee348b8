"""The reader-facing web app: live HTML pages, feeds and a JSON API over a story store.

Pages are rendered with the same :class:`~newsdesk.web.render.Renderer` as the static
site, so ``/stories/<slug>.html`` served here equals the published file. The JSON
routes mirror the static API (``/api/stories.json`` and ``/api/stories/<slug>.json``
work too), so a client can switch between the two without changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from newsdesk.errors import ConfigError
from newsdesk.records import Article
from newsdesk.web.render import (
    STATIC_DIR,
    Renderer,
    SiteSettings,
    is_valid_slug,
    story_document,
    story_listing,
)

ATOM_TYPE = "application/atom+xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
# Hard cap on one API page so a single request cannot ask the store for everything.
MAX_PAGE = 200


@runtime_checkable
class ArticleSource(Protocol):
    """Where the app reads published articles from (the SQL store satisfies this)."""

    def latest_articles(self, limit: int, offset: int) -> list[Article]:
        """Up to ``limit`` articles, newest first, skipping the first ``offset``."""
        ...

    def article_by_slug(self, slug: str) -> Article | None:
        """The current article with this slug, or ``None`` when there is none."""
        ...

    def stats(self) -> dict[str, Any]:
        """JSON-safe counts about the newsroom (sources, documents, stories ...)."""
        ...


def _labelled(path: str, content_type: str) -> bool:
    """Whether a response is AI-generated content that must carry ``X-AI-Generated``."""
    return content_type.startswith(
        ("text/html", "application/atom+xml", "application/rss+xml")
    ) or path.startswith("/api/stories")


def create_app(
    source: ArticleSource,
    site_dir: Path | None = None,
    *,
    site: SiteSettings | None = None,
) -> FastAPI:
    """Build the web app over ``source``.

    Args:
        source: where articles come from.
        site_dir: a published static site; files it holds that no live route answers
            are served from it read-only. ``None`` serves live routes only.
        site: title, base URL and page size; the defaults match ``SitePublisher``'s, so
            pages equal the published ones when both use the same settings.
    Raises:
        ConfigError: ``site_dir`` is given but is not a directory.
    """
    settings = site or SiteSettings()
    renderer = Renderer(settings)
    app = FastAPI(
        title=f"{settings.site_title} API",
        description="Read-only access to AI-generated, source-cited news stories.",
        # The interactive docs load scripts from a CDN; the site stays fully local.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )

    @app.middleware("http")
    async def label_ai_content(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if _labelled(request.url.path, response.headers.get("content-type", "")):
            response.headers["X-AI-Generated"] = "true"
        return response

    def not_found_json(slug: str) -> JSONResponse:
        return JSONResponse(
            {"detail": f"no story with slug {slug!r}", "slug": slug}, status_code=404
        )

    def find(slug: str) -> Article | None:
        # An unsafe slug can never match a published story; do not pass it to the store.
        return source.article_by_slug(slug) if is_valid_slug(slug) else None

    def has_page(slug: str) -> bool:
        return find(slug) is not None

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/stats")
    def api_stats() -> dict[str, Any]:
        """Counts about the newsroom, as reported by the store."""
        return source.stats()

    @app.get("/api/stories")
    @app.get("/api/stories.json", include_in_schema=False)
    def api_stories(
        limit: int = Query(settings.home_limit, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0),
    ) -> list[dict[str, Any]]:
        """The latest stories, newest first: the same entries as ``api/stories.json``."""
        articles = source.latest_articles(limit=limit, offset=offset)
        return [story_listing(article, settings) for article in articles]

    @app.get("/api/stories/{slug}", response_model=None)
    def api_story(slug: str) -> dict[str, Any] | JSONResponse:
        """One full story, as in ``api/stories/<slug>.json``; 404 when unknown."""
        slug = slug.removesuffix(".json")
        article = find(slug)
        return story_document(article) if article else not_found_json(slug)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/index.html", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        articles = source.latest_articles(limit=settings.home_limit, offset=0)
        return HTMLResponse(renderer.index(articles))

    @app.get("/stories/{slug}.html", response_class=HTMLResponse, include_in_schema=False)
    def story(slug: str) -> HTMLResponse:
        article = find(slug)
        if article is None:
            page = renderer.not_found(f"There is no story at {slug!r}.", root="../")
            return HTMLResponse(page, status_code=404)
        return HTMLResponse(renderer.story(article, has_page=has_page))

    @app.get("/feed.xml", include_in_schema=False)
    def atom_feed() -> Response:
        articles = source.latest_articles(limit=settings.home_limit, offset=0)
        return Response(renderer.atom(articles), media_type=ATOM_TYPE)

    @app.get("/rss.xml", include_in_schema=False)
    def rss_feed() -> Response:
        articles = source.latest_articles(limit=settings.home_limit, offset=0)
        return Response(renderer.rss(articles), media_type=RSS_TYPE)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if site_dir is not None:
        site_dir = Path(site_dir)
        if not site_dir.is_dir():
            raise ConfigError(
                f"site directory {site_dir} does not exist or is not a directory; "
                "publish the site there first or leave it unset"
            )
        # Mounted last, so live routes always win over older published files.
        app.mount("/", StaticFiles(directory=site_dir), name="site")
    return app
