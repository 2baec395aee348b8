"""Information commands: ``config show`` and ``stats``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsdesk.cli.common import settings_from


def cmd_config_show(args: argparse.Namespace) -> int:
    """Print every setting, its value and where the value came from."""
    settings = settings_from(args)
    if args.json:
        print(json.dumps({name: value for name, value, _, _ in settings.rows()}, indent=2))
        return 0
    table = Table(title="newsdesk settings (defaults < config file < NEWSDESK_* < flags)")
    for column in ("setting", "value", "from", "meaning"):
        table.add_column(column, overflow="fold")
    for name, value, origin, help_text in settings.rows():
        table.add_row(escape(name), escape(repr(value)), escape(origin), escape(help_text))
    Console(width=160).print(table)
    print(f"resolved database: {settings.database_url}\nresolved site folder: {settings.site_dir}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print counts from the store and the most recent recorded problems."""
    from newsdesk.builtin.store_sql import SqlStore

    settings = settings_from(args)
    store = SqlStore.open(settings.database_url)
    stats = store.stats()
    problems = store.problems(args.problems)
    store.close()
    if args.json:
        print(json.dumps({**stats, "recent_problems": [p.to_dict() for p in problems]},
                         indent=2))
        return 0
    print(f"database: {settings.database_url}")
    for key, value in stats.items():
        print(f"  {key.replace('_', ' ')}: {value}")
    if problems:
        print(f"\nmost recent problems (of {sum(stats['problems'].values())}):")
        for p in problems:
            print(f"  [{p.stage}] {p.reason}: {p.item}" + (f" — {p.detail}" if p.detail else ""))
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``config`` and ``stats`` to the CLI."""
    config = commands.add_parser("config", help="show the resolved settings",
                                 description="Inspect newsdesk's settings.")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION",
                                            required=True)
    show = config_commands.add_parser(
        "show", parents=[common], help="print every setting with its value and origin",
        description="Print every setting, its resolved value, where it came from "
                    "(default, config file, environment variable or flag) and what it does.")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=cmd_config_show)

    stats = commands.add_parser(
        "stats", parents=[common], help="counts of sources, documents, stories and problems",
        description="Show what the store holds and the most recent problems "
                    "(failed fetches, empty pages, malformed feeds) with their reasons.")
    stats.add_argument("--problems", type=int, default=15, metavar="N",
                       help="how many recent problems to list (default 15)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=cmd_stats)
