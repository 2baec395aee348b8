"""The fetcher interface: gets the bytes behind a URL."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

from newsdesk.backends import Backend


@dataclass
class FetchResult:
    """What a fetch returned. ``not_modified`` means the cached copy is still current."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher(Backend, abc.ABC):
    """Fetches URLs (http, https and file) politely and within limits."""

    @abc.abstractmethod
    def fetch(self, url: str, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """Fetch ``url``; with ``etag``/``last_modified`` make a conditional request.

        Raises:
            FetchError: with a ``reason`` code such as ``http_404``, ``timeout``,
                ``too_large``, ``robots_disallowed``, ``connect_error`` or ``not_found``.
        """
