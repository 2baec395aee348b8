"""``newsdesk daemon``: the newsroom left running (see :mod:`newsdesk.daemon`)."""

from __future__ import annotations

import argparse
import contextlib
import logging
from typing import Any

from newsdesk.cli.common import open_context, print_counts
from newsdesk.cli.pipeline_cmds import SOURCES_HELP, _sources, add_work_options

log = logging.getLogger("newsdesk")

DESCRIPTION = """\
Poll every source on a schedule of its own and publish new stories as their sources
arrive, until stopped (Ctrl-C or SIGTERM; the unit of work in hand is finished or put
back, nothing is lost, and starting the daemon again carries on).

Each tick polls the sources whose time has come (a conditional GET: ETag and
Last-Modified), queues their new entries and runs them through fetch and extract,
dedupe, embedding and story assignment, writing and verification; stories that changed
are re-related, the reader index that `newsdesk serve` reads is updated, and the static
site in site_dir is brought up to date (only changed story pages are rendered again).
One log line per tick says what it did.

A feed's next poll comes from its own hints (RSS ttl, sy:updatePeriod, Cache-Control
max-age, Expires, Retry-After), from how many new entries it had, within
daemon.min_interval and daemon.max_interval; failures back off by doubling, with
jitter, up to daemon.max_interval. The schedule is kept in the store (newsdesk status
and /metrics show it). The daemon holds the store lock while it runs, so `newsdesk run`
on the same store refuses (or waits, lock.wait) meanwhile.

Sources are those given here, or the `sources` setting; an OPML list's feeds are each
scheduled on their own. `--once` runs a single tick (poll what is due, process all that
is pending) and exits, for cron or a test.
"""


def cmd_daemon(args: argparse.Namespace) -> int:
    """Run the daemon until stopped (or one tick with ``--once``)."""
    from newsdesk.daemon import Daemon, DaemonContext

    with contextlib.ExitStack() as stack:
        ctx = stack.enter_context(open_context(args, "daemon", context_class=DaemonContext))
        daemon = Daemon(ctx, _sources(args, ctx, stack),
                        static_site=False if args.no_static else None)
        log.info("daemon: started; %d named sources, intervals %.0f-%.0fs, store %s",
                 len(daemon.sources), daemon.bounds.min_interval, daemon.bounds.max_interval,
                 "with static site" if daemon.static_site else "only (no static site)")
        try:
            daemon.run(once=args.once, max_ticks=args.max_ticks)
        except KeyboardInterrupt:
            log.info("daemon: stopping (signal); %d ticks run", daemon.ticks)
            daemon.totals["stopped_by_signal"] = 1
        ctx.counts.clear()
        ctx.counts.update(daemon.totals)
        print_counts(f"daemon stopped after {daemon.ticks} ticks:", ctx.counts)
    return 0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``daemon`` to the CLI."""
    parser = commands.add_parser(
        "daemon", parents=[common], help="poll feeds on their own schedules and publish as "
                                         "news arrives, until stopped",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="*", help=SOURCES_HELP)
    parser.add_argument("--demo", action="store_true",
                        help="poll the bundled demo corpus (served on 127.0.0.1)")
    parser.add_argument("--once", action="store_true",
                        help="run one tick (poll what is due, process what is pending), then exit")
    parser.add_argument("--max-ticks", type=int, metavar="N",
                        help="exit after N ticks")
    parser.add_argument("--no-static", action="store_true",
                        help="do not write the static site (setting daemon.static_site); "
                             "`newsdesk serve` still shows every change, from the store")
    add_work_options(parser)
    parser.set_defaults(handler=cmd_daemon)
