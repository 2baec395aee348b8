"""Clustering models: the weights and thresholds ``newsdesk eval cluster --tune`` fits
on labelled streams, saved to a JSON file the pipeline can use.

The built-in model (``cluster_default.json`` in the package) was written this way,
fitted on full news articles and on headline-and-excerpt items (see
:mod:`newsdesk.builtin.cluster_online`). A newsroom whose sources look different (one
beat, another language) tunes on its own labelled stream and points ``cluster.model``
at the file::

    newsdesk eval cluster --dataset my-stream/ --tune --save-model cluster-model.json
    NEWSDESK_CLUSTER_MODEL=cluster-model.json newsdesk run

The file gives the model, and the thresholds and window it was tuned with.
``cluster.threshold``, ``cluster.short_threshold``, ``cluster.merge_threshold`` and
``cluster.window_days`` set explicitly (config file, environment or command line) still
win over the file's values; left at their defaults, the file's are used.

Format (version 2)::

    {"format": "newsdesk-cluster-model", "version": 2,
     "features": {"dense": {"center": 0.41, "scale": 0.19}, ...},  # one per feature
     "weights": {"intercept": -4.1, "dense": 0.7, "dense*gap_hours": -0.2, ...},
     "threshold": 0.4, "short_threshold": 0.65, "merge_threshold": 0.95,
     "window_days": 365.0,
     "tuned_on": ["my-stream/train.jsonl"], "train_bcubed_f1": 0.91,
     "created": "2026-12-05T21:00:00+00:00"}

``weights`` has one entry per model term: the intercept, each feature, each square and
each pairwise product (``a*b``), of the features centred and scaled as ``features``
says. A file fitted for a different feature set (an older or newer newsdesk; version 1
files held a linear model over other features) is refused with the names that differ,
never applied in the wrong order.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsdesk.errors import ConfigError

FORMAT = "newsdesk-cluster-model"
VERSION = 2


@dataclass(frozen=True)
class ClusterModel:
    """A fitted model (per-feature centre and scale, weights in model-term order) and
    the thresholds tuned with it."""

    center: list[float]
    scale: list[float]
    weights: list[float]
    threshold: float
    short_threshold: float
    merge_threshold: float
    window_days: float
    tuned_on: list[str] = field(default_factory=list)
    train_bcubed_f1: float | None = None

    def options(self) -> dict[str, Any]:
        """The clusterer options that carry this model."""
        return {"center": list(self.center), "scale": list(self.scale),
                "weights": list(self.weights)}


def save_model(path: str | Path, model: ClusterModel) -> None:
    """Write ``model`` as a version-2 model file (see the module docstring)."""
    from newsdesk.builtin.cluster_online import FEATURES, MODEL_TERMS

    if len(model.weights) != len(MODEL_TERMS):
        raise ValueError(f"{len(model.weights)} weights for {len(MODEL_TERMS)} model terms")
    if len(model.center) != len(FEATURES) or len(model.scale) != len(FEATURES):
        raise ValueError(f"centre and scale need {len(FEATURES)} values each")
    record = {
        "format": FORMAT, "version": VERSION,
        "features": {n: {"center": c, "scale": s}
                     for n, c, s in zip(FEATURES, model.center, model.scale, strict=True)},
        "weights": dict(zip(MODEL_TERMS, model.weights, strict=True)),
        "threshold": model.threshold, "short_threshold": model.short_threshold,
        "merge_threshold": model.merge_threshold,
        "window_days": model.window_days, "tuned_on": model.tuned_on,
        "train_bcubed_f1": model.train_bcubed_f1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def _names_match(where: str, what: str, found: object, names: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(found, dict):
        raise ConfigError(f"{where}: '{what}' must map each model {what[:-1]} to its values")
    missing = [n for n in names if n not in found]
    extra = [n for n in found if n not in names]
    if missing or extra:
        raise ConfigError(f"{where}: fitted for other features (missing {missing or 'none'}, "
                          f"unknown {extra or 'none'}); refit it with `newsdesk eval cluster "
                          f"--tune --save-model FILE`")
    return found


def load_model(path: str | Path) -> ClusterModel:
    """Read a model file.

    Raises:
        ConfigError: the file is missing, not JSON, not a newsdesk cluster model, of
            another version, fitted for other features, or holds a non-finite number
            or a scale that is not positive.
    """
    from newsdesk.builtin.cluster_online import FEATURES, MODEL_TERMS

    source = Path(path)
    where = f"cluster.model {source}"
    try:
        record = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such file (write one with `newsdesk eval cluster "
                          f"--tune --save-model FILE`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{where}: not a readable JSON file: {exc}") from exc
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ConfigError(f"{where}: not a newsdesk cluster model (format must be {FORMAT!r})")
    if record.get("version") != VERSION:
        raise ConfigError(f"{where}: version {record.get('version')!r}; this newsdesk reads "
                          f"version {VERSION} (refit it with `newsdesk eval cluster --tune "
                          f"--save-model FILE`)")
    features = _names_match(where, "features", record.get("features"), FEATURES)
    weights = _names_match(where, "weights", record.get("weights"), MODEL_TERMS)
    values: dict[str, Any] = {"threshold": record.get("threshold"),
                              "short_threshold": record.get("short_threshold"),
                              "merge_threshold": record.get("merge_threshold"),
                              "window_days": record.get("window_days"),
                              **{f"weights.{n}": weights[n] for n in MODEL_TERMS}}
    for n in FEATURES:
        entry = features[n] if isinstance(features[n], dict) else {}
        values[f"features.{n}.center"] = entry.get("center")
        values[f"features.{n}.scale"] = entry.get("scale")
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise ConfigError(f"{where}: {key} must be a finite number, not {value!r}")
    for n in FEATURES:
        if values[f"features.{n}.scale"] <= 0:
            raise ConfigError(f"{where}: features.{n}.scale must be positive")
    for key in ("threshold", "short_threshold"):
        if not 0.0 < values[key] < 1.0:
            raise ConfigError(f"{where}: {key} must lie between 0 and 1")
    if not 0.0 < values["merge_threshold"] <= 1.0:
        raise ConfigError(f"{where}: merge_threshold must lie in (0, 1]")
    if values["window_days"] <= 0:
        raise ConfigError(f"{where}: window_days must be positive")
    tuned_on = record.get("tuned_on") or []
    score = record.get("train_bcubed_f1")
    return ClusterModel(
        center=[float(values[f"features.{n}.center"]) for n in FEATURES],
        scale=[float(values[f"features.{n}.scale"]) for n in FEATURES],
        weights=[float(weights[n]) for n in MODEL_TERMS],
        threshold=float(values["threshold"]),
        short_threshold=float(values["short_threshold"]),
        merge_threshold=float(values["merge_threshold"]),
        window_days=float(values["window_days"]),
        tuned_on=[str(t) for t in tuned_on] if isinstance(tuned_on, list) else [],
        train_bcubed_f1=float(score) if isinstance(score, int | float) else None)


@dataclass(frozen=True)
class ClusterSetup:
    """What story assignment runs with: the clusterer's options and the merge threshold."""

    options: dict[str, Any]
    merge_threshold: float
    model: str = ""
    vector_candidates: int = 0  # stories nearest in meaning added to the candidates

    @property
    def window_days(self) -> float:
        """Days a story stays open to new documents."""
        return float(self.options["window_days"])


def cluster_setup(settings: Any) -> ClusterSetup:
    """The clusterer options the ``cluster.*`` settings ask for, with ``cluster.model``
    applied: its weights always, its thresholds and window unless set explicitly."""
    options = settings.section("cluster")
    model_path = options.pop("model")
    merge = options.pop("merge_threshold")
    vector_candidates = int(options.pop("vector_candidates", 0))
    if vector_candidates < 0:
        raise ConfigError(f"cluster.vector_candidates is {vector_candidates}: give how many "
                          "stories nearest in meaning to add (0 or more; 0 turns it off)")
    if model_path:
        model = load_model(model_path)
        options.update(model.options())
        explicit = {name for name in ("threshold", "short_threshold", "merge_threshold",
                                      "window_days")
                    if settings.origins.get(f"cluster.{name}", "default") != "default"}
        if "threshold" not in explicit:
            options["threshold"] = model.threshold
        if "short_threshold" not in explicit:
            options["short_threshold"] = model.short_threshold
        if "window_days" not in explicit:
            options["window_days"] = model.window_days
        if "merge_threshold" not in explicit:
            merge = model.merge_threshold
    return ClusterSetup(options, merge, model_path, vector_candidates)
