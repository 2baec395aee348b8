"""``newsdesk serve``: the site, feeds and JSON API over HTTP."""

from __future__ import annotations

import argparse
from typing import Any

from newsdesk.cli.common import settings_from
from newsdesk.settings import Settings


def site_settings(settings: Settings, host: str, port: int) -> Any:
    """The site settings ``serve`` renders with: the ``publish.*`` settings, with the
    base URL taken from the address served when ``publish.base_url`` was not set, so
    every absolute URL (canonical, feeds, JSON-LD, sitemaps, API) points at this server."""
    from newsdesk.builtin.publish_site import SitePublisher

    options = settings.section("publish")
    if settings.origins.get("publish.base_url") == "default":
        shown = f"[{host}]" if ":" in host else host
        options["base_url"] = f"http://{shown}:{port}"
    return SitePublisher(**options).settings


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the published stories with FastAPI and uvicorn."""
    import uvicorn

    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.web.app import create_app

    settings = settings_from(args, **{"serve.host": args.host, "serve.port": args.port})
    store = SqlStore.open(settings.database_url)
    host, port = settings["serve.host"], settings["serve.port"]
    site = site_settings(settings, host, port)
    if not store.reader_counts() and store.current_article_count():
        # A store written before the reader index existed: index it once now.
        from newsdesk.stages.reader_index import index_stories

        index_stories(store)
    site_dir = settings.site_dir if settings.site_dir.is_dir() else None
    app = create_app(store, site_dir, site=site)
    stories = store.reader_counts().get("stories", 0)
    print(f"serving {stories} stories at http://{host}:{port}/ (absolute links use "
          f"{site.base_url}; JSON API at /api/v1/stories); Ctrl-C stops", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``serve`` to the CLI."""
    parser = commands.add_parser(
        "serve", parents=[common], help="serve the site, feeds and the JSON API",
        description="Serve the published stories from the store: the same pages as the "
                    "static site (home, stories, topics, people and places, outlets, "
                    "archive, search), Atom/RSS/JSON feeds, sitemaps and a JSON API "
                    "(/api/v1/stories, /api/v1/search, /api/v1/openapi.json). Absolute "
                    "links use publish.base_url, or this server's address when it is unset.")
    parser.add_argument("--host", help="address to listen on (setting serve.host)")
    parser.add_argument("--port", type=int, help="port (setting serve.port)")
    parser.set_defaults(handler=cmd_serve)
