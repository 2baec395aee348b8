"""A throwaway PostgreSQL server for the tests, from the machine's PostgreSQL binaries
or from the ``pgserver`` wheel's.

Two kinds of server:

- Debian's PostgreSQL (``/usr/lib/postgresql/<version>/bin``, or ``NEWSDESK_PG_BIN``):
  the server the store's contract tests run on. Debian bookworm packages no pgvector
  for it, so it is also the server *without* pgvector (the store's fallback);
- the PostgreSQL 16 that the ``pgserver`` wheel (PyPI, in the ``test`` extra) ships with
  the ``vector`` extension built in (``pgserver/pginstall/bin``, ``lib/postgresql/
  vector.so``, ``share/postgresql/extension/vector*``), or ``NEWSDESK_PGVECTOR_BIN``:
  the server with pgvector. Only its binaries are used, started the same way as
  Debian's; pgserver's own Python server manager is not. The binaries find their
  libraries through their RPATH (``$ORIGIN/../../../pgserver.libs``) and their
  extension files relative to themselves, so they run from the virtualenv as they are.

The cluster is created with ``initdb`` in a temporary folder and listens only on a Unix
socket there (``listen_addresses`` empty: no TCP port, so runs side by side never
collide). Each test gets a database of its own (:meth:`PostgresServer.new_database`),
so one server serves a whole pytest session. ``make test`` installs Debian's
``postgresql`` package when the binaries are missing; without them (or without psycopg)
the PostgreSQL tests skip, naming what is missing.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def pgvector_binaries() -> Path | None:
    """The folder of a PostgreSQL with pgvector: ``NEWSDESK_PGVECTOR_BIN`` when set, else
    the ``pgserver`` wheel's ``pginstall/bin`` when it is installed, else ``None``."""
    if os.environ.get("NEWSDESK_PGVECTOR_BIN"):
        folder = Path(os.environ["NEWSDESK_PGVECTOR_BIN"])
        return folder if (folder / "initdb").is_file() else None
    # Found without importing pgserver: only its files are wanted.
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "pginstall" / "bin"
        if (folder / "initdb").is_file() and (folder.parent / "lib" / "postgresql"
                                               / "vector.so").is_file():
            return folder
    return None


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``postgres``: ``NEWSDESK_PG_BIN`` when set, else
    the newest Debian install (``/usr/lib/postgresql/<version>/bin``), else ``None``."""
    if os.environ.get("NEWSDESK_PG_BIN"):
        folder = Path(os.environ["NEWSDESK_PG_BIN"])
        return folder if (folder / "initdb").is_file() else None
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


def unavailable_reason(with_pgvector: bool = False) -> str:
    """Why a test server (one with pgvector when asked) cannot be started here ("" when
    it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'newsdesk[postgres]')"
    if with_pgvector and pgvector_binaries() is None:
        return ("no PostgreSQL with pgvector: pip install pgserver (the test extra), or set "
                "NEWSDESK_PGVECTOR_BIN to a PostgreSQL bin folder whose server has the "
                "vector extension")
    if not with_pgvector and server_binaries() is None:
        return ("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install "
                "postgresql, or set NEWSDESK_PG_BIN)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing (PostgreSQL refuses to run as root)"
    if os.geteuid() == 0 and not _postgres_user():
        return "running as root and there is no postgres user to run PostgreSQL as"
    binaries = pgvector_binaries() if with_pgvector else server_binaries()
    assert binaries is not None
    # The binaries must start for the user the server runs as: a folder that user
    # cannot read, or a library that does not load, shows here rather than as a
    # failed test.
    try:
        ran = subprocess.run(_as_postgres([str(binaries / "postgres"), "--version"]),
                             capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:
        return f"{binaries / 'postgres'} does not run: {exc}"
    if ran.returncode != 0:
        return f"{binaries / 'postgres'} does not run: {ran.stderr.strip()[-500:]}"
    return ""


def _postgres_user() -> bool:
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; run it as the postgres user then (Debian's
    # package creates that user). pgserver's binaries live in the virtualenv, which the
    # postgres user can read and run as long as its folders are world-readable (a
    # virtualenv's are, under the usual umask).
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    """One PostgreSQL cluster on a Unix socket in a temporary folder."""

    def __init__(self, binaries: Path | None = None, durable: bool = False) -> None:
        """Start a server from ``binaries`` (default: :func:`server_binaries`); with
        ``durable``, with PostgreSQL's own durability settings (fsync, synchronous
        commit, full page writes), as a benchmark wants them."""
        binaries = binaries or server_binaries()
        if binaries is None:
            raise RuntimeError(unavailable_reason())
        # Not under pytest's temporary folder: that is private to this user, and the
        # server may run as the postgres user.
        self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        self.root.chmod(0o777)
        data, self.socket = self.root / "data", self.root / "sock"
        self.socket.mkdir()
        self.socket.chmod(0o777)
        self._names = itertools.count(1)
        self._bin, self._data = binaries, data
        made = subprocess.run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-U",
                                            "postgres", "--auth=trust", "-E", "UTF8",
                                            "--locale=C.UTF-8"]),
                              capture_output=True, text=True, timeout=180, check=False)
        if made.returncode != 0:
            shutil.rmtree(self.root, ignore_errors=True)
            raise RuntimeError(f"initdb failed: {made.stderr.strip()[-2000:]}")
        # fsync off: a test database need not survive a power cut, and the machine is
        # shared; max_connections covers several stores open at once in one test.
        fast = [] if durable else ["-c", "fsync=off", "-c", "synchronous_commit=off",
                                   "-c", "full_page_writes=off"]
        self._process = subprocess.Popen(
            _as_postgres([str(binaries / "postgres"), "-D", str(data), "-k", str(self.socket),
                          "-c", "listen_addresses=", *fast, "-c", "max_connections=200"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not list(self.socket.glob(".s.PGSQL.*")):
            if self._process.poll() is not None:
                self.stop()
                raise RuntimeError("PostgreSQL exited while starting")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("PostgreSQL did not start within 120 s")
            time.sleep(0.2)
        self.port = next(self.socket.glob(".s.PGSQL.*")).suffix.lstrip(".")
        self._wait_until_accepting(deadline)

    @property
    def pid(self) -> int:
        """The process the server was started as (the server, or the ``runuser`` that
        runs it as the postgres user: its parent)."""
        return self._process.pid

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}&port={self.port}"

    def _connect(self, database: str = "postgres") -> object:
        import psycopg

        return psycopg.connect(host=str(self.socket), port=self.port, user="postgres",
                               dbname=database, autocommit=True)

    def _wait_until_accepting(self, deadline: float) -> None:
        import psycopg

        while True:
            try:
                self._connect().close()  # type: ignore[attr-defined]
                return
            except psycopg.OperationalError:  # the socket exists before startup ends
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def new_database(self, prefix: str = "t") -> str:
        """Create an empty database and return its URL."""
        name = f"{prefix}_{next(self._names)}"
        connection = self._connect()
        try:
            connection.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
        finally:
            connection.close()  # type: ignore[attr-defined]
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self._process.poll() is None:
            # Fast shutdown (connections a test left open are closed), through pg_ctl:
            # a signal to runuser would reach the server only as SIGTERM, which waits.
            subprocess.run(_as_postgres([str(self._bin / "pg_ctl"), "-D", str(self._data),
                                         "-m", "fast", "-w", "stop"]),
                           capture_output=True, timeout=120, check=False)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)
