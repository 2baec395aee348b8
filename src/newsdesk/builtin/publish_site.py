"""The static site publisher: HTML pages, Atom and RSS feeds, and a read-only JSON API.

Output layout under ``out_dir``::

    index.html                 the latest stories
    stories/<slug>.html        one page per article
    feed.xml  rss.xml          Atom 1.0 and RSS 2.0 feeds
    api/stories.json           the story list
    api/stories/<slug>.json    each full article
    static/style.css  static/verify.js

Every page, feed item and JSON story is labelled as AI-generated, both for readers
(the notice box) and for machines (``<meta name="ai-generated">``, JSON-LD, feed
categories, ``"ai_generated": true``), as EU AI Act Art. 50 asks of published text.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field

from newsdesk.backends import BackendOptions
from newsdesk.backends.publisher import Publisher
from newsdesk.errors import PublishError
from newsdesk.records import Article
from newsdesk.web.render import (
    STATIC_DIR,
    STATIC_FILES,
    Renderer,
    SiteSettings,
    check_slug,
    story_document,
    story_listing,
    story_path,
)


def _write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, so a server never reads a half-written page."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
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


def _write_json(path: Path, data: Any) -> Path:
    return _write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


class SitePublisher(Publisher):
    """Publishes articles as a static news site with feeds and a JSON API."""

    name = "site"

    class Options(BackendOptions):
        """Options of the ``site`` publisher."""

        site_title: str = "newsdesk"
        base_url: str = Field(
            "http://127.0.0.1:8000",
            description="absolute site URL used in feeds, canonical tags and the JSON API",
        )
        home_limit: int = Field(50, ge=1, description="stories on the home page and in feeds")

    @property
    def settings(self) -> SiteSettings:
        """The site settings the shared renderer uses."""
        options = self.options
        assert isinstance(options, SitePublisher.Options)
        return SiteSettings(
            site_title=options.site_title,
            base_url=options.base_url.rstrip("/"),
            home_limit=options.home_limit,
        )

    def publish(self, articles: list[Article], out_dir: Path) -> list[Path]:
        """Write the site for ``articles`` (newest first) under ``out_dir``.

        Every article gets a page and a JSON document; the home page and feeds list the
        first ``home_limit``. Related stories link only to articles in this batch.

        Returns:
            The files written, in the order written.
        Raises:
            PublishError: a slug is not ``[a-z0-9-]`` or is used twice (nothing is
                written), or ``out_dir`` cannot be written.
        """
        slugs: set[str] = set()
        for article in articles:
            check_slug(article.slug)
            if article.slug in slugs:
                raise PublishError(
                    f"two articles share the slug {article.slug!r} (story {article.story_id}); "
                    "each story needs its own slug"
                )
            slugs.add(article.slug)

        out_dir = Path(out_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise PublishError(f"cannot publish to {out_dir}: it is a file, not a directory")
        site = self.settings
        renderer = Renderer(site)
        written: list[Path] = []

        written.append(_write_text(out_dir / "index.html", renderer.index(articles)))
        for article in articles:
            page = renderer.story(article, has_page=slugs.__contains__)
            written.append(_write_text(out_dir / story_path(article.slug), page))
            written.append(
                _write_json(
                    out_dir / "api" / "stories" / f"{article.slug}.json", story_document(article)
                )
            )
        listing = [story_listing(a, site) for a in articles]
        written.append(_write_json(out_dir / "api" / "stories.json", listing))
        written.append(_write_text(out_dir / "feed.xml", renderer.atom(articles)))
        written.append(_write_text(out_dir / "rss.xml", renderer.rss(articles)))
        written.extend(self._copy_static(out_dir / "static"))
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
