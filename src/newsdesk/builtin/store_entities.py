"""The SQL store's story-engine tables: entities, story threads, story updates and the
keyword statistics. :class:`~newsdesk.builtin.store_sql.SqlStore` mixes this in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from newsdesk.builtin.store_models import (
    ArticleRow,
    CorpusStatsRow,
    DocumentEntityRow,
    DocumentRow,
    EntityRow,
    StoryEntityRow,
    StoryLinkRow,
    StoryRow,
    StoryUpdateRow,
)
from newsdesk.entities import Entity, fold, link_short_forms, short_form_targets
from newsdesk.records import EntityRef, utcnow
from newsdesk.tfidf import DocumentFrequencies

KEYWORD_STATS = "keywords"
# Entities named in more documents than this do not pull thread candidates: a name that
# common ties everything together and would make the lookup grow with the archive.
COMMON_ENTITY = 500


def _as_utc(value: datetime | None) -> datetime | None:
    from newsdesk.builtin.store_sql import as_utc

    return as_utc(value)


class EntityStore:
    """Entity, thread and update queries; needs ``self.session()`` from the store."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover - SqlStore's
        raise NotImplementedError

    # -- entities ----------------------------------------------------------------------

    def _entity_ids(self, s: Session, entities: Sequence[Entity]) -> dict[str, int]:
        keys = [e.key for e in entities]
        ids = dict(s.execute(select(EntityRow.key, EntityRow.id).where(EntityRow.key.in_(keys)))
                   .all())
        for entity in entities:
            if entity.key not in ids:
                row = EntityRow(key=entity.key, kind=entity.kind, name=entity.name, documents=0)
                s.add(row)
                s.flush()
                ids[entity.key] = row.id
        return ids

    def save_document_entities(self, doc_id: int, entities: Sequence[Entity]) -> None:
        """Replace the entities recorded for a document (its text may have changed)."""
        with self.session() as s:
            old = list(s.scalars(select(DocumentEntityRow.entity_id)
                                 .where(DocumentEntityRow.document_id == doc_id)))
            if old:
                s.execute(update(EntityRow).where(EntityRow.id.in_(old))
                          .values(documents=EntityRow.documents - 1))
                s.execute(delete(DocumentEntityRow).where(DocumentEntityRow.document_id == doc_id))
            if not entities:
                return
            ids = self._entity_ids(s, entities)
            s.add_all(DocumentEntityRow(document_id=doc_id, entity_id=ids[e.key],
                                        mentions=e.mentions) for e in entities)
            s.execute(update(EntityRow).where(EntityRow.id.in_(list(ids.values())))
                      .values(documents=EntityRow.documents + 1))

    def entities_of_document(self, doc_id: int) -> list[EntityRef]:
        """A document's entities, most mentioned first."""
        with self.session() as s:
            rows = s.execute(
                select(EntityRow, DocumentEntityRow.mentions)
                .join(DocumentEntityRow, DocumentEntityRow.entity_id == EntityRow.id)
                .where(DocumentEntityRow.document_id == doc_id)
                .order_by(DocumentEntityRow.mentions.desc(), EntityRow.key))
            return [EntityRef(name=e.name, kind=e.kind, key=e.key, documents=1, mentions=m)
                    for e, m in rows]

    def refresh_story_entities(self, story_id: int) -> list[EntityRef]:
        """Recompute a story's entities from its documents' and return them.

        Short forms are folded into the fuller name over the whole story (the rule of
        :func:`newsdesk.entities.link_short_forms`): "Meloni" alone in one report and
        "Giorgia Meloni" in another are one entity of the story.
        """
        with self.session() as s:
            rows = s.execute(
                select(EntityRow, DocumentEntityRow.mentions, DocumentEntityRow.document_id)
                .join(DocumentEntityRow, DocumentEntityRow.entity_id == EntityRow.id)
                .join(DocumentRow, DocumentRow.id == DocumentEntityRow.document_id)
                .where(DocumentRow.story_id == story_id)).all()
            merged: dict[str, Entity] = {}
            docs: dict[str, set[int]] = {}
            ids: dict[str, int] = {}
            for row, mentions, doc_id in rows:
                entity = merged.setdefault(row.key, Entity(row.key, row.kind, row.name, 0))
                entity.mentions += mentions
                entity.forms[row.name] += mentions
                docs.setdefault(row.key, set()).add(doc_id)
                ids[row.key] = row.id
            for source, destination in short_form_targets(list(merged.values())).items():
                docs[destination] |= docs.pop(source)
            linked = link_short_forms(list(merged.values()))
            s.execute(delete(StoryEntityRow).where(StoryEntityRow.story_id == story_id))
            refs = []
            for entity in linked:
                count = len(docs[entity.key])
                s.add(StoryEntityRow(story_id=story_id, entity_id=ids[entity.key],
                                     documents=count, mentions=entity.mentions))
                refs.append(EntityRef(name=entity.name, kind=entity.kind, key=entity.key,
                                      documents=count, mentions=entity.mentions))
        refs.sort(key=lambda r: (-r.documents, -r.mentions, r.key))
        return refs

    def entities_of_story(self, story_id: int, kinds: Sequence[str] | None = None,
                          limit: int | None = None) -> list[EntityRef]:
        """A story's entities, named by most of its documents first."""
        with self.session() as s:
            query = (select(EntityRow, StoryEntityRow.documents, StoryEntityRow.mentions)
                     .join(StoryEntityRow, StoryEntityRow.entity_id == EntityRow.id)
                     .where(StoryEntityRow.story_id == story_id)
                     .order_by(StoryEntityRow.documents.desc(), StoryEntityRow.mentions.desc(),
                               EntityRow.key))
            if kinds:
                query = query.where(EntityRow.kind.in_(list(kinds)))
            if limit:
                query = query.limit(limit)
            return [EntityRef(name=e.name, kind=e.kind, key=e.key, documents=d, mentions=m)
                    for e, d, m in s.execute(query)]

    def find_entities(self, name: str, kind: str | None = None) -> list[EntityRef]:
        """Entities matching ``name``: the same normalised key, or for people, the
        surname ("Meloni" finds "Giorgia Meloni"). Most documented first."""
        value = fold(" ".join(name.split()))
        with self.session() as s:
            query = select(EntityRow).where(or_(
                EntityRow.key.like(f"%:{value}"),
                (EntityRow.kind == "person") & EntityRow.key.like(f"% {value}")))
            if kind:
                query = query.where(EntityRow.kind == kind)
            rows = s.scalars(query.order_by(EntityRow.documents.desc(), EntityRow.key))
            return [EntityRef(name=r.name, kind=r.kind, key=r.key, documents=r.documents)
                    for r in rows]

    def stories_by_entity(self, name: str, kind: str | None = None,
                          limit: int = 50) -> list[dict[str, Any]]:
        """Stories naming an entity (see :meth:`find_entities`), newest first: each a dict
        with ``id``, ``doc_count``, ``first_published``, ``last_published``, ``documents``
        (how many of its documents name it) and ``headline`` (of its current article, or
        "" when none is written)."""
        keys = [e.key for e in self.find_entities(name, kind)]
        if not keys:
            return []
        with self.session() as s:
            entity_ids = select(EntityRow.id).where(EntityRow.key.in_(keys))
            rows = s.execute(
                select(StoryRow, func.max(StoryEntityRow.documents))
                .join(StoryEntityRow, StoryEntityRow.story_id == StoryRow.id)
                .where(StoryEntityRow.entity_id.in_(entity_ids), StoryRow.merged_into.is_(None))
                .group_by(StoryRow.id)
                .order_by(StoryRow.last_published.desc().nulls_last(), StoryRow.id.desc())
                .limit(limit)).all()
            headlines = dict(s.execute(
                select(ArticleRow.story_id, ArticleRow.headline)
                .where(ArticleRow.story_id.in_([r.id for r, _ in rows]),
                       ArticleRow.is_current.is_(True))).all())
            return [{"id": r.id, "doc_count": r.doc_count,
                     "first_published": _as_utc(r.first_published),
                     "last_published": _as_utc(r.last_published), "documents": int(n or 0),
                     "headline": headlines.get(r.id, "")} for r, n in rows]

    # -- story threads -----------------------------------------------------------------

    def stories_sharing_entities(self, story_id: int, before: datetime, since: datetime,
                                 limit: int = 50) -> list[tuple[int, int]]:
        """(story id, entities shared) for stories that started before ``before``, were
        still reported at or after ``since`` and share a person, organisation or place
        with ``story_id`` (people also by surname; entities in more than
        ``COMMON_ENTITY`` documents do not count). Most shared first; found through the
        entity tables' indexes, not by reading every story."""
        with self.session() as s:
            own = s.execute(
                select(EntityRow.id, EntityRow.key, EntityRow.kind)
                .join(StoryEntityRow, StoryEntityRow.entity_id == EntityRow.id)
                .where(StoryEntityRow.story_id == story_id, EntityRow.kind != "date",
                       EntityRow.documents <= COMMON_ENTITY)
                .order_by(StoryEntityRow.documents.desc()).limit(30)).all()
            if not own:
                return []
            ids = {i for i, _, _ in own}
            surnames = {key.rsplit(" ", 1)[-1].split(":", 1)[-1] for _, key, kind in own
                        if kind == "person"}
            for surname in surnames:
                ids |= set(s.scalars(select(EntityRow.id).where(
                    EntityRow.kind == "person",
                    or_(EntityRow.key == f"person:{surname}",
                        EntityRow.key.like(f"person:% {surname}")))))
            shared = func.count(func.distinct(StoryEntityRow.entity_id))
            rows = s.execute(
                select(StoryEntityRow.story_id, shared)
                .join(StoryRow, StoryRow.id == StoryEntityRow.story_id)
                .where(StoryEntityRow.entity_id.in_(ids), StoryEntityRow.story_id != story_id,
                       StoryRow.merged_into.is_(None), StoryRow.first_published < before,
                       StoryRow.last_published >= since)
                .group_by(StoryEntityRow.story_id)
                .order_by(shared.desc(), StoryEntityRow.story_id.desc())
                .limit(limit)).all()
            return [(int(i), int(n)) for i, n in rows]

    def set_story_links(self, story_id: int,
                        links: Sequence[tuple[int, float, list[str]]]) -> None:
        """Replace the earlier stories ``story_id`` follows: (earlier id, score, shared)."""
        with self.session() as s:
            s.execute(delete(StoryLinkRow).where(StoryLinkRow.story_id == story_id))
            s.add_all(StoryLinkRow(story_id=story_id, earlier_id=e, score=sc, shared=shared)
                      for e, sc, shared in links)

    def story_links(self, story_id: int) -> list[tuple[int, float, list[str]]]:
        """The earlier stories ``story_id`` follows, oldest first."""
        with self.session() as s:
            rows = s.execute(
                select(StoryLinkRow.earlier_id, StoryLinkRow.score, StoryLinkRow.shared)
                .join(StoryRow, StoryRow.id == StoryLinkRow.earlier_id)
                .where(StoryLinkRow.story_id == story_id)
                .order_by(StoryRow.first_published.asc().nulls_first(), StoryRow.id)).all()
            return [(e, float(sc), list(sh)) for e, sc, sh in rows]

    def later_stories(self, story_id: int) -> list[int]:
        """Stories that follow ``story_id`` in a thread."""
        with self.session() as s:
            return list(s.scalars(select(StoryLinkRow.story_id)
                                  .where(StoryLinkRow.earlier_id == story_id)
                                  .order_by(StoryLinkRow.story_id)))

    # -- story updates -----------------------------------------------------------------

    def record_story_update(self, story_id: int, kind: str, data: dict[str, Any],
                            run_id: int | None = None) -> int:
        """Store what changed in a story and mark it for rewriting. Returns the row id."""
        with self.session() as s:
            row = StoryUpdateRow(story_id=story_id, kind=kind, data=data, run_id=run_id,
                                 created_at=utcnow())
            s.add(row)
            s.execute(update(StoryRow).where(StoryRow.id == story_id).values(needs_write=True))
            s.flush()
            return row.id

    def story_updates(self, story_id: int) -> list[dict[str, Any]]:
        """Every recorded change of a story, oldest first: ``kind``, ``created_at`` and
        the recorded ``data`` (documents, outlets, new facts)."""
        with self.session() as s:
            rows = s.scalars(select(StoryUpdateRow).where(StoryUpdateRow.story_id == story_id)
                             .order_by(StoryUpdateRow.id))
            return [{"id": r.id, "kind": r.kind, "created_at": _as_utc(r.created_at),
                     **r.data} for r in rows]

    # -- keyword statistics ------------------------------------------------------------

    def load_frequencies(self) -> DocumentFrequencies:
        """The archive's keyword document frequencies (empty for a new archive)."""
        with self.session() as s:
            row = s.get(CorpusStatsRow, KEYWORD_STATS)
            if row is None:
                return DocumentFrequencies()
            return DocumentFrequencies.from_bytes(row.data, row.documents)

    def save_frequencies(self, frequencies: DocumentFrequencies) -> None:
        """Store the keyword document frequencies."""
        with self.session() as s:
            row = s.get(CorpusStatsRow, KEYWORD_STATS)
            if row is None:
                row = CorpusStatsRow(name=KEYWORD_STATS)
                s.add(row)
            row.documents = frequencies.documents
            row.data = frequencies.to_bytes()
            row.updated_at = utcnow()

    # -- merges ------------------------------------------------------------------------

    def merge_story(self, source_id: int, target_id: int) -> None:
        """Fold story ``source_id`` into ``target_id``: its documents, entities, updates
        and thread links move; its articles stop being current (their versions are kept);
        it is marked ``merged_into`` the target, which is marked for rewriting."""
        with self.session() as s:
            s.execute(update(DocumentRow).where(DocumentRow.story_id == source_id)
                      .values(story_id=target_id))
            s.execute(update(StoryUpdateRow).where(StoryUpdateRow.story_id == source_id)
                      .values(story_id=target_id))
            s.execute(delete(StoryEntityRow).where(StoryEntityRow.story_id == source_id))
            s.execute(delete(StoryLinkRow).where(or_(StoryLinkRow.story_id == source_id,
                                                     StoryLinkRow.earlier_id == source_id)))
            s.execute(update(ArticleRow).where(ArticleRow.story_id == source_id)
                      .values(is_current=False))
            s.execute(update(StoryRow).where(StoryRow.id == source_id)
                      .values(merged_into=target_id, needs_write=False, doc_count=0,
                              write_status="merged", assign_state=""))
            s.execute(update(StoryRow).where(StoryRow.id == target_id).values(needs_write=True))

    def merged_story_target(self, story_id: int) -> int:
        """The story ``story_id`` now lives in (itself unless it was merged)."""
        with self.session() as s:
            seen = {story_id}
            while True:
                target = s.scalar(select(StoryRow.merged_into).where(StoryRow.id == story_id))
                if target is None or target in seen:
                    return story_id
                seen.add(target)
                story_id = target

    def iter_story_ids(self) -> Iterator[int]:
        """Ids of every story that was not merged away, oldest first."""
        with self.session() as s:
            yield from list(s.scalars(select(StoryRow.id).where(StoryRow.merged_into.is_(None))
                                      .order_by(StoryRow.id)))
