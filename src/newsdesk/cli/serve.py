"""``newsdesk serve``: the site and JSON API over HTTP."""

from __future__ import annotations

import argparse
from typing import Any

from newsdesk.cli.common import settings_from


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the stories in the store with FastAPI and uvicorn."""
    import uvicorn

    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.web.app import create_app

    settings = settings_from(args, **{"serve.host": args.host, "serve.port": args.port})
    store = SqlStore.open(settings.database_url)
    site_dir = settings.site_dir if settings.site_dir.is_dir() else None
    app = create_app(store, site_dir)
    host, port = settings["serve.host"], settings["serve.port"]
    print(f"serving {store.stats()['stories_written']} stories at http://{host}:{port}/ "
          f"(JSON API at /api/stories); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``serve`` to the CLI."""
    parser = commands.add_parser(
        "serve", parents=[common], help="serve the site and the JSON API",
        description="Serve the published stories from the store: the same pages as the "
                    "static site, the RSS/Atom feeds and a JSON API (/api/stories, "
                    "/api/stories/{slug}, /api/stats).")
    parser.add_argument("--host", help="address to listen on (setting serve.host)")
    parser.add_argument("--port", type=int, help="port (setting serve.port)")
    parser.set_defaults(handler=cmd_serve)
