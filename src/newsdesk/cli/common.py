"""Helpers shared by the command modules: settings and context from parsed arguments."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from newsdesk import backends
from newsdesk.backends.executor import Executor
from newsdesk.builtin.store_sql import SqlStore
from newsdesk.cluster_model import cluster_setup
from newsdesk.pipeline import Context
from newsdesk.redact import redact_url
from newsdesk.settings import Settings, load_settings
from newsdesk.store_lock import StoreLock
from newsdesk.work import WorkerPool

log = logging.getLogger("newsdesk")
#: Commands whose work goes through the claim queues (see newsdesk.work).
SHARED_WORK = {"ingest", "cluster", "write", "run", "daemon"}


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    """Resolve settings with this command's flags as the top layer."""
    overrides = {"data_dir": getattr(args, "data_dir", None),
                 "database_url": getattr(args, "database_url", None),
                 "log_format": getattr(args, "log_format", None),
                 "work.workers": getattr(args, "workers", None),
                 "work.executor": getattr(args, "executor", None),
                 "work.ray_address": getattr(args, "address", None), **extra}
    settings = load_settings(getattr(args, "config", None), overrides)
    from newsdesk.cli.main import configure_logging

    configure_logging(args.verbose, args.quiet, settings["log_level"], settings["log_format"])
    return settings


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def open_context(args: argparse.Namespace, command: str, context_class: type[Context] = Context,
                 **extra: Any) -> Iterator[Context]:
    """A pipeline context holding the store lock, with a recorded run.

    The lock is taken before anything is read (see :mod:`newsdesk.store_lock`); runs
    that an earlier, killed process left ``running`` are then marked ``interrupted``.
    The run ends ``ok``, ``failed`` (an error) or ``interrupted`` (Ctrl-C or SIGTERM,
    which is turned into the same clean stop); the lock is given back in every case.

    Raises:
        StoreLockedError: another live run holds the store's lock.
    """
    settings = settings_from(args, **extra)
    clustering = cluster_setup(settings)  # a bad cluster.model stops the run before any work
    # Workers of this run (--workers, Ray tasks, `newsdesk worker`) write the store too.
    store = SqlStore.open(settings.database_url, shared_writes=True)
    lock = StoreLock(store.engine, command, wait=settings["lock.wait"],
                     heartbeat=settings["lock.heartbeat"],
                     stale_after=settings["lock.stale_after"])
    try:
        lock.acquire()
    except BaseException:
        store.close()
        raise
    # SIGTERM (what `kill` and service managers send) stops like Ctrl-C does: the run is
    # recorded as interrupted and the lock given back. Only the main thread may set it.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    status = "failed"
    ctx = context_class(settings=settings, store=store, show_progress=not args.quiet,
                        clustering=clustering, lock=lock)
    try:
        for run_id in store.mark_interrupted_runs():
            log.warning("run %d did not finish (its process was killed); marked interrupted",
                        run_id)
        ctx.run_id = store.start_run(command)
        if command in SHARED_WORK:
            ctx.pool = start_workers(ctx)
        yield ctx
        status = "ok"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        try:
            if ctx.pool is not None:
                ctx.pool.stop()
            if ctx.worker is not None:
                ctx.worker.close()
            if ctx.run_id is not None:
                store.finish_run(ctx.run_id, status, ctx.counts)
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous)
            lock.release()
            store.close()


def start_workers(ctx: Context) -> WorkerPool | None:
    """The workers ``work.executor`` and ``work.workers`` ask for, started for the run
    of ``ctx`` (``None``: this process works alone)."""
    executor = backends.load("executor", ctx.settings["work.executor"], Executor,
                             workers=ctx.settings["work.workers"],
                             address=ctx.settings["work.ray_address"])
    return executor.start(ctx)


def shown_database(settings: Settings) -> str:
    """The database URL as it may be printed (a password in it masked)."""
    return redact_url(settings.database_url)


def print_counts(title: str, counts: dict[str, int]) -> None:
    """A short report of what a command did, on stdout."""
    print(title)
    for key in sorted(counts):
        print(f"  {key.replace('_', ' ')}: {counts[key]}")
    sys.stdout.flush()
