"""The fetcher interface: gets the bytes behind a URL."""

from __future__ import annotations

import abc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    """Fetches URLs (http, https and file) politely and within limits.

    Local files are read only inside the folders granted with :meth:`allow_local` (the
    folders of the sources the operator named); a fetcher that was granted none reads
    no local file at all.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.local_roots: set[Path] = set()

    def allow_local(self, root: str | Path) -> None:
        """Let ``file:`` URLs and paths inside the folder ``root`` be read."""
        self.local_roots.add(Path(os.path.realpath(root)))

    def local_root(self, path: Path) -> Path | None:
        """The granted folder holding ``path`` once links are resolved, or ``None``."""
        resolved = Path(os.path.realpath(path))
        for root in self.local_roots:
            if resolved == root or resolved.is_relative_to(root):
                return root
        return None

    @abc.abstractmethod
    def fetch(self, url: str, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """Fetch ``url``; with ``etag``/``last_modified`` make a conditional request.

        Raises:
            FetchError: with a ``reason`` code such as ``http_404``, ``timeout``,
                ``too_large``, ``robots_disallowed``, ``connect_error``, ``not_found``,
                ``private_address``, ``local_file_refused`` or ``unsupported_scheme``.
        """
