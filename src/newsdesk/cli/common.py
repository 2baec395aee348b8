"""Helpers shared by the command modules: settings and context from parsed arguments."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cluster_model import cluster_setup
from newsdesk.pipeline import Context
from newsdesk.settings import Settings, load_settings


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    """Resolve settings with this command's flags as the top layer."""
    overrides = {"data_dir": getattr(args, "data_dir", None),
                 "database_url": getattr(args, "database_url", None), **extra}
    settings = load_settings(getattr(args, "config", None), overrides)
    from newsdesk.cli.main import configure_logging

    configure_logging(args.verbose, args.quiet, settings["log_level"])
    return settings


@contextmanager
def open_context(args: argparse.Namespace, command: str, **extra: Any) -> Iterator[Context]:
    """A pipeline context with a recorded run; the run is marked failed on error."""
    settings = settings_from(args, **extra)
    clustering = cluster_setup(settings)  # a bad cluster.model stops the run before any work
    store = SqlStore.open(settings.database_url)
    ctx = Context(settings=settings, store=store, show_progress=not args.quiet,
                  clustering=clustering)
    ctx.run_id = store.start_run(command)
    status = "failed"
    try:
        yield ctx
        status = "ok"
    finally:
        store.finish_run(ctx.run_id, status, ctx.counts)
        store.close()


def print_counts(title: str, counts: dict[str, int]) -> None:
    """A short report of what a command did, on stdout."""
    print(title)
    for key in sorted(counts):
        print(f"  {key.replace('_', ' ')}: {counts[key]}")
    sys.stdout.flush()
