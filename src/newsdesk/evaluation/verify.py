"""Score newsdesk's sentence verifier on human-labelled (article, summary, consistent?)
pairs: balanced accuracy and ROC AUC per sub-dataset, beside published figures.

The dataset is a folder with <split>.jsonl[.gz] files (the consistency-newssumm
layout: id, dataset, document, claim, label, same_pair_as) or one such file. Each
pair goes through the verifier exactly as a written sentence does in the pipeline,
with the article as the cited document and no cited sentence, so the verifier
retrieves its own evidence: every sentence of the summary must be supported by one or
two sentences of the article. The summary is supported when every sentence is; its
score, for ROC AUC, is the lowest sentence score.

The verifier runs with its default options (the pipeline's verify.* settings may set
stricter floors for published sentences). Two decision thresholds are reported: the
verifier's default (one threshold, chosen on the val split; see
AlignmentVerifier.Options.threshold) and, as the published SummaC protocol does, one
per sub-dataset chosen on that sub-dataset's val pairs. A pair the verifier rejects
on a check other than the score (a number, name, date or quote not in the article, or
a contradiction) ranks below every pair that passes them, for the threshold and AUC.
Balanced accuracy is the mean of the recall on consistent and on inconsistent pairs.

The summaries of FRANK and XSumFaith are lower-cased and tokenised ("kilmarnock 's");
before verification they are detokenised and each word is given the capitalisation it
has in the article, so that names can be checked as in the pipeline's cased text.

--fit refits the score's weights (logistic regression) and threshold on the val
split, leaving out val pairs that duplicate a test pair, and prints them; the shipped
weights were produced that way. Sentence embeddings are cached under --cache.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SUBSETS = ("frank-cnndm", "frank-xsum", "frank", "xsumfaith", "cliff-xsum")
#: Published test-split figures (balanced accuracy %, ROC AUC %) from the dataset's README:
#: SummaC notebook outputs (Laban et al., TACL 2022, Table 2); FRANK is both corpora pooled.
PUBLISHED: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "frank": {"SummaC-ZS": (79.0, 85.3), "SummaC-Conv": (81.6, 88.4),
              "QuestEval": (82.1, 87.9)},
    "xsumfaith": {"SummaC-ZS": (58.4, 58.0), "SummaC-Conv": (66.4, 70.2),
                  "QuestEval": (None, 66.4), "NER-Overlap": (62.3, None)},
}
#: Six-dataset mean ROC AUC in AlignScore's README (no per-dataset figure available here).
ALIGNSCORE_MEAN_AUC = {"AlignScore-large": 88.6, "AlignScore-base": 87.4}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``newsdesk eval verify``."""
    parser.add_argument("--dataset", required=True, metavar="PATH",
                        help="folder with <split>.jsonl[.gz] files, or one such file")
    parser.add_argument("--split", default="test", help="split to score (default: test)")
    parser.add_argument("--val-split", default="val", metavar="SPLIT",
                        help="split that per-sub-dataset thresholds (and --fit) are chosen "
                             "on (default: val); '' to report the default threshold only")
    parser.add_argument("--limit", type=int, default=0, metavar="N",
                        help="score only the first N pairs of each split, in id order")
    parser.add_argument("--threshold", type=float,
                        help="override the verifier's default threshold")
    parser.add_argument("--fit", action="store_true",
                        help="refit the score weights and threshold on the val split first")
    parser.add_argument("--cache", metavar="DIR", default=_default_cache(),
                        help="cache for sentence embeddings (default: %(default)s); "
                             "'' to disable")


def _default_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "newsdesk" / "eval")


# -- data ------------------------------------------------------------------------------


@dataclass
class Pair:
    """One labelled (article, summary) pair."""

    id: str
    dataset: str
    document: str
    claim: str
    label: int  # 1 = consistent with the document
    same_pair_as: str = ""


def split_path(dataset: str, split: str) -> Path | None:
    """The file of ``split`` under ``dataset`` (or ``dataset`` itself when it is a file)."""
    path = Path(dataset)
    if path.is_file():
        return path
    for name in (f"{split}.jsonl", f"{split}.jsonl.gz"):
        if (path / name).is_file():
            return path / name
    return None


def load_pairs(path: Path, limit: int = 0) -> list[Pair]:
    """Pairs of one JSONL(.gz) file in id order (the first ``limit`` when given)."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    pairs = sorted((Pair(id=str(r["id"]), dataset=r.get("dataset", path.stem),
                         document=r["document"], claim=r["claim"], label=int(r["label"]),
                         same_pair_as=r.get("same_pair_as") or "") for r in rows),
                   key=lambda p: p.id)
    return pairs[:limit] if limit else pairs


def subsets(pairs: Sequence[Pair]) -> dict[str, list[int]]:
    """Indices of each sub-dataset, with the FRANK parts also pooled as ``frank``."""
    groups: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        groups.setdefault(pair.dataset, []).append(i)
        if pair.dataset.startswith("frank-"):
            groups.setdefault("frank", []).append(i)
    order = {name: n for n, name in enumerate(SUBSETS)}
    return dict(sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


# -- the summaries' text as the sources ship it ------------------------------------------

_DETOKENISE = [
    (re.compile(r"\\'"), "'"),
    (re.compile(r"``|''"), '"'),
    (re.compile(r"` ([^`']*?) '"), r'"\1"'),
    (re.compile(r" (['’](?:s|re|ve|ll|d|m|t)\b)"), r"\1"),
    (re.compile(r" n't\b"), "n't"),
    (re.compile(r"\s+([,.;:!?%])"), r"\1"),
    (re.compile(r"# ?(\d)"), r"£\1"),  # XSum's tokeniser wrote £ as #
    (re.compile(r"([$£€]) (\d)"), r"\1\2"),
    (re.compile(r"(\w) - (\w)"), r"\1-\2"),
    (re.compile(r"\(\s+"), "("),
    (re.compile(r"\s+\)"), ")"),
    (re.compile(r"(\d) ([,.]) (\d)"), r"\1\2\3"),
    (re.compile(r"(\d), (\d{3})\b"), r"\1,\2"),
    (re.compile(r"\s+"), " "),
]
_UNKNOWN_TOKEN = re.compile(r"\[UNK\]|<unk>|\bUNK\b", re.IGNORECASE)
_CASED_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_LOWER_WORD = re.compile(r"[a-z][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?] ))[\"“‘']?[a-z]")


def detokenise(claim: str) -> str:
    """Undo the tokenisation of FRANK/XSum summaries ("kilmarnock 's" -> "kilmarnock's")."""
    for pattern, replacement in _DETOKENISE:
        claim = pattern.sub(replacement, claim)
    return claim.strip()


def truecase(claim: str, document: str) -> str:
    """A lower-cased claim with each word capitalised as the document mostly writes it
    inside sentences ("alan curtis" -> "Alan Curtis") and each sentence's first letter
    capitalised; a cased claim is returned as is."""
    if claim != claim.lower():
        return claim
    from newsdesk.text import STOPWORDS, split_sentences

    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for sentence in split_sentences(document):
        for match in _CASED_WORD.finditer(sentence):
            if match.start() == 0:
                continue  # a sentence's first word is capitalised whatever it is
            word = re.split(r"['’]", match.group(0))[0]
            (upper if word[0].isupper() else lower)[word.lower()] += 1

    def restore(match: re.Match[str]) -> str:
        word = match.group(0)
        base = re.split(r"['’]", word)[0]  # "city's" is cased as "city"
        if upper[base] > lower[base] and base not in STOPWORDS:
            return word[0].upper() + word[1:]
        return word

    cased = _LOWER_WORD.sub(restore, claim)
    return _SENTENCE_START.sub(lambda m: m.group(0).upper(), cased)


# -- metrics ---------------------------------------------------------------------------


def balanced_accuracy(labels: Sequence[int], predictions: Sequence[int]) -> float:
    """Mean of the recall on each class present (labels and predictions are 0/1)."""
    positives = [p for y, p in zip(labels, predictions, strict=True) if y == 1]
    negatives = [p for y, p in zip(labels, predictions, strict=True) if y == 0]
    recalls = []
    if positives:
        recalls.append(sum(positives) / len(positives))
    if negatives:
        recalls.append(sum(1 - p for p in negatives) / len(negatives))
    return sum(recalls) / len(recalls) if recalls else float("nan")


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve (ties count half); NaN when one class is absent."""
    ranked = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        rank_sum += (i + j + 1) / 2 * sum(label for _, label in ranked[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def best_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The score threshold (predict consistent when score >= it) with the highest
    balanced accuracy on these pairs, midway between neighbouring scores; the lowest
    such threshold on ties."""
    import numpy as np

    y = np.asarray(labels, dtype=int)
    values = np.unique(np.asarray(scores, dtype=float))
    candidates = np.concatenate([values[:1], (values[1:] + values[:-1]) / 2])
    s = np.asarray(scores, dtype=float)
    predicted = s[None, :] >= candidates[:, None]  # candidates x pairs
    recalls = []
    if y.sum():
        recalls.append(predicted[:, y == 1].mean(axis=1))
    if (1 - y).sum():
        recalls.append(1 - predicted[:, y == 0].mean(axis=1))
    value = np.mean(recalls, axis=0)
    return float(candidates[int(np.argmax(value))])


# -- embeddings, cached on disk --------------------------------------------------------


class CachedEmbedder:
    """Wraps an embedder with a persistent per-text cache (SQLite, keyed by model and
    text), so that re-scoring after a change of rules costs no model time."""

    def __init__(self, embedder: Any, directory: str) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.model_id = embedder.model_id
        self.dimensions = embedder.dimensions
        self.model_seconds = 0.0
        self.computed = 0
        self.db: sqlite3.Connection | None = None
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(Path(directory) / "sentence-vectors.sqlite")
            self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, "
                            "vector BLOB)")

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def embed_batch(self, texts: Sequence[str]) -> Any:
        """Vectors of ``texts``, from the cache where present (see Embedder.embed_batch)."""
        import numpy as np

        keys = [self._key(t) for t in texts]
        found: dict[str, Any] = {}
        if self.db is not None:
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), 500):
                chunk = unique[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self.db.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True)
                                  if k not in found))
        if todo:
            started = time.perf_counter()
            vectors = self.embedder.embed_batch(todo)
            self.model_seconds += time.perf_counter() - started
            self.computed += len(todo)
            rows = [(self._key(t), np.asarray(v, dtype=np.float32).tobytes())
                    for t, v in zip(todo, vectors, strict=True)]
            for (key, _), vector in zip(rows, vectors, strict=True):
                found[key] = np.asarray(vector, dtype=np.float32)
            if self.db is not None:
                self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                self.db.commit()
        if not keys:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([found[k] for k in keys])


# -- scoring ---------------------------------------------------------------------------


def prepare_claim(claim: str, document: str) -> str:
    """The summary as the verifier should see it: detokenised, [UNK] placeholders of the
    summarisers removed, capitalisation restored from the document."""
    return truecase(detokenise(_UNKNOWN_TOKEN.sub("", claim)), document)


def figures_for(pairs: Sequence[Pair], scores: Sequence[float], supported: Sequence[int],
                thresholds: dict[str, float] | None = None) -> dict[str, Any]:
    """Per sub-dataset: pairs, share consistent, balanced accuracy of the verifier's own
    decisions, ROC AUC of its score and, given per-sub-dataset thresholds, the balanced
    accuracy at those."""
    out: dict[str, Any] = {}
    for name, indices in subsets(pairs).items():
        labels = [pairs[i].label for i in indices]
        values = [scores[i] for i in indices]
        row: dict[str, Any] = {
            "pairs": len(indices),
            "consistent_pct": round(100 * sum(labels) / len(labels), 1),
            "balanced_accuracy": round(100 * balanced_accuracy(
                labels, [supported[i] for i in indices]), 1),
            "roc_auc": round(100 * roc_auc(labels, values), 1),
        }
        if thresholds and name in thresholds:
            row["val_threshold"] = round(thresholds[name], 4)
            row["balanced_accuracy_val_threshold"] = round(100 * balanced_accuracy(
                labels, [int(v >= thresholds[name]) for v in values]), 1)
        row["published"] = PUBLISHED.get(name, {})
        out[name] = row
    return out


def gated(score: float, checks: dict[str, bool]) -> float:
    """The score ranked as the verifier decides: a claim failing any check other than
    the score itself ranks below every claim that passes them (1 lower, order kept)."""
    return score if all(v for k, v in checks.items() if k != "score") else score - 1.0


def fit_weights(pairs: Sequence[Pair], features: Sequence[dict[str, float]],
                l2: float = 1.0, iterations: int = 30) -> tuple[dict[str, float], float]:
    """Logistic-regression weights (natural units) and bias of the score features."""
    import numpy as np

    names = list(features[0])
    x = np.array([[f[n] for n in names] for f in features], dtype=float)
    y = np.array([p.label for p in pairs], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.diag([l2] * len(names) + [0.0])
    for _ in range(iterations):  # Newton steps on the L2-penalised log-loss
        p = 1.0 / (1.0 + np.exp(-z @ beta))
        gradient = z.T @ (p - y) + penalty @ beta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        beta -= np.linalg.solve(hessian, gradient)
    weights = beta[:-1] / scale
    bias = float(beta[-1] - (weights * mean).sum())
    return {n: round(float(w), 4) for n, w in zip(names, weights, strict=True)}, round(bias, 4)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Score the verifier on the dataset; print and return the figures."""
    from newsdesk import backends
    from newsdesk.backends.embedder import Embedder
    from newsdesk.backends.verifier import Verifier
    from newsdesk.errors import ConfigError
    from newsdesk.settings import load_settings

    settings = load_settings()
    test_path = split_path(args.dataset, args.split)
    if test_path is None:
        raise ConfigError(f"no {args.split}.jsonl[.gz] under {args.dataset}; give a folder "
                          "in the consistency-newssumm layout or one JSONL file")
    embedder = CachedEmbedder(
        backends.load("embedder", settings["embed.backend"], Embedder,
                      threads=settings["embed.threads"], batch_size=settings["embed.batch_size"]),
        args.cache)
    # The verifier's own defaults (tuned on val), not the pipeline's verify.* settings:
    # the write stage may add stricter floors for published sentences.
    # The benchmark's summaries are model output, often lower-cased and tokenised, not
    # published sentences: the checks of the published form (whole sentence, frame,
    # voice) are the write stage's, and this measures the consistency judgement alone.
    options: dict[str, Any] = {"published_form": False}
    if args.threshold is not None:
        options["threshold"] = args.threshold
    verifier: Any = backends.load("verifier", "alignment", Verifier, **options)
    if not hasattr(verifier, "assess"):
        raise ConfigError("the verifier backend gives no scores (no assess method)")

    figures: dict[str, Any] = {"dataset": str(test_path), "split": args.split,
                               "verifier": verifier.name}
    val_thresholds: dict[str, float] | None = None
    val_path = split_path(args.dataset, args.val_split) if args.val_split else None
    test = load_pairs(test_path, args.limit)
    if val_path is not None and val_path != test_path:
        val = load_pairs(val_path, args.limit)
        val_results = score_pairs(val, verifier, embedder)
        if args.fit:
            # Leave out val pairs that are test pairs of another benchmark (FRANK-XSum
            # re-annotated XSumFaith): fitting on them would be fitting on test.
            test_ids = {p.id for p in load_pairs(test_path)}
            kept = [i for i, p in enumerate(val) if p.same_pair_as not in test_ids]
            verifier.weights, verifier.bias = fit_weights(
                [val[i] for i in kept], [val_results[i].features for i in kept])
            verifier.options.threshold = 0.0  # score every check but the score itself
            val_results = score_pairs(val, verifier, embedder)
            verifier.options.threshold = round(best_threshold(
                [p.label for p in val], [r.score for r in val_results]), 4)
            figures["fitted"] = {"weights": verifier.weights, "bias": verifier.bias,
                                 "threshold": verifier.options.threshold,
                                 "val_pairs": len(kept)}
        val_thresholds = {name: best_threshold([val[i].label for i in idx],
                                               [val_results[i].score for i in idx])
                          for name, idx in subsets(val).items()}
        figures["val_pairs"] = len(val)
    started = time.perf_counter()
    model_before = embedder.model_seconds
    results = score_pairs(test, verifier, embedder)
    elapsed = time.perf_counter() - started
    figures["threshold"] = verifier.options.threshold
    figures["pairs"] = len(test)
    figures["pairs_per_second"] = round(len(test) / elapsed, 1) if elapsed else None
    figures["embedding_seconds"] = round(embedder.model_seconds - model_before, 1)
    figures["subsets"] = figures_for(test, [r.score for r in results],
                                     [r.supported for r in results], val_thresholds)
    print_report(figures)
    return figures


@dataclass
class Scored:
    """The verifier's result on one pair."""

    score: float  # the consistency score, gated (see :func:`gated`)
    supported: int  # 1 when the verdict is "supported"
    features: dict[str, float]


def score_pairs(pairs: Sequence[Pair], verifier: Any, embedder: Any,
                batch: int = 64) -> list[Scored]:
    """Run the verifier over the pairs (grouped by article, so each article's sentences
    are prepared once per batch); results in the order of ``pairs``."""
    from newsdesk.records import Citation, Sentence

    doc_ids: dict[str, int] = {}
    for pair in pairs:
        doc_ids.setdefault(pair.document, len(doc_ids))
    order = sorted(range(len(pairs)), key=lambda i: doc_ids[pairs[i].document])
    results: list[Scored | None] = [None] * len(pairs)
    for start in range(0, len(order), batch):
        chunk = order[start:start + batch]
        sentences = [Sentence(text=prepare_claim(pairs[i].claim, pairs[i].document),
                              citation=Citation(doc_id=doc_ids[pairs[i].document],
                                                sentence_index=-1, source_text=""))
                     for i in chunk]
        documents = {doc_ids[pairs[i].document]: pairs[i].document for i in chunk}
        for i, assessment in zip(chunk, verifier.assess(sentences, embedder, documents),
                                 strict=True):
            verdict = assessment.verdict
            results[i] = Scored(gated(assessment.score, verdict.checks),
                                int(verdict.status == "supported"), assessment.features)
        log.info("verified %d of %d pairs", min(start + batch, len(order)), len(order))
    return [r for r in results if r is not None]


def print_report(figures: dict[str, Any]) -> None:
    """The figures as a table, published results beside them."""
    print(f"verifier {figures['verifier']} on {figures['dataset']} ({figures['pairs']} pairs), "
          f"default threshold {figures['threshold']}; {figures['pairs_per_second']} pairs/s "
          f"({figures['embedding_seconds']} s of it embedding)")
    if "fitted" in figures:
        fitted = figures["fitted"]
        print(f"fitted on {fitted['val_pairs']} val pairs: bias {fitted['bias']}, weights "
              + ", ".join(f"{k} {v:+.4f}" for k, v in fitted["weights"].items())
              + f", threshold {fitted['threshold']}")
    print(f"\n{'sub-dataset':<12} {'pairs':>5} {'cons%':>5} {'BA':>5} {'BA@val-t':>8} "
          f"{'AUC':>5}   published BA / AUC")
    for name, row in figures["subsets"].items():
        published = "; ".join(
            f"{system} {'-' if ba is None else ba} / {'-' if auc is None else auc}"
            for system, (ba, auc) in row["published"].items())
        print(f"{name:<12} {row['pairs']:>5} {row['consistent_pct']:>5} "
              f"{row['balanced_accuracy']:>5} "
              f"{row.get('balanced_accuracy_val_threshold', '-'):>8} "
              f"{row['roc_auc']:>5}   {published}")
    print("BA: the verifier's own decisions (default threshold); BA@val-t: threshold chosen "
          "per sub-dataset on val (the published protocol). AlignScore reports only a "
          "six-dataset mean AUC (" + ", ".join(f"{k} {v}" for k, v in
                                              ALIGNSCORE_MEAN_AUC.items()) + ").")
