"""Tuned clustering models: the weights and thresholds ``newsdesk eval cluster --tune``
fits on a labelled stream, saved to a JSON file the pipeline can use.

The built-in weights were fitted on full news articles about many similar events (see
:mod:`newsdesk.builtin.cluster_online`). A newsroom whose sources look different
(headline-and-excerpt feeds, one beat, another language) tunes on its own labelled
stream and points ``cluster.model`` at the file::

    newsdesk eval cluster --dataset my-stream/ --tune --save-model cluster-model.json
    NEWSDESK_CLUSTER_MODEL=cluster-model.json newsdesk run

The file gives the weights, and the threshold, merge threshold and window they were
tuned with. ``cluster.threshold``, ``cluster.merge_threshold`` and
``cluster.window_days`` set explicitly (config file, environment or command line) still
win over the file's values; left at their defaults, the file's are used.

Format (version 1)::

    {"format": "newsdesk-cluster-model", "version": 1,
     "weights": {"intercept": -4.1, "dense": 0.7, ...},   # one per feature, by name
     "threshold": 0.25, "merge_threshold": 0.9, "window_days": 365.0,
     "tuned_on": ["my-stream/train.jsonl"], "train_bcubed_f1": 0.91,
     "created": "2026-12-04T21:00:00+00:00"}

A file fitted for a different feature set (an older or newer newsdesk) is refused with
the names that differ, never applied in the wrong order.
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
VERSION = 1


@dataclass(frozen=True)
class ClusterModel:
    """Weights (intercept first, then one per feature) and the thresholds tuned with them."""

    weights: list[float]
    threshold: float
    merge_threshold: float
    window_days: float
    tuned_on: list[str] = field(default_factory=list)
    train_bcubed_f1: float | None = None


def save_model(path: str | Path, model: ClusterModel) -> None:
    """Write ``model`` as a version-1 model file (see the module docstring)."""
    from newsdesk.builtin.cluster_online import MODEL_TERMS as names

    if len(model.weights) != len(names):
        raise ValueError(f"{len(model.weights)} weights for {len(names)} model terms")
    record = {
        "format": FORMAT, "version": VERSION,
        "weights": dict(zip(names, model.weights, strict=True)),
        "threshold": model.threshold, "merge_threshold": model.merge_threshold,
        "window_days": model.window_days, "tuned_on": model.tuned_on,
        "train_bcubed_f1": model.train_bcubed_f1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def load_model(path: str | Path) -> ClusterModel:
    """Read a model file.

    Raises:
        ConfigError: the file is missing, not JSON, not a newsdesk cluster model, of
            another version, fitted for other features, or holds a non-finite number.
    """
    from newsdesk.builtin.cluster_online import MODEL_TERMS as names

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
                          f"version {VERSION}")
    weights = record.get("weights")
    if not isinstance(weights, dict):
        raise ConfigError(f"{where}: 'weights' must map each model term to a number")
    missing = [n for n in names if n not in weights]
    extra = [n for n in weights if n not in names]
    if missing or extra:
        raise ConfigError(f"{where}: fitted for other features (missing {missing or 'none'}, "
                          f"unknown {extra or 'none'}); refit it with `newsdesk eval cluster "
                          f"--tune --save-model FILE`")
    values = {"threshold": record.get("threshold"),
              "merge_threshold": record.get("merge_threshold"),
              "window_days": record.get("window_days"),
              **{f"weights.{n}": weights[n] for n in names}}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise ConfigError(f"{where}: {key} must be a finite number, not {value!r}")
    if not 0.0 < values["threshold"] < 1.0:
        raise ConfigError(f"{where}: threshold must lie between 0 and 1")
    if not 0.0 < values["merge_threshold"] <= 1.0:
        raise ConfigError(f"{where}: merge_threshold must lie in (0, 1]")
    if values["window_days"] <= 0:
        raise ConfigError(f"{where}: window_days must be positive")
    tuned_on = record.get("tuned_on") or []
    score = record.get("train_bcubed_f1")
    return ClusterModel(
        weights=[float(weights[n]) for n in names], threshold=float(values["threshold"]),
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
    if model_path:
        model = load_model(model_path)
        options["weights"] = model.weights
        explicit = {name for name in ("threshold", "merge_threshold", "window_days")
                    if settings.origins.get(f"cluster.{name}", "default") != "default"}
        if "threshold" not in explicit:
            options["threshold"] = model.threshold
        if "window_days" not in explicit:
            options["window_days"] = model.window_days
        if "merge_threshold" not in explicit:
            merge = model.merge_threshold
    return ClusterSetup(options, merge, model_path)
