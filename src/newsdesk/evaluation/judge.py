"""Score the model judge of the judged verifier (newsdesk.builtin.verify_judge) on
human-labelled (article, summary, consistent?) pairs, beside the alignment verifier.

The pairs are read as ``newsdesk eval verify`` reads them (consistency-newssumm layout),
the first --per-subset pairs of each sub-dataset in id order. Each summary goes through
the alignment verifier with the article as its document (published-form checks off, as
in ``eval verify``); then the packaged language model (the llm.* settings) is asked
whether the evidence the verifier found supports the summary: log P(Yes) - log P(No).

Reported per sub-dataset: ROC AUC of the alignment score (gated as in eval verify), of
the judge's margin, and of the two combined by rank average; balanced accuracy of the
alignment verifier's decisions and of the judged verifier's (alignment supported, or
unsupported on the soft checks alone with a margin at or above the threshold). The
threshold is chosen leave-one-dataset-out: for each sub-dataset, the margin that gives
the best mean balanced accuracy over the other sub-datasets, applied to the one left
out; the in-sample figure (threshold chosen on the sub-dataset itself) is printed
beside it, and the threshold chosen on all sub-datasets together is the one to ship.
Slow: one model call per pair (seconds each on a CPU).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsdesk.evaluation.verify import (
    CachedEmbedder,
    Pair,
    _default_cache,
    balanced_accuracy,
    gated,
    load_pairs,
    prepare_claim,
    roc_auc,
    split_path,
)

log = logging.getLogger(__name__)

GROUPS = ("frank-cnndm", "frank-xsum", "xsumfaith", "cliff-xsum")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``newsdesk eval judge``."""
    parser.add_argument("--dataset", required=True, metavar="PATH",
                        help="folder in the consistency-newssumm layout")
    parser.add_argument("--split", default="val", help="split to score (default: val)")
    parser.add_argument("--per-subset", type=int, default=30, metavar="N",
                        help="pairs per sub-dataset, the first N by id (default 30)")
    parser.add_argument("--cache", metavar="DIR", default=_default_cache(),
                        help="cache for sentence embeddings (default: %(default)s)")


@dataclass
class Judged:
    """One pair's results."""

    pair: Pair
    score: float  # alignment, gated
    supported: int  # alignment decision
    overrulable: int  # unsupported on the soft checks alone
    margin: float  # the judge's log P(Yes) - log P(No)


def pick(pairs: Sequence[Pair], per_subset: int) -> list[Pair]:
    """The first ``per_subset`` pairs of each sub-dataset."""
    chosen: list[Pair] = []
    for group in GROUPS:
        chosen += [p for p in pairs if p.dataset == group][:per_subset]
    return chosen


def decisions(rows: Sequence[Judged], threshold: float) -> list[int]:
    """The judged verifier's decisions at ``threshold``."""
    return [int(r.supported or (r.overrulable and r.margin >= threshold)) for r in rows]


def best_threshold(groups: dict[str, list[Judged]], names: Sequence[str]) -> float:
    """The margin that maximises the mean balanced accuracy over ``names``."""
    candidates = sorted({round(r.margin, 3) for n in names for r in groups[n]} | {99.0})
    best, best_value = 99.0, -1.0
    for t in candidates:
        value = sum(balanced_accuracy([r.pair.label for r in groups[n]],
                                      decisions(groups[n], t)) for n in names) / len(names)
        if value > best_value:
            best, best_value = t, value
    return best


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 0 to 1 (ties share the mean rank)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 / max(len(values) - 1, 1)
        i = j + 1
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Judge the pairs; print and return the figures."""
    from newsdesk import backends
    from newsdesk.backends.embedder import Embedder
    from newsdesk.builtin.verify_judge import JudgedVerifier, overrulable
    from newsdesk.builtin.write_llm import llm_options_from_settings
    from newsdesk.errors import ConfigError
    from newsdesk.records import Citation, Sentence
    from newsdesk.settings import load_settings

    settings = load_settings()
    path = split_path(args.dataset, args.split)
    if path is None:
        raise ConfigError(f"no {args.split}.jsonl[.gz] under {args.dataset}")
    pairs = pick(load_pairs(path), args.per_subset)
    embedder: Any = CachedEmbedder(backends.load("embedder", settings["embed.backend"], Embedder,
                                            threads=settings["embed.threads"]), args.cache)
    llm_name, llm_options = llm_options_from_settings(settings)
    verifier = JudgedVerifier(alignment={"published_form": False}, llm_backend=llm_name,
                              llm_options=llm_options)
    rows: list[Judged] = []
    started = time.perf_counter()
    for n, pair in enumerate(pairs, 1):
        sentence = Sentence(text=prepare_claim(pair.claim, pair.document),
                            citation=Citation(doc_id=1, sentence_index=-1, source_text=""))
        assessment = verifier.alignment.assess([sentence], embedder, {1: pair.document})[0]
        verdict = assessment.verdict
        evidence = " ".join(verdict.evidence) or pair.document[:1500]
        margin = verifier.margin(sentence.text, evidence)
        rows.append(Judged(pair, gated(assessment.score, verdict.checks),
                           int(verdict.status == "supported"), int(overrulable(verdict)),
                           margin))
        if n % 10 == 0:
            log.info("judged %d of %d pairs", n, len(pairs))
    seconds = time.perf_counter() - started
    groups = {g: [r for r in rows if r.pair.dataset == g] for g in GROUPS}
    groups = {g: rs for g, rs in groups.items() if rs}
    names = list(groups)
    shipped = best_threshold(groups, names)
    figures: dict[str, Any] = {"file": str(path), "pairs": len(rows),
                               "seconds_per_pair": round(seconds / max(len(rows), 1), 2),
                               "threshold_all": shipped, "subsets": {}}
    for name, group in groups.items():
        labels = [r.pair.label for r in group]
        combined = [a + b for a, b in zip(ranks([r.score for r in group]),
                                          ranks([r.margin for r in group]), strict=True)]
        others = [n for n in names if n != name]
        loo = best_threshold(groups, others) if others else shipped
        own = best_threshold(groups, [name])
        figures["subsets"][name] = {
            "pairs": len(group), "consistent": sum(labels),
            "auc_alignment": round(100 * roc_auc(labels, [r.score for r in group]), 1),
            "auc_judge": round(100 * roc_auc(labels, [r.margin for r in group]), 1),
            "auc_rank_average": round(100 * roc_auc(labels, combined), 1),
            "bacc_alignment": round(100 * balanced_accuracy(
                labels, [r.supported for r in group]), 1),
            "bacc_judged_shipped": round(100 * balanced_accuracy(
                labels, decisions(group, shipped)), 1),
            "bacc_judged_loo": round(100 * balanced_accuracy(labels, decisions(group, loo)), 1),
            "bacc_judged_in_sample": round(100 * balanced_accuracy(
                labels, decisions(group, own)), 1),
            "threshold_loo": loo, "threshold_in_sample": own,
            "overrulable": sum(r.overrulable for r in group),
        }
    print_report(figures)
    return figures


def print_report(figures: dict[str, Any]) -> None:
    """The figures as a table."""
    print(f"{figures['file']}: {figures['pairs']} pairs, {figures['seconds_per_pair']} s a "
          f"pair; judge threshold chosen on all: {figures['threshold_all']}")
    head = ("subset", "n", "AUC al", "AUC jd", "AUC avg", "BA al", "BA jd", "BA loo",
            "BA in", "t loo")
    print("".join(f"{h:>9}" if i else f"{h:<13}" for i, h in enumerate(head)))
    for name, row in figures["subsets"].items():
        cells = (row["pairs"], row["auc_alignment"], row["auc_judge"], row["auc_rank_average"],
                 row["bacc_alignment"], row["bacc_judged_shipped"], row["bacc_judged_loo"],
                 row["bacc_judged_in_sample"], row["threshold_loo"])
        print(f"{name:<13}" + "".join(f"{c:>9}" for c in cells))
