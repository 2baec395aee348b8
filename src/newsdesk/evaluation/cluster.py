"""Replay a labelled news stream, in time order, through newsdesk's online story
clustering and score it: B-cubed precision, recall and F1, and documents per second.

The dataset is a JSONL (or JSONL.gz) file with one document per line: id, time
(ISO 8601), title, text and cluster (the gold story); or a folder holding such files
named <split>.jsonl[.gz] (the clustering-gva and clustering-allsides layout). Each
document goes through the same steps as in the pipeline: embedding, entity
recognition, keywords weighted by the document frequencies seen so far, candidate
lookup in the story index, the clusterer's decision and the merge rule. The keyword
statistics start from the train split when the folder has one (the archive a deployed
newsdesk would hold); the test stream itself is read once, in order.

--tune fits the clusterer's model on the train split(s) only (a quadratic logistic
regression on each train document against its candidate stories, with the true story
known) and picks the thresholds (for full reports and for short items) and the merge
threshold by B-cubed F1 on replays of the last 40% of each train split, with the model
fitted on the first 60%; the model is then
refitted on the whole train split(s) and the eval split scored once with the result.
Give --dataset more than once to tune on several train splits together, each weighing
the same (that is how the built-in model was made). --replay-by FIELD (repeatable)
replays each dataset in the order of another time field as well: clustering-allsides
keeps each story's real day and successive hours in ``published`` beside the dense
``time`` layout, and a dataset replayed two ways splits its weight between the two.
--save-model FILE writes what was fitted; the pipeline uses it when the cluster.model
setting names FILE, and --model FILE scores it again (see newsdesk.cluster_model).
Embeddings and entities are cached under --cache (keyed by model and text), so a second
run costs only the replay.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
MERGE_THRESHOLDS = [0.95, 0.9, 0.8]
HELD_OUT = 0.4  # the thresholds are chosen on the last 40% of each train stream
L2 = 1e-2       # ridge penalty on the model's terms (chosen on held-out train data)
TOLERANCE = 0.002  # held-out F1 differences this small do not choose a lower threshold


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``newsdesk eval cluster``."""
    parser.add_argument("--dataset", action="append", required=True, metavar="PATH",
                        help="labelled stream: a folder with <split>.jsonl[.gz] files or one "
                             "such file; repeat to score (and tune on) several")
    parser.add_argument("--split", default="test",
                        help="split to score (default: test)")
    parser.add_argument("--train-split", default="train",
                        help="split used for --tune and to warm the keyword statistics "
                             "(default: train)")
    parser.add_argument("--replay-by", action="append", metavar="FIELD",
                        help="replay in the order of this time field (default: time); "
                             "repeat to replay each dataset in several layouts, e.g. "
                             "--replay-by time --replay-by published (a dataset without "
                             "the field is replayed by the others)")
    parser.add_argument("--limit", type=int, default=0, metavar="N",
                        help="score only the first N documents of the split")
    parser.add_argument("--tune", action="store_true",
                        help="fit weights and thresholds on the train split(s) first")
    parser.add_argument("--save-model", metavar="FILE",
                        help="with --tune: write the fitted weights and thresholds to FILE, "
                             "for the pipeline's cluster.model setting")
    parser.add_argument("--model", metavar="FILE",
                        help="score with a model file written by --save-model (default: "
                             "cluster.model, else the built-in weights)")
    parser.add_argument("--threshold", type=float, help="override cluster.threshold")
    parser.add_argument("--short-threshold", type=float,
                        help="override cluster.short_threshold")
    parser.add_argument("--window-days", type=float, help="override cluster.window_days")
    parser.add_argument("--merge-threshold", type=float,
                        help="override cluster.merge_threshold (1 = never merge)")
    parser.add_argument("--vector-candidates", type=int, metavar="K",
                        help="override cluster.vector_candidates (the K stories nearest in "
                             "meaning added to each document's candidates; 0 = none)")
    parser.add_argument("--cache", metavar="DIR", default=_default_cache(),
                        help="cache for embeddings and entities (default: %(default)s); "
                             "'' to disable")


def _default_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "newsdesk" / "eval")


# -- reading a labelled stream -----------------------------------------------------------


class Titled(Protocol):
    """What the models read of a document: its title and text."""

    @property
    def title(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass
class LabelledDoc:
    """One document of a labelled stream."""

    id: str
    time: datetime
    title: str
    text: str
    cluster: str


def _open(path: Path) -> Any:
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    return opener(path, "rt", encoding="utf-8")


def has_field(path: Path, field: str) -> bool:
    """Whether the first document of a stream file has ``field``."""
    with _open(path) as handle:
        for line in handle:
            if line.strip():
                return field in json.loads(line)
    return False


def read_stream(path: Path, limit: int = 0, time_field: str = "time") -> list[LabelledDoc]:
    """Documents of a JSONL(.gz) stream in replay order (``time_field``, then id)."""
    from newsdesk.records import parse_iso

    docs = []
    with _open(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            try:
                when = parse_iso(record[time_field].replace("Z", "+00:00"))
                assert when is not None
                docs.append(LabelledDoc(str(record["id"]), when, record.get("title") or "",
                                        record.get("text") or "", str(record["cluster"])))
            except (KeyError, AssertionError, ValueError) as exc:
                raise SystemExit(f"{path}:{number}: not a labelled document "
                                 f"(needs id, {time_field}, title, text, cluster): "
                                 f"{exc}") from exc
    docs.sort(key=lambda d: (d.time, d.id))
    return docs[:limit] if limit else docs


def split_file(dataset: Path, split: str) -> Path | None:
    """The file of ``split`` in a dataset folder (or the dataset itself when a file)."""
    if dataset.is_file():
        return dataset if split != "train" else None
    for suffix in (".jsonl", ".jsonl.gz"):
        candidate = dataset / f"{split}{suffix}"
        if candidate.is_file():
            return candidate
    return None


# -- features, cached ------------------------------------------------------------------


class FeatureSource:
    """Embeddings and entity mentions for documents, from the models or the cache."""

    def __init__(self, cache: str) -> None:
        from newsdesk import backends
        from newsdesk.backends.embedder import Embedder
        from newsdesk.backends.entities import EntityRecognizer
        from newsdesk.settings import load_settings

        settings = load_settings()
        self.embedder = backends.load("embedder", settings["embed.backend"], Embedder,
                                      threads=settings["embed.threads"],
                                      batch_size=settings["embed.batch_size"])
        self.recognizer = backends.load("entities", settings["entities.backend"],
                                        EntityRecognizer)
        self.cache = Path(cache) if cache else None
        self.model_seconds = 0.0
        self.computed = 0

    def _path(self, kind: str, model: str, texts: list[str]) -> Path | None:
        if self.cache is None:
            return None
        digest = hashlib.sha256(model.encode())
        for text in texts:
            digest.update(hashlib.sha256(text.encode()).digest())
        return self.cache / f"{kind}-{digest.hexdigest()[:32]}"

    def features(self, docs: Sequence[Titled]) -> tuple[Any, list[list[Any]]]:
        """(vectors, mentions) of ``docs``, computed once per model and text."""
        import numpy as np

        from newsdesk.story_features import embedding_text

        texts = [embedding_text(d.title, d.text) for d in docs]
        vec_path = self._path("vectors", self.embedder.model_id, texts)
        if vec_path is not None and vec_path.with_suffix(".npy").is_file():
            vectors = np.load(vec_path.with_suffix(".npy"))
        else:
            started = time.perf_counter()
            vectors = self.embedder.embed_batch(texts)
            self.model_seconds += time.perf_counter() - started
            self.computed = len(docs)
            if vec_path is not None:
                vec_path.parent.mkdir(parents=True, exist_ok=True)
                np.save(vec_path.with_suffix(".npy"), vectors)
        return vectors, self.mentions(docs)

    def mentions(self, docs: Sequence[Titled]) -> list[list[Any]]:
        """The entity mentions the recogniser finds in each of ``docs`` (in the text the
        pipeline gives it), computed once per model and text."""
        from newsdesk.entities import Mention
        from newsdesk.story_features import entity_text

        ner_texts = [entity_text(d.title, d.text) for d in docs]
        ent_path = self._path("entities", self.recognizer.model_id, ner_texts)
        if ent_path is not None and ent_path.with_suffix(".json").is_file():
            raw = json.loads(ent_path.with_suffix(".json").read_text(encoding="utf-8"))
            mentions = [[Mention(*m) for m in doc] for doc in raw]
        else:
            started = time.perf_counter()
            mentions = self.recognizer.recognize(ner_texts)
            self.model_seconds += time.perf_counter() - started
            self.computed = len(docs)
            if ent_path is not None:
                ent_path.parent.mkdir(parents=True, exist_ok=True)
                ent_path.with_suffix(".json").write_text(json.dumps(
                    [[[m.text, m.label, m.start] for m in doc] for doc in mentions]),
                    encoding="utf-8")
        return mentions


def featurize(docs: list[LabelledDoc], source: FeatureSource, frequencies: Any) -> list[Any]:
    """Clustering features of a stream, counting each document into ``frequencies``
    in replay order, as the pipeline does."""
    from newsdesk.entities import normalise
    from newsdesk.story_features import document_features

    vectors, mentions = source.features(docs)
    return [document_features(i, d.title, d.text, published=d.time, vector=vectors[i],
                              entities=normalise(m, d.time), frequencies=frequencies)
            for i, (d, m) in enumerate(zip(docs, mentions, strict=True))]


# -- replay and scoring ----------------------------------------------------------------


def bcubed(pred: list[Any], gold: list[Any]) -> tuple[float, float, float]:
    """Item-averaged B-cubed precision, recall and F1 (Bagga and Baldwin 1998)."""
    n = len(gold)
    if not n:
        return 0.0, 0.0, 0.0
    pairs = Counter(zip(pred, gold, strict=True))
    psize, gsize = Counter(pred), Counter(gold)
    precision = sum(c * c / psize[p] for (p, _), c in pairs.items()) / n
    recall = sum(c * c / gsize[g] for (_, g), c in pairs.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def replay(features: list[Any], clusterer: Any, window_days: float,
           merge_threshold: float, vector_candidates: int = 0) -> list[int]:
    """Story ids the online assignment gives each document, merges resolved."""
    from newsdesk.story_assign import StoryAssigner

    assigner = StoryAssigner(clusterer, timedelta(days=window_days), merge_threshold,
                             vector_candidates=vector_candidates)
    labels: list[int] = []
    parent: dict[int, int] = {}
    for number, doc in enumerate(features, 1):
        result = assigner.assign(doc, new_story_id=number)
        assert result.story.id is not None
        labels.append(result.story.id)
        for other in result.merged:
            assert other.id is not None
            parent[other.id] = result.story.id

    def root(story_id: int) -> int:
        while story_id in parent:
            story_id = parent[story_id]
        return story_id

    return [root(label) for label in labels]


# -- tuning ----------------------------------------------------------------------------


def training_examples(features: list[Any], gold: list[str], window_days: float,
                      vector_candidates: int = 0) -> tuple[Any, Any]:
    """(X, y): each document against the candidate stories the index finds when the
    true stories so far are known, one row of model inputs per candidate (margins
    included); y = 1 for its own story. A true story the index misses is added, so the
    model learns from it too."""
    import numpy as np

    from newsdesk.backends.clusterer import StoryState
    from newsdesk.builtin.cluster_online import FEATURES, candidate_features
    from newsdesk.story_assign import fold_document
    from newsdesk.story_index import CandidateIndex

    index = CandidateIndex(timedelta(days=window_days), vector_candidates)
    stories: dict[str, StoryState] = {}
    rows: list[Any] = []
    labels: list[float] = []
    for number, (doc, label) in enumerate(zip(features, gold, strict=True), 1):
        candidates = index.candidates(doc)
        own = stories.get(label)
        if own is not None and own not in candidates:
            candidates.append(own)
        if candidates:
            rows.append(candidate_features(doc, candidates))
            labels.extend(1.0 if story is own else 0.0 for story in candidates)
        if own is None:
            own = stories[label] = StoryState(id=number, centroid=np.zeros_like(doc.vector))
        fold_document(own, doc)
        index.add(own)
        if number % 256 == 0:
            index.expire(doc.published)
    x = np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))
    return x, np.array(labels, dtype=np.float64)


def fit_logistic(x: Any, y: Any, sample_weights: Any | None = None, l2: float = L2,
                 iterations: int = 50) -> list[float]:
    """Weights of an L2-regularised logistic regression on the design ``x``, whose
    first column is the intercept (not penalised). Newton's method with a backtracking
    line search: the problem is convex and small (a few hundred thousand rows, under a
    hundred terms), and the line search keeps a near-separable sample from diverging."""
    import numpy as np

    n, terms = x.shape
    sw = np.ones(n) if sample_weights is None else np.asarray(sample_weights, dtype=float)
    sw = sw / sw.sum()
    penalty = np.full(terms, l2)
    penalty[0] = 0.0

    def loss(w: Any) -> float:
        z = np.clip(x @ w, -50, 50)
        return float(sw @ (np.logaddexp(0.0, z) - y * z) + 0.5 * penalty @ (w * w))

    weights = np.zeros(terms)
    current = loss(weights)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -50, 50)))
        gradient = x.T @ (sw * (p - y)) + penalty * weights
        hessian = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(terms), gradient)
        size = 1.0
        while True:
            candidate = weights - size * step
            value = loss(candidate)
            if value <= current - 1e-4 * size * float(gradient @ step) or size < 1e-6:
                break
            size /= 2
        weights, current = candidate, value
        if float(np.abs(size * step).max()) < 1e-8:
            break
    return [round(float(w), 5) for w in weights]


def fit_model(parts: list[tuple[Any, Any]], l2: float = L2,
              weights: list[float] | None = None) -> dict[str, list[float]]:
    """Centre, scale and weights of the quadratic logistic model
    (:mod:`newsdesk.builtin.cluster_online`) fitted on the examples of one or more
    streams, each stream weighing as much as the others whatever its size (or as much as
    ``weights`` says, one per stream)."""
    import numpy as np

    from newsdesk.builtin.cluster_online import expand

    shares = weights or [1.0] * len(parts)
    kept = [(x, y, w) for (x, y), w in zip(parts, shares, strict=True) if len(y)]
    parts = [(x, y) for x, y, _ in kept]
    if not parts:
        raise SystemExit("the train split gives no training examples (it needs stories "
                         "with more than one document); nothing to tune on")
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    if not 0 < y.sum() < len(y):
        raise SystemExit("the train split gives only one kind of example (every candidate "
                         "right, or none); it needs stories with several documents and "
                         "stories that differ")
    sw = np.concatenate([np.full(len(y), w / len(y)) for _, y, w in kept])
    center = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a constant feature: leave it unscaled
    weights = fit_logistic(expand((x - center) / scale), y, sw, l2)
    return {"center": [round(float(v), 6) for v in center],
            "scale": [round(float(v), 6) for v in scale], "weights": weights}


def tune(train_sets: list[tuple[list[Any], list[str]]], window_days: float,
         weights: list[float] | None = None, vector_candidates: int = 0) -> dict[str, Any]:
    """Model, thresholds and merge threshold chosen on the train streams only.

    Each train stream is cut in time: the model is fitted on the first
    ``1 - HELD_OUT`` of every stream, and the thresholds are chosen by the mean B-cubed
    F1 of replays of the held-out rest (weighted by ``weights``, one per stream; equal
    by default), with merging off: one threshold for every document first, then the
    full-report threshold with the short one held there, then the short threshold;
    each time the highest threshold within ``TOLERANCE`` of the best F1. Then the merge
    threshold. The model is then refitted on the whole train streams.
    """
    from newsdesk.builtin.cluster_online import OnlineClusterer

    shares = weights or [1.0] * len(train_sets)
    cuts = [max(1, int(len(f) * (1 - HELD_OUT))) for f, _ in train_sets]
    heads = [training_examples(f[:cut], g[:cut], window_days, vector_candidates)
             for (f, g), cut in zip(train_sets, cuts, strict=True)]
    held_out = [(f[cut:], g[cut:], w) for (f, g), cut, w
                in zip(train_sets, cuts, shares, strict=True) if len(f) > cut]
    dev_model = fit_model(heads, weights=shares)
    scores: dict[tuple[float, float, float], float] = {}

    def mean_f1(full: float, short: float, merge: float) -> float:
        if (full, short, merge) not in scores:
            clusterer = OnlineClusterer(threshold=full, short_threshold=short,
                                        window_days=window_days, **dev_model)
            f1s = [bcubed(replay(f, clusterer, window_days, merge, vector_candidates), g)[2]
                   for f, g, _ in held_out]
            log.info("thresholds %.2f (full reports) %.2f (short items), merge %.2f: "
                     "held-out train F1 %s", full, short, merge,
                     " ".join(f"{v:.4f}" for v in f1s))
            total = sum(w for _, _, w in held_out)
            mean = sum(v * w for v, (_, _, w) in zip(f1s, held_out, strict=True)) / total \
                if f1s and total else 0.0
            scores[(full, short, merge)] = round(mean, 4)
        return scores[(full, short, merge)]

    def best_of(options: list[float], score: Any) -> float:
        # The highest (most cautious) threshold within TOLERANCE of the best score: a
        # wrong join costs a newsroom more than a missed one, and smaller differences
        # between held-out replays are noise.
        best = max(score(v) for v in options)
        return max(v for v in options if score(v) >= best - TOLERANCE)

    common = best_of(THRESHOLDS, lambda t: mean_f1(t, t, 1.0))
    full = best_of(THRESHOLDS, lambda t: mean_f1(t, common, 1.0))
    short = best_of(THRESHOLDS, lambda t: mean_f1(full, t, 1.0))
    # On a tie, merging stays on (a story first told two ways should become one) at the
    # highest merge threshold that ties: the most cautious one.
    merges = [m for m in MERGE_THRESHOLDS if m > max(full, short)]
    merge = max([1.0, *merges], key=lambda m: (mean_f1(full, short, m), m < 1.0, m))
    parts = [training_examples(f, g, window_days, vector_candidates) for f, g in train_sets]
    model = fit_model(parts, weights=shares)
    return {**model, "threshold": full, "short_threshold": short, "merge_threshold": merge,
            "train_f1": mean_f1(full, short, merge),
            "examples": sum(len(p[1]) for p in parts),
            "grid": {f"{a}/{b}/{c}": v for (a, b, c), v in scores.items()}}


# -- the command -----------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Score (and optionally tune) the clusterer; print and return the figures."""
    from newsdesk import tfidf
    from newsdesk.builtin.cluster_online import MODEL_TERMS, OnlineClusterer
    from newsdesk.cluster_model import ClusterModel, cluster_setup, save_model
    from newsdesk.errors import ConfigError
    from newsdesk.settings import load_settings

    if args.save_model and not args.tune:
        raise SystemExit("--save-model needs --tune (it saves what tuning fitted)")
    if args.save_model and args.model:
        raise SystemExit("give --model (score a saved model) or --tune --save-model "
                         "(fit a new one), not both")
    try:
        setup = cluster_setup(load_settings(overrides={"cluster.model": args.model}))
    except ConfigError as exc:
        raise SystemExit(str(exc)) from exc
    window = args.window_days if args.window_days is not None else setup.window_days
    vector_candidates = setup.vector_candidates
    if getattr(args, "vector_candidates", None) is not None:
        if args.vector_candidates < 0:
            raise SystemExit("--vector-candidates takes 0 or more")
        vector_candidates = args.vector_candidates
    source = FeatureSource(args.cache)
    loaded = []
    fields = getattr(args, "replay_by", None) or ["time"]
    for name in args.dataset:
        dataset = Path(name)
        if not dataset.exists():
            raise SystemExit(f"no dataset at {dataset}: give a folder with "
                             f"{args.split}.jsonl[.gz] or a JSONL file")
        eval_path = split_file(dataset, args.split)
        if eval_path is None:
            raise SystemExit(f"{dataset} has no {args.split}.jsonl or {args.split}.jsonl.gz")
        train_path = split_file(dataset, args.train_split)
        layouts = [f for f in fields if has_field(eval_path, f)]
        if not layouts:
            raise SystemExit(f"{eval_path} has none of the time fields {fields}")
        for field in layouts:
            label = dataset.name or str(dataset)
            label += "" if field == "time" else f" by {field}"
            train_docs = (read_stream(train_path, time_field=field)
                          if train_path and train_path != eval_path else [])
            eval_docs = read_stream(eval_path, args.limit, field)
            frequencies = tfidf.DocumentFrequencies()
            log.info("%s: featurising %d train and %d %s documents", label, len(train_docs),
                     len(eval_docs), args.split)
            train_features = featurize(train_docs, source, frequencies) if train_docs else []
            started = time.perf_counter()
            eval_features = featurize(eval_docs, source, frequencies)
            feature_seconds = time.perf_counter() - started
            if train_path == eval_path:  # scoring the train split itself (a tuning check)
                train_docs, train_features = eval_docs, eval_features
            # a dataset replayed in several layouts splits its weight between them
            loaded.append((label, eval_path, train_path, train_docs, train_features,
                           eval_docs, eval_features, feature_seconds, 1.0 / len(layouts)))

    options: dict[str, Any] = {"window_days": window}
    tuned: dict[str, Any] | None = None
    if args.tune:
        with_train = [x for x in loaded if x[3]]
        train_sets = [(x[4], [d.cluster for d in x[3]]) for x in with_train]
        if not train_sets:
            raise SystemExit(f"--tune needs a {args.train_split} split next to the dataset")
        tuned = tune(train_sets, window, [x[8] for x in with_train], vector_candidates)
        options.update(center=tuned["center"], scale=tuned["scale"], weights=tuned["weights"],
                       threshold=tuned["threshold"],
                       short_threshold=tuned["short_threshold"])
        merge = tuned["merge_threshold"]
    else:
        options.update({k: v for k, v in setup.options.items() if k != "window_days"})
        merge = setup.merge_threshold
    if args.threshold is not None:
        options["threshold"] = args.threshold
    if args.short_threshold is not None:
        options["short_threshold"] = args.short_threshold
    if args.merge_threshold is not None:
        merge = args.merge_threshold
    clusterer = OnlineClusterer(**options)
    if tuned and args.save_model:
        save_model(args.save_model, ClusterModel(
            center=list(clusterer.options.center), scale=list(clusterer.options.scale),
            weights=list(clusterer.options.weights), threshold=clusterer.options.threshold,
            short_threshold=clusterer.options.short_threshold,
            merge_threshold=merge, window_days=window,
            tuned_on=_tuned_on(loaded), train_bcubed_f1=tuned["train_f1"]))
        log.info("wrote the tuned model to %s", args.save_model)

    results: dict[str, Any] = {}
    for label, eval_path, train_path, _, _, eval_docs, eval_features, fsec, _ in loaded:
        gold = [d.cluster for d in eval_docs]
        started = time.perf_counter()
        labels = replay(eval_features, clusterer, window, merge, vector_candidates)
        seconds = time.perf_counter() - started
        precision, recall, f1 = bcubed(labels, gold)
        figures = {
            "file": str(eval_path), "documents": len(eval_docs),
            "gold_stories": len(set(gold)), "predicted_stories": len(set(labels)),
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "singletons_f1": round(bcubed(list(range(len(gold))), gold)[2], 4),
            "assign_docs_per_s": round(len(eval_docs) / max(seconds, 1e-9), 1),
            "keyword_stats_from": str(train_path) if train_path else "the stream itself",
        }
        if source.computed:
            figures["features_docs_per_s"] = round(len(eval_docs) / max(fsec, 1e-9), 1)
        results[label] = figures
    report = {
        "clusterer": {"threshold": clusterer.options.threshold,
                      "short_threshold": clusterer.options.short_threshold,
                      "full_report_words": clusterer.options.full_report_words,
                      "news_cycle_hours": clusterer.options.news_cycle_hours,
                      "window_days": clusterer.options.window_days,
                      "merge_threshold": merge,
                      "vector_candidates": vector_candidates,
                      "weights": dict(zip(MODEL_TERMS,
                                          clusterer.options.weights, strict=True))},
        "tuned_on": _tuned_on(loaded) if tuned else None,
        "model": setup.model or None,
        "saved_model": args.save_model if tuned else None,
        "datasets": results,
    }
    if tuned:
        report["tuning"] = {k: v for k, v in tuned.items() if k != "grid"}
    print_report(report, args.split)
    return report


def _tuned_on(loaded: list[Any]) -> list[str]:
    """The train files tuned on, with the time field each was replayed by."""
    return [str(x[2]) + ("" if " by " not in x[0] else f" (by {x[0].rsplit(' by ', 1)[1]})")
            for x in loaded if x[2]]


def print_report(report: dict[str, Any], split: str) -> None:
    """The figures as a small table."""
    clusterer = report["clusterer"]
    if report.get("model"):
        print(f"model file: {report['model']}")
    print(f"clusterer: threshold {clusterer['threshold']} (reports of "
          f"{clusterer['full_report_words']}+ words), {clusterer['short_threshold']} (shorter "
          f"items), window {clusterer['window_days']} days, merge threshold "
          f"{clusterer['merge_threshold']}, news cycle {clusterer['news_cycle_hours']} hours, "
          f"{clusterer['vector_candidates']} nearest stories added to the candidates")
    weights = clusterer["weights"]
    strongest = sorted((k for k in weights if k != "intercept"), key=lambda k: -abs(weights[k]))
    print(f"model: quadratic logistic, {len(weights)} terms; intercept "
          f"{weights['intercept']:+.3f}; strongest: "
          + ", ".join(f"{k} {weights[k]:+.3f}" for k in strongest[:6]))
    if report.get("tuning"):
        tuning = report["tuning"]
        print(f"tuned on the train split(s): {tuning['examples']} examples, "
              f"train B-cubed F1 {tuning['train_f1']:.4f}")
        if report.get("saved_model"):
            print(f"saved to {report['saved_model']}: use it with "
                  f"NEWSDESK_CLUSTER_MODEL={report['saved_model']} or "
                  f"[cluster] model = \"{report['saved_model']}\"")
    print(f"\n{'dataset':<34} {'split':<6} {'docs':>6} {'stories':>8} {'found':>6} "
          f"{'P':>6} {'R':>6} {'F1':>6} {'docs/s':>8}")
    for name, fig in report["datasets"].items():
        print(f"{name:<34} {split:<6} {fig['documents']:>6} {fig['gold_stories']:>8} "
              f"{fig['predicted_stories']:>6} {fig['precision']:>6.3f} {fig['recall']:>6.3f} "
              f"{fig['f1']:>6.3f} {fig['assign_docs_per_s']:>8.0f}")
    print("\ndocs/s: assignment only (index lookup, scoring, merges), features precomputed")
