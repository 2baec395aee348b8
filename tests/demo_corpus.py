"""Helpers for tests that run on the bundled demo corpus (its manifest is ground truth)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from newsdesk.builtin.store_sql import SqlStore
from newsdesk.demo_server import demo_dir
from newsdesk.pipeline import Context
from newsdesk.settings import load_settings

DEMO = demo_dir()


def manifest() -> list[dict[str, object]]:
    """Every demo article with its story label, outlet, wave, kind and canonical URL."""
    return json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))


def story_of_url() -> dict[str, str]:
    """Canonical URL -> ground-truth story label."""
    return {str(a["url"]): str(a["story"]) for a in manifest()}


def wave_sources(wave: int) -> list[str]:
    """file:// sources of one wave: the main feeds and wire file (1) or the updates feeds (2)."""
    feeds = sorted((DEMO / "feeds").iterdir())
    if wave == 1:
        chosen = [f for f in feeds if "-updates" not in f.stem]
        chosen += sorted((DEMO / "wire").glob("*.jsonl"))
    else:
        chosen = [f for f in feeds if "-updates" in f.stem]
    return [p.as_uri() for p in chosen]


def make_context(tmp: Path, **overrides: object) -> Context:
    """A context with its own SQLite store and site folder under ``tmp``; the demo feeds
    (named one by one) may link to the demo pages beside them."""
    overrides = {"fetch.local_folders": [str(DEMO)], **overrides}
    settings = load_settings(overrides={"data_dir": str(tmp), **overrides}, environ={})
    return Context(settings=settings, store=SqlStore.open(settings.database_url),
                   show_progress=False)


def bcubed(pred: list[object], gold: list[object]) -> tuple[float, float, float]:
    """Item-averaged B-cubed precision, recall and F1."""
    pairs: dict[tuple[object, object], int] = defaultdict(int)
    psize: dict[object, int] = defaultdict(int)
    gsize: dict[object, int] = defaultdict(int)
    for p, g in zip(pred, gold, strict=True):
        pairs[(p, g)] += 1
        psize[p] += 1
        gsize[g] += 1
    n = len(gold)
    precision = sum(c * c / psize[p] for (p, _), c in pairs.items()) / n
    recall = sum(c * c / gsize[g] for (_, g), c in pairs.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall)
