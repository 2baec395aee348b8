"""Pipeline commands: ingest, cluster, write, publish and run (all of them)."""

from __future__ import annotations

import argparse
import contextlib
from typing import Any
from urllib.parse import urlsplit

from newsdesk.cli.common import open_context, print_counts, shown_database
from newsdesk.errors import ConfigError
from newsdesk.pipeline import Context

SOURCES_HELP = ("feed URLs (RSS, Atom, JSON Feed), OPML files, article URLs, local HTML or "
                "JSONL files, or folders of them (default: the `sources` setting)")


def _sources(args: argparse.Namespace, ctx: Context, stack: contextlib.ExitStack
             ) -> list[str]:
    configured: list[str] = ctx.settings["sources"]
    if getattr(args, "demo", False):
        from newsdesk.demo_server import demo_sources

        served = stack.enter_context(demo_sources())
        # The demo server is on 127.0.0.1, which the fetch policy refuses unless listed:
        # exactly its host and port are allowed, nothing else on the machine.
        server = urlsplit(served[0]).netloc
        ctx.settings = ctx.settings.with_overrides(
            {"fetch.allow_networks": [*ctx.settings["fetch.allow_networks"], server]},
            origin="--demo")
        ctx.__dict__.pop("fetcher", None)  # made again with the demo server allowed
        return list(args.sources) + served
    sources = list(args.sources) or configured
    if not sources:
        raise ConfigError("no sources given: pass feed URLs or files, set `sources` in "
                          "newsdesk.toml, or use --demo for the bundled demo corpus")
    return sources


def cmd_ingest(args: argparse.Namespace) -> int:
    """Fetch and extract sources into the store."""
    from newsdesk.stages.ingest import ingest

    with contextlib.ExitStack() as stack:
        ctx = stack.enter_context(open_context(args, "ingest"))
        if args.retry_failed:
            ctx.count("entries_requeued", ctx.store.retry_failed_entries())
        ingest(_sources(args, ctx, stack), ctx)
        print_counts("ingest finished:", ctx.counts)
    return 0


def cmd_cluster(args: argparse.Namespace) -> int:
    """Dedupe, embed and assign new documents to stories."""
    from newsdesk.stages.cluster import cluster

    with open_context(args, "cluster") as ctx:
        cluster(ctx)
        print_counts("cluster finished:", ctx.counts)
    return 0


def cmd_write(args: argparse.Namespace) -> int:
    """Write and verify articles for stories with new sources."""
    from newsdesk.stages.write import write

    with open_context(args, "write") as ctx:
        write(ctx)
        print_counts("write finished:", ctx.counts)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Write the static site, feeds and JSON files."""
    from newsdesk.stages.publish import publish

    with open_context(args, "publish", site_dir=args.out) as ctx:
        publish(ctx)
        print_counts("publish finished:", ctx.counts)
        print(f"site written to {ctx.settings.site_dir.resolve()}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Every stage in order."""
    from newsdesk.pipeline import run_all

    with contextlib.ExitStack() as stack:
        ctx = stack.enter_context(open_context(args, "run", site_dir=args.out))
        run_all(ctx, _sources(args, ctx, stack))
        print_counts("run finished:", ctx.counts)
        site = ctx.settings.site_dir.resolve()
        print(f"\nsite: {site / 'index.html'}")
        print(f"database: {shown_database(ctx.settings)}")
        data_flag = f" --data-dir {args.data_dir}" if args.data_dir else ""
        if getattr(args, "database_url", None):  # a store named on the command line
            data_flag += f" --database-url '{shown_database(ctx.settings)}'"
        print(f"serve it with: newsdesk serve{data_flag}  (then open "
              f"http://{ctx.settings['serve.host']}:{ctx.settings['serve.port']}/)")
    return 0


def add_work_options(parser: argparse.ArgumentParser) -> None:
    """--workers, --executor and --address (settings work.*)."""
    group = parser.add_argument_group("workers")
    group.add_argument("--workers", type=int, metavar="N",
                       help="worker processes sharing the work: fetching and extraction, "
                            "embedding and entities, writing and verification (setting "
                            "work.workers; the result is the same for every N)")
    group.add_argument("--executor", choices=("local", "ray"),
                       help="run workers as local processes or as Ray tasks "
                            "(setting work.executor)")
    group.add_argument("--address", metavar="ADDRESS",
                       help="Ray cluster to join (setting work.ray_address; default: a "
                            "local Ray instance)")


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add the pipeline commands to the CLI."""
    def add(name: str, handler: Any, help_text: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(
            name, parents=[common], help=help_text, description=description)
        parser.set_defaults(handler=handler)
        if name != "publish":
            add_work_options(parser)
        return parser

    ingest = add("ingest", cmd_ingest, "fetch and extract sources into the store",
                 "Read feeds, OPML lists, article URLs and local files; fetch every new "
                 "article (politely, within size and time limits), extract its text and "
                 "metadata and store it. Failures are recorded with their reason "
                 "(see `newsdesk stats`); what was stored stays stored. Entries left "
                 "pending by an interrupted run are fetched by the next one.")
    ingest.add_argument("sources", nargs="*", help=SOURCES_HELP)
    ingest.add_argument("--demo", action="store_true",
                        help="also ingest the bundled demo corpus, served on 127.0.0.1")
    ingest.add_argument("--retry-failed", action="store_true",
                        help="queue entries that failed earlier for another try")

    add("cluster", cmd_cluster, "dedupe, embed and cluster new documents into stories",
        "Link exact and near-duplicate documents to their originals, embed new "
        "documents with the packaged MiniLM model and assign each to an existing story "
        "or a new one (cluster.* settings).")
    add("write", cmd_write, "write and verify articles for stories with new sources",
        "For every story that gained sources, compose a grounded article (headline, "
        "summary, lead, sections with subheadings, attribution, a citation on every "
        "sentence), verify each sentence against its cited source and drop what fails.")
    publish = add("publish", cmd_publish, "write the static site, feeds and JSON API files",
                  "Refresh related stories and write the static site: home page, one page "
                  "per story, RSS and Atom feeds, and JSON files under api/.")
    publish.add_argument("--out", metavar="DIR", help="site folder (setting site_dir)")
    run = add("run", cmd_run, "run every stage: ingest, cluster, write, publish",
              "Run the whole pipeline. Safe to repeat: known sources add nothing new, and "
              "an interrupted run resumes where it stopped.")
    run.add_argument("sources", nargs="*", help=SOURCES_HELP)
    run.add_argument("--demo", action="store_true",
                     help="use the bundled demo corpus (served on 127.0.0.1)")
    run.add_argument("--out", metavar="DIR", help="site folder (setting site_dir)")
