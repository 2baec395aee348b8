"""Ray executor: ``--executor ray [--address ...]`` runs a run's workers as Ray tasks.

When a queue opens (``fetch``, ``annotate``, ``draft``; see :mod:`newsdesk.work`), the
run submits ``work.workers`` Ray tasks. Each opens the store by its URL and claims
batches until none is left to claim, exactly as a local worker does, and returns what
it counted. The store stays the single source of truth: a task hands nothing back but
counts, so a task that dies loses nothing (Ray runs it again, and its claims are taken
again by the next claimer when the process is seen to be gone or the lease expires).
The run's own process claims only when no task is running, so the work is Ray's.

Without ``--address`` a Ray instance is started on this machine with ``work.workers``
CPUs and no dashboard, and stopped at the end. A cluster's workers need newsdesk
installed and the store reachable (a PostgreSQL URL; a SQLite file only on one
machine). ``PYTHONHASHSEED``, when set, is passed on, so Ray workers break ties the way
the run's own process does.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from newsdesk.backends.executor import Executor
from newsdesk.errors import ConfigError

if TYPE_CHECKING:
    from newsdesk.pipeline import Context
    from newsdesk.work import WorkerPool

log = logging.getLogger(__name__)
#: Times Ray runs a task again whose worker process died.
TASK_RETRIES = 3


def drain_task(values: dict[str, Any], queue: str, run_id: int | None) -> dict[str, Any]:
    """The Ray task: work on ``queue`` of run ``run_id`` until nothing is left to claim,
    with the run's settings ``values``. Returns what it counted."""
    from newsdesk.builtin.store_sql import SqlStore
    from newsdesk.pipeline import Context
    from newsdesk.settings import Settings
    from newsdesk.work import drain_queue

    settings = Settings(values, dict.fromkeys(values, "run"))
    store = SqlStore.open(settings.database_url, migrate=False, shared_writes=True)
    try:
        ctx = Context(settings=settings, store=store, run_id=run_id, show_progress=False)
        return drain_queue(ctx, queue)
    finally:
        store.close()


class RayPool:
    """Ray tasks working on the open queue; see the module docstring."""

    coordinator_works = False

    def __init__(self, ctx: Context, workers: int, address: str) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError("the Ray executor needs Ray: pip install 'newsdesk[ray]'") from exc
        self.ray = ray
        self.ctx = ctx
        self.workers = max(1, workers)
        self.started = not ray.is_initialized()
        if self.started:
            env = {k: os.environ[k] for k in ("PYTHONHASHSEED",) if k in os.environ}
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                       "runtime_env": {"env_vars": env}}
            if address:
                options["address"] = address
            else:
                options["num_cpus"] = self.workers
            try:
                ray.init(**options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"cannot start or join Ray at {address or 'this machine'}: "
                                  f"{exc}") from exc
        self.task = ray.remote(max_retries=TASK_RETRIES)(drain_task)
        self.refs: list[Any] = []
        log.info("Ray executor: %d tasks per queue on %s", self.workers,
                 address or "a local Ray instance")

    def opened(self, queue: str) -> None:
        """Submit ``workers`` tasks working on ``queue``."""
        values = self.ctx.settings.as_dict()
        self.refs = [self.task.remote(values, queue, self.ctx.run_id)
                     for _ in range(self.workers)]

    def working(self) -> int:
        """Tasks still running; the counts of finished ones are added to the run's."""
        if not self.refs:
            return 0
        ready, pending = self.ray.wait(self.refs, num_returns=len(self.refs), timeout=0)
        for ref in ready:
            self._collect(ref)
        self.refs = list(pending)
        return len(self.refs)

    def _collect(self, ref: Any) -> None:
        try:
            counts = self.ray.get(ref)
        except Exception as exc:  # a task that failed for good: its work is done by others
            log.warning("a Ray task failed (its claims are taken again): %s", exc)
            self.ctx.count("ray_tasks_failed")
            return
        for key, value in counts.items():
            if isinstance(value, int):
                self.ctx.count(key, value)

    def closed(self, queue: str) -> None:
        """Wait for the queue's tasks (they end once nothing is left to claim)."""
        for ref in self.refs:
            self._collect(ref)
        self.refs = []

    def stop(self) -> None:
        """Shut down the Ray instance this run started (a joined cluster stays up)."""
        self.refs = []
        if self.started:
            self.ray.shutdown()


class RayExecutor(Executor):
    """``work.executor = "ray"``: Ray tasks, on this machine or a cluster."""

    name = "ray"

    def start(self, ctx: Context) -> WorkerPool | None:
        """See :meth:`Executor.start`."""
        return RayPool(ctx, self.options.workers, self.options.address)
