"""Shared work: workers claim batches from the store, do the slow part, store results.

A run's slow, order-free work goes through three queues in the store (see
:mod:`newsdesk.builtin.store_claims`):

- ``fetch``: fetch an entry's page and extract its text and metadata
  (:func:`newsdesk.stages.ingest.extract_entry`);
- ``annotate``: embed a batch of documents and find their entities
  (:func:`newsdesk.stages.cluster.annotate_documents`);
- ``draft``: write a story's article and verify every sentence
  (:func:`newsdesk.stages.write.draft_record`).

The run that holds the store lock (the *coordinator*) opens a queue, works on it
itself like any worker, and waits until every item has a result; other workers (the
processes of ``--workers N``, Ray tasks, a ``newsdesk worker`` on another machine)
claim from the same queue meanwhile. The coordinator then takes the results in the
order a single process would have produced them (entries in queue order, documents in
publication order, stories by id) and does what depends on that order: storing
documents (site boilerplate is learned page by page), deduplication, keyword
statistics, story assignment, slugs. So the stored result is the same whatever the
number of workers, and the same as a run without any.

A worker renews its leases while it works on a batch (a thread, every third of
``work.lease``).
When a worker dies, its claims are taken again: at once when the coordinator sees that
the process (on this host) is gone, otherwise when the lease has expired.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.builtin.store_claims import QueueState
from newsdesk.records import Entry
from newsdesk.store_lock import holder_alive, process_identity

if TYPE_CHECKING:
    from newsdesk.backends.verifier import Verifier
    from newsdesk.backends.writer import Writer
    from newsdesk.pipeline import Context

log = logging.getLogger(__name__)
#: Seconds between looks at the store while waiting for other workers' results.
POLL_SECONDS = 0.2


class WorkerPool(Protocol):
    """Workers beside the coordinator (local processes or Ray tasks)."""

    #: Whether the coordinator also claims work while the pool's workers run.
    coordinator_works: bool

    def opened(self, queue: str) -> None:
        """A queue was opened: start working on it (local workers find it themselves)."""

    def working(self) -> int:
        """How many of the pool's workers are alive and working on the open queue."""

    def closed(self, queue: str) -> None:
        """The queue is done: wait for the pool's work on it to end."""

    def stop(self) -> None:
        """Stop every worker (the run is over)."""


@dataclass
class Worker:
    """One worker: claims batches of an open queue and stores what it computed."""

    ctx: Context
    owner: str = field(default_factory=process_identity)
    _writing: tuple[Writer, Verifier] | None = None

    def step(self, queue: QueueState) -> int:
        """Claim one batch of ``queue`` and do it. Returns how many items it claimed
        (0: nothing was free to claim)."""
        ids = self.ctx.store.claim(queue.name, self.owner, queue.batch_size, queue.lease)
        if not ids:
            return 0
        stop = threading.Event()
        keeper = threading.Thread(target=self._renew, args=(queue.lease, stop),
                                  name="newsdesk-leases", daemon=True)
        keeper.start()
        try:
            if queue.name == "fetch":
                self._fetch(ids)
            elif queue.name == "annotate":
                self._annotate(ids)
            else:
                self._draft(ids)
        except BaseException:
            # Given back at once rather than at the lease's end: an error (the run
            # stops) or Ctrl-C, not this batch's fault.
            stop.set()
            self.ctx.store.release_claims(self.owner)
            raise
        finally:
            stop.set()
            keeper.join(timeout=30)
        return len(ids)

    def _fetch(self, ids: list[int]) -> None:
        from newsdesk.stages.ingest import extract_entry

        for entry_id, data in self.ctx.store.entries_by_id(ids):
            entry = Entry.from_dict(data)
            if not self.ctx.store.start_claimed_entry(self.owner, entry_id):
                continue  # taken over by another worker (this one was thought dead)
            try:
                found = extract_entry(entry, self.ctx)
            except Exception as exc:  # newsdesk's own error: the entry fails, not the run
                log.exception("ingest: extracting %s failed", entry.url)
                found = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
            if self.ctx.store.save_fetched(self.owner, entry_id, found):
                self.ctx.count("entries_extracted")
            self.ctx.checkpoint("extract")

    def _annotate(self, ids: list[int]) -> None:
        from newsdesk.builtin.store_sql import vector_to_bytes
        from newsdesk.stages.cluster import annotate_documents

        found = annotate_documents(self.ctx.store.documents(ids), self.ctx)
        stored = self.ctx.store.save_annotations(
            self.owner, [(i, vector_to_bytes(v), e) for i, v, e in found])
        self.ctx.count("documents_annotated", stored)
        self.ctx.checkpoint("annotate")

    def _draft(self, ids: list[int]) -> None:
        from newsdesk.stages.write import draft_record, writing_backends

        if self._writing is None:
            self._writing = writing_backends(self.ctx)
        writer, verifier = self._writing
        for story_id in ids:
            draft = draft_record(story_id, writer, verifier, self.ctx)
            if self.ctx.store.save_draft(self.owner, story_id, draft):
                self.ctx.count("stories_drafted")
            self.ctx.checkpoint("draft")

    def _renew(self, lease: float, stop: threading.Event) -> None:
        """Renew this worker's leases every third of ``lease`` until ``stop`` is set."""
        from sqlalchemy.exc import SQLAlchemyError

        from newsdesk.errors import StoreError

        while not stop.wait(max(lease / 3, 0.05)):
            try:
                self.ctx.store.renew_claims(self.owner, lease)
            except (SQLAlchemyError, StoreError) as exc:  # busy: the next round tries again
                log.debug("renewing %s's leases failed: %s", self.owner, exc)

    def close(self) -> None:
        """Give back whatever this worker still holds (normally nothing)."""
        self.ctx.store.release_claims(self.owner)


def reap(ctx: Context) -> tuple[int, int]:
    """Free the claims of workers that are gone: on this host when their process no
    longer runs (at once), elsewhere when their lease has expired (by itself). Entries
    they were fetching count an attempt and are queued again, or fail as
    ``interrupted`` after ``ingest.max_attempts`` (an entry that kills every worker
    that tries it must not stop every run). Returns (entries queued again, given up)."""
    me = process_identity()
    for owner in ctx.store.claimants():
        if owner == me:
            continue
        host, _, rest = owner.partition(":")
        pid = rest.partition(":")[0]
        if pid.isdigit() and holder_alive(owner, host, int(pid)) is False:
            held = ctx.store.expire_claims(owner)
            log.warning("worker %s is gone; its %d claimed items are free again", owner, held)
            ctx.count("claims_taken_from_dead_workers", held)
    return ctx.store.recover_interrupted_entries(int(ctx.settings["ingest.max_attempts"]))


#: What each queue's work is called in progress lines.
QUEUE_WORK = {"fetch": "fetching pages", "annotate": "embedding documents",
              "draft": "writing articles"}
#: Seconds between progress lines while a queue's items take long (an LLM draft).
PROGRESS_SECONDS = 30.0


class _QueueProgress:
    """Log lines of a queue's progress, by whichever workers: at each tenth of it, and
    at least every PROGRESS_SECONDS while any is left."""

    def __init__(self, queue: str, total: int) -> None:
        self.what, self.total = QUEUE_WORK.get(queue, queue), total
        self.step = max(1, total // 10)
        self.logged, self.at = 0, time.monotonic()
        self._lock = threading.Lock()

    def update(self, waiting: int) -> None:
        done = self.total - waiting
        with self._lock:
            now = time.monotonic()
            if self.total and done > self.logged and (
                    done - self.logged >= self.step or now - self.at >= PROGRESS_SECONDS):
                log.info("%s: %d/%d", self.what, done, self.total)
                self.logged, self.at = done, now

    def watch(self, store: Any, queue: str, stop: threading.Event) -> None:
        """Look at the queue every PROGRESS_SECONDS until ``stop`` (a batch of slow
        items, LLM drafts, takes minutes between the coordinator's own updates)."""
        while not stop.wait(PROGRESS_SECONDS):
            with contextlib.suppress(Exception):  # a progress line is never worth a crash
                self.update(store.queue_depth(queue)[0])


def run_queue(ctx: Context, queue: str, batch_size: int | None = None) -> None:
    """Open ``queue`` to workers, work on it, and return when every item has a result.

    Called by the stage that needs the results, in the process holding the store lock.
    Progress is logged (by count done, by this process or any worker).
    """
    state = QueueState(queue, ctx.run_id, int(batch_size or ctx.settings["work.batch_size"]),
                       float(ctx.settings["work.lease"]))
    if ctx.worker is None:
        ctx.worker = Worker(ctx)
    worker: Worker = ctx.worker
    pool = ctx.pool
    ctx.store.open_queue(queue, ctx.run_id, state.batch_size, state.lease,
                         json.loads(json.dumps(ctx.settings.as_dict(), default=str)))
    progress = _QueueProgress(queue, ctx.store.queue_depth(queue)[0])
    stop_watching = threading.Event()
    threading.Thread(target=progress.watch, args=(ctx.store, queue, stop_watching),
                     name=f"progress-{queue}", daemon=True).start()
    try:
        if pool is not None:
            pool.opened(queue)
        while True:
            helping = pool is not None and pool.working() > 0
            if (pool is None or pool.coordinator_works or not helping) and worker.step(state):
                progress.update(ctx.store.queue_depth(queue)[0])
                continue
            waiting, _claimed = ctx.store.queue_depth(queue)
            progress.update(waiting)
            if not waiting:
                break
            reap(ctx)
            time.sleep(POLL_SECONDS)
    finally:
        stop_watching.set()
        ctx.store.close_queue(queue)
    if pool is not None:
        pool.closed(queue)


def serve_queues(ctx: Context, run_id: int | None, parent: int | None = None) -> None:
    """Work as a run's worker until it ends: claim from its open queues, rest a moment
    when there is nothing to claim. With ``run_id`` ``None``, work for every run, until
    stopped. With ``parent``, stop when that process (the coordinator) is gone.

    Each queue is worked on with the settings its run opened it with (the database URL
    excepted), so a worker fetches, embeds and writes exactly as the run itself would.
    """
    worker = Worker(ctx)
    contexts: dict[str, Context] = {}
    reported: dict[str, int] = {}
    try:
        while True:
            if parent is not None and os.getppid() != parent:
                log.warning("the run's main process is gone; this worker stops")
                return
            if run_id is not None and not ctx.store.run_running(run_id):
                return
            done = 0
            for queue in ctx.store.open_queues():
                if run_id is not None and queue.run_id != run_id:
                    continue
                worker.ctx = _context_for(ctx, queue, contexts)
                done = worker.step(queue)
                if done:
                    _report(ctx, queue.run_id, reported)
                    break
            if not done:
                time.sleep(POLL_SECONDS)
    finally:
        worker.close()
        if run_id is not None:
            _report(ctx, run_id, reported)


def _context_for(ctx: Context, queue: QueueState, made: dict[str, Context]) -> Context:
    """A context with the settings ``queue`` was opened with (one per distinct settings,
    so loaded models are kept), counting into ``ctx``'s counts."""
    if not queue.settings:
        return ctx
    key = json.dumps(queue.settings, sort_keys=True)
    if key not in made:
        from newsdesk.pipeline import Context
        from newsdesk.settings import Settings

        values = {**queue.settings, "database_url": ctx.settings["database_url"]}
        made[key] = Context(settings=Settings(values, dict.fromkeys(values, "run")),
                            store=ctx.store, run_id=queue.run_id, show_progress=False,
                            counts=ctx.counts)
    return made[key]


def _report(ctx: Context, run_id: int | None, reported: dict[str, int]) -> None:
    """Add what this worker counted since its last report to the run's counts."""
    delta = {k: v - reported.get(k, 0) for k, v in ctx.counts.items()
             if v != reported.get(k, 0)}
    if run_id is not None and delta:
        ctx.store.add_run_counts(run_id, delta)
        reported.update(ctx.counts)


def drain_queue(ctx: Context, queue: str) -> dict[str, Any]:
    """Claim and do batches of an open ``queue`` until none is left to claim (what a Ray
    task runs). Returns what this worker counted."""
    worker = Worker(ctx)
    try:
        while True:
            states = [q for q in ctx.store.open_queues() if q.name == queue]
            if not states or not worker.step(states[0]):
                break
    finally:
        worker.close()
    return dict(ctx.counts)
