"""What a story page shows beside its article: the key entities, the thread of earlier
stories (Background, with citations to their sources) and the story's updates.

Filled when an article is stored; the relate step brings the Background up to date
without making a new version (an earlier story may get its own page, or a new
headline, after the later one was written).
"""

from __future__ import annotations

from newsdesk.entities import SHOWN_KINDS
from newsdesk.outlets import outlet_name
from newsdesk.pipeline import Context
from newsdesk.records import Article, EntityRef, TimelineRef, TimelineSource, UpdateRef, iso
from newsdesk.redact import public_url
from newsdesk.stages.entity_kinds import settle_kinds

PER_KIND = {"person": 5, "org": 5, "place": 5, "date": 3}
SOURCES_PER_STORY = 4


def key_entities(ctx: Context, story_id: int, doc_count: int) -> list[EntityRef]:
    """The people, organisations, places and dates a story is about: the ones most of
    its documents name; in a story of three or more documents, only names that at least
    two of them give (one outlet's aside is not what the story is about). Names are
    cleaned and their kinds settled from how the story's sources use them
    (:func:`newsdesk.stages.entity_kinds.settle_kinds`)."""
    chosen: list[EntityRef] = []
    entities = [e for e in ctx.store.entities_of_story(story_id)
                if doc_count < 3 or e.documents >= 2]
    texts = [f"{d.title}.\n{d.text}" for d in ctx.store.story_documents(story_id)
             if d.duplicate_of is None]
    # One name, one line: when the recogniser labelled a name two ways ("Port Calder" the
    # place and, in one report, a person), the most documented label comes first and
    # settle_kinds keeps one entry per name, with the kind the sources' wording supports.
    entities = settle_kinds(entities, texts)
    for kind in SHOWN_KINDS:
        of_kind = [e for e in entities if e.kind == kind]
        chosen.extend(of_kind[:PER_KIND[kind]])
    return chosen


def timeline_refs(ctx: Context, story_id: int) -> list[TimelineRef]:
    """The earlier stories of a story's thread, oldest first, with their sources."""
    refs = []
    for earlier_id, score, shared in ctx.store.story_links(story_id):
        story = ctx.store.story(earlier_id)
        if story is None:
            continue
        docs = [d for d in ctx.store.story_documents(earlier_id) if d.duplicate_of is None]
        article = ctx.store.current_article(earlier_id)
        headline = article.headline.text if article else (docs[0].title if docs else "")
        refs.append(TimelineRef(
            story_id=earlier_id, slug=article.slug if article else "", headline=headline,
            date=iso(story["first_published"]), shared=shared, score=round(score, 4),
            sources=[TimelineSource(outlet=outlet_name(d), title=d.title, url=public_url(d.url),
                                    published_at=iso(d.published_at))
                     for d in docs[:SOURCES_PER_STORY]]))
    return refs


def update_refs(ctx: Context, story_id: int) -> list[UpdateRef]:
    """Every recorded change of a story, oldest first."""
    refs = []
    for update in ctx.store.story_updates(story_id):
        at = update.get("published") or iso(update["created_at"]) or ""
        refs.append(UpdateRef(at=at, kind=update["kind"], outlets=update.get("outlets", []),
                              new_outlets=update.get("new_outlets", []),
                              documents=len(update.get("documents", [])),
                              new_facts=update.get("new_facts", [])))
    return refs


def attach(ctx: Context, article: Article) -> Article:
    """Fill an article's entities, timeline and updates from the store."""
    story = ctx.store.story(article.story_id)
    doc_count = story["doc_count"] if story else 0
    article.entities = key_entities(ctx, article.story_id, doc_count)
    article.timeline = timeline_refs(ctx, article.story_id)
    article.updates = update_refs(ctx, article.story_id)
    return article

