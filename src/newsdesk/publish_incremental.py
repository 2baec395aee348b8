"""The static site kept up to date after each daemon tick, without rebuilding it.

``newsdesk publish`` renders and writes every page of the site. The daemon instead
renders again only

- the page and JSON file of each story whose current article changed since the last
  tick (a new version, new related stories or Background links, a changed headline
  or teaser of a story it links to: all of these are stored in the article), and
- every list, feed, sitemap and facet page (one page of a list per ``page_size``
  stories, so about 1/20 of the story count): a new story moves every page of the
  lists it is on;

and writes a file only when its bytes differ from what is on disk, so a web server in
front of the folder sees new modification times only on pages that changed. Files of
stories that left the site (merged away) are removed, as ``publish`` does. The first
tick of a daemon (and any tick after a failure) writes the whole site, so a daemon
killed in the middle of an export leaves nothing stale behind once it is started again.

What still grows with the archive on every tick that changed something: the pass over
every current article that finds the changed ones (a read of each article, no
rendering) and the related-stories pass of the write stage (:mod:`newsdesk.stages.relate`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsdesk.builtin.publish_site import SitePublisher, _world_readable, _write_bytes
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.errors import PublishError
from newsdesk.faults import checkpoint
from newsdesk.reader import SnapshotSource
from newsdesk.web.pages import SitePages

_STORY_PATHS = ("stories/", "api/v1/stories/")


def article_fingerprints(store: SqlStore) -> dict[str, str]:
    """Slug -> a hash of everything the story's page is made of (its current article,
    which carries its related stories, Background links and their teasers)."""
    found: dict[str, str] = {}
    for article in store.current_articles():
        data = json.dumps(article.to_dict(), sort_keys=True, default=str)
        found[article.slug] = hashlib.sha256(data.encode("utf-8")).hexdigest()
    return found


def changed_slugs(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Slugs whose page must be rendered again: new or changed fingerprints."""
    return {slug for slug, digest in after.items() if before.get(slug) != digest}


def _story_slug(path: str) -> str | None:
    for prefix in _STORY_PATHS:
        if path.startswith(prefix):
            name = path[len(prefix):]
            return name.rsplit(".", 1)[0] if "/" not in name else None
    return None


@dataclass
class ExportReport:
    """What an incremental export did."""

    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    skipped_stories: int = 0


def _write_if_changed(path: Path, body: bytes) -> bool:
    """Write ``body`` to ``path`` atomically unless the file already holds exactly it."""
    try:
        if path.is_file() and path.stat().st_size == len(body) and path.read_bytes() == body:
            return False
    except OSError:
        pass
    _write_bytes(path, body)
    return True


def export_site(publisher: SitePublisher, store: SqlStore, out_dir: Path,
                render_story: Callable[[str], bool] | None = None) -> ExportReport:
    """Bring the static site in ``out_dir`` up to date with the store.

    Args:
        publisher: the configured site publisher (its ``publish.*`` settings).
        store: the store to read.
        out_dir: the site folder.
        render_story: which story slugs to render again; ``None`` renders all of them
            (a full export). A story whose files are missing is always rendered.
    Raises:
        PublishError: ``out_dir`` cannot be written.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(f"cannot publish to {out_dir}: it is a file, not a directory")
    pages = SitePages(SnapshotSource(store), publisher.settings, static_site=True)
    report = ExportReport()
    keep: set[Path] = set()
    touched: list[Path] = []
    for path in pages.paths():
        target = out_dir / path
        keep.add(target)
        slug = _story_slug(path)
        if (slug is not None and render_story is not None and not render_story(slug)
                and target.is_file()):
            report.skipped_stories += 1
            continue
        page = pages.render(path)
        if page is None:  # pragma: no cover - paths() lists only pages that exist
            raise PublishError(f"the site lists {path} but cannot render it")
        report.rendered += 1
        body = page.body.encode("utf-8") if isinstance(page.body, str) else page.body
        if _write_if_changed(target, body):
            report.written += 1
            touched.append(target)
        else:
            report.unchanged += 1
        checkpoint("publish")
    static = SitePublisher._copy_static(out_dir / "static")
    keep.update(static)
    SitePublisher._remove_stale(out_dir, keep)
    _world_readable(out_dir, [*touched, *static])
    return report
