"""Cluster: dedupe, embed and assign new documents to stories, oldest first.

A later run adds documents to the stories an earlier run made (the stories are in the
store, with their centroids), so follow-up articles update a story rather than start a
new one. Near-copies join their original's story.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import numpy as np

from newsdesk import backends
from newsdesk.backends.clusterer import Clusterer, DocumentFeatures, StoryState
from newsdesk.pipeline import Context, batches
from newsdesk.records import Document, utcnow
from newsdesk.stages.dedupe import dedupe
from newsdesk.text import names

EMBED_WORDS = 200  # title + lead: the part of a news article that says what happened
STORY_NAMES = 40   # names kept per story for overlap scoring


def document_text_for_embedding(doc: Document) -> str:
    """The title and first words of a document, the text its story vector is built from."""
    return f"{doc.title}. " + " ".join(doc.text.split()[:EMBED_WORDS])


def embed_documents(ctx: Context) -> int:
    """Embed every deduplicated document and extract its names. Returns how many."""
    docs = ctx.store.documents_at_stage("deduped")
    done = 0
    size = ctx.settings["embed.batch_size"]
    for chunk in ctx.track(list(batches(docs, size)), "embedding documents"):
        vectors = ctx.embedder.embed_batch([document_text_for_embedding(d) for d in chunk])
        items = []
        for doc, vector in zip(chunk, vectors, strict=True):
            assert doc.id is not None
            counts = Counter(names(f"{doc.title}. {doc.text}"))
            items.append((doc.id, vector, [n for n, _ in counts.most_common(STORY_NAMES)]))
        ctx.store.mark_embedded(items)
        done += len(items)
    ctx.count("documents_embedded", done)
    return done


def _state(story: dict[str, object]) -> StoryState:
    return StoryState(id=story["id"], centroid=story["centroid"],  # type: ignore[arg-type]
                      names=story["names"], doc_count=story["doc_count"],  # type: ignore[arg-type]
                      first_published=story["first_published"],  # type: ignore[arg-type]
                      last_published=story["last_published"])  # type: ignore[arg-type]


def _merge(story: StoryState, doc: DocumentFeatures) -> None:
    """Fold a document into a story: running mean centroid, name counts, time span."""
    n = story.doc_count
    story.centroid = ((story.centroid * n) + doc.vector) / (n + 1)
    for name in doc.names:
        story.names[name] = story.names.get(name, 0) + 1
    if len(story.names) > STORY_NAMES * 3:
        story.names = dict(Counter(story.names).most_common(STORY_NAMES * 3))
    story.doc_count = n + 1
    story.first_published = min(filter(None, [story.first_published, doc.published]))
    story.last_published = max(filter(None, [story.last_published, doc.published]))


def _save(ctx: Context, story: StoryState) -> int:
    return ctx.store.save_story({
        "id": story.id, "centroid": story.centroid, "names": story.names,
        "doc_count": story.doc_count, "first_published": story.first_published,
        "last_published": story.last_published, "needs_write": True,
    })


def assign_documents(ctx: Context) -> int:
    """Assign every embedded document to a story. Returns how many were assigned."""
    clusterer = backends.load("clusterer", "online", Clusterer, **ctx.settings.section("cluster"))
    docs = ctx.store.documents_at_stage("embedded")
    if not docs:
        return 0
    window = timedelta(days=ctx.settings["cluster.window_days"])
    earliest = min((d.published_at for d in docs if d.published_at), default=utcnow())
    stories = [_state(s) for s in ctx.store.active_stories(earliest - window)]
    by_id = {s.id: s for s in stories}
    new_stories = 0
    for doc in ctx.track(docs, "assigning stories"):
        assert doc.id is not None
        vector, doc_names = ctx.store.embedding(doc.id)
        features = DocumentFeatures(doc.id, vector, doc_names, doc.published_at or utcnow())
        story: StoryState | None = None
        score = 1.0
        if doc.duplicate_of is not None:
            original = ctx.store.document(doc.duplicate_of)
            if original is not None and original.story_id is not None:
                story = by_id.get(original.story_id)
                if story is None:
                    found = ctx.store.story(original.story_id)
                    story = _state(found) if found else None
        if story is None:
            story, score = clusterer.assign(features, stories)
        if story is None:
            story = StoryState(id=None, centroid=np.zeros_like(vector))
            new_stories += 1
        _merge(story, features)
        story.id = _save(ctx, story)
        if story.id not in by_id:
            by_id[story.id] = story
            stories.append(story)
        ctx.store.assign_story(doc.id, story.id, score)
    ctx.count("stories_created", new_stories)
    ctx.count("documents_clustered", len(docs))
    return len(docs)


def cluster(ctx: Context) -> dict[str, int]:
    """Dedupe, embed and assign all new documents to stories."""
    dedupe(ctx)
    embed_documents(ctx)
    assign_documents(ctx)
    return dict(ctx.counts)
