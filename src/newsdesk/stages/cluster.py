"""Cluster: dedupe, embed and annotate, then assign new documents to stories, oldest first.

A later run adds documents to the stories an earlier run made (the stories are in the
store, with their centroids, entity counts and keyword profiles), so follow-up
articles update a story rather than start a new one. Near-copies join their
original's story. Each story that gained sources gets an update record (what was new)
and its entities and story-thread links are refreshed.

Crash safety. Each embedding batch (vectors, entities, keyword statistics) is one
transaction, and so is each document's assignment: the story it joins or starts, any
merge it causes with its update record, and the document's move to stage ``assigned``.
The story is marked as having work pending (``assign_state``: ``new`` or ``grown``).
When every document is assigned, each marked story gets its entities refreshed, then,
in one transaction per story, its update record (one per pass, naming every document it
gained), its thread links, and its documents' move to ``clustered``. A run killed at any
point leaves either a document still ``embedded`` (assigned again, the same way, by the
next run) or a marked story (finished by the next run), so the next run ends with
exactly what an uninterrupted run would have stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import numpy as np

from newsdesk import backends
from newsdesk.backends.clusterer import Clusterer, DocumentFeatures, StoryState
from newsdesk.entities import Entity, normalise
from newsdesk.pipeline import Context, batches
from newsdesk.records import Document, utcnow
from newsdesk.stages.dedupe import dedupe
from newsdesk.stages.shield import shielded
from newsdesk.stages.timeline import link_story
from newsdesk.stages.updates import record_merge, record_updates
from newsdesk.story_assign import RECENT_MEMBERS, StoryAssigner, fold_document
from newsdesk.story_features import (
    document_features,
    embedding_text,
    entity_text,
    word_count,
)
from newsdesk.tfidf import DocumentFrequencies
from newsdesk.work import run_queue


def annotate_documents(docs: Sequence[Document], ctx: Context
                       ) -> list[tuple[int, np.ndarray, list[dict[str, Any]]]]:
    """The embedding and entities of each document: (id, vector, entities as records).

    This is the expensive, order-free part of embedding, which workers share (see
    :mod:`newsdesk.work`); :func:`embed_documents` then indexes the results in order.
    """
    # Sentences addressed to a language model give no entities, keywords or meaning.
    chunk = [shielded(d) for d in docs]
    # The entity recogniser runs in a thread beside the embedding model: both spend their
    # time in native code that releases the GIL, so two cores share the work.
    with ThreadPoolExecutor(1, thread_name_prefix="entities") as recognizer:
        recognized = recognizer.submit(ctx.entity_recognizer.recognize,
                                       [entity_text(d.title, d.text) for d in chunk])
        try:
            vectors = ctx.embedder.embed_batch([embedding_text(d.title, d.text)
                                                for d in chunk])
        finally:
            found = recognized.result()  # never leave the recogniser running
    annotated = []
    for doc, vector, mentions in zip(chunk, vectors, found, strict=True):
        assert doc.id is not None
        entities = normalise(mentions, doc.published_at or utcnow())
        annotated.append((doc.id, vector, [entity_record(e) for e in entities]))
    return annotated


def entity_record(entity: Entity) -> dict[str, Any]:
    """An entity as a JSON-ready record (:func:`entity_from_record` reads it back)."""
    return {"key": entity.key, "kind": entity.kind, "name": entity.name,
            "mentions": entity.mentions, "forms": dict(entity.forms)}


def entity_from_record(record: dict[str, Any]) -> Entity:
    """The entity :func:`entity_record` wrote."""
    return Entity(record["key"], record["kind"], record["name"], int(record["mentions"]),
                  Counter(record.get("forms") or {}))


def embed_documents(ctx: Context) -> int:
    """Embed every deduplicated document, find its entities and weigh its keywords.

    Workers compute embeddings and entities (the ``annotate`` queue); then, in
    publication order, each document's keyword vector is weighed against the document
    frequencies counted so far, and its entities and vectors are indexed. Returns how
    many documents were indexed. The keyword document frequencies are saved once per
    batch.
    """
    run_queue(ctx, "annotate", ctx.settings["embed.batch_size"])
    docs = ctx.store.documents_at_stage("annotated")
    if not docs:
        return 0
    frequencies = ctx.store.load_frequencies()
    done = 0
    size = ctx.settings["embed.batch_size"]
    for stored in ctx.track(list(batches(docs, size)), "indexing documents"):
        items = []
        # The batch's entities, vectors and keyword counts land together or not at all:
        # keyword counts saved without their documents (or the reverse) would make the
        # next run weigh keywords differently from an uninterrupted one.
        with ctx.store.transaction():
            for doc in (shielded(d) for d in stored):
                assert doc.id is not None
                published = doc.published_at or utcnow()
                vector, _names, _terms = ctx.store.embedding(doc.id)
                entities = [entity_from_record(r) for r in ctx.store.annotations(doc.id)]
                features = document_features(doc.id, doc.title, doc.text, published=published,
                                             vector=vector, entities=entities,
                                             frequencies=frequencies)
                ctx.store.save_document_entities(doc.id, entities)
                items.append((doc.id, vector, features.names, features.terms))
            ctx.store.mark_embedded(items)
            ctx.store.save_frequencies(frequencies)
        ctx.checkpoint("embed")
        done += len(items)
    ctx.count("documents_embedded", done)
    return done


def _state(story: dict[str, object]) -> StoryState:
    return StoryState(id=story["id"], centroid=story["centroid"],  # type: ignore[arg-type]
                      names=story["names"], doc_count=story["doc_count"],  # type: ignore[arg-type]
                      first_published=story["first_published"],  # type: ignore[arg-type]
                      last_published=story["last_published"],  # type: ignore[arg-type]
                      terms=story.get("terms") or {})  # type: ignore[arg-type]


def _save(ctx: Context, story: StoryState) -> int:
    return ctx.store.save_story({
        "id": story.id, "centroid": story.centroid, "names": story.names,
        "terms": story.terms, "doc_count": story.doc_count,
        "first_published": story.first_published, "last_published": story.last_published,
        "needs_write": True,
    })


def _story_of(ctx: Context, story_id: int, live: dict[int, StoryState]) -> StoryState | None:
    story_id = ctx.store.merged_story_target(story_id)
    if story_id in live:
        return live[story_id]
    found = ctx.store.story(story_id)
    return _state(found) if found else None


def assign_documents(ctx: Context) -> int:
    """Assign every embedded document to a story, then finish every story that gained
    documents (:func:`finish_stories`). Returns how many documents were assigned.

    The candidate index is rebuilt from the stories still inside the clustering window
    of the oldest new document, then kept current as documents join. Each document's
    assignment is one transaction (see the module docstring).
    """
    setup = ctx.cluster_setup()
    clusterer = backends.load("clusterer", "online", Clusterer, **setup.options)
    merge_threshold = setup.merge_threshold
    docs = ctx.store.documents_at_stage("embedded")
    if not docs:
        finish_stories(ctx)  # what a run killed after its last assignment left undone
        return 0
    window = timedelta(days=setup.window_days)
    earliest = min((d.published_at for d in docs if d.published_at), default=utcnow())
    def hydrate(story: StoryState) -> None:
        assert story.id is not None
        story.recent = ctx.store.story_member_vectors(story.id, RECENT_MEMBERS)

    # The stories nearest in meaning come from pgvector where the store has it, else
    # from the index's own search in memory: the same stories either way.
    nearest = (ctx.store.nearest_stories
               if setup.vector_candidates and ctx.store.has_story_vectors else None)
    assigner = StoryAssigner(clusterer, window, merge_threshold, hydrate,
                             vector_candidates=setup.vector_candidates, nearest=nearest)
    live: dict[int, StoryState] = {}
    for found in ctx.store.active_stories(earliest - window):
        live[found["id"]] = _state(found)
    assigner.load(list(live.values()))
    frequencies = ctx.store.load_frequencies()
    new_stories = merges = 0
    for doc in ctx.track(docs, "assigning stories"):
        assert doc.id is not None
        vector, names, terms = ctx.store.embedding(doc.id)
        features = DocumentFeatures(doc.id, vector, names, doc.published_at or utcnow(), terms,
                                    {n: frequencies.name_weight(n) for n in names},
                                    word_count(doc.title, doc.text))
        # The document's story, any merge it causes (with its update record) and the
        # document's new stage: one transaction. An error here ends the run (the
        # in-memory index may then be ahead of the store; the next run rebuilds it).
        with ctx.store.transaction():
            story, score = _fixed_story(ctx, doc, live)
            if story is not None:
                if doc.story_id is None or story.id != doc.story_id:
                    fold_document(story, features)
                assigner.indexed(story)
            else:
                result = assigner.assign(features)
                story, score = result.story, result.score
                for other in result.merged:
                    assert other.id is not None and story.id is not None
                    ctx.store.merge_story(other.id, story.id)
                    record_merge(ctx, story.id, other.id)
                    live.pop(other.id, None)
                    merges += 1
            is_new = story.id is None
            story.id = _save(ctx, story)
            ctx.store.assign_story(doc.id, story.id, score)
        # The story's newest members are read from the store again on its next use
        # (``hydrate``), exactly as a run resumed after a kill reads them. Kept in memory
        # they would differ after a merge (the two stories' lists joined, not the newest
        # members of both) or after a near-copy joined a story loaded without them, and
        # a later document's score with them.
        story.recent = []
        new_stories += is_new
        if story.id not in live:
            live[story.id] = story
            assigner.indexed(story)
        ctx.checkpoint("assign")
    finish_stories(ctx, frequencies)
    ctx.count("stories_created", new_stories)
    ctx.count("stories_merged", merges)
    ctx.count("documents_clustered", len(docs))
    return len(docs)


def finish_stories(ctx: Context, frequencies: DocumentFrequencies | None = None) -> int:
    """Bring every story that gained documents up to date: entities, then, one story per
    transaction, its update record (stories that existed before the pass only), its
    thread links and its documents' stage. Returns how many stories were finished.

    Every story's entities are refreshed before any story is linked, because a story's
    thread is found through the other stories' entities.
    """
    pending = ctx.store.stories_pending_assignment()
    if not pending:
        return 0
    frequencies = frequencies or ctx.store.load_frequencies()
    for story_id, _state in pending:
        ctx.store.refresh_story_entities(story_id)  # a pure function of the documents
    for story_id, state in pending:
        with ctx.store.transaction():
            if state == "grown":
                record_updates(ctx, story_id, ctx.store.assigned_documents(story_id))
            link_story(ctx, story_id, frequencies)
            ctx.store.finish_story_assignment(story_id)
        ctx.checkpoint("story")
    return len(pending)


def _fixed_story(ctx: Context, doc: Document, live: dict[int, StoryState]
                 ) -> tuple[StoryState | None, float]:
    """The story a document must be in whatever it says: the one it was already in (its
    text changed and it came round again) or its original's (a near-copy)."""
    if doc.story_id is not None:
        return _story_of(ctx, doc.story_id, live), 1.0
    if doc.duplicate_of is not None:
        original = ctx.store.document(doc.duplicate_of)
        if original is not None and original.story_id is not None:
            return _story_of(ctx, original.story_id, live), 1.0
    return None, 1.0


def cluster(ctx: Context) -> dict[str, int]:
    """Dedupe, embed and assign all new documents to stories."""
    dedupe(ctx)
    embed_documents(ctx)
    assign_documents(ctx)
    return dict(ctx.counts)

