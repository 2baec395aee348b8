"""``newsdesk status``: how the newsroom is doing, for its operator."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsdesk.cli.common import settings_from


def cmd_status(args: argparse.Namespace) -> int:
    """Print feeds with their last fetch, documents per day, stories and rejected sentences."""
    from newsdesk.builtin.store_sql import SqlStore

    settings = settings_from(args)
    store = SqlStore.open(settings.database_url)
    report = store.status_report()
    store.close()
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    console = Console(width=160)
    feeds = Table(title=f"Feeds ({len(report['feeds'])}), failing first")
    for column in ("source", "kind", "last status", "error", "last fetched", "entries"):
        feeds.add_column(column, overflow="fold")
    for feed in report["feeds"][: args.feeds]:
        feeds.add_row(escape(feed["url"]), feed["kind"], escape(feed["status"]),
                      escape(feed["error"][:120]), feed["fetched_at"] or "never",
                      str(feed["entries_found"]))
    console.print(feeds)
    days = Table(title="Documents stored per day (last 14 days)")
    days.add_column("day")
    days.add_column("documents", justify="right")
    for day, count in report["documents_per_day"]:
        days.add_row(day, str(count))
    console.print(days)
    stories = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in
                        sorted(report["stories"].items(), key=lambda kv: -kv[1]))
    console.print(f"Stories: {stories or 'none'}; articles published: {report['articles']}")
    sentences = report["sentences"]
    console.print(f"Sentences checked in current articles: {sentences['checked']}; "
                  f"rejected: {sentences['rejected']}")
    for name, count in sentences["by_verdict"].items():
        console.print(f"  verdict {escape(name)}: {count}")
    for name, count in sentences["by_check"].items():
        console.print(f"  failed check {escape(name)}: {count}")
    for example in sentences["examples"]:
        console.print(f"  e.g. {escape('[' + example['status'] + ']')} "
                      f"{escape(example['text'][:140])}"
                      + (f" (missing: {escape(', '.join(example['missing']))})"
                         if example["missing"] else ""))
    for run in report["runs"]:
        console.print(f"Run {run['id']} {run['command']}: {run['status']} "
                      f"(started {run['started_at']}, finished {run['finished_at'] or '-'})")
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``status`` to the CLI."""
    parser = commands.add_parser(
        "status", parents=[common], help="feeds, intake, stories and rejected sentences",
        description="For the operator: every feed with its last fetch status and error "
                    "(failing first), documents stored per day, stories by what the writer "
                    "did with them, and the sentences the verifier rejected and why.")
    parser.add_argument("--feeds", type=int, default=40, metavar="N",
                        help="feeds listed (default 40; --json lists all)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=cmd_status)
