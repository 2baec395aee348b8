"""A labelled offline news site, served on 127.0.0.1 for ``newsdesk eval feeds``.

The site is a folder (the layout of the shared ``feeds-allsides-dev`` set):

  feeds.opml         OPML list of the site's feeds (absolute URLs)
  feeds/, pages/     RSS feeds and article pages (absolute URLs inside)
  labels.jsonl       one line per article page: url, cluster (gold story), source, side, ...
  references.jsonl   one line per gold story: cluster, title, summary (a neutral reference)

Every URL in the files starts with one fixed prefix (``http://127.0.0.1:8765`` in the
shared set). The prefix is read from the files, never assumed: it is what an OPML feed
URL holds before the feed file's path inside the folder. The server binds a free port
and rewrites that prefix in every text file it serves, so the site works on any port;
:meth:`FeedSite.served_url` maps a label's URL the same way.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

# Files whose bytes may hold the site's absolute URLs; anything else is served as is.
TEXT_SUFFIXES = {".xml", ".opml", ".html", ".htm", ".json", ".jsonl", ".txt", ".rss",
                 ".atom", ".css", ".js"}
CONTENT_TYPES = {".xml": "application/xml", ".opml": "text/x-opml", ".rss": "application/xml",
                 ".html": "text/html; charset=utf-8", ".json": "application/json"}
LABEL_FILES = {"labels.jsonl", "references.jsonl"}  # never served: they are the answers


@dataclass
class Label:
    """The gold facts of one article page."""

    url: str
    cluster: str
    source: str | None = None
    side: str | None = None
    title: str = ""
    time: str = ""


@dataclass
class FeedSite:
    """A labelled site folder: its URL prefix, page labels and story references."""

    root: Path
    prefix: str
    opml: str  # path of the OPML list inside the folder
    labels: list[Label] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)  # gold story -> summary

    def served_url(self, url: str, base: str) -> str:
        """``url`` as served from ``base`` (the server's ``http://127.0.0.1:PORT``)."""
        if url.startswith(self.prefix):
            return base + url[len(self.prefix):]
        return url

    def outlet(self, label: Label) -> str:
        """The outlet a page counts for: its labelled source, else its folder on the site."""
        if label.source:
            return label.source
        path = urlsplit(label.url).path
        return path.rsplit("/", 2)[-2] if path.count("/") >= 2 else path


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON: {exc}") from exc
    return rows


def detect_prefix(root: Path, opml_path: Path) -> str:
    """The URL prefix the site's files were written with, from the OPML's feed URLs.

    A feed URL ``P/feeds/x.xml`` whose tail ``feeds/x.xml`` is a file of the folder gives
    the prefix ``P``. Every feed must give the same one.
    Raises SystemExit when no feed URL matches a file or two prefixes are found.
    """
    try:
        tree = ET.parse(opml_path)
    except ET.ParseError as exc:
        raise SystemExit(f"{opml_path}: not an OPML file: {exc}") from exc
    prefixes = set()
    for outline in tree.iter("outline"):
        url = outline.get("xmlUrl")
        if not url:
            continue
        parts = urlsplit(url)
        path = unquote(parts.path).lstrip("/").split("/")
        # the shortest tail of the URL path that names a file of the folder
        for start in range(len(path) - 1, -1, -1):
            if (root / "/".join(path[start:])).is_file():
                tail = "/" + "/".join(path[start:])
                origin_path = unquote(parts.path)
                prefixes.add(f"{parts.scheme}://{parts.netloc}{origin_path[:-len(tail)]}")
                break
    if not prefixes:
        raise SystemExit(f"{opml_path}: no feed URL names a file of {root}")
    if len(prefixes) > 1:
        raise SystemExit(f"{opml_path}: feed URLs use several prefixes: {sorted(prefixes)}")
    return prefixes.pop()


def load_site(root: Path) -> FeedSite:
    """Read a labelled site folder. Raises SystemExit naming what is missing."""
    if not root.is_dir():
        raise SystemExit(f"no site folder at {root}")
    opmls = sorted(root.glob("*.opml"))
    if not opmls:
        raise SystemExit(f"{root}: no OPML list of feeds (*.opml)")
    for name in LABEL_FILES:
        if not (root / name).is_file():
            raise SystemExit(f"{root}: no {name} (the site's gold labels)")
    prefix = detect_prefix(root, opmls[0])
    labels = []
    for number, row in enumerate(_read_jsonl(root / "labels.jsonl"), 1):
        if "url" not in row or "cluster" not in row:
            raise SystemExit(f"{root / 'labels.jsonl'}:{number}: needs url and cluster")
        labels.append(Label(url=str(row["url"]), cluster=str(row["cluster"]),
                            source=row.get("source") or None, side=row.get("side") or None,
                            title=str(row.get("title") or ""), time=str(row.get("time") or "")))
    references = {str(r["cluster"]): str(r.get("summary") or "")
                  for r in _read_jsonl(root / "references.jsonl") if "cluster" in r}
    return FeedSite(root=root, prefix=prefix, opml=opmls[0].name, labels=labels,
                    references=references)


class _SiteHandler(BaseHTTPRequestHandler):
    """GET/HEAD of the site's files, with the URL prefix rewritten in text files."""

    root: Path
    old: bytes
    new: bytes

    def _body(self) -> tuple[bytes, str] | None:
        path = unquote(urlsplit(self.path).path).lstrip("/")
        target = (self.root / path).resolve()
        if target.is_dir():
            target = target / "index.html"
        inside = target == self.root or self.root in target.parents
        if not inside or not target.is_file() or target.name in LABEL_FILES:
            return None
        data = target.read_bytes()
        if target.suffix.lower() in TEXT_SUFFIXES:
            data = data.replace(self.old, self.new)
        kind = CONTENT_TYPES.get(target.suffix.lower()) or (
            mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        return data, kind

    def _answer(self, with_body: bool) -> None:
        found = self._body()
        if found is None:
            self.send_error(404)
            return
        data, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def do_GET(self) -> None:
        """Serve one file."""
        self._answer(True)

    def do_HEAD(self) -> None:
        """Headers of one file."""
        self._answer(False)

    def log_message(self, format: str, *args: Any) -> None:
        """No per-request lines on stderr."""


@contextmanager
def serve_site(site: FeedSite, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``site`` on ``host`` at a free port in a background thread; yields the base
    URL (``http://127.0.0.1:PORT``) that replaces the site's prefix."""
    server = ThreadingHTTPServer((host, 0), _SiteHandler, bind_and_activate=True)
    base = f"http://{host}:{server.server_address[1]}"
    # the handler class learns its site once the port, and so the new prefix, is known
    server.RequestHandlerClass = type("SiteHandler", (_SiteHandler,), {
        "root": site.root.resolve(), "old": site.prefix.encode(), "new": base.encode()})
    thread = threading.Thread(target=server.serve_forever, name="newsdesk-eval-site",
                              daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
