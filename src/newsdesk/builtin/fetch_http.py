"""HTTP and local-file fetching with httpx: timeouts, a size cap, conditional requests,
per-host politeness, retries and robots.txt."""

from __future__ import annotations

import logging
import threading
import time
import urllib.robotparser
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from newsdesk.backends import BackendOptions
from newsdesk.backends.fetcher import Fetcher, FetchResult
from newsdesk.errors import FetchError

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
RETRY_STATUSES = {429, 500, 502, 503, 504}


def charset_from_content_type(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return str(charset).strip().lower() if isinstance(charset, str) and charset else None


class HttpFetcher(Fetcher):
    """Fetches ``http(s)://`` with httpx and ``file://`` (or plain paths) from disk."""

    name = "http"

    class Options(BackendOptions):
        """Limits and manners of fetching (see the ``fetch.*`` settings)."""

        timeout: float = 15.0
        max_bytes: int = 5_000_000
        user_agent: str = "newsdesk/0.1"
        host_delay: float = 1.0
        respect_robots: bool = True
        retries: int = 2

    options: Options

    def __init__(self, transport: httpx.BaseTransport | None = None, **options: object) -> None:
        super().__init__(**options)
        self._client = httpx.Client(
            timeout=self.options.timeout, follow_redirects=True, transport=transport,
            headers={"User-Agent": self.options.user_agent}, max_redirects=10,
        )
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def fetch(self, url: str, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """Fetch one URL; see :meth:`Fetcher.fetch`."""
        scheme = urlsplit(url).scheme.lower()
        if scheme in {"", "file"}:
            return self._fetch_file(url)
        if scheme not in {"http", "https"}:
            raise FetchError(url, "unsupported_scheme", f"cannot fetch {scheme}:// URLs")
        if self.options.respect_robots and not self._robots_allow(url):
            raise FetchError(url, "robots_disallowed",
                             "robots.txt forbids this path for our user agent")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            self._wait_for_host(url)
            try:
                return self._get(url, headers)
            except FetchError as exc:
                retriable = exc.reason in {"timeout", "connect_error"} or exc.reason in {
                    f"http_{s}" for s in RETRY_STATUSES}
                if not retriable or attempt >= self.options.retries:
                    raise
                attempt += 1
                backoff = min(8.0, 0.5 * 2**attempt)
                log.info("retrying %s after %s (attempt %d, waiting %.1fs)", url, exc.reason,
                         attempt + 1, backoff)
                time.sleep(backoff)

    def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return FetchResult(url, str(response.url), 304, b"", not_modified=True,
                                       etag=response.headers.get("etag"),
                                       last_modified=response.headers.get("last-modified"))
                if response.status_code >= 400:
                    raise FetchError(url, f"http_{response.status_code}",
                                     response.reason_phrase or "")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.options.max_bytes:
                    raise FetchError(url, "too_large",
                                     f"{declared} bytes declared, limit {self.options.max_bytes}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.options.max_bytes:
                        raise FetchError(url, "too_large",
                                         f"more than {self.options.max_bytes} bytes")
                    chunks.append(chunk)
                content_type = response.headers.get("content-type", "")
                return FetchResult(
                    url=url, final_url=str(response.url), status=response.status_code,
                    content=b"".join(chunks), content_type=content_type,
                    charset=charset_from_content_type(content_type),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    headers=dict(response.headers),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(url, "timeout", f"no answer within {self.options.timeout}s") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(url, "too_many_redirects", str(exc)) from exc
        except httpx.TransportError as exc:
            raise FetchError(url, "connect_error", str(exc) or type(exc).__name__) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(url, "invalid_url", str(exc)) from exc

    def _fetch_file(self, url: str) -> FetchResult:
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        if not path.is_file():
            raise FetchError(url, "not_found", f"no such file: {path}")
        size = path.stat().st_size
        if size > self.options.max_bytes:
            raise FetchError(url, "too_large", f"{size} bytes, limit {self.options.max_bytes}")
        return FetchResult(url=url, final_url=path.resolve().as_uri(), status=200,
                           content=path.read_bytes())

    def _wait_for_host(self, url: str) -> None:
        """Sleep so that two requests to one host are at least ``host_delay`` apart."""
        host = urlsplit(url).hostname or ""
        if host in LOOPBACK or self.options.host_delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            ready = self._last_request.get(host, 0.0) + self.options.host_delay
            self._last_request[host] = max(now, ready)
        if ready > now:
            time.sleep(ready - now)

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = None
            try:
                self._wait_for_host(url)
                response = self._client.get(root + "/robots.txt")
                if response.status_code < 400:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(response.text.splitlines())
                elif response.status_code >= 500:
                    # RFC 9309 2.3.1.4: a server error on robots.txt means full disallow.
                    # 4xx (401/403 included, as major crawlers do) means "no rules".
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(["User-agent: *", "Disallow: /"])
            except httpx.HTTPError as exc:
                log.debug("robots.txt for %s not available: %s", root, exc)
            self._robots[root] = parser
        parser = self._robots[root]
        return True if parser is None else parser.can_fetch(self.options.user_agent, url)
