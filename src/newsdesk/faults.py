"""Named checkpoints in the pipeline where a crash test can kill the process.

The stages call :func:`checkpoint` right after each unit of work is committed (an
entry stored, a document deduplicated, a batch embedded, a document assigned, a story
finished, an article written, a page published). Normally it only counts. With

    NEWSDESK_TEST_KILL_AT=assign:3        at the 3rd "assign" checkpoint of this process
    NEWSDESK_TEST_KILL_AT=any:40          at the 40th checkpoint of any name
    NEWSDESK_TEST_KILL_AT=assign:3+0.02   0.02 s after the 3rd "assign" checkpoint,
                                          wherever the process is by then

in the environment the process sends itself SIGKILL: no ``finally`` block, no atexit
handler and no buffered write runs, exactly as under ``kill -9`` or a power cut. The
delayed form lands inside the next unit of work (in the middle of a transaction, a
model call or a file write) rather than between two.
``NEWSDESK_TEST_CHECKPOINTS=FILE`` appends each checkpoint's name to FILE, so a test
can see how many of each a run passes. ``tests/test_kill_resume.py`` uses both.

A run with several workers (``--workers N``) gives its worker processes an environment
without ``NEWSDESK_TEST_KILL_AT``, except that ``NEWSDESK_TEST_WORKER_KILL_AT=SPEC``
becomes the first worker's ``NEWSDESK_TEST_KILL_AT=SPEC`` (see
:func:`worker_environment`): a test can kill one worker and let the run go on.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

KILL_ENV = "NEWSDESK_TEST_KILL_AT"
WORKER_KILL_ENV = "NEWSDESK_TEST_WORKER_KILL_AT"
LOG_ENV = "NEWSDESK_TEST_CHECKPOINTS"
#: Every checkpoint name the pipeline passes, in pipeline order.
#: (``extract``, ``annotate`` and ``draft``: a worker stored its result for a claimed
#: item or batch; ``fetch``, ``embed`` and ``write``: that result was stored in order.)
NAMES = ("discover", "extract", "fetch", "dedupe", "annotate", "embed", "assign", "story",
         "draft", "write", "relate", "publish")

_passed: Counter[str] = Counter()


def _target() -> tuple[str, int, float] | None:
    spec = os.environ.get(KILL_ENV, "")
    name, _, rest = spec.partition(":")
    number, _, delay = rest.partition("+")
    if not name or not number.isdigit():
        return None
    return name, int(number), float(delay or 0)


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def checkpoint(name: str) -> None:
    """Count a passed checkpoint; kill the process here if the environment asks for it."""
    _passed[name] += 1
    _passed["any"] += 1
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")
    target = _target()
    if target is not None and _passed[target[0]] == target[1]:
        if target[2] <= 0:
            _kill()
        timer = threading.Timer(target[2], _kill)
        timer.daemon = True
        timer.start()


def worker_environment(index: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a run's worker process number ``index`` (from 1): this
    process's, with the kill spec meant for workers given to worker 1 only."""
    env = dict(os.environ if base is None else base)
    env.pop(KILL_ENV, None)
    spec = env.pop(WORKER_KILL_ENV, "")
    if spec and index == 1:
        env[KILL_ENV] = spec
    return env


def passed() -> dict[str, int]:
    """How many checkpoints of each name this process has passed (``any``: in all)."""
    return dict(_passed)
