"""The run context shared by the stages, and the whole pipeline in order.

A stage is a function ``(batch, context) -> batch``. It calls backends through their
interfaces, records item-level failures with :meth:`Context.problem` and goes on.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from newsdesk import backends, faults
from newsdesk.backends.embedder import Embedder
from newsdesk.backends.entities import EntityRecognizer
from newsdesk.backends.extractor import Extractor
from newsdesk.backends.fetcher import Fetcher
from newsdesk.boilerplate import SiteBoilerplate
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cluster_model import ClusterSetup, cluster_setup
from newsdesk.errors import StoreLockedError
from newsdesk.records import Problem
from newsdesk.settings import Settings
from newsdesk.store_lock import StoreLock

log = logging.getLogger("newsdesk")
T = TypeVar("T")


@dataclass
class Context:
    """What every stage gets: settings, the store, backends, and a place for problems."""

    settings: Settings
    store: SqlStore
    run_id: int | None = None
    show_progress: bool = True
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: The ``cluster.*`` settings with ``cluster.model`` applied (read once, on first use).
    clustering: ClusterSetup | None = None
    #: The store lock this run holds (``None`` in tests and library use without one).
    lock: StoreLock | None = None
    #: This process's worker (:class:`newsdesk.work.Worker`), made on first use.
    worker: Any = None
    #: Workers beside this process (:class:`newsdesk.work.WorkerPool`; ``None``: none).
    pool: Any = None

    def cluster_setup(self) -> ClusterSetup:
        """What story assignment runs with (see :func:`newsdesk.cluster_model.cluster_setup`)."""
        if self.clustering is None:
            self.clustering = cluster_setup(self.settings)
        return self.clustering

    def problem(self, stage: str, item: str, reason: str, detail: str = "") -> None:
        """Record that ``item`` failed in ``stage`` for ``reason``; the run goes on."""
        found = Problem(stage, item, reason, detail)
        self.problems.append(found)
        log.warning("%s: %s: %s%s", stage, item, reason, f" ({detail})" if detail else "")
        self.store.record_problems([found], self.run_id)

    def checkpoint(self, name: str) -> None:
        """A unit of work was committed (see :mod:`newsdesk.faults`).

        Raises:
            StoreLockedError: another run took the store lock over from this one (this
                run was thought dead); stopping here keeps the two from clashing.
        """
        faults.checkpoint(name)
        if self.lock is not None and self.lock.lost:
            raise StoreLockedError("another run took over the store lock from this one; "
                                   "stopping so the two do not write the same stories")

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to the run's counter ``key``."""
        self.counts[key] = self.counts.get(key, 0) + n

    def track(self, items: Sequence[T], description: str) -> Iterator[T]:
        """Iterate ``items`` with a progress bar on a terminal, or log lines elsewhere."""
        total = len(items)
        if not total:
            return
        if self.show_progress and sys.stderr.isatty():
            from rich.progress import track

            yield from track(items, description=description, total=total, transient=True)
            return
        step = max(1, total // 10)
        for index, item in enumerate(items, 1):
            yield item
            if index % step == 0 or index == total:
                log.info("%s: %d/%d", description, index, total)

    @cached_property
    def fetcher(self) -> Fetcher:
        """The HTTP/file fetcher, configured from ``fetch.*``."""
        return backends.load("fetcher", "http", Fetcher, **self.settings.section("fetch"))

    @cached_property
    def extractor(self) -> Extractor:
        """The main-text extractor (``extract.backend``; a chain gets ``extract.min_chars``)."""
        name = self.settings["extract.backend"]
        options = {"min_chars": self.settings["extract.min_chars"]} if name == "chain" else {}
        return backends.load("extractor", name, Extractor, **options)

    @cached_property
    def boilerplate(self) -> SiteBoilerplate:
        """Per-site recurring lines, learned from the stored documents of each site."""
        return SiteBoilerplate(self.settings["extract.boilerplate_min_pages"],
                               self.store.site_texts)

    @cached_property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use)."""
        return backends.load("embedder", self.settings["embed.backend"], Embedder,
                             threads=self.settings["embed.threads"],
                             batch_size=self.settings["embed.batch_size"])

    @cached_property
    def entity_recognizer(self) -> EntityRecognizer:
        """The named-entity recogniser (loaded on first use)."""
        return backends.load("entities", self.settings["entities.backend"], EntityRecognizer)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_all(ctx: Context, sources: Sequence[str]) -> dict[str, Any]:
    """Every stage in order: ingest, cluster, write (with verification), relate, publish.

    Each stage reads its work from the store, so a run that crashed part-way is resumed
    by running again: finished work is skipped, pending work is picked up.
    """
    from newsdesk.stages import cluster, ingest, publish, write

    ingest.ingest(sources, ctx)
    cluster.cluster(ctx)
    write.write(ctx)
    publish.publish(ctx)
    return dict(ctx.counts)
