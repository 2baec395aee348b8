"""Shared helpers for the browser tests: Debian's Chromium through Playwright, the app
served by uvicorn on a free loopback port, a plain file server for the static export,
and screenshots kept under ``test-output/``."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from newsdesk.reader import ReaderSource
from newsdesk.web.app import create_app
from newsdesk.web.render import SiteSettings

CHROMIUM = Path(os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium"))
# Chromium on a machine with no route to the internet: no background connections, no
# sandbox (tests may run as root), no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
OUTPUT = Path(os.environ.get("NEWSDESK_TEST_OUTPUT",
                             Path(__file__).resolve().parent.parent / "test-output"))
WIDTHS = (1280, 375)


def free_socket() -> socket.socket:
    """A socket bound to a free port on 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def serve_app(source: ReaderSource, **site: Any) -> Iterator[str]:
    """The web app over ``source`` on a free port; yields its base URL, which is also
    the site's configured base."""
    sock = free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(source, None, site=SiteSettings(base_url=base, **site))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A plain static file server (no special headers) for ``folder``."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium."""
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium "
                    "(or set NEWSDESK_CHROMIUM to a Chromium binary)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as ``test-output/screenshots/<name>.png``."""
    target = OUTPUT / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 1000
    return target
