"""``newsdesk eval``: score a stage on a labelled dataset (see newsdesk.evaluation)."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from newsdesk.cli.common import settings_from
from newsdesk.evaluation import HARNESSES, write_json


def _handler(module_name: str) -> Any:
    def handle(args: argparse.Namespace) -> int:
        settings_from(args)  # configures logging like every other command
        module = importlib.import_module(f"newsdesk.evaluation.{module_name}")
        figures = module.run(args)
        write_json(args.json, figures)
        return 0

    return handle


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``eval`` and one subcommand per available harness."""
    parser = commands.add_parser(
        "eval", help="measure a stage on a labelled dataset",
        description="Run one stage of the real pipeline over a labelled dataset and print "
                    "its quality figures. Datasets are read from the path given; none ships "
                    "with newsdesk.")
    harnesses = parser.add_subparsers(dest="harness", metavar="STAGE", required=True)
    for name, (module_name, help_text) in HARNESSES.items():
        try:
            module = importlib.import_module(f"newsdesk.evaluation.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"newsdesk.evaluation.{module_name}":
                raise
            continue  # this harness is not part of this build
        sub = harnesses.add_parser(name, parents=[common], help=help_text,
                                   description=(module.__doc__ or help_text).strip(),
                                   # the module docstrings are laid out as paragraphs
                                   # and tables; keep their line breaks
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
        module.add_arguments(sub)
        sub.set_defaults(handler=_handler(module_name))
