"""Long random fuzz rounds over the paths hostile bytes take (the targets and what must
hold for each are in tests/fuzz_targets.py; the suite runs a short deterministic round).

    .venv/bin/python bench/fuzz.py --examples 2000            # every target
    .venv/bin/python bench/fuzz.py --examples 500 --target feed --target decode

Prints, per target, how many inputs ran and the first failing input (shrunk) if any,
and exits 1 when a target failed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hypothesis import HealthCheck, given, settings

from fuzz_targets import TARGETS, Targets, runner


def fuzz(targets: Targets, name: str, examples: int) -> tuple[int, str]:
    """Run ``examples`` random inputs through target ``name``: (inputs run, failure)."""
    strategy, _ = TARGETS[name]
    target = runner(targets, name)
    ran = 0

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(args: Any) -> None:
        nonlocal ran
        ran += 1
        target(*args)

    try:
        run()
    except Exception:  # report the shrunk failing input, then go on with other targets
        return ran, traceback.format_exc(limit=3)[-3000:]
    return ran, ""


def main() -> int:
    """Parse the arguments, fuzz each target, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000,
                        help="inputs per target (the extractor chain gets a tenth)")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="only these targets (default: all)")
    args = parser.parse_args()
    # Every refused link and broken feed is logged as a warning; thousands would drown
    # the figures.
    logging.getLogger("newsdesk").setLevel(logging.ERROR)
    for noisy in ("trafilatura", "readability", "readability.readability"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    targets = Targets()
    failed = 0
    total = 0
    try:
        for name in args.target or sorted(TARGETS):
            examples = max(1, args.examples // 10) if name == "extract" else args.examples
            start = time.perf_counter()
            ran, failure = fuzz(targets, name, examples)
            total += ran
            status = "FAILED" if failure else "ok"
            print(f"{name:14} {ran:7d} inputs  {time.perf_counter() - start:7.1f} s  {status}",
                  flush=True)
            if failure:
                failed += 1
                print(failure)
    finally:
        targets.close()
    print(f"total          {total:7d} inputs, {failed} targets failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
