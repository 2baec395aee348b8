"""A short, deterministic fuzz round over the decode, content-check, feed, OPML, JSONL,
page-metadata, extraction and link-policy paths (see fuzz_targets.py; bench/fuzz.py runs
the long random rounds). A failing input is printed by hypothesis, shrunk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz_targets import TARGETS, Targets, runner

#: Inputs per target in the suite; the extractor chain is slow, so it gets fewer.
EXAMPLES = {"extract": 25}


@pytest.fixture(scope="module")
def targets() -> Iterator[Targets]:
    made = Targets()
    yield made
    made.close()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_no_input_breaks_the_target(targets: Targets, name: str) -> None:
    strategy, _ = TARGETS[name]
    target = runner(targets, name)

    @settings(max_examples=EXAMPLES.get(name, 120), deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(args: Any) -> None:
        target(*args)

    run()
