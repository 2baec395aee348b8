"""Extraction quality gates: the real fetch -> decode -> extract path on a fixed slice
(the first 20 pages by id) of each extraction set, against floors pinned in
tests/quality_floors.json. A change may raise a floor; lowering one is a decision to
make in that file, in review, not a test to loosen quietly.

The data is not part of newsdesk: it is found through NEWSDESK_EVAL_DATA (default
../shared/data beside the repository) and the tests skip when it is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

from newsdesk.evaluation import extract as extract_eval

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NEWSDESK_EVAL_DATA") or ROOT.parent / "shared" / "data")
FLOORS: dict[str, dict[str, Any]] = {
    name: floor for name, floor in json.loads(
        (Path(__file__).parent / "quality_floors.json").read_text("utf-8")).items()
    if name.startswith("extraction-")}
SLICE = 20


def dataset(name: str) -> Path:
    path = DATA / name
    if not (path / "gold.jsonl").is_file():
        pytest.skip(f"{path} not found (set NEWSDESK_EVAL_DATA to the evaluation data)")
    return path


@pytest.fixture(scope="module")
def figures() -> dict[str, tuple[dict[str, Any], dict[str, extract_eval.PageResult]]]:
    """Each available set's slice, evaluated once for all the tests below."""
    found = {}
    for name in FLOORS:
        path = DATA / name
        if (path / "gold.jsonl").is_file():
            found[name] = extract_eval.evaluate(path, limit=SLICE)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_extraction_quality_does_not_fall_below_its_floor(
        name: str, figures: dict[str, Any]) -> None:
    dataset(name)
    measured, _ = figures[name]
    floor = FLOORS[name]
    assert measured["pages"] == floor["pages"]
    assert measured["shingle4_macro"]["f1"] >= floor["shingle4_f1"]
    assert measured["shingle4_macro"]["precision"] >= floor["shingle4_precision"]
    assert measured["shingle4_macro"]["recall"] >= floor["shingle4_recall"]
    assert measured["token_macro"]["f1"] >= floor["token_f1"]
    assert measured["empty_pages"] <= floor["max_empty_pages"]
    assert measured["mojibake_pages"] <= floor["max_mojibake_pages"]
    if "title_accuracy" in floor:
        assert measured["titles"]["accuracy"] >= floor["title_accuracy"]


def test_every_page_of_every_slice_gets_text_from_a_named_extractor(
        figures: dict[str, Any]) -> None:
    if not figures:
        pytest.skip(f"no extraction set under {DATA}")
    for name, (_, results) in figures.items():
        for result in results.values():
            assert result.text.strip(), (name, result.id)
            assert result.extractor in {"trafilatura", "trafilatura-balanced", "readability",
                                        "paragraphs"}, (name, result.id)


def test_the_harness_scores_like_the_reference_scorer(figures: dict[str, Any]) -> None:
    script = DATA / "scripts" / "extraction_score.py"
    if not script.is_file() or "extraction-zyte" not in figures:
        pytest.skip("the reference scorer or extraction-zyte is not available")
    spec = importlib.util.spec_from_file_location("extraction_score", script)
    assert spec and spec.loader
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    measured, results = figures["extraction-zyte"]
    rows = extract_eval.load_gold(DATA / "extraction-zyte", SLICE)
    expected = reference.score(rows, {k: r.text for k, r in results.items()})
    for key in ("shingle4_macro", "token_macro", "token_micro"):
        for metric in ("precision", "recall", "f1"):
            assert measured[key][metric] == pytest.approx(expected[key][metric], abs=1e-12)
    assert measured["empty_pages"] == expected["empty_predictions"]


def test_the_command_prints_and_writes_predictions(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = dataset("extraction-encodings")
    parser = argparse.ArgumentParser()
    extract_eval.add_arguments(parser)
    pred = tmp_path / "pred.jsonl"
    args = parser.parse_args(["--dataset", str(path), "--limit", "3", "--pred", str(pred),
                              "--worst", "2"])
    figures = extract_eval.run(args)
    out = capsys.readouterr().out
    assert "shingle-4 macro" in out and "empty pages" in out and "pages/s" in out
    lines = [json.loads(line) for line in pred.read_text("utf-8").splitlines()]
    assert len(lines) == figures["pages"] == 3
    assert all(line["text"] and line["extractor"] for line in lines)


def test_a_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"gold\.jsonl"):
        extract_eval.load_gold(tmp_path)
