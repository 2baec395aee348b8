"""Relate: the top related stories of each written story.

Score = 0.7 x centroid cosine + 0.3 x overlap of the stories' names (people, places,
organisations), then weighted by recency: a story ``relate.half_life_days`` apart
counts half. A story is never related to itself, and never to a story whose meaning is
less alike than ``MIN_DENSE``: without that floor, the nearest stories in time filled
the list whatever they were about (an infrastructure vote "related" to a Facebook
outage on feeds-allsides-dev), so a story with no genuinely related one shows none.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from newsdesk.pipeline import Context
from newsdesk.records import RelatedRef
from newsdesk.stages.reader_index import index_for_readers
from newsdesk.stages.story_context import timeline_refs

DENSE_WEIGHT = 0.7
NAME_WEIGHT = 0.3
TOP_NAMES = 20
MIN_SCORE = 0.05  # below this a "related" story would be noise
MIN_DENSE = 0.35  # centroid cosine below which two stories are about different things


#: Stories scored against all others at a time (a block of the score matrix).
BLOCK = 512


def _top_names(names: dict[str, int]) -> set[str]:
    return {n for n, _ in sorted(names.items(), key=lambda kv: -kv[1])[:TOP_NAMES]}


def related_scores(vectors: np.ndarray, name_sets: list[set[str]],
                   times: list[float | None], half_life: float, top_k: int
                   ) -> list[list[tuple[float, int]]]:
    """For each story (a row of ``vectors``, its names, its last report's time in
    seconds), its ``top_k`` related stories as (score, index), best first.

    Meaning and time are scored as matrices, a block of ``BLOCK`` rows at a time (so
    memory stays at ``BLOCK`` x n whatever the number of stories); names are compared
    only for the pairs that can still reach ``MIN_SCORE``."""
    n = len(name_sets)
    norms = np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9, None)
    unit = vectors / norms
    known = np.array([t is not None for t in times])
    seconds = np.array([t if t is not None else 0.0 for t in times])
    result: list[list[tuple[float, int]]] = []
    for start in range(0, n, BLOCK):
        end = min(n, start + BLOCK)
        dense = (unit[start:end] @ unit.T).astype(np.float64)
        days = np.abs(seconds[start:end, None] - seconds[None, :]) / 86400
        decay = np.where(known[start:end, None] & known[None, :],
                         0.5 ** (days / half_life), 1.0)
        # the most a pair can score, with every name shared
        reachable = (dense >= MIN_DENSE) & ((DENSE_WEIGHT * dense + NAME_WEIGHT) * decay
                                            >= MIN_SCORE)
        reachable[np.arange(end - start), np.arange(start, end)] = False  # never itself
        for row, i in enumerate(range(start, end)):
            mine = name_sets[i]
            scored = []
            for j in np.flatnonzero(reachable[row]).tolist():
                union = len(mine | name_sets[j])
                overlap = len(mine & name_sets[j]) / union if union else 0.0
                score = (DENSE_WEIGHT * float(dense[row, j]) + NAME_WEIGHT * overlap) \
                    * float(decay[row, j])
                if score >= MIN_SCORE:
                    scored.append((score, j))
            scored.sort(key=lambda p: (-p[0], p[1]))
            result.append(scored[:top_k])
    return result


def _seconds(times: list[datetime | None]) -> list[float | None]:
    """Each time in seconds from the first known one (``None`` stays ``None``)."""
    origin = next((t for t in times if t is not None), None)
    return [None if t is None or origin is None else (t - origin).total_seconds()
            for t in times]


def relate(ctx: Context) -> int:
    """Recompute related stories for every current article; store the lists that
    changed and refresh the Background of the stories whose earlier stories changed.
    Returns how many links there are."""
    articles = {a.story_id: a for a in ctx.store.current_articles()}
    stories = [s for s in (ctx.store.story(i) for i in sorted(articles)) if s is not None]
    if not stories:
        index_for_readers(ctx)
        return 0
    scored = related_scores(
        np.vstack([s["centroid"] for s in stories]),
        [_top_names(s["names"]) for s in stories],
        _seconds([s["last_published"] for s in stories]),
        ctx.settings["relate.half_life_days"], ctx.settings["relate.top_k"])
    links = changed = 0
    for story, best in zip(stories, scored, strict=True):
        article = articles[story["id"]]
        refs = []
        for score, j in best:
            other = articles[stories[j]["id"]]
            refs.append(RelatedRef(story_id=other.story_id, slug=other.slug,
                                   headline=other.headline.text,
                                   teaser=other.summary.text, score=round(score, 4)))
        links += len(refs)
        if refs != article.related:
            ctx.store.set_related(story["id"], [(r.story_id, r.score) for r in refs])
            ctx.store.set_article_related(story["id"], refs)
            changed += 1
        # An earlier story of its thread may have been written or rewritten since; the
        # story's entities are its own documents', set when its article was stored.
        timeline = timeline_refs(ctx, story["id"])
        if timeline != article.timeline:
            ctx.store.set_article_fields(story["id"],
                                         {"timeline": [t.to_dict() for t in timeline]})
            changed += 1
        ctx.checkpoint("relate")
    ctx.count("related_links", links)
    ctx.count("related_stories_updated", changed)
    index_for_readers(ctx)
    return links
