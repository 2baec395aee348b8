"""The reader-facing web app: live HTML pages, feeds, sitemaps and the JSON API.

Pages come from :class:`~newsdesk.web.pages.SitePages`, the same code that writes the
static site, so ``/stories/<slug>.html`` served here equals the published file. The
typed JSON API lives under ``/api/v1`` (OpenAPI document at ``/api/v1/openapi.json``).
Every response carries security headers; AI-generated content carries
``X-AI-Generated: true``; ``HEAD`` works wherever ``GET`` does; unknown pages get the
HTML "not found" page and unknown API paths a JSON error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from newsdesk.errors import ConfigError
from newsdesk.reader import ReaderSource
from newsdesk.web import format as fmt
from newsdesk.web.api import build_router
from newsdesk.web.middleware import ConditionalGet, HeadAsGet, SiteHeaders
from newsdesk.web.pages import Page, SitePages
from newsdesk.web.render import STATIC_DIR, SiteSettings

API_PREFIX = "/api/"


def _response(page: Page) -> Response:
    headers = {"last-modified": fmt.rfc822_time(page.last_modified)} if page.last_modified \
        else {}
    return Response(page.body, status_code=page.status, media_type=page.media_type,
                    headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in {"query", "path"})
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else
                     str(error.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def create_app(source: ReaderSource, site_dir: Path | None = None, *,
               site: SiteSettings | None = None, operations: Any = None) -> FastAPI:
    """Build the web app over ``source``.

    Args:
        source: the reader side of the store.
        site_dir: a published static site; files there that no live route answers
            (pages an operator added) are served read-only. ``None`` serves live routes.
        site: title, base URL and list sizes; every absolute URL uses ``base_url``.
        operations: the store to report on at ``/healthz`` and ``/metrics`` (with request
            counts and latency; :mod:`newsdesk.web.ops`); ``None`` keeps a bare
            ``/healthz`` and no metrics.
    Raises:
        ConfigError: ``site_dir`` is given but is not a directory.
    """
    settings = site or SiteSettings()
    pages = SitePages(source, settings)
    if site_dir is not None and not Path(site_dir).is_dir():
        raise ConfigError(f"site directory {site_dir} does not exist or is not a directory; "
                          "publish the site there first or leave it unset")
    extra_root = Path(site_dir).resolve() if site_dir is not None else None
    app = FastAPI(
        title=f"{settings.site_title} API",
        version="1",
        description="Read-only access to AI-generated, source-cited news stories: every "
                    "sentence with the source sentence it cites and the verifier's verdict.",
        # The interactive docs load scripts from a CDN; the site stays fully local.
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if request.url.path.startswith(API_PREFIX):
            return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code,
                                headers=headers)
        if exc.status_code == 404:
            return _response(pages.not_found(request.url.path))
        page = pages.not_found(request.url.path, f"{exc.status_code}: {exc.detail}.")
        response = _response(page)
        response.status_code = exc.status_code
        response.headers.update(headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    requests = None
    if operations is not None:
        from newsdesk.web import ops

        requests = ops.RequestMetrics(app.router)
        ops.install(app, operations, requests)
    else:
        @app.get("/healthz", include_in_schema=False)
        def healthz() -> dict[str, str]:
            return {"status": "ok"}

    app.include_router(build_router(source, pages))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/{path:path}", include_in_schema=False)
    def site_page(path: str, request: Request) -> Any:
        page = pages.render(path, dict(request.query_params))
        if page is not None:
            return _response(page)
        if extra_root is not None:
            candidate = (extra_root / path).resolve()
            if candidate.is_file() and candidate.is_relative_to(extra_root):
                return FileResponse(candidate)
        if path.startswith(API_PREFIX.lstrip("/")):
            return JSONResponse({"detail": f"no API resource at /{path}"}, status_code=404)
        return _response(pages.not_found(path))

    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.add_middleware(ConditionalGet)
    app.add_middleware(SiteHeaders)
    app.add_middleware(HeadAsGet)
    if requests is not None:
        # Outermost, so the latency counted is what the client waited for.
        app.add_middleware(_Measured, metrics=requests)
    return app


class _Measured:
    """Hands every request to the shared :class:`~newsdesk.web.ops.RequestMetrics`."""

    def __init__(self, app: Any, metrics: Any) -> None:
        metrics.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.metrics(scope, receive, send)
