"""Story updates: when a story gains sources, record what changed.

One ``story_updates`` row per change, with the new documents, every outlet they came
from and the outlets the story did not have before, and new facts: names (people,
organisations, places) and figures that no earlier source of the story had. The story
is marked for rewriting; the new article is stored as a new version and the earlier
versions are kept (:meth:`SqlStore.save_article`). The story page shows the changes
("Updated 20 Nov with reports from ...").
"""

from __future__ import annotations

import re

from newsdesk.entities import fold
from newsdesk.outlets import outlet_name
from newsdesk.pipeline import Context
from newsdesk.records import Document, iso
from newsdesk.stages.shield import shielded
from newsdesk.text import numbers

MAX_FACTS = 8
# A figure as a reader would quote it: optional currency, the number, an optional unit.
_FIGURE = re.compile(
    r"(?<![\w.])[€$£]?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|bn|m|percent|per cent|%|°C|"
    r"km|kilometres?|miles?|votes?|people|workers|customers|hours|days))?(?![\w])",
    re.IGNORECASE)
_YEAR = re.compile(r"^(19|20)\d\d$")


def new_figures(text: str, known: set[str]) -> list[str]:
    """Figures in ``text`` whose number no earlier source gave (years and single digits
    are left out: they are rarely the news)."""
    found: list[str] = []
    for match in _FIGURE.finditer(text):
        figure = match.group(0).strip()
        values = numbers(figure)
        if not values or values <= known:
            continue
        bare = figure.lstrip("€$£").replace(",", "")
        if _YEAR.match(bare) or (bare.isdigit() and len(bare) == 1):
            continue
        if figure not in found:
            found.append(figure)
        known |= values
    return found


def _outlets(docs: list[Document]) -> list[str]:
    seen: list[str] = []
    for doc in docs:
        name = outlet_name(doc)
        if name not in seen:
            seen.append(name)
    return seen


def record_updates(ctx: Context, story_id: int, new_doc_ids: list[int]) -> int | None:
    """Record that ``new_doc_ids`` joined an existing story; returns the update's id
    (``None`` when none of them is in the story any more)."""
    docs = ctx.store.story_documents(story_id)
    new = set(new_doc_ids)
    added = [d for d in docs if d.id in new]
    earlier = [d for d in docs if d.id not in new]
    if not added:
        return None
    outlets = _outlets(added)
    known_outlets = set(_outlets(earlier))
    known_numbers: set[str] = set()
    known_names: set[str] = set()
    for doc in earlier:
        known_numbers |= numbers(f"{doc.title}\n{doc.text}")
        assert doc.id is not None
        # By name, not key: the recogniser may call "Port Calder" a place in one report
        # and a person in the next, and that is no new fact.
        known_names |= {fold(e.name) for e in ctx.store.entities_of_document(doc.id)}
    facts: list[str] = []
    for doc in added:
        if doc.duplicate_of is not None:
            continue  # a copy of a known report brings an outlet, not facts
        assert doc.id is not None
        for entity in ctx.store.entities_of_document(doc.id):
            if entity.kind != "date" and fold(entity.name) not in known_names:
                known_names.add(fold(entity.name))
                facts.append(entity.name)
        visible = shielded(doc)  # an injected figure is no new fact
        facts.extend(new_figures(f"{visible.title}\n{visible.text}", known_numbers))
    data = {
        "documents": [d.id for d in added],
        "titles": [d.title for d in added],
        "outlets": outlets,
        "new_outlets": [o for o in outlets if o not in known_outlets],
        "new_facts": facts[:MAX_FACTS],
        "published": iso(max((d.published_at for d in added if d.published_at),
                             default=None)),
    }
    ctx.count("story_updates")
    return ctx.store.record_story_update(story_id, "sources", data, ctx.run_id)


def record_merge(ctx: Context, story_id: int, merged_id: int) -> int:
    """Record that story ``merged_id`` was folded into ``story_id``."""
    docs = ctx.store.story_documents(story_id)
    data = {"merged_story": merged_id, "documents": [d.id for d in docs],
            "outlets": _outlets(docs), "new_outlets": [], "new_facts": []}
    return ctx.store.record_story_update(story_id, "merge", data, ctx.run_id)
