"""``newsdesk worker``: work on the open queues of runs on a store (see newsdesk.work)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import Any

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cli.common import settings_from
from newsdesk.pipeline import Context
from newsdesk.settings import Settings
from newsdesk.work import serve_queues


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def cmd_worker(args: argparse.Namespace) -> int:
    """Claim and do work of the store's runs until the run (or the worker) is stopped."""
    settings = settings_from(args)
    if args.settings_stdin:  # started by a run: its resolved settings, exactly
        values = json.load(sys.stdin)["settings"]
        settings = Settings(values, dict.fromkeys(values, "run"))
        from newsdesk.cli.main import configure_logging

        # Warnings only (the run reports progress), in the run's log format.
        configure_logging(args.verbose, True, settings["log_level"], settings["log_format"])
    store = SqlStore.open(settings.database_url, migrate=False, shared_writes=True)
    ctx = Context(settings=settings, store=store, run_id=args.run, show_progress=False)
    previous = signal.signal(signal.SIGTERM, _terminate)
    if args.parent is not None:
        print("ready", flush=True)  # the run waits for this before it opens its queues
    try:
        serve_queues(ctx, args.run, args.parent)
    except KeyboardInterrupt:
        pass  # claims were given back on the way out
    finally:
        signal.signal(signal.SIGTERM, previous)
        store.close()
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``newsdesk worker`` to the CLI."""
    parser = commands.add_parser(
        "worker", parents=[common], help="share the work of runs on this store",
        description="Claim batches of work (fetching and extraction, embedding and "
                    "entities, writing and verification) from the runs working on this "
                    "store, as `newsdesk run --workers N` does with its own worker "
                    "processes. Run it on another machine against a shared PostgreSQL "
                    "store to add workers to its runs. Stops with Ctrl-C (its claims are "
                    "given back), or when the run given with --run ends.")
    parser.set_defaults(handler=cmd_worker)
    parser.add_argument("--run", type=int, metavar="ID",
                        help="work for this run only, and stop when it ends")
    parser.add_argument("--parent", type=int, metavar="PID", help=argparse.SUPPRESS)
    parser.add_argument("--settings-stdin", action="store_true", help=argparse.SUPPRESS)
