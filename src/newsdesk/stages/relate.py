"""Relate: the top related stories of each written story.

Score = 0.7 x centroid cosine + 0.3 x overlap of the stories' names (people, places,
organisations), then weighted by recency: a story ``relate.half_life_days`` apart
counts half. A story is never related to itself, and never to a story whose meaning is
less alike than ``MIN_DENSE``: without that floor, the nearest stories in time filled
the list whatever they were about (an infrastructure vote "related" to a Facebook
outage on feeds-allsides-dev), so a story with no genuinely related one shows none.
"""

from __future__ import annotations

import numpy as np

from newsdesk.pipeline import Context
from newsdesk.records import RelatedRef
from newsdesk.stages.reader_index import index_for_readers
from newsdesk.stages.story_context import refresh

DENSE_WEIGHT = 0.7
NAME_WEIGHT = 0.3
TOP_NAMES = 20
MIN_SCORE = 0.05  # below this a "related" story would be noise
MIN_DENSE = 0.35  # centroid cosine below which two stories are about different things


def _top_names(names: dict[str, int]) -> set[str]:
    return {n for n, _ in sorted(names.items(), key=lambda kv: -kv[1])[:TOP_NAMES]}


def relate(ctx: Context) -> int:
    """Recompute related stories for every current article. Returns how many links."""
    articles = {a.story_id: a for a in ctx.store.current_articles()}
    stories = [s for s in (ctx.store.story(i) for i in articles) if s is not None]
    if not stories:
        index_for_readers(ctx)
        return 0
    vectors = np.vstack([s["centroid"] for s in stories])
    vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9, None)
    dense = vectors @ vectors.T
    name_sets = [_top_names(s["names"]) for s in stories]
    half_life = ctx.settings["relate.half_life_days"]
    top_k = ctx.settings["relate.top_k"]
    links = 0
    for i, story in enumerate(stories):
        scored = []
        for j, other in enumerate(stories):
            if i == j or float(dense[i, j]) < MIN_DENSE:
                continue
            union = name_sets[i] | name_sets[j]
            overlap = len(name_sets[i] & name_sets[j]) / len(union) if union else 0.0
            score = DENSE_WEIGHT * float(dense[i, j]) + NAME_WEIGHT * overlap
            a, b = story["last_published"], other["last_published"]
            if a is not None and b is not None:
                days = abs((a - b).total_seconds()) / 86400
                score *= 0.5 ** (days / half_life)
            if score >= MIN_SCORE:
                scored.append((score, other["id"]))
        scored.sort(reverse=True)
        refs = []
        for score, other_id in scored[:top_k]:
            other_article = articles[other_id]
            refs.append(RelatedRef(story_id=other_id, slug=other_article.slug,
                                   headline=other_article.headline.text,
                                   teaser=other_article.summary.text, score=round(score, 4)))
        ctx.store.set_related(story["id"], [(r.story_id, r.score) for r in refs])
        ctx.store.set_article_related(story["id"], refs)
        refresh(ctx, story["id"])
        links += len(refs)
        ctx.checkpoint("relate")
    ctx.count("related_links", links)
    index_for_readers(ctx)
    return links
