"""Work claims: which worker does which item, for how long, and what it found.

Three kinds of work are shared among workers (see :mod:`newsdesk.work`):

======== ========== ============================================ ================
queue    table      claimable rows                                result column
======== ========== ============================================ ================
fetch    entries    ``status`` pending                            ``fetched``
annotate documents  ``stage`` deduped                             ``annotations``
draft    stories    ``needs_write`` and no ``draft`` yet          ``draft``
======== ========== ============================================ ================

A worker claims a batch (the oldest claimable rows in the order the single-worker
pipeline takes them) by writing its name (``host:pid:start``) and a lease time into
the rows, in one statement: on PostgreSQL ``UPDATE ... WHERE id IN (SELECT ... FOR
UPDATE SKIP LOCKED)``, so concurrent claimers pass over each other's rows instead of
waiting; on SQLite the same ``UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING``,
which is atomic because SQLite runs one writer at a time (the pipeline's connections
begin with ``BEGIN IMMEDIATE``, see :meth:`SqlStore.open`). A row whose claim has
expired counts as unclaimed. The worker renews its leases while it works, and stores
its result with a statement that names it as the claimant, which also clears the
claim: a worker whose claim was taken over (it was too slow, or thought dead) stores
nothing, so an item's result lands once.

A queue is *open* only while the run that holds the store lock says so
(:class:`~newsdesk.builtin.store_models.WorkQueueRow`): work whose order matters
(deduplication, story assignment) must be finished before the next kind is claimed,
so that a batch holds exactly the items a single worker would have taken together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, null, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from newsdesk.builtin.store_models import (
    DocumentRow,
    EntryRow,
    RunRow,
    StoryRow,
    WorkQueueRow,
)
from newsdesk.errors import StoreError
from newsdesk.records import utcnow

#: The kinds of shared work, in pipeline order.
QUEUES = ("fetch", "annotate", "draft")
_TABLES: dict[str, Any] = {"fetch": EntryRow, "annotate": DocumentRow, "draft": StoryRow}


@dataclass
class QueueState:
    """An open queue, as the run that opened it set it up."""

    name: str
    run_id: int | None
    batch_size: int
    lease: float
    #: The run's settings (without ``database_url``); empty: the worker's own.
    settings: dict[str, Any] = field(default_factory=dict)


def _order(queue: str) -> list[Any]:
    """The order the single-worker pipeline takes a queue's items in."""
    if queue == "annotate":
        return [DocumentRow.published_at.is_(None), DocumentRow.published_at, DocumentRow.id]
    return [_TABLES[queue].id]


def _claimable(queue: str) -> ColumnElement[bool]:
    """Rows of ``queue`` waiting for a worker (claimed or not)."""
    if queue == "fetch":
        return EntryRow.status.in_(("pending", "fetching"))
    if queue == "annotate":
        return DocumentRow.stage == "deduped"
    return and_(StoryRow.needs_write.is_(True), StoryRow.draft.is_(None))


class ClaimStore:
    """The claim methods of :class:`~newsdesk.builtin.store_sql.SqlStore`."""

    engine: Any
    session: Any
    transaction: Any

    # -- queues ------------------------------------------------------------------------

    def open_queue(self, queue: str, run_id: int | None, batch_size: int, lease: float,
                   settings: dict[str, Any] | None = None) -> None:
        """Let workers claim ``queue``'s items (in batches of ``batch_size``, leases of
        ``lease`` seconds, working with ``settings``) until :meth:`close_queue`. The
        database URL is never stored (a worker has its own, and it may hold a
        password)."""
        shared = {k: v for k, v in (settings or {}).items() if k != "database_url"}
        with self.session() as s:
            s.execute(delete(WorkQueueRow).where(WorkQueueRow.name == queue))
            s.execute(insert(WorkQueueRow).values(name=queue, run_id=run_id,
                                                  batch_size=batch_size, lease=lease,
                                                  settings=shared, opened_at=utcnow()))

    def close_queue(self, queue: str) -> None:
        """Stop handing out ``queue``'s items (claims already made stay valid)."""
        with self.session() as s:
            s.execute(delete(WorkQueueRow).where(WorkQueueRow.name == queue))

    def open_queues(self) -> list[QueueState]:
        """The queues open now, in pipeline order."""
        with self.session() as s:
            rows = {r.name: r for r in s.scalars(select(WorkQueueRow))}
        return [QueueState(q, rows[q].run_id, rows[q].batch_size, rows[q].lease,
                           dict(rows[q].settings or {}))
                for q in QUEUES if q in rows]

    def run_running(self, run_id: int) -> bool:
        """Whether run ``run_id`` is still recorded as running."""
        with self.session() as s:
            return s.scalar(select(RunRow.status).where(RunRow.id == run_id)) == "running"

    # -- claims ------------------------------------------------------------------------

    def claim(self, queue: str, owner: str, limit: int, lease: float,
              now: datetime | None = None) -> list[int]:
        """Claim up to ``limit`` of ``queue``'s oldest unclaimed (or expired) items for
        ``owner`` until ``now + lease``. Returns their ids in pipeline order."""
        table = _TABLES[queue]
        now = now or utcnow()
        if queue == "fetch":
            # A claimed entry stays ``pending`` until its worker starts on it
            # (start_claimed_entry); one left ``fetching`` by a worker that is gone is
            # first counted as an attempt by recover_interrupted_entries.
            free: ColumnElement[bool] = and_(
                EntryRow.status == "pending",
                or_(EntryRow.claimed_by.is_(None), EntryRow.lease_until < now))
        else:
            free = and_(_claimable(queue),
                        or_(table.claimed_by.is_(None), table.lease_until < now))
        chosen = (select(table.id).where(free).order_by(*_order(queue))
                  .limit(limit).with_for_update(skip_locked=True))
        values: dict[str, Any] = {"claimed_by": owner,
                                  "lease_until": now + timedelta(seconds=lease)}
        with self.session() as s:
            ids = list(s.scalars(update(table).where(table.id.in_(chosen.scalar_subquery()))
                                 .values(**values).returning(table.id)))
            if not ids:
                return []
            # RETURNING gives no order: read the batch back in pipeline order.
            return list(s.scalars(select(table.id).where(table.id.in_(ids))
                                  .order_by(*_order(queue))))

    def renew_claims(self, owner: str, lease: float, now: datetime | None = None) -> int:
        """Extend every lease ``owner`` holds to ``now + lease``. Returns how many rows
        it still holds (a claim taken over by another worker is no longer its own)."""
        until = (now or utcnow()) + timedelta(seconds=lease)
        held = 0
        with self.session() as s:
            for table in _TABLES.values():
                result = s.execute(update(table).where(table.claimed_by == owner)
                                   .values(lease_until=until))
                held += int(result.rowcount or 0)
        return held

    def release_claims(self, owner: str) -> int:
        """Give back every claim of ``owner`` unfinished (an entry goes back to
        ``pending`` without counting an attempt). Returns how many."""
        released = 0
        with self.session() as s:
            for queue, table in _TABLES.items():
                values: dict[str, Any] = {"claimed_by": None, "lease_until": None}
                if queue == "fetch":
                    values["status"] = case((EntryRow.status == "fetching", "pending"),
                                            else_=EntryRow.status)
                result = s.execute(update(table).where(table.claimed_by == owner)
                                   .values(**values))
                released += int(result.rowcount or 0)
        return released

    def claimants(self, now: datetime | None = None) -> dict[str, tuple[datetime | None, int]]:
        """Who holds live claims (leases not yet ended): owner -> (earliest lease end,
        rows held)."""
        now = now or utcnow()
        found: dict[str, tuple[datetime | None, int]] = {}
        with self.session() as s:
            for table in _TABLES.values():
                rows = s.execute(select(table.claimed_by, func.min(table.lease_until),
                                        func.count())
                                 .where(table.claimed_by.is_not(None), table.lease_until >= now)
                                 .group_by(table.claimed_by))
                for owner, until, count in rows:
                    earlier, held = found.get(owner, (until, 0))
                    first = min(x for x in (earlier, until) if x is not None) \
                        if (earlier or until) else None
                    found[owner] = (first, held + int(count))
        return found

    def expire_claims(self, owner: str) -> int:
        """End ``owner``'s claims now (its process is known to be gone), so the next
        claim takes its items; entries it was fetching keep the ended claim until
        :meth:`recover_interrupted_entries` counts the attempt. Returns how many rows it
        held."""
        past = utcnow() - timedelta(days=1)
        held = 0
        with self.session() as s:
            for queue, table in _TABLES.items():
                values: dict[str, Any] = {"lease_until": past}
                if queue != "fetch":
                    values = {"claimed_by": None, "lease_until": None}
                held += int(s.execute(update(table).where(table.claimed_by == owner)
                                      .values(**values)).rowcount or 0)
        return held

    def queue_depth(self, queue: str) -> tuple[int, int]:
        """(items waiting for a worker, of which claimed) of ``queue``."""
        table = _TABLES[queue]
        with self.session() as s:
            waiting = int(s.scalar(select(func.count()).select_from(table)
                                   .where(_claimable(queue))) or 0)
            claimed = int(s.scalar(select(func.count()).select_from(table).where(
                _claimable(queue), table.claimed_by.is_not(None))) or 0)
        return waiting, claimed

    # -- results -----------------------------------------------------------------------

    def _store_result(self, queue: str, owner: str, item_id: int,
                      values: dict[str, Any]) -> bool:
        table = _TABLES[queue]
        with self.session() as s:
            result = s.execute(update(table).where(table.id == item_id,
                                                   table.claimed_by == owner)
                               .values(claimed_by=None, lease_until=None, **values))
            return bool(result.rowcount == 1)

    def start_claimed_entry(self, owner: str, entry_id: int) -> bool:
        """Mark a claimed entry as being fetched (``fetching``): if its worker dies now,
        the entry counts an attempt, while the rest of the worker's batch, never
        started, does not. Returns ``False`` when the claim is no longer ``owner``'s."""
        with self.session() as s:
            result = s.execute(update(EntryRow).where(EntryRow.id == entry_id,
                                                      EntryRow.claimed_by == owner)
                               .values(status="fetching", updated_at=utcnow()))
            return bool(result.rowcount == 1)

    def save_fetched(self, owner: str, entry_id: int, fetched: dict[str, Any]) -> bool:
        """Store what ``owner`` fetched and extracted for an entry it claimed (status
        ``fetched``). Returns ``False`` when the claim is no longer its own."""
        return self._store_result("fetch", owner, entry_id,
                                  {"status": "fetched", "fetched": fetched,
                                   "updated_at": utcnow()})

    def save_annotations(self, owner: str, items: Sequence[tuple[int, bytes, list[Any]]]
                         ) -> int:
        """Store each claimed document's embedding and entities (stage ``annotated``).
        Returns how many were still ``owner``'s to store."""
        stored = 0
        with self.transaction():  # the batch lands together
            for doc_id, vector, entities in items:
                stored += self._store_result("annotate", owner, doc_id, {
                    "embedding": vector, "annotations": entities, "stage": "annotated"})
        return stored

    def save_draft(self, owner: str, story_id: int, draft: dict[str, Any]) -> bool:
        """Store the article ``owner`` drafted for a story it claimed. Returns ``False``
        when the claim is no longer its own."""
        return self._store_result("draft", owner, story_id, {"draft": draft})

    def entries_by_id(self, ids: Sequence[int]) -> list[tuple[int, dict[str, Any]]]:
        """(id, entry record) of entries, in the order given."""
        with self.session() as s:
            rows = {r.id: r.data for r in s.scalars(select(EntryRow)
                                                     .where(EntryRow.id.in_(list(ids))))}
        return [(i, rows[i]) for i in ids if i in rows]

    def fetched_entries(self) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
        """(id, entry record, what was fetched) of every fetched entry, in entry order:
        what the run stores as documents."""
        with self.session() as s:
            rows = s.execute(select(EntryRow.id, EntryRow.data, EntryRow.fetched)
                             .where(EntryRow.status == "fetched").order_by(EntryRow.id))
            return [(int(i), dict(d), dict(f or {})) for i, d, f in rows]

    def annotations(self, doc_id: int) -> list[Any]:
        """The entities a worker stored for an ``annotated`` document."""
        with self.session() as s:
            found = s.scalar(select(DocumentRow.annotations).where(DocumentRow.id == doc_id))
        if found is None:
            raise StoreError(f"document {doc_id} has no stored annotations")
        return list(found)

    def drafted_stories(self) -> list[tuple[int, dict[str, Any]]]:
        """(story id, draft) of every drafted story, in story order."""
        with self.session() as s:
            rows = s.execute(select(StoryRow.id, StoryRow.draft)
                             .where(StoryRow.draft.is_not(None)).order_by(StoryRow.id))
            return [(int(i), dict(d)) for i, d in rows]

    def clear_draft(self, story_id: int) -> None:
        """Forget a story's draft (it was stored, or the story is to be drafted again)."""
        with self.session() as s:
            s.execute(update(StoryRow).where(StoryRow.id == story_id).values(draft=null()))
