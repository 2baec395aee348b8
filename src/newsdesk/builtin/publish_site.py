"""The static site publisher: every page, feed, sitemap and JSON file of the site.

It writes exactly the pages ``newsdesk serve`` answers (both come from
:class:`~newsdesk.web.pages.SitePages`), with relative links, so the folder works from
any file server or straight from disk. Output layout under ``out_dir``::

    index.html  latest/<n>.html            home: top stories, then the latest
    stories/<slug>.html                     one page per story
    topics/ entities/ outlets/              index.html, <slug>.html, <slug>/<n>.html,
                                            <slug>/feed.xml, rss.xml, feed.json
    archive/index.html  archive/<year>.html  archive/<day>.html
    feed.xml  rss.xml  feed.json            Atom, RSS 2.0 and JSON Feed of the home page
    sitemap.xml  sitemaps/*.xml  news-sitemap.xml  robots.txt  favicon.ico
    api/v1/stories.json  api/v1/pages/stories-<n>.json  api/v1/stories/<slug>.json
    about.html  search.html  static/...

Every page, feed item and JSON story is labelled as AI-generated, both for readers
(the notice box) and for machines (``<meta name="ai-generated">``, JSON-LD, feed
categories, ``"ai_generated": true``), as EU AI Act Art. 50 asks of published text.
Files of an earlier export that no longer belong to the site (a story merged away)
are removed, so no page links to a stale one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pydantic import Field

from newsdesk.backends import BackendOptions
from newsdesk.backends.publisher import Publisher
from newsdesk.errors import PublishError
from newsdesk.faults import checkpoint
from newsdesk.reader import ReaderSource, SnapshotSource
from newsdesk.web.pages import SitePages
from newsdesk.web.render import STATIC_DIR, STATIC_FILES, SiteSettings
from newsdesk.web.urls import FACET_DIRS

#: Folders the publisher owns: files there that the site no longer has are removed.
MANAGED_DIRS = ("stories", "latest", "sitemaps", "api/v1", *FACET_DIRS.values())


def _world_readable(root: Path, files: list[Path]) -> None:
    """The site is public: its folders 0755 and files 0644 whatever the umask (a private
    umask would otherwise keep a web server from reading it)."""
    folders = {root}
    for path in files:
        path.chmod(0o644)
        folders.update(p for p in path.parents if p == root or root in p.parents)
    for folder in folders:
        folder.chmod(0o755)


def _write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, so a server never reads a half-written page."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PublishError(
            f"cannot write {path}: {exc.strerror or exc}; check that the output directory "
            "is writable and not a file"
        ) from exc
    return path


class SitePublisher(Publisher):
    """Publishes the stories as a static news site with feeds, sitemaps and JSON."""

    name = "site"

    class Options(BackendOptions):
        """Options of the ``site`` publisher (the ``publish.*`` settings)."""

        site_title: str = "newsdesk"
        base_url: str = Field(
            "http://127.0.0.1:8000",
            description="absolute site URL used in feeds, canonical tags and the JSON API",
        )
        home_limit: int = Field(20, ge=1, le=200, description="latest stories on the home page")
        page_size: int = Field(20, ge=1, le=200, description="stories per list page")
        feed_items: int = Field(20, ge=1, le=200, description="items per feed")
        top_stories: int = Field(5, ge=0, le=50, description="top stories on the home page")
        top_window_days: float = Field(2.0, gt=0, description="how recent a top story is")

    @property
    def settings(self) -> SiteSettings:
        """The site settings the shared renderer uses."""
        options = self.options
        assert isinstance(options, SitePublisher.Options)
        return SiteSettings(
            site_title=options.site_title, base_url=options.base_url.rstrip("/"),
            home_limit=options.home_limit, page_size=options.page_size,
            feed_items=options.feed_items, top_stories=options.top_stories,
            top_window_days=options.top_window_days,
        )

    def publish(self, source: ReaderSource, out_dir: Path) -> list[Path]:
        """Write the whole site for the stories in ``source`` under ``out_dir``.

        Returns:
            The files written, in the order written.
        Raises:
            PublishError: ``out_dir`` cannot be written.
        """
        out_dir = Path(out_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise PublishError(f"cannot publish to {out_dir}: it is a file, not a directory")
        pages = SitePages(SnapshotSource(source), self.settings, static_site=True)
        written: list[Path] = []
        for path in pages.paths():
            page = pages.render(path)
            if page is None:  # pragma: no cover - paths() lists only pages that exist
                raise PublishError(f"the site lists {path} but cannot render it")
            body = page.body.encode("utf-8") if isinstance(page.body, str) else page.body
            written.append(_write_bytes(out_dir / path, body))
            checkpoint("publish")
        written.extend(self._copy_static(out_dir / "static"))
        self._remove_stale(out_dir, set(written))
        _world_readable(out_dir, written)
        return written

    @staticmethod
    def _copy_static(target: Path) -> list[Path]:
        copied: list[Path] = []
        destination = target
        try:
            target.mkdir(parents=True, exist_ok=True)
            for name in STATIC_FILES:
                destination = target / name
                shutil.copyfile(STATIC_DIR / name, destination)
                copied.append(destination)
        except OSError as exc:
            raise PublishError(f"cannot write {destination}: {exc.strerror or exc}") from exc
        return copied

    @staticmethod
    def _remove_stale(out_dir: Path, written: set[Path]) -> None:
        for folder in MANAGED_DIRS:
            base = out_dir / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*"), reverse=True):
                if path.is_file() and path not in written:
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
