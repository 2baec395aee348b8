"""A hostile HTTP server on 127.0.0.1 (port 0) for the tests: bodies streamed from
generators (endless, huge, compressed bombs), answers that drip one chunk at a time,
raw bytes of any kind, and a count of what each path sent."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Answer:
    """One answer: status, headers, and a body given whole or as chunks from a function.

    ``drip`` seconds pass before each chunk; ``chunked`` sends Transfer-Encoding:
    chunked (no Content-Length), which a streamed body always does.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: Callable[[], Iterable[bytes]] | None = None
    drip: float = 0.0
    header_drip: float = 0.0  # seconds between header lines (a slow-loris server)


def repeat(block: bytes, total: int, first: bytes = b"") -> Callable[[], Iterator[bytes]]:
    """A body of ``first`` then ``block`` repeated up to ``total`` bytes, made lazily."""
    def chunks() -> Iterator[bytes]:
        yield first
        sent = len(first)
        while sent < total:
            piece = block[: total - sent]
            sent += len(piece)
            yield piece
    return chunks


def forever(block: bytes) -> Callable[[], Iterator[bytes]]:
    """An endless body (ends when the client goes away or the server stops)."""
    def chunks() -> Iterator[bytes]:
        while True:
            yield block
    return chunks


class HostileServer:
    """Serves :class:`Answer` per path; unknown paths are 404. ``sent[path]`` counts the
    body bytes written for each path, ``hits[path]`` the requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.sent: dict[str, int] = {}
        self.hits: dict[str, int] = {}
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                server.hits[path] = server.hits.get(path, 0) + 1
                answer = server.routes.get(path, Answer(404, b"not found"))
                try:
                    server.answer(self, path, answer)
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that hung up is expected here."""

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def answer(self, handler: BaseHTTPRequestHandler, path: str, answer: Answer) -> None:
        """Write ``answer`` to the client, dripping and streaming as it says."""
        handler.send_response_only(answer.status)
        headers = dict(answer.headers)
        streamed = answer.chunks is not None
        if streamed:
            headers["Transfer-Encoding"] = "chunked"
        else:
            headers.setdefault("Content-Length", str(len(answer.body)))
        for name, value in headers.items():
            if answer.header_drip and self.stopping.wait(answer.header_drip):
                return
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.flush()
        pieces = answer.chunks() if answer.chunks is not None else [answer.body]
        for piece in pieces:
            if self.stopping.is_set() or (answer.drip and self.stopping.wait(answer.drip)):
                return
            if streamed:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if piece else b"")
            else:
                handler.wfile.write(piece)
            handler.wfile.flush()
            self.sent[path] = self.sent.get(path, 0) + len(piece)
        if streamed:
            handler.wfile.write(b"0\r\n\r\n")

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` here."""
        return self.base + path

    def stop(self) -> None:
        """Stop dripping and endless answers, and shut down."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
