"""Publish: related stories refreshed, then the static site, feeds and JSON files."""

from __future__ import annotations

from pathlib import Path

from newsdesk import backends
from newsdesk.backends.publisher import Publisher
from newsdesk.pipeline import Context
from newsdesk.stages.relate import relate


def publish(ctx: Context, out_dir: Path | None = None) -> list[Path]:
    """Write the site for every current article into ``out_dir`` (default: ``site_dir``)."""
    relate(ctx)
    publisher = backends.load("publisher", "site", Publisher,
                              **ctx.settings.section("publish"))
    articles = ctx.store.current_articles()
    written = publisher.publish(articles, out_dir or ctx.settings.site_dir)
    ctx.count("articles_published", len(articles))
    ctx.count("files_written", len(written))
    return written
