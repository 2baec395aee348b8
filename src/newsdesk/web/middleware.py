"""HTTP behaviour of ``newsdesk serve`` around every response (pure ASGI middleware).

- :class:`HeadAsGet`: ``HEAD`` works wherever ``GET`` does, with the same headers
  (the AI label, validators and length included) and no body.
- :class:`SiteHeaders`: security headers on every response (a Content-Security-Policy
  with no inline script, ``nosniff``, framing refused, a referrer policy) and the
  ``X-AI-Generated`` label on AI-generated content.
- :class:`ConditionalGet`: a weak ``ETag`` from the body and ``Last-Modified`` when the
  route gave one; ``If-None-Match`` / ``If-Modified-Since`` that match get 304.

Compression is Starlette's ``GZipMiddleware``, placed inside ``ConditionalGet`` and
``HeadAsGet`` so validators describe the uncompressed representation (hence weak).
"""

from __future__ import annotations

import hashlib
from email.utils import parsedate_to_datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "interest-cohort=(), camera=(), microphone=(), geolocation=()",
}
LABELLED_TYPES = ("text/html", "application/atom+xml", "application/rss+xml",
                  "application/feed+json")
VALIDATED_TYPES = (*LABELLED_TYPES, "application/json", "application/xml", "text/plain",
                   "text/css", "text/javascript", "image/")


def _is_labelled(path: str, content_type: str) -> bool:
    """Whether a response is AI-generated content that must carry ``X-AI-Generated``."""
    return content_type.startswith(LABELLED_TYPES) or path.startswith(
        ("/api/v1/stories", "/api/v1/search", "/api/v1/topics", "/api/v1/entities",
         "/api/v1/outlets", "/api/v1/pages"))


class HeadAsGet:
    """Answer ``HEAD`` by running ``GET`` and dropping the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class SiteHeaders:
    """Security headers on everything; the AI label on AI-generated content."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if _is_labelled(scope["path"], headers.get("content-type", "")):
                    headers["x-ai-generated"] = "true"
            await send(message)

        await self.app(scope, receive, add_headers)


class ConditionalGet:
    """ETag and Last-Modified validation for successful GET responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffer)

    @staticmethod
    async def _finish(scope: Scope, start: Message, body: bytes, send: Send) -> None:
        headers = MutableHeaders(scope=start)
        status = int(start["status"])
        if status != 200 or not headers.get("content-type", "").startswith(VALIDATED_TYPES):
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers["etag"] = etag
        headers.setdefault("cache-control", "no-cache")
        request = Headers(scope=scope)
        if _not_modified(request, etag, headers.get("last-modified")):
            keep = {k: v for k, v in headers.items() if k not in {"content-length",
                                                                  "content-type"}}
            response: dict[str, Any] = {"type": "http.response.start", "status": 304,
                                        "headers": [(k.encode("latin-1"), v.encode("latin-1"))
                                                    for k, v in keep.items()]}
            await send(response)
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})


def _not_modified(request: Headers, etag: str, last_modified: str | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since; both compare weakly."""
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = request.get("if-modified-since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
