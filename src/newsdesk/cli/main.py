"""``newsdesk``: the entry point, shared options and dispatch to command modules."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from newsdesk import __version__
from newsdesk.cli import daemon, eval_cmds, info, model, pipeline_cmds, serve, status, worker
from newsdesk.errors import ConfigError, NewsdeskError
from newsdesk.redact import RedactingFormatter, redact_text

DESCRIPTION = """\
newsdesk turns source articles into published news stories that a reader can trust:
it ingests feeds, pages and files, drops duplicates, clusters articles into stories,
writes an article per story in which every sentence cites its source and has been
checked against it, and publishes a static site, RSS/Atom feeds and a JSON API.

Start with `newsdesk run --demo` (bundled demo sources), then `newsdesk serve`.
Settings come from defaults < newsdesk.toml (or --config) < NEWSDESK_* environment
variables < flags; `newsdesk config show` prints them all with their origin.
"""


def common_options(for_subcommand: bool) -> argparse.ArgumentParser:
    """The options every command takes, as a parent parser.

    They may come before or after the subcommand (``newsdesk --data-dir X run`` and
    ``newsdesk run --data-dir X``). argparse lets a subcommand's parser write its own
    defaults over what the main parser read, so the subcommands' copy defaults to
    "not given" (``SUPPRESS``) and only the main parser's copy sets the defaults; when
    an option is given in both places, the one after the subcommand wins.
    """
    def default(value: object) -> object:
        return argparse.SUPPRESS if for_subcommand else value

    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("common options")
    group.add_argument("--config", metavar="FILE", default=default(None),
                       help="TOML settings file (default: ./newsdesk.toml when present)")
    group.add_argument("--data-dir", metavar="DIR", default=default(None),
                       help="folder for the database and site (setting data_dir)")
    group.add_argument("--database-url", metavar="URL", default=default(None),
                       help="store URL, e.g. sqlite:///news.db or postgresql+psycopg://... "
                            "(setting database_url)")
    group.add_argument("-v", "--verbose", action="store_true", default=default(False),
                       help="debug logging")
    group.add_argument("-q", "--quiet", action="store_true", default=default(False),
                       help="warnings only, no progress bars")
    group.add_argument("--log-format", choices=("text", "json"), default=default(None),
                       help="log lines as text or one JSON object per line "
                            "(setting log_format)")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand."""
    common = common_options(for_subcommand=True)
    parser = argparse.ArgumentParser(
        prog="newsdesk", description=DESCRIPTION, parents=[common_options(False)],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (pipeline_cmds, daemon, serve, info, status, eval_cmds, model, worker):
        module.register(commands, common)
    return parser


def configure_logging(verbose: bool, quiet: bool, level: str, log_format: str = "text"
                      ) -> None:
    """Log to stderr: debug with -v, warnings with -q, else the ``log_level`` setting;
    one JSON object per line with ``log_format = "json"``.

    Raises:
        ConfigError: ``log_format`` is neither ``text`` nor ``json``.
    """
    chosen = logging.DEBUG if verbose else logging.WARNING if quiet else level.upper()
    handler = logging.StreamHandler(sys.stderr)
    # Every line passes through the redactor: URLs with passwords or tokens in them
    # (feeds behind a login, a PostgreSQL URL) are logged with those masked.
    if log_format == "json":
        from newsdesk.logjson import JsonFormatter

        handler.setFormatter(JsonFormatter())
    elif log_format == "text":
        handler.setFormatter(RedactingFormatter(
            "%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S"))
    else:
        raise ConfigError(f"log_format is {log_format!r}; use 'text' or 'json'")
    logging.basicConfig(level=chosen, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore", "trafilatura", "alembic", "urllib3", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except NewsdeskError as exc:
        logging.getLogger("newsdesk").error("%s", exc)
        print(f"newsdesk: error: {redact_text(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsdesk: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
