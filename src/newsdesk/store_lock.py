"""One pipeline run at a time per store: a lock row in the database.

Two runs working on one store at once would both assign the same documents, write the
same stories twice and leave counts that match neither, so every pipeline command
(``ingest``, ``cluster``, ``write``, ``publish``, ``run``) takes this lock before it
touches anything and gives it back when it ends. Reading commands (``serve``,
``stats``, ``entity``, ``config``) never take it.

The lock is a row of the ``store_lock`` table, so it works the same on SQLite and
PostgreSQL and lives exactly as long as the data it protects. The row names its holder:
the host, the pid and the process's start time (so a pid reused by an unrelated process
is not mistaken for the holder), and a heartbeat the holder refreshes every
``lock.heartbeat`` seconds from a background thread.

A second run finds the row and either waits (``lock.wait`` seconds, polling) or refuses
with :class:`~newsdesk.errors.StoreLockedError`, which names the holder. A lock whose
holder is gone is taken over, with a warning in the log:

- on the same host, when no process with that pid and start time is running any more
  (a run killed with ``kill -9``, a crashed machine);
- from another host (a shared PostgreSQL store), when the heartbeat is older than
  ``lock.stale_after`` seconds, since another host's processes cannot be seen.

Taking the lock and taking it over are single conditional statements (an insert that
fails on the primary key, an update that names the previous owner), so of two runs
racing for a free or stale lock exactly one wins.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from newsdesk.builtin.store_models import StoreLockRow
from newsdesk.errors import StoreLockedError
from newsdesk.records import utcnow

log = logging.getLogger(__name__)
LOCK_NAME = "pipeline"
POLL_SECONDS = 0.5


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks since boot) of a Linux process, or ``None``
    when /proc does not have it (no such process, or not Linux)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces or parentheses.
    fields = raw[raw.rfind(")") + 2:].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def process_identity(pid: int | None = None) -> str:
    """``host:pid:start`` for a process (default: this one); ``start`` is empty where the
    start time cannot be read."""
    pid = os.getpid() if pid is None else pid
    stat = _proc_stat(pid)
    return f"{socket.gethostname()}:{pid}:{stat[1] if stat else ''}"


def holder_alive(owner: str, host: str, pid: int) -> bool | None:
    """Whether the holder named by ``owner`` still runs: ``True``/``False`` on this
    host, ``None`` (cannot tell) for another host."""
    if host != socket.gethostname():
        return None
    stat = _proc_stat(pid)
    if stat is not None:
        state, start = stat
        recorded = owner.rsplit(":", 1)[-1]
        # A zombie has exited; a different start time means the pid was reused.
        return state not in {"Z", "X"} and (not recorded or recorded == start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


@dataclass
class Holder:
    """Who holds the lock, as read from its row."""

    owner: str
    host: str
    pid: int
    command: str
    acquired_at: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        """A line a user can act on: which process, where, since when."""
        return (f"`newsdesk {self.command}` (pid {self.pid} on {self.host}, started "
                f"{self.acquired_at:%Y-%m-%d %H:%M:%S} UTC, last heartbeat "
                f"{self.heartbeat_at:%H:%M:%S} UTC)")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def current_holder(engine: Engine) -> Holder | None:
    """The lock's holder, or ``None`` when the lock is free."""
    with engine.connect() as connection:
        row = connection.execute(select(StoreLockRow.__table__)
                                 .where(StoreLockRow.name == LOCK_NAME)).mappings().first()
    if row is None:
        return None
    return Holder(row["owner"], row["host"], row["pid"], row["command"],
                  _utc(row["acquired_at"]), _utc(row["heartbeat_at"]))


def stale_reason(holder: Holder, stale_after: float, now: datetime | None = None) -> str:
    """Why ``holder``'s lock may be taken over ("" when it may not)."""
    alive = holder_alive(holder.owner, holder.host, holder.pid)
    if alive is False:
        return f"process {holder.pid} on {holder.host} is no longer running"
    if alive is None:
        age = ((now or utcnow()) - holder.heartbeat_at).total_seconds()
        if age > stale_after:
            return f"no heartbeat from {holder.host} for {age:.0f} s (limit {stale_after:.0f} s)"
    return ""


class StoreLock:
    """The store's pipeline lock, held by this process between :meth:`acquire` and
    :meth:`release` (also a context manager)."""

    def __init__(self, engine: Engine, command: str, *, wait: float = 0.0,
                 heartbeat: float = 30.0, stale_after: float = 600.0) -> None:
        self.engine = engine
        self.command = command
        self.wait = wait
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.owner = process_identity()
        self.lost = False  # set when another process took the lock over from us
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> StoreLock:
        """Take the lock, waiting up to ``wait`` seconds for a live holder to finish.

        Raises:
            StoreLockedError: a live process still holds it after the wait.
        """
        deadline = time.monotonic() + max(self.wait, 0.0)
        announced = False
        while True:
            holder = current_holder(self.engine)
            if holder is None:
                if self._insert():
                    break
                continue  # another run took it between our read and our insert
            if holder.owner == self.owner:
                break  # this process holds it already
            reason = stale_reason(holder, self.stale_after)
            if reason:
                if self._take_over(holder):
                    log.warning("took over the store lock of %s: %s", holder.describe(), reason)
                    break
                continue
            if time.monotonic() >= deadline:
                waited = f" after waiting {self.wait:g} s" if self.wait > 0 else ""
                raise StoreLockedError(
                    f"another newsdesk run is working on this store{waited}: "
                    f"{holder.describe()}. Wait for it to finish, stop it, or set "
                    f"lock.wait (NEWSDESK_LOCK_WAIT) to wait longer.", holder.describe())
            if not announced:
                log.info("waiting up to %g s for %s to release the store",
                         self.wait, holder.describe())
                announced = True
            time.sleep(min(POLL_SECONDS, max(deadline - time.monotonic(), 0.01)))
        self._start_heartbeat()
        return self

    def _values(self) -> dict[str, object]:
        host, pid, _ = self.owner.split(":", 2)
        now = utcnow()
        return {"owner": self.owner, "host": host, "pid": int(pid), "command": self.command,
                "acquired_at": now, "heartbeat_at": now}

    def _insert(self) -> bool:
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(StoreLockRow),
                                   {"name": LOCK_NAME, **self._values()})
        except IntegrityError:
            return False
        return True

    def _take_over(self, holder: Holder) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(
                update(StoreLockRow)
                .where(StoreLockRow.name == LOCK_NAME, StoreLockRow.owner == holder.owner)
                .values(**self._values()))
        return bool(result.rowcount == 1)

    def _start_heartbeat(self) -> None:
        if self.heartbeat <= 0:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name="newsdesk-store-lock",
                                        daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                self.beat()
            except SQLAlchemyError as exc:  # busy database: the next beat tries again
                log.debug("store lock heartbeat failed: %s", exc)

    def beat(self) -> None:
        """Show the lock's holder is alive; notes (``lost``) when the lock was taken over."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(StoreLockRow)
                .where(StoreLockRow.name == LOCK_NAME, StoreLockRow.owner == self.owner)
                .values(heartbeat_at=utcnow()))
        if result.rowcount != 1 and not self.lost:
            self.lost = True
            log.error("the store lock was taken over by another run: this run's work may "
                      "now clash with it")

    def release(self) -> None:
        """Give the lock back (only if this process still holds it)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(StoreLockRow).where(
                    StoreLockRow.name == LOCK_NAME, StoreLockRow.owner == self.owner))
        except SQLAlchemyError as exc:
            log.warning("could not release the store lock (the next run will take it "
                        "over): %s", exc)

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

