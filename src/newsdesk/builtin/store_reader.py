"""The store's read side for the site, feeds and API: the reader index and its queries.

:class:`~newsdesk.builtin.store_sql.SqlStore` mixes this in. Every list is one query
with ``LIMIT``/``OFFSET`` over an index (newest first), and every total is a stored
count, so a page costs the same at ten stories and at a hundred thousand. Search uses
SQLite's FTS5 (``reader_search``) or, on PostgreSQL, ``to_tsvector``/``websearch_to_tsquery``
over ``reader_stories.search_text`` with a GIN index; :meth:`search_stories` hides which.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from newsdesk.builtin.store_models import ArticleRow
from newsdesk.builtin.store_reader_models import (
    ReaderFacetRow,
    ReaderFacetStoryRow,
    ReaderStoryRow,
)
from newsdesk.reader import Facet, FacetRef, IndexedStory, StoryListing, StoryPage
from newsdesk.records import Article

T = TypeVar("T")
#: The facet kind holding the index's own totals (slug "stories" and one per facet kind).
TOTALS = "site"
CHUNK = 500
# Words of a search query; anything else (FTS5 operators, quotes, colons) is dropped so
# a reader's text is never parsed as query syntax.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
# Search ranks the newest SEARCH_WINDOW matches by relevance and counts matches up to
# SEARCH_COUNT_CAP, so a common word costs the same at 10,000 and 1,000,000 stories.
SEARCH_WINDOW = 500
SEARCH_COUNT_CAP = 1000


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _as_utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _listing(row: ReaderStoryRow) -> StoryListing:
    first = _as_utc(row.first_reported)
    last = _as_utc(row.last_updated)
    assert first is not None and last is not None
    return StoryListing(
        story_id=row.story_id, slug=row.slug, headline=row.headline, summary=row.summary,
        first_reported=first, last_updated=last, outlets=row.outlets, sources=row.sources,
        checked=row.checked, supported=row.supported, dropped=row.dropped)


def _facet(row: ReaderFacetRow) -> Facet:
    return Facet(kind=row.kind, slug=row.slug, name=row.name,  # type: ignore[arg-type]
                 detail=row.detail, stories=row.stories,
                 last_updated=_as_utc(row.last_updated))


def search_words(query: str) -> list[str]:
    """The words of a reader's search query, lower-cased, at most ``MAX_QUERY_WORDS``."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_QUERY_WORDS]


class ReaderStore:
    """Reader-index writes and queries; needs ``self.session()`` and ``self.engine``."""

    engine: Engine

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover - SqlStore's
        raise NotImplementedError

    @property
    def _fts5(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    # -- keeping the index -------------------------------------------------------------

    def sync_reader_index(self, stories: Iterable[IndexedStory], complete: bool = True
                          ) -> dict[str, int]:
        """Bring the reader index in line with ``stories`` (the published stories).

        Stories whose signature is unchanged are left alone; with ``complete``, stories
        missing from ``stories`` (merged away, no longer published) leave the index.
        Returns counts: ``indexed`` (rows written) and ``removed``.
        """
        items = {s.story_id: s for s in stories}
        with self.session() as s:
            known = dict(s.execute(select(ReaderStoryRow.story_id, ReaderStoryRow.signature)).all())
            changed = [i for sid, i in items.items() if known.get(sid) != i.signature]
            removed = [sid for sid in known if sid not in items] if complete else []
            stale = [i.story_id for i in changed if i.story_id in known] + removed
            affected = self._drop_stories(s, stale)
            for part in _chunks(stale):
                s.execute(delete(ReaderStoryRow).where(ReaderStoryRow.story_id.in_(part)))
            if changed:
                affected |= self._add_stories(s, changed)
            self._recount(s, affected)
        return {"indexed": len(changed), "removed": len(removed)}

    def _drop_stories(self, s: Session, story_ids: Sequence[int]) -> set[int]:
        affected: set[int] = set()
        for part in _chunks(story_ids):
            affected |= set(s.scalars(select(ReaderFacetStoryRow.facet_id)
                                      .where(ReaderFacetStoryRow.story_id.in_(part))))
            s.execute(delete(ReaderFacetStoryRow).where(ReaderFacetStoryRow.story_id.in_(part)))
            if self._fts5:
                marks = ",".join(str(int(i)) for i in part)
                s.execute(text(f"DELETE FROM reader_search WHERE rowid IN ({marks})"))
        return affected

    def _add_stories(self, s: Session, stories: Sequence[IndexedStory]) -> set[int]:
        article_ids: dict[int, int] = {}
        for part in _chunks([i.story_id for i in stories]):
            article_ids.update(s.execute(select(ArticleRow.story_id, ArticleRow.id).where(
                ArticleRow.story_id.in_(part), ArticleRow.is_current.is_(True))).all())
        stories = [i for i in stories if i.story_id in article_ids]
        fts = self._fts5
        rows = [{
            "story_id": i.story_id, "article_id": article_ids[i.story_id], "slug": i.slug,
            "headline": i.headline, "summary": i.summary, "first_reported": i.first_reported,
            "last_updated": i.last_updated, "outlets": i.outlets, "sources": i.sources,
            "checked": i.checked, "supported": i.supported, "dropped": i.dropped,
            "signature": i.signature,
            "search_text": "" if fts else "\n".join(
                (i.search_headline, i.search_summary, i.search_names, i.search_body)),
        } for i in stories]
        for row_part in _chunks(rows):
            s.execute(insert(ReaderStoryRow), list(row_part))
        if fts:
            for story_part in _chunks(stories):
                s.execute(text("INSERT INTO reader_search(rowid, headline, summary, body, names) "
                               "VALUES (:rowid, :headline, :summary, :body, :names)"),
                          [{"rowid": i.story_id, "headline": i.search_headline,
                            "summary": i.search_summary, "body": i.search_body,
                            "names": i.search_names} for i in story_part])
        facet_ids = self._facet_ids(s, {(f.kind, f.slug): f for i in stories for f in i.facets})
        members = {(facet_ids[(f.kind, f.slug)], i.story_id): i.last_updated
                   for i in stories for f in i.facets}
        links = [{"facet_id": f, "story_id": sid, "last_updated": at}
                 for (f, sid), at in members.items()]
        for link_part in _chunks(links):
            s.execute(insert(ReaderFacetStoryRow), list(link_part))
        return set(facet_ids.values())

    @staticmethod
    def _facet_ids(s: Session, refs: dict[tuple[str, str], FacetRef]) -> dict[tuple[str, str], int]:
        def lookup(keys: Iterable[tuple[str, str]]
                   ) -> dict[tuple[str, str], tuple[int, str, str]]:
            by_kind: dict[str, list[str]] = {}
            for kind, slug in keys:
                by_kind.setdefault(kind, []).append(slug)
            found: dict[tuple[str, str], tuple[int, str, str]] = {}
            for kind, slugs in by_kind.items():
                for part in _chunks(slugs):
                    found.update(((kind, slug), (fid, name, detail))
                                 for fid, slug, name, detail in s.execute(
                        select(ReaderFacetRow.id, ReaderFacetRow.slug, ReaderFacetRow.name,
                               ReaderFacetRow.detail)
                        .where(ReaderFacetRow.kind == kind, ReaderFacetRow.slug.in_(part))))
            return found

        known = lookup(refs)
        for key, (fid, name, detail) in known.items():
            ref = refs[key]
            if (ref.name, ref.detail) != (name, detail):  # renamed or reclassified
                s.execute(update(ReaderFacetRow).where(ReaderFacetRow.id == fid)
                          .values(name=ref.name, detail=ref.detail))
        new = [ref for key, ref in refs.items() if key not in known]
        for part in _chunks(new):
            s.execute(insert(ReaderFacetRow), [
                {"kind": r.kind, "slug": r.slug, "name": r.name, "detail": r.detail,
                 "stories": 0} for r in part])
        known.update(lookup((r.kind, r.slug) for r in new))
        return {key: value[0] for key, value in known.items()}

    @staticmethod
    def _recount(s: Session, facet_ids: set[int]) -> None:
        ordered = sorted(facet_ids)
        for part in _chunks(ordered):
            counts = {fid: (n, at) for fid, n, at in s.execute(
                select(ReaderFacetStoryRow.facet_id, func.count(),
                       func.max(ReaderFacetStoryRow.last_updated))
                .where(ReaderFacetStoryRow.facet_id.in_(part))
                .group_by(ReaderFacetStoryRow.facet_id))}
            empty = [fid for fid in part if fid not in counts]
            if empty:
                s.execute(delete(ReaderFacetRow).where(ReaderFacetRow.id.in_(empty)))
            for fid, (n, at) in counts.items():
                s.execute(update(ReaderFacetRow).where(ReaderFacetRow.id == fid)
                          .values(stories=n, last_updated=at))
        # The totals lists need (stories, facets of each kind), stored so no page counts.
        totals = {"stories": int(s.scalar(select(func.count()).select_from(ReaderStoryRow))
                                 or 0)}
        totals.update({str(kind): int(n) for kind, n in s.execute(
            select(ReaderFacetRow.kind, func.count()).where(ReaderFacetRow.kind != TOTALS)
            .group_by(ReaderFacetRow.kind))})
        for kind in ("topic", "entity", "outlet", "day"):
            totals.setdefault(kind, 0)
        newest = s.scalar(select(func.max(ReaderStoryRow.last_updated)))
        for slug, count in totals.items():
            row = s.scalar(select(ReaderFacetRow).where(ReaderFacetRow.kind == TOTALS,
                                                        ReaderFacetRow.slug == slug))
            if row is None:
                s.add(ReaderFacetRow(kind=TOTALS, slug=slug, name=slug, detail="",
                                     stories=count, last_updated=newest))
            else:
                row.stories, row.last_updated = count, newest

    # -- queries -----------------------------------------------------------------------

    def _total(self, s: Session, slug: str) -> tuple[int, datetime | None]:
        row = s.execute(select(ReaderFacetRow.stories, ReaderFacetRow.last_updated).where(
            ReaderFacetRow.kind == TOTALS, ReaderFacetRow.slug == slug)).first()
        return (int(row[0]), _as_utc(row[1])) if row else (0, None)

    def list_stories(self, limit: int, offset: int = 0, facet: tuple[str, str] | None = None
                     ) -> StoryPage:
        """Published stories, most recently updated first (within ``facet`` = (kind, slug)
        when given); one indexed query with LIMIT/OFFSET, and a stored total."""
        with self.session() as s:
            if facet is None:
                total, _ = self._total(s, "stories")
                rows = s.scalars(select(ReaderStoryRow)
                                 .order_by(ReaderStoryRow.last_updated.desc(),
                                           ReaderStoryRow.story_id.desc())
                                 .limit(limit).offset(offset))
                return StoryPage([_listing(r) for r in rows], total, offset, limit)
            found = s.execute(select(ReaderFacetRow.id, ReaderFacetRow.stories).where(
                ReaderFacetRow.kind == facet[0], ReaderFacetRow.slug == facet[1])).first()
            if found is None:
                return StoryPage([], 0, offset, limit)
            ids = list(s.scalars(
                select(ReaderFacetStoryRow.story_id)
                .where(ReaderFacetStoryRow.facet_id == found[0])
                .order_by(ReaderFacetStoryRow.last_updated.desc(),
                          ReaderFacetStoryRow.story_id.desc())
                .limit(limit).offset(offset)))
            rows_by_id = {r.story_id: r for r in s.scalars(
                select(ReaderStoryRow).where(ReaderStoryRow.story_id.in_(ids)))}
            return StoryPage([_listing(rows_by_id[i]) for i in ids if i in rows_by_id],
                             int(found[1]), offset, limit)

    def top_stories(self, limit: int, window_days: float) -> list[StoryListing]:
        """Among stories updated within ``window_days`` of the newest one, those carried
        by the most outlets, then the most recent."""
        with self.session() as s:
            newest = s.scalar(select(ReaderStoryRow.last_updated)
                              .order_by(ReaderStoryRow.last_updated.desc()).limit(1))
            if newest is None:
                return []
            since = newest - timedelta(days=window_days)
            rows = s.scalars(select(ReaderStoryRow).where(ReaderStoryRow.last_updated >= since)
                             .order_by(ReaderStoryRow.outlets.desc(),
                                       ReaderStoryRow.last_updated.desc(),
                                       ReaderStoryRow.story_id.desc()).limit(limit))
            return [_listing(r) for r in rows]

    def search_stories(self, query: str, limit: int, offset: int = 0) -> StoryPage:
        """Stories matching every word of ``query`` (headline, summary, names and body;
        word stems match); an empty query matches nothing.

        The cost is bounded whatever the archive holds: the ``SEARCH_WINDOW`` newest
        matches are ranked by relevance (on SQLite by where the words are: headline, then
        summary and names, then body; on PostgreSQL by ``ts_rank``) and come first; older
        matches follow newest first. Matches are counted up to
        ``SEARCH_COUNT_CAP`` (``StoryPage.exact`` is false beyond it).
        """
        words = search_words(query)
        if not words:
            return StoryPage([], 0, offset, limit)
        with self.session() as s:
            if self._fts5:
                ids, total = self._search_fts5(s, " ".join(f'"{w}"' for w in words),
                                               limit, offset)
            else:
                ids, total = self._search_postgres(s, " ".join(words), limit, offset)
            rows = {r.story_id: r for r in s.scalars(
                select(ReaderStoryRow).where(ReaderStoryRow.story_id.in_(ids)))}
            return StoryPage([_listing(rows[i]) for i in ids if i in rows],
                             min(total, SEARCH_COUNT_CAP), offset, limit,
                             exact=total <= SEARCH_COUNT_CAP)

    @staticmethod
    def _search_fts5(s: Session, match: str, limit: int, offset: int) -> tuple[list[int], int]:
        total = int(s.scalar(text(
            "SELECT count(*) FROM (SELECT rowid FROM reader_search WHERE reader_search "
            "MATCH :q LIMIT :cap)"), {"q": match, "cap": SEARCH_COUNT_CAP + 1}) or 0)
        # FTS5 walks its rowid-ordered lists newest first and stops at the window. BM25
        # is not used: it counts every match of each word (for IDF) on every query, which
        # grows with the archive. The window is ranked by where the words are instead:
        # all in the headline, then all in the headline, summary or names, then the body.
        newest = [int(i) for i in s.scalars(text(
            "SELECT rowid FROM reader_search WHERE reader_search MATCH :q "
            "ORDER BY rowid DESC LIMIT :window"), {"q": match, "window": SEARCH_WINDOW})]
        if not newest:
            return [], total
        oldest = newest[-1]
        tier: dict[int, int] = {}
        for level, columns in enumerate(("{headline}", "{headline summary names}")):
            for i in s.scalars(text("SELECT rowid FROM reader_search WHERE reader_search "
                                    "MATCH :q AND rowid >= :oldest"),
                               {"q": f"{columns} : ({match})", "oldest": oldest}):
                tier.setdefault(int(i), level)
        ranked = sorted(newest, key=lambda i: (tier.get(i, 2), -i))
        found = ranked[offset:offset + limit]
        if len(found) < limit and len(newest) == SEARCH_WINDOW:
            # older matches, newest first, after the ranked window
            found += [int(i) for i in s.scalars(text(
                "SELECT rowid FROM reader_search WHERE reader_search MATCH :q AND "
                "rowid < :oldest ORDER BY rowid DESC LIMIT :limit OFFSET :offset"),
                {"q": match, "oldest": oldest, "limit": limit - len(found),
                 "offset": max(0, offset - SEARCH_WINDOW)})]
        return found, total

    @staticmethod
    def _search_postgres(s: Session, words: str, limit: int, offset: int
                         ) -> tuple[list[int], int]:
        vector = func.to_tsvector("english", ReaderStoryRow.search_text)
        tsquery = func.plainto_tsquery("english", words)
        matching = select(ReaderStoryRow.story_id).where(vector.op("@@")(tsquery))
        total = int(s.scalar(select(func.count()).select_from(
            matching.limit(SEARCH_COUNT_CAP + 1).subquery())) or 0)
        newest = (select(ReaderStoryRow.story_id, func.ts_rank(vector, tsquery).label("rank"))
                  .where(vector.op("@@")(tsquery))
                  .order_by(ReaderStoryRow.story_id.desc()).limit(SEARCH_WINDOW).subquery())
        if offset < SEARCH_WINDOW:
            found = list(s.scalars(select(newest.c.story_id)
                                   .order_by(newest.c.rank.desc(), newest.c.story_id.desc())
                                   .limit(min(limit, SEARCH_WINDOW - offset)).offset(offset)))
            if len(found) < limit and offset + len(found) >= SEARCH_WINDOW:
                found += list(s.scalars(matching.order_by(ReaderStoryRow.story_id.desc())
                                        .limit(limit - len(found)).offset(SEARCH_WINDOW)))
            return found, total
        return list(s.scalars(matching.order_by(ReaderStoryRow.story_id.desc())
                              .limit(limit).offset(offset))), total

    def facet(self, kind: str, slug: str) -> Facet | None:
        """One facet by kind and slug."""
        with self.session() as s:
            row = s.scalar(select(ReaderFacetRow).where(ReaderFacetRow.kind == kind,
                                                        ReaderFacetRow.slug == slug))
            return _facet(row) if row is not None and kind != TOTALS else None

    def list_facets(self, kind: str, limit: int, offset: int = 0,
                    prefix: str | None = None) -> tuple[list[Facet], int]:
        """Facets of ``kind``, most stories first (days newest first), and their number.
        ``prefix`` keeps slugs that start with it (the days of one year: ``"2026-"``)."""
        with self.session() as s:
            query = select(ReaderFacetRow).where(ReaderFacetRow.kind == kind)
            if kind == "day":
                query = query.order_by(ReaderFacetRow.slug.desc())
            else:
                query = query.order_by(ReaderFacetRow.stories.desc(), ReaderFacetRow.slug)
            if prefix is not None:
                escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                query = query.where(ReaderFacetRow.slug.like(escaped + "%", escape="\\"))
                total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
            else:
                total, _ = self._total(s, kind)
            rows = s.scalars(query.limit(limit).offset(offset))
            return [_facet(r) for r in rows], total

    def facets_of_story(self, story_id: int) -> list[Facet]:
        """The facets a published story is in."""
        with self.session() as s:
            rows = s.scalars(select(ReaderFacetRow).join(
                ReaderFacetStoryRow, ReaderFacetStoryRow.facet_id == ReaderFacetRow.id)
                .where(ReaderFacetStoryRow.story_id == story_id)
                .order_by(ReaderFacetRow.kind, ReaderFacetRow.id))
            return [_facet(r) for r in rows]

    def day_range(self) -> tuple[str, str] | None:
        """The first and last archive day, from the ends of the (kind, slug) index."""
        with self.session() as s:
            days = select(ReaderFacetRow.slug).where(ReaderFacetRow.kind == "day")
            first = s.scalar(days.order_by(ReaderFacetRow.slug).limit(1))
            last = s.scalar(days.order_by(ReaderFacetRow.slug.desc()).limit(1))
            return (first, last) if first and last else None

    def newest_update(self) -> datetime | None:
        """When the most recently updated published story was last updated."""
        with self.session() as s:
            return self._total(s, "stories")[1]

    def articles_for(self, story_ids: list[int]) -> dict[int, Article]:
        """The current articles of ``story_ids`` (those that have one), by story id."""
        found: dict[int, Article] = {}
        with self.session() as s:
            for part in _chunks(story_ids):
                for row in s.scalars(select(ArticleRow).where(ArticleRow.story_id.in_(part),
                                                              ArticleRow.is_current.is_(True))):
                    found[row.story_id] = Article.from_dict(row.data)
        return found

    def published_slugs(self, story_ids: list[int]) -> dict[int, str]:
        """Slugs of the published stories among ``story_ids``."""
        found: dict[int, str] = {}
        with self.session() as s:
            for part in _chunks(story_ids):
                found.update(s.execute(select(ReaderStoryRow.story_id, ReaderStoryRow.slug)
                                       .where(ReaderStoryRow.story_id.in_(part))).all())
        return found

    def published_article(self, slug: str) -> Article | None:
        """The article of the published story with ``slug`` (through the index)."""
        with self.session() as s:
            row = s.scalar(select(ArticleRow).join(
                ReaderStoryRow, ReaderStoryRow.article_id == ArticleRow.id)
                .where(ReaderStoryRow.slug == slug))
            return Article.from_dict(row.data) if row else None

    def previous_article(self, story_id: int, version: int) -> Article | None:
        """The version before ``version`` of a story's article, or ``None``."""
        with self.session() as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.story_id == story_id,
                                                    ArticleRow.version == version - 1))
            return Article.from_dict(row.data) if row else None

    def current_article_count(self) -> int:
        """How many stories have a current article (published or not yet indexed)."""
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(ArticleRow)
                                .where(ArticleRow.is_current.is_(True))) or 0)

    def reader_counts(self) -> dict[str, Any]:
        """The index's stored totals: published stories and facets of each kind."""
        with self.session() as s:
            return {slug: int(n) for slug, n in s.execute(
                select(ReaderFacetRow.slug, ReaderFacetRow.stories)
                .where(ReaderFacetRow.kind == TOTALS))}
