"""Publish: related stories and the reader index refreshed, then the static site,
feeds, sitemaps and JSON files."""

from __future__ import annotations

from pathlib import Path

from newsdesk import backends
from newsdesk.backends.publisher import Publisher
from newsdesk.pipeline import Context
from newsdesk.stages.relate import relate


def publish(ctx: Context, out_dir: Path | None = None) -> list[Path]:
    """Write the site for every published story into ``out_dir`` (default: ``site_dir``)."""
    relate(ctx)  # also refreshes the reader index
    publisher = backends.load("publisher", "site", Publisher,
                              **ctx.settings.section("publish"))
    written = publisher.publish(ctx.store, out_dir or ctx.settings.site_dir)
    ctx.count("articles_published", ctx.store.reader_counts().get("stories", 0))
    ctx.count("files_written", len(written))
    return written
