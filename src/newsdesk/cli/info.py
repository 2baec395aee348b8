"""Information commands: ``config show``, ``stats`` and ``entity``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsdesk.cli.common import settings_from, shown_database
from newsdesk.redact import redact_text, redact_url


def shown_value(value: Any) -> Any:
    """A setting's value as it may be printed: URLs (a database, feeds) with any
    password or token in them masked."""
    if isinstance(value, str):
        return redact_url(value) if "://" in value else value
    if isinstance(value, list):
        return [shown_value(v) for v in value]
    return value


def cmd_config_show(args: argparse.Namespace) -> int:
    """Print every setting, its value and where the value came from."""
    settings = settings_from(args)
    if args.json:
        print(json.dumps({name: shown_value(value) for name, value, _, _ in settings.rows()},
                         indent=2))
        return 0
    table = Table(title="newsdesk settings (defaults < config file < NEWSDESK_* < flags)")
    for column in ("setting", "value", "from", "meaning"):
        table.add_column(column, overflow="fold")
    for name, value, origin, help_text in settings.rows():
        table.add_row(escape(name), escape(repr(shown_value(value))), escape(origin),
                      escape(help_text))
    Console(width=160).print(table)
    print(f"resolved database: {shown_database(settings)}\n"
          f"resolved site folder: {settings.site_dir}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print counts from the store and the most recent recorded problems."""
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.store_lock import current_holder, stale_reason

    settings = settings_from(args)
    store = SqlStore.open(settings.database_url)
    stats = store.stats()
    problems = store.problems(args.problems)
    runs = store.recent_runs(5)
    holder = current_holder(store.engine)
    store.close()
    lock = None
    if holder is not None:
        stale = stale_reason(holder, settings["lock.stale_after"])
        lock = {"holder": holder.describe(), "stale": stale}
    for run in runs:
        if run["status"] == "running" and (holder is None or (lock and lock["stale"])):
            run["status"] = "interrupted"  # its process is gone; the next run records it so
    if args.json:
        print(redact_text(json.dumps({
            **stats, "recent_runs": runs, "lock": lock,
            "recent_problems": [p.to_dict() for p in problems]}, indent=2, default=str)))
        return 0
    print(f"database: {shown_database(settings)}")
    for key, value in stats.items():
        print(redact_text(f"  {key.replace('_', ' ')}: {value}"))
    if lock is not None:
        print(f"\nlock: held by {lock['holder']}"
              + (f"; stale ({lock['stale']}), the next run takes it over" if lock["stale"]
                 else ""))
    if runs:
        print("\nrecent runs:")
        for run in runs:
            ended = (f", ended {run['finished_at']:%Y-%m-%d %H:%M:%S}"
                     if run["finished_at"] else "")
            print(f"  run {run['id']}: {run['command']} {run['status']} (started "
                  f"{run['started_at']:%Y-%m-%d %H:%M:%S}{ended} UTC)")
    if problems:
        print(f"\nmost recent problems (of {sum(stats['problems'].values())}):")
        for p in problems:
            print(redact_text(f"  [{p.stage}] {p.reason}: {p.item}"
                              + (f" — {p.detail}" if p.detail else "")))
    return 0


def cmd_entity(args: argparse.Namespace) -> int:
    """Print the entities matching a name and the stories that name them."""
    from newsdesk.builtin.store_sql import SqlStore

    settings = settings_from(args)
    store = SqlStore.open(settings.database_url)
    entities = store.find_entities(args.name, args.kind)
    stories = store.stories_by_entity(args.name, args.kind, limit=args.limit)
    store.close()
    if args.json:
        print(json.dumps({"entities": [e.to_dict() for e in entities],
                          "stories": stories}, indent=2, default=str))
        return 0
    if not entities:
        print(f"no entity matches {args.name!r}")
        return 1
    for entity in entities:
        print(f"{entity.kind}: {entity.name} ({entity.key}), in {entity.documents} documents")
    print(f"\nstories naming it, newest first ({len(stories)}):")
    for story in stories:
        when = story["last_published"].date().isoformat() if story["last_published"] else "?"
        title = story["headline"] or "(no article yet)"
        print(f"  story {story['id']}  {when}  {story['doc_count']} docs  {title}")
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``config``, ``stats`` and ``entity`` to the CLI."""
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

    entity = commands.add_parser(
        "entity", parents=[common], help="stories about a person, organisation or place",
        description="Find an entity by name (people also by surname: 'Meloni' finds "
                    "'Giorgia Meloni') and list the stories that name it, newest first.")
    entity.add_argument("name", help="the name to look up")
    entity.add_argument("--kind", choices=["person", "org", "place", "date"],
                        help="only entities of this kind")
    entity.add_argument("--limit", type=int, default=20, metavar="N",
                        help="most stories listed (default 20)")
    entity.add_argument("--json", action="store_true", help="machine-readable output")
    entity.set_defaults(handler=cmd_entity)
