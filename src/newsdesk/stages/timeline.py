"""Story threads: link a story to the earlier stories it follows.

An earlier story is part of a story's thread when it started before the story's
first report (within ``timeline.max_days``), shares at least one person, organisation
or place with it, and scores at least ``timeline.min_score`` on

    0.45 x names + 0.35 x meaning + 0.20 x keywords

where *names* is the IDF-weighted overlap of the two stories' strongest entities
(shared weight over the smaller story's weight, so a short story that names the same
minister and port scores high), *meaning* the cosine of their centroids and
*keywords* the cosine of their TF-IDF profiles. Shared names alone would tie every
story about a prime minister together; meaning alone would tie two factory fires in
two cities. So two more rules: stories whose meaning is less alike than
``DENSE_FLOOR`` are never linked, and a *famous* name (one in at least 5% of the
archive's documents, and ten of them, such as "Donald Trump" in US political news)
counts a quarter in the names part and is not enough on its own: stories that share
only famous names are linked only when their meaning is nearly the same
(``SAME_SUBJECT``), and stories sharing a single other name need ``ONE_NAME_SUBJECT``.
Candidates come from the entity tables' indexes, never from a scan.

The story page shows the thread as its Background section: each earlier story with
its date, a link to its page (when it has one) and citations to its sources.
"""

from __future__ import annotations

import heapq
import math
from datetime import timedelta
from typing import Any

import numpy as np

from newsdesk import tfidf
from newsdesk.entities import match_key
from newsdesk.pipeline import Context
from newsdesk.tfidf import DocumentFrequencies

NAME_WEIGHT, DENSE_WEIGHT, KEYWORD_WEIGHT = 0.45, 0.35, 0.20
TOP_NAMES = 30
MAX_LINKS = 5
# A name carried by this share of the archive's documents (and by at least
# FAMOUS_MIN_DOCS of them) is famous: "Donald Trump" in US political news. Sharing only
# famous names says two stories are in the same beat, not that one follows the other.
FAMOUS_SHARE = 0.05
FAMOUS_MIN_DOCS = 10
FAMOUS_WEIGHT = 0.25  # what a famous name counts for in the names part
# Stories must also be about the same thing: below this meaning similarity they are not,
# whatever names they share; with famous names alone they need SAME_SUBJECT.
DENSE_FLOOR = 0.35
ONE_NAME_SUBJECT = 0.45  # what one specific shared name needs
SAME_SUBJECT = 0.6


def _top(names: dict[str, int]) -> dict[str, int]:
    return dict(heapq.nlargest(TOP_NAMES, names.items(), key=lambda kv: (kv[1], kv[0])))


def _name(key: str) -> str:
    return key.split(":", 1)[-1]


def distinct_names(keys: list[str]) -> list[str]:
    """``keys`` with one key per name: a surname key folds into the full name it ends
    ("trump" into "donald trump") and one name under two kinds counts once."""
    return fullest_names(sorted({_name(k) for k in keys}, key=lambda n: (-len(n.split()), n)))


def fullest_names(names: list[str]) -> list[str]:
    """``names``, each once, without a name that ends a longer one among them: one
    person named once ("Paul Manafort and Trump", not "Manafort, Paul Manafort and
    Trump")."""
    unique = list(dict.fromkeys(names))
    return [n for n in unique if not any(o != n and o.endswith(" " + n) for o in unique)]


def is_famous(key: str, frequencies: DocumentFrequencies) -> bool:
    """Whether a name is in so many of the archive's documents that sharing it is not
    evidence of a thread (see ``FAMOUS_SHARE``)."""
    documents = frequencies.documents
    # idf = log((N + 1) / (df + 1)) + 1, so df + 1 = (N + 1) / exp(idf - 1)
    df = (documents + 1) / math.exp(frequencies.idf(key) - 1.0) - 1.0
    return df >= FAMOUS_MIN_DOCS and df >= FAMOUS_SHARE * documents


def thread_score(story: dict[str, Any], other: dict[str, Any],
                 frequencies: DocumentFrequencies) -> tuple[float, list[str]]:
    """How strongly ``other`` belongs to ``story``'s thread (0 when it does not), and
    the match keys they share."""
    idf = frequencies.idf
    mine, theirs = _top(story["names"]), _top(other["names"])
    # Ties in IDF (names in as many documents) go by key: a set's order depends on the
    # process's string hashing, and a thread must read the same in every run and store.
    shared = sorted(set(mine) & set(theirs), key=lambda k: (-idf(k), k))
    if not shared:
        return 0.0, []
    a, b = story["centroid"], other["centroid"]
    dense = float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9))
    if dense < DENSE_FLOOR:
        return 0.0, shared
    famous = {k for k in mine.keys() | theirs.keys() if is_famous(k, frequencies)}
    specific = distinct_names([k for k in shared if k not in famous])
    if not specific and dense < SAME_SUBJECT:
        return 0.0, shared  # famous names in common are not a thread
    if len(specific) == 1 and dense < ONE_NAME_SUBJECT:
        return 0.0, shared  # nor is one name, unless the stories are about one subject

    def weight(key: str) -> float:
        return idf(key) * (FAMOUS_WEIGHT if key in famous else 1.0)

    smaller = min(sum(weight(k) for k in mine), sum(weight(k) for k in theirs))
    names = sum(weight(k) for k in shared) / smaller if smaller else 0.0
    keywords = tfidf.cosine(story.get("terms") or {}, other.get("terms") or {})
    score = NAME_WEIGHT * min(names, 1.0) + DENSE_WEIGHT * dense + KEYWORD_WEIGHT * keywords
    return score, shared


def link_story(ctx: Context, story_id: int, frequencies: DocumentFrequencies | None = None
               ) -> int:
    """Store the earlier stories ``story_id`` follows. Returns how many.

    ``frequencies`` are the archive's keyword statistics (read from the store if not
    given; pass them when linking many stories in a row).
    """
    story = ctx.store.story(story_id)
    if story is None or story["merged_into"] is not None or story["first_published"] is None:
        return 0
    first = story["first_published"]
    since = first - timedelta(days=ctx.settings["timeline.max_days"])
    frequencies = frequencies or ctx.store.load_frequencies()
    display = {}
    for entity in ctx.store.entities_of_story(story_id):
        # clustering keys name a person by surname and, when known, by full name too
        display[match_key(entity.key)] = display[entity.key] = entity.name
    scored = []
    for other_id, _ in ctx.store.stories_sharing_entities(story_id, first, since):
        other = ctx.store.story(other_id)
        if other is None:
            continue
        score, shared = thread_score(story, other, frequencies)
        if score >= ctx.settings["timeline.min_score"]:
            names = fullest_names([display.get(k, k.split(":", 1)[-1].title())
                                   for k in shared])[:6]
            scored.append((round(score, 4), other_id, names))
    scored.sort(reverse=True)
    links = [(other_id, score, names) for score, other_id, names in scored[:MAX_LINKS]]
    ctx.store.set_story_links(story_id, links)
    ctx.count("story_links", len(links))
    return len(links)
