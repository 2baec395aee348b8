"""The executor interface: where a run's workers run (see :mod:`newsdesk.work`)."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from newsdesk.backends import Backend, BackendOptions

if TYPE_CHECKING:
    from newsdesk.pipeline import Context
    from newsdesk.work import WorkerPool


class ExecutorOptions(BackendOptions):
    """How many workers, and (Ray) which cluster."""

    #: Workers in all, the run's own process included where it works too.
    workers: int = 1
    #: A cluster to join (Ray's ``address``); empty: start one on this machine.
    address: str = ""


class Executor(Backend, abc.ABC):
    """Starts the workers that share a run's queues with the run's own process."""

    Options = ExecutorOptions
    options: ExecutorOptions

    @abc.abstractmethod
    def start(self, ctx: Context) -> WorkerPool | None:
        """Start workers for the run of ``ctx`` (its ``run_id`` is set); ``None`` when
        the run's own process does all the work.

        Raises:
            ConfigError: the executor cannot run here (a missing package, no cluster).
        """
