"""Local executor: ``--workers N`` runs N-1 worker processes beside the run's own.

Each worker is ``newsdesk worker --run ID`` in a process of its own (both cores work;
no shared interpreter lock), given the run's resolved settings on its standard input,
so it fetches, embeds and writes exactly as the run would. Workers stop when the run
ends, when it is stopped, or when its process is gone.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from newsdesk import faults
from newsdesk.backends.executor import Executor

if TYPE_CHECKING:
    from newsdesk.pipeline import Context
    from newsdesk.work import WorkerPool

log = logging.getLogger(__name__)


class LocalPool:
    """Worker processes on this machine; the run's own process works beside them."""

    coordinator_works = True

    def __init__(self, ctx: Context, helpers: int) -> None:
        payload = json.dumps({"settings": ctx.settings.as_dict()}, default=str)
        self.processes: list[subprocess.Popen[bytes]] = []
        self._reported: set[int] = set()
        for index in range(1, helpers + 1):
            process = subprocess.Popen(
                [sys.executable, "-m", "newsdesk.cli.main", "-q", "worker",
                 "--run", str(ctx.run_id), "--parent", str(os.getpid()), "--settings-stdin"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                env=faults.worker_environment(index))
            assert process.stdin is not None
            process.stdin.write(payload.encode("utf-8"))
            process.stdin.close()
            self.processes.append(process)
        for process in self.processes:
            # Each worker says "ready" once it has the store open (or ends): the run's
            # queues open after that, so every worker can take part from the start.
            assert process.stdout is not None
            process.stdout.readline()
            process.stdout.close()
        log.info("started %d worker processes beside this one", helpers)

    def opened(self, queue: str) -> None:
        """Local workers look for open queues themselves."""

    def working(self) -> int:
        """Worker processes still running."""
        alive = 0
        for process in self.processes:
            code = process.poll()
            if code is None:
                alive += 1
            elif process.pid not in self._reported:
                self._reported.add(process.pid)
                log.warning("worker process %d ended with %s; its claims are taken again",
                            process.pid, code)
        return alive

    def closed(self, queue: str) -> None:
        """Nothing to wait for: the queue's results are all stored."""
        self.working()

    def stop(self) -> None:
        """Ask every worker to stop (SIGTERM: each gives its claims back), then wait."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class LocalExecutor(Executor):
    """``work.executor = "local"``: worker processes on this machine."""

    name = "local"

    def start(self, ctx: Context) -> WorkerPool | None:
        """See :meth:`Executor.start`."""
        helpers = self.options.workers - 1
        return LocalPool(ctx, helpers) if helpers > 0 else None
