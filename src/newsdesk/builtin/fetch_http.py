"""HTTP and local-file fetching with httpx: an address policy checked on every connection,
an overall deadline and a byte cap per fetch (decompressed bytes, robots.txt included),
conditional requests, per-host politeness, retries and robots.txt.

Redirects are followed here rather than by httpx, so each hop is checked: only http(s)
targets, at most ``max_redirects`` of them, and each new connection goes through the
address policy of :mod:`newsdesk.builtin.fetch_guard`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import urllib.robotparser
import zlib
from email.message import Message
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from newsdesk.backends import BackendOptions
from newsdesk.backends.fetcher import Fetcher, FetchResult
from newsdesk.builtin import fetch_guard
from newsdesk.errors import FetchError
from newsdesk.fetch_policy import WEB_SCHEMES, AddressPolicy, file_url_path, scheme_of

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
#: What the fetcher can decompress itself, within the byte cap.
ACCEPT_ENCODING = "gzip, deflate"


def charset_from_content_type(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return str(charset).strip().lower() if isinstance(charset, str) and charset else None


class _Body:
    """Collects a response body, decompressing gzip/deflate, never past ``limit`` bytes.

    The decompressor is asked for at most what is left under the limit, so a small
    compressed bomb never expands in memory beyond the cap.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.raw_bytes = 0
        self.overflow = False
        self._chunks: list[bytes] = []
        self._zlib: zlib._Decompress | None = None
        self._deflate_raw_tried = False
        encoding = encoding.strip().lower()
        if encoding in {"gzip", "x-gzip"}:
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding not in {"", "identity"}:
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")
        self._encoding = encoding

    def feed(self, data: bytes) -> bool:
        """Take raw bytes; False once the limit is passed (the caller stops reading)."""
        self.raw_bytes += len(data)
        if self._zlib is None:
            return self._keep(data)
        while data:
            try:
                out = self._zlib.decompress(data, self.limit - self.size + 1)
            except zlib.error:
                if self._encoding == "deflate" and not self._deflate_raw_tried and not self.size:
                    # Some servers send raw deflate without the zlib header.
                    self._deflate_raw_tried = True
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            if not self._keep(out):
                return False
            data = self._zlib.unconsumed_tail
            if self._zlib.eof:
                break
        return True

    def _keep(self, data: bytes) -> bool:
        self.size += len(data)
        if self.size > self.limit:
            self.overflow = True
            keep = len(data) - (self.size - self.limit)
            self._chunks.append(data[:keep])
            self.size = self.limit
            return False
        self._chunks.append(data)
        return True

    def content(self) -> bytes:
        return b"".join(self._chunks)


class HttpFetcher(Fetcher):
    """Fetches ``http(s)://`` with httpx and ``file://`` (or plain paths) from disk."""

    name = "http"

    class Options(BackendOptions):
        """Limits and manners of fetching (see the ``fetch.*`` settings)."""

        timeout: float = 15.0
        deadline: float = 60.0
        max_bytes: int = 5_000_000
        robots_max_bytes: int = 512_000
        max_redirects: int = 10
        user_agent: str = "newsdesk/0.1"
        host_delay: float = 1.0
        respect_robots: bool = True
        retries: int = 2
        allow_private: bool = False
        allow_networks: list[str] = []  # noqa: RUF012 - pydantic copies field defaults
        local_folders: list[str] = []  # noqa: RUF012

    options: Options

    def __init__(self, transport: httpx.BaseTransport | None = None, **options: object) -> None:
        super().__init__(**options)
        self.policy = AddressPolicy.from_settings(self.options.allow_private,
                                                  self.options.allow_networks)
        self._client = httpx.Client(
            timeout=self.options.timeout, follow_redirects=False,
            transport=transport or fetch_guard.GuardedTransport(self.policy), trust_env=False,
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        for folder in self.options.local_folders:
            self.allow_local(Path(folder).expanduser())
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def fetch(self, url: str, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """Fetch one URL; see :meth:`Fetcher.fetch`. The whole fetch (robots.txt, every
        redirect and retry) ends within ``deadline`` seconds, or fails as ``timeout``."""
        scheme = scheme_of(url)
        if scheme in {"", "file"}:
            return self._fetch_file(url)
        if scheme not in WEB_SCHEMES:
            raise FetchError(url, "unsupported_scheme", f"cannot fetch {scheme}: URLs")
        started = time.monotonic()
        with fetch_guard.deadline(self.options.deadline):
            try:
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
                    try:
                        return self._get(url, headers, self.options.max_bytes)
                    except FetchError as exc:
                        retriable = exc.reason in {"timeout", "connect_error"} or exc.reason in {
                            f"http_{s}" for s in RETRY_STATUSES}
                        if not retriable or attempt >= self.options.retries:
                            raise
                        attempt += 1
                        backoff = min(8.0, 0.5 * 2**attempt)
                        left = self.options.deadline - (time.monotonic() - started)
                        if backoff >= left:
                            raise
                        log.info("retrying %s after %s (attempt %d, waiting %.1fs)", url,
                                 exc.reason, attempt + 1, backoff)
                        time.sleep(backoff)
            except fetch_guard.DeadlinePassed as exc:
                raise FetchError(url, "timeout", f"the whole fetch took longer than "
                                 f"{self.options.deadline}s (fetch.deadline)") from exc

    def _get(self, url: str, headers: dict[str, str], limit: int,
             truncate: bool = False) -> FetchResult:
        """GET ``url``, following checked redirects; at most ``limit`` body bytes.

        With ``truncate`` a longer body is cut at ``limit`` (robots.txt, whose rules past
        the cap are ignored as RFC 9309 allows) instead of failing as ``too_large``.
        """
        current = url
        for _hop in range(self.options.max_redirects + 1):
            self._wait_for_host(current)
            try:
                with self._client.stream("GET", current, headers=headers) as response:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        current = self._redirect_target(url, current, location)
                        continue
                    return self._read(url, current, response, limit, truncate)
            except fetch_guard.BlockedAddress as exc:
                where = "" if current == url else f" (redirected to {current})"
                raise FetchError(url, "private_address", exc.detail + where) from exc
            except httpx.TimeoutException as exc:
                if isinstance(exc.__context__, fetch_guard.DeadlinePassed) or isinstance(
                        exc.__cause__, fetch_guard.DeadlinePassed):
                    raise fetch_guard.DeadlinePassed(str(exc)) from exc
                raise FetchError(url, "timeout",
                                 f"no answer within {self.options.timeout}s") from exc
            except httpx.TransportError as exc:
                raise FetchError(url, "connect_error", str(exc) or type(exc).__name__) from exc
            except httpx.InvalidURL as exc:
                raise FetchError(url, "invalid_url", str(exc)) from exc
        raise FetchError(url, "too_many_redirects",
                         f"more than {self.options.max_redirects} redirects")

    def _redirect_target(self, url: str, current: str, location: str) -> str:
        target = urljoin(current, location.strip())
        scheme = scheme_of(target)
        if scheme == "file":
            raise FetchError(url, "local_file_refused", f"redirected to {target[:300]}")
        if scheme not in WEB_SCHEMES:
            raise FetchError(url, "unsupported_scheme", f"redirected to {target[:300]}")
        return target

    def _read(self, url: str, final_url: str, response: httpx.Response, limit: int,
              truncate: bool) -> FetchResult:
        if response.status_code == 304:
            return FetchResult(url, final_url, 304, b"", not_modified=True,
                               etag=response.headers.get("etag"),
                               last_modified=response.headers.get("last-modified"))
        if response.status_code >= 400:
            raise FetchError(url, f"http_{response.status_code}", response.reason_phrase or "",
                             retry_after=response.headers.get("retry-after"))
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "too_large", f"{declared} bytes declared, limit {limit}")
        try:
            body = _Body(response.headers.get("content-encoding", ""), limit)
        except ValueError as exc:
            raise FetchError(url, "unsupported_encoding", str(exc)) from exc
        # A response built in memory (httpx.MockTransport in tests) is already read.
        raw = [response.content] if response.is_stream_consumed else response.iter_raw()
        try:
            for chunk in raw:
                if not body.feed(chunk):
                    break
        except zlib.error as exc:
            raise FetchError(url, "bad_encoding", f"cannot decompress: {exc}") from exc
        if body.overflow and not truncate:
            raise FetchError(url, "too_large", f"more than {limit} bytes")
        content_type = response.headers.get("content-type", "")
        return FetchResult(
            url=url, final_url=final_url, status=response.status_code,
            content=body.content(), content_type=content_type,
            charset=charset_from_content_type(content_type),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            headers=dict(response.headers),
        )

    def _fetch_file(self, url: str) -> FetchResult:
        path = file_url_path(url)
        if not path.is_absolute():
            path = Path(os.path.abspath(path))
        if self.local_root(path) is None:
            raise FetchError(url, "local_file_refused",
                             "not inside a folder named as a source or listed in "
                             "fetch.local_folders")
        if not path.is_file():
            raise FetchError(url, "not_found", f"no such file: {path}")
        limit = self.options.max_bytes
        try:
            # Read at most one byte past the cap whatever stat says: /proc files report
            # a size of 0, and a file can grow while it is read.
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
        except OSError as exc:
            raise FetchError(url, "read_error", f"{path}: {exc.strerror or exc}") from exc
        if len(content) > limit:
            raise FetchError(url, "too_large", f"more than {limit} bytes")
        return FetchResult(url=url, final_url=path.resolve().as_uri(), status=200,
                           content=content)

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
                fetched = self._get(root + "/robots.txt", {}, self.options.robots_max_bytes,
                                    truncate=True)
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(fetched.content.decode("utf-8", "replace").splitlines())
            except FetchError as exc:
                if exc.reason == "private_address":
                    raise FetchError(url, exc.reason, exc.detail) from exc
                if exc.reason.startswith("http_5"):
                    # RFC 9309 2.3.1.4: a server error on robots.txt means full disallow.
                    # 4xx (401/403 included, as major crawlers do) means "no rules".
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(["User-agent: *", "Disallow: /"])
                else:
                    log.debug("robots.txt for %s not available: %s", root, exc)
            self._robots[root] = parser
        parser = self._robots[root]
        return True if parser is None else parser.can_fetch(self.options.user_agent, url)
