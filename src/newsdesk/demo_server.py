"""A local HTTP server for the bundled demo corpus, so the demo is fetched through the
same HTTP code path as the web, on 127.0.0.1 only."""

from __future__ import annotations

import functools
import importlib.resources
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def demo_dir() -> Path:
    """The folder of the bundled demo corpus (feeds, pages, wire file, OPML list)."""
    return Path(str(importlib.resources.files("newsdesk") / "demo"))


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib defines it as a class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/xml",
        ".json": "application/feed+json",
        ".opml": "text/x-opml",
        ".jsonl": "application/jsonl",
        ".html": "text/html",
    }

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines."""


@contextmanager
def serve_directory(root: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``root`` over HTTP in a background thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="newsdesk-demo-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def demo_sources(root: Path | None = None) -> Iterator[list[str]]:
    """The demo corpus as sources served on 127.0.0.1: its OPML list of feeds and its
    wire JSONL file."""
    root = root or demo_dir()
    with serve_directory(root) as base:
        sources = [f"{base}/sources.opml"]
        sources += [f"{base}/wire/{p.name}" for p in sorted((root / "wire").glob("*.jsonl"))]
        yield sources
