"""Verification quality gate: the real verifier and embedder on a fixed slice of the
consistency-newssumm test split (the first pairs by id of each sub-dataset), its
balanced accuracy at the verifier's default threshold and its ROC AUC against floors
pinned in tests/quality_floors.json. A change may raise a floor; lowering one is a
decision to make in that file, in review, not a test to loosen quietly.

The data is not part of newsdesk: it is found through NEWSDESK_EVAL_DATA (default
../shared/data beside the repository) and the gate skips when it is absent. The
harness's metrics are cross-checked against the dataset's own scorer when that is
there too, and the harness itself runs on a small set written here.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

from newsdesk.evaluation import verify as verify_eval

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NEWSDESK_EVAL_DATA") or ROOT.parent / "shared" / "data")
FLOORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "quality_floors.json").read_text("utf-8"))
GATE = "consistency-newssumm"


def gate_slice(per_subset: int) -> list[verify_eval.Pair]:
    path = DATA / GATE / "test.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} not found (set NEWSDESK_EVAL_DATA to the evaluation data)")
    chosen: list[verify_eval.Pair] = []
    counts: dict[str, int] = {}
    for pair in verify_eval.load_pairs(path):  # id order
        if counts.get(pair.dataset, 0) < per_subset:
            counts[pair.dataset] = counts.get(pair.dataset, 0) + 1
            chosen.append(pair)
    return chosen


@pytest.mark.slow
def test_balanced_accuracy_on_the_gate_slice_does_not_fall_below_its_floor() -> None:
    from newsdesk.builtin.embed_onnx import OnnxMiniLMEmbedder
    from newsdesk.builtin.verify_alignment import AlignmentVerifier

    floor = FLOORS[GATE]
    pairs = gate_slice(floor["pairs_per_subset"])
    results = verify_eval.score_pairs(pairs, AlignmentVerifier(published_form=False),
                                      OnnxMiniLMEmbedder())
    labels = [p.label for p in pairs]
    accuracy = verify_eval.balanced_accuracy(labels, [r.supported for r in results])
    auc = verify_eval.roc_auc(labels, [r.score for r in results])
    assert len(pairs) == 4 * floor["pairs_per_subset"]
    assert accuracy >= floor["balanced_accuracy"], accuracy
    assert auc >= floor["roc_auc"], auc
    xsum = [i for i, p in enumerate(pairs) if p.dataset == "xsumfaith"]
    assert verify_eval.roc_auc([labels[i] for i in xsum],
                               [results[i].score for i in xsum]) >= floor["xsumfaith_roc_auc"]


# -- the harness ------------------------------------------------------------------------


def test_metrics_agree_with_the_datasets_own_scorer() -> None:
    script = DATA / "scripts" / "consistency_baseline.py"
    if not script.is_file():
        pytest.skip(f"{script} not found")
    spec = importlib.util.spec_from_file_location("consistency_baseline", script)
    assert spec is not None and spec.loader is not None
    baseline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(baseline)
    labels = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0]
    scores = [0.9, 0.1, 0.4, 0.8, 0.4, 0.3, 0.35, 0.7, 0.2, 0.6, 0.4, 0.05]
    assert verify_eval.roc_auc(labels, scores) == pytest.approx(
        baseline.roc_auc(labels, scores))
    predictions = [int(s >= 0.4) for s in scores]
    assert verify_eval.balanced_accuracy(labels, predictions) == pytest.approx(
        baseline.balanced_accuracy(labels, predictions))
    threshold = verify_eval.best_threshold(labels, scores)
    ours = verify_eval.balanced_accuracy(labels, [int(s >= threshold) for s in scores])
    theirs = baseline.balanced_accuracy(
        labels, [int(s >= baseline.best_threshold(labels, scores)) for s in scores])
    assert ours == pytest.approx(theirs)


def test_summaries_are_detokenised_and_recased_from_the_article() -> None:
    article = ("Swansea City have appointed Alan Curtis as caretaker. Curtis said the club "
               "would fight. The team lost to Bournemouth on Saturday.")
    claim = "swansea city\\'s new manager alan curtis says it is ` difficult ' ."
    assert verify_eval.prepare_claim(claim, article) == \
        'Swansea City\'s new manager Alan Curtis says it is "difficult".'
    assert verify_eval.detokenise("a # 40m deal , up 13 % on 2015 .") == \
        "a £40m deal, up 13% on 2015."
    assert verify_eval.truecase("Already Cased text", article) == "Already Cased text"


def test_best_threshold_separates_when_it_can() -> None:
    labels = [0, 0, 1, 1, 1]
    scores = [0.1, 0.3, 0.5, 0.7, 0.9]
    threshold = verify_eval.best_threshold(labels, scores)
    assert 0.3 < threshold <= 0.5
    assert verify_eval.balanced_accuracy(
        labels, [int(s >= threshold) for s in scores]) == 1.0


@pytest.mark.slow
def test_eval_command_scores_a_small_dataset(tmp_path: Path, capsys) -> None:
    article = ("About 1,850 dockworkers walked off the job at Port Calder on Monday, starting "
               "a 72-hour strike. The union is demanding a 6% pay rise. Shipping lines "
               "diverted 14 vessels to Halden.")
    rows = [
        ("frank-cnndm:a:1", "about 1,850 dockworkers walked off the job at port calder on "
                            "monday .", 1),
        ("frank-cnndm:a:2", "about 18,500 dockworkers walked off the job at port calder on "
                            "monday .", 0),
        ("frank-cnndm:a:3", "the union is demanding a 6 % pay rise .", 1),
        ("frank-cnndm:a:4", "the port was sold to a shipping group from rotterdam for "
                            "# 2bn .", 0),
    ]
    for split in ("val", "test"):
        with gzip.open(tmp_path / f"{split}.jsonl.gz", "wt", encoding="utf-8") as handle:
            for pair_id, claim, label in rows:
                handle.write(json.dumps({"id": pair_id, "dataset": "frank-cnndm",
                                         "document": article, "claim": claim,
                                         "label": label}) + "\n")
    args = argparse.Namespace(dataset=str(tmp_path), split="test", val_split="val", limit=0,
                              threshold=None, fit=False, cache=str(tmp_path / "cache"))
    figures = verify_eval.run(args)
    row = figures["subsets"]["frank-cnndm"]
    assert row["pairs"] == 4
    assert row["balanced_accuracy"] == 100.0
    assert row["roc_auc"] == 100.0
    assert figures["subsets"]["frank"]["pairs"] == 4
    assert "frank-cnndm" in capsys.readouterr().out
    assert (tmp_path / "cache" / "sentence-vectors.sqlite").is_file()
