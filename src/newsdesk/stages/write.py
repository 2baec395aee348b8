"""Write and verify: an article for each story that gained sources, every sentence
checked against the source it cites; sentences that fail are dropped and counted."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from newsdesk.backends.embedder import Embedder
from newsdesk.backends.verifier import Verifier
from newsdesk.backends.writer import Writer, WriteRequest
from newsdesk.builtin.store_text_vectors import StoredEmbedder
from newsdesk.builtin.write_grounded import MAX_RUN, run_source
from newsdesk.builtin.write_llm import verifier_from_settings, writer_from_settings
from newsdesk.errors import StoreError
from newsdesk.outlets import outlet_name, source_key
from newsdesk.pipeline import Context
from newsdesk.records import Article, Document, Sentence
from newsdesk.redact import public_links
from newsdesk.stages.relate import relate
from newsdesk.stages.shield import shield, shielded, withhold
from newsdesk.stages.story_context import attach
from newsdesk.work import run_queue
from newsdesk.writing.references import named_in

log = logging.getLogger(__name__)
#: Body sentences an article keeps after verification, unless it was written as a
#: one-sentence brief (headline and summary only: short reports that give one sentence
#: a reader can take alone).
MIN_BODY_SENTENCES = 1
#: How many failed sentences a ``failed_verification`` problem lists.
FAILURES_LISTED = 5


def verify_article(article: Article, verifier: Verifier, ctx: Context,
                   documents: dict[int, str] | None = None,
                   embedder: Embedder | None = None) -> Article | None:
    """Attach verdicts, keep only supported body sentences (unsupported and contradicted
    ones are dropped and counted), fill ``article.verification``.

    ``documents`` maps the story's document ids to their text, so a sentence can be
    checked against the best evidence in the document it cites. ``embedder`` (default
    ``ctx.embedder``) embeds claims and evidence: the writer's, so that a sentence it
    embedded already is not embedded again.
    Returns ``None`` when the headline, the summary or too much of the body fails.
    """
    sentences = article.body_sentences()
    written_body = bool(article.lead) or any(s.sentences for s in article.sections)
    verdicts = verifier.verify(sentences, embedder or ctx.embedder, documents)
    for sentence, verdict in zip(sentences, verdicts, strict=True):
        sentence.verdict = verdict

    def ok(sentence: Sentence) -> bool:
        return sentence.verdict is not None and sentence.verdict.status == "supported"

    dropped = [s for s in sentences if not ok(s)]
    article.dropped = dropped
    keep_body(article, ok)
    body = len(article.lead) + sum(len(s.sentences) for s in article.sections)
    # What the writer recorded (the LLM writer's report under "llm") is kept.
    article.verification = {
        **article.verification,
        "checked": len(sentences), "supported": len(sentences) - len(dropped),
        "dropped": len(dropped),
        "contradicted": sum(1 for s in dropped if s.verdict and s.verdict.status == "contradicted"),
        "verifier": verifier.name,
    }
    if not ok(article.headline) or not ok(article.summary) or (
            written_body and body < MIN_BODY_SENTENCES):
        return None
    return article


def keep_body(article: Article, keep: Callable[[Sentence], bool]) -> None:
    """Keep the body sentences ``keep`` accepts, as a published article has them: the
    first kept section sentence becomes the lead when no lead sentence is left, and a
    run the gaps made too long is broken (:func:`break_runs`)."""
    article.keep_body(keep)
    if not article.lead and article.sections:
        article.lead = [article.sections[0].sentences.pop(0)]
        article.sections = [s for s in article.sections if s.sentences]
    break_runs(article)


def break_runs(article: Article) -> None:
    """Leave out every body sentence that would be the third (more than
    :data:`~newsdesk.builtin.write_grounded.MAX_RUN`) in a row from one source, reading
    summary, lead and sections in order; one source is one outlet, or one document when
    it names none (:func:`~newsdesk.builtin.write_grounded.run_source`). The writer keeps
    to the rule; a sentence the verifier drops from between two other sources' sentences
    can make a run again."""
    def source(sentence: Sentence) -> object:
        return run_source(sentence.citation.outlet, sentence.citation.doc_id)

    reading = [source(article.summary)]

    def keep(sentence: Sentence) -> bool:
        tail, own = reading[-MAX_RUN:], source(sentence)
        if len(tail) == MAX_RUN and all(s == own for s in tail):
            return False
        reading.append(own)
        return True

    article.keep_body(keep)


def failure_detail(article: Article) -> str:
    """Which sentences failed verification and why, for the ``failed_verification``
    problem: the headline and summary first, then dropped body sentences."""
    parts = []
    for label, sentence in (("headline", article.headline), ("summary", article.summary)):
        if sentence.verdict is not None and sentence.verdict.status != "supported":
            reasons = "; ".join(sentence.verdict.missing)
            parts.append(f"{label} {sentence.verdict.status} ({reasons}): {sentence.text}")
    body = [s for s in article.dropped if s is not article.headline and s is not article.summary]
    for sentence in body[:FAILURES_LISTED]:
        reason = "; ".join(sentence.verdict.missing) if sentence.verdict else "not checked"
        parts.append(f"body sentence {sentence.verdict.status if sentence.verdict else ''}"
                     f" ({reason}): {sentence.text}")
    if not parts:
        parts.append("no body sentence left after verification")
    return " | ".join(parts)


def write_shielded(writer: Writer, request: WriteRequest, ctx: Context | None = None
                   ) -> tuple[Article | None, str]:
    """Have ``writer`` write from ``request``'s documents with every sentence that
    addresses a language model taken out (:mod:`newsdesk.stages.shield`), then withhold
    whatever of the article still does. Returns the article (not yet verified; its
    citations number the stored documents' sentences) or ``None`` with the reason
    (``too_little_text``, ``withheld_injection``). What was withheld is counted and
    recorded as a ``prompt_injection`` problem of each document concerned."""
    shielded = shield(request.documents)
    if ctx is not None and shielded.count:
        ctx.count("source_sentences_withheld_as_instructions", shielded.count)
        for doc in request.documents:
            found = shielded.withheld.get(doc.id or 0, {})
            if found or doc.id in shielded.titles:
                title = {"title"} if doc.id in shielded.titles else set()
                reasons = sorted(set(found.values()) | title)
                ctx.problem("write", doc.url, "prompt_injection",
                            f"{len(found) + (doc.id in shielded.titles)} sentences that "
                            f"address a language model withheld ({', '.join(reasons)})")
    article = writer.write(dataclasses.replace(request, documents=shielded.documents))
    if article is None:
        return None, "too_little_text"
    removed = withhold(article, shielded)
    if removed is None:
        return None, "withheld_injection"
    if removed and ctx is not None:
        ctx.count("sentences_withheld_as_instructions", len(removed))
    return article, "written"


def _vectors(ctx: Context, docs: list[Document]) -> dict[int, np.ndarray]:
    """The documents' stored embeddings (what clustering made of them), by id."""
    found = {}
    for doc in docs:
        if doc.id is not None:
            with contextlib.suppress(StoreError):  # not embedded: the writer embeds it
                found[doc.id] = ctx.store.embedding(doc.id)[0]
    return found


def draft_story(story_id: int, writer: Writer, verifier: Verifier, ctx: Context
                ) -> tuple[str, Article | None]:
    """Write and verify one story's article: the expensive part, which depends on the
    story's documents only, so workers share it (see :mod:`newsdesk.work`).

    Returns ``("written", article)``, or the reason there is none and ``None``.
    """
    docs = ctx.store.story_documents(story_id)
    originals = [d for d in docs if d.duplicate_of is None]
    duplicates: dict[int, list[str]] = {}
    for doc in docs:
        if doc.duplicate_of is not None:
            duplicates.setdefault(doc.duplicate_of, []).append(outlet_name(doc))
    sources = {source_key(d) for d in originals}
    if len(sources) < ctx.settings["write.min_sources"]:
        return "waiting_for_sources", None
    people: dict[int, list[str]] = {}
    places: dict[int, list[str]] = {}
    for doc in originals:
        if doc.id is None:
            continue
        entities = ctx.store.entities_of_document(doc.id)
        people[doc.id] = [e.name for e in entities if e.kind == "person"]
        places[doc.id] = [e.name for e in entities if e.kind == "place"]
    # Writer and verifier embed the same sentences: once each, and once ever when the
    # store keeps them (a story is written again each time it gains a source).
    embedder = (StoredEmbedder(ctx.embedder, ctx.store) if ctx.settings["embed.store_vectors"]
                else ctx.embedder)
    request = WriteRequest(story_id=story_id, documents=originals, embedder=embedder,
                           duplicates=duplicates,
                           max_sentences=ctx.settings["write.max_sentences"],
                           sentences_per_doc=ctx.settings["write.sentences_per_doc"],
                           people=people, places=places, vectors=_vectors(ctx, originals))
    article, status = write_shielded(writer, request, ctx)
    if article is None:
        return status, None
    # Evidence comes from what the writer saw: never from a withheld sentence.
    # (the title too: a sentence may take a person's full name from it, see named_in)
    texts = {d.id: named_in(shielded(d)) for d in originals if d.id is not None}
    checked = verify_article(article, verifier, ctx, texts, embedder)
    ctx.count("sentences_checked", article.verification["checked"])
    ctx.count("sentences_dropped", article.verification["dropped"])
    if checked is None:
        ctx.problem("write", f"story {story_id}", "failed_verification",
                    failure_detail(article))
        return "failed_verification", None
    return "written", checked


def store_article(article: Article, ctx: Context) -> None:
    """Store a drafted article as its story's new version: a slug no other story uses
    (the first story to take a slug keeps it, so articles are stored in story order),
    its entities, timeline and updates, and links a reader may follow."""
    base, suffix = article.slug, 2
    while ctx.store.slug_taken(article.slug, article.story_id):
        article.slug = f"{base}-{suffix}"
        suffix += 1
    attach(ctx, article)
    ctx.store.save_article(public_links(article))


def write_story(story_id: int, writer: Writer, verifier: Verifier, ctx: Context) -> str:
    """Write one story and store its article. Returns what happened: ``written`` or the
    reason it was not."""
    status, article = draft_story(story_id, writer, verifier, ctx)
    if article is not None:
        store_article(article, ctx)
    return status


def draft_record(story_id: int, writer: Writer, verifier: Verifier, ctx: Context
                 ) -> dict[str, Any]:
    """A story's draft as a JSON-ready record (``status``, ``article``); a writer's
    error is the draft's status (``writer_error``), recorded as a problem."""
    try:
        status, article = draft_story(story_id, writer, verifier, ctx)
    except Exception as exc:  # one story's failure must not stop the others
        log.exception("writing story %s failed", story_id)
        ctx.problem("write", f"story {story_id}", "writer_error", repr(exc))
        status, article = "writer_error", None
    return {"status": status, "article": article.to_dict() if article else None}


def writing_backends(ctx: Context) -> tuple[Writer, Verifier]:
    """The writer and verifier the settings choose."""
    verifier = verifier_from_settings(ctx.settings)
    return writer_from_settings(ctx.settings, verifier), verifier


def write(ctx: Context) -> dict[str, int]:
    """Write every story that needs it, then refresh related stories.

    Workers draft and verify articles (the ``draft`` queue); the drafts are then stored
    here in story order, so that which story keeps a contested slug does not depend on
    which worker finished first.
    """
    run_queue(ctx, "draft")
    for story_id, draft in ctx.track(ctx.store.drafted_stories(), "storing articles"):
        status = str(draft["status"])
        # The new article version, the story's write status and the end of its draft
        # land together: a run killed between them would store the story twice.
        with ctx.store.transaction():
            if draft.get("article"):
                store_article(Article.from_dict(draft["article"]), ctx)
            if status not in {"written", "waiting_for_sources", "failed_verification"}:
                ctx.problem("write", f"story {story_id}", status)
            ctx.store.set_write_status(story_id, status, needs_write=status == "writer_error")
            ctx.store.clear_draft(story_id)
        ctx.count(f"stories_{status}")
        ctx.checkpoint("write")
    relate(ctx)
    return dict(ctx.counts)
