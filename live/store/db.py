"""Engine set-up and migrations.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a commit is in the OS page
cache before the ack, so a killed process loses nothing (only a power cut could).

SQLite waits for another connection's write lock (``SQLITE_BUSY``) in Python,
not in SQLite's own busy handler: that one sleeps inside a C call, which under
gevent freezes every other request of the process, pages that need no
database included (a lock held 12 s by another process froze them all, and at
40 s every phone was disconnected). Here SQLite gives up at once and the
statement is tried again after a short ``time.sleep``, which gevent and
eventlet make cooperative, for up to ``BUSY_PATIENCE_SECONDS`` as before.
Trying the statement again is safe: in WAL mode a write statement that got
``SQLITE_BUSY`` has written nothing (a ``SQLITE_BUSY_SNAPSHOT``, whose
transaction must start over, is not retried).
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    """Now, as naive UTC (what every timestamp column holds)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme spelling the user gave."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file and its folder are created on first use."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={
            "timeout": 0,  # SQLite's own busy wait would block the event loop: PatientConnection waits instead
            "check_same_thread": False,
            "factory": PatientConnection,
        })
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# As long as SQLite's busy handler waited before (busy_timeout=30000).
BUSY_PATIENCE_SECONDS = 30.0
FIRST_PAUSE_SECONDS = 0.001
LONGEST_PAUSE_SECONDS = 0.05
RETRIED_ERRORS = ("SQLITE_BUSY", "SQLITE_BUSY_RECOVERY", "SQLITE_BUSY_TIMEOUT")


def _locked(error: sqlite3.OperationalError) -> bool:
    """True when ``error`` only says another connection holds a lock for now."""
    name = getattr(error, "sqlite_errorname", None)
    return name in RETRIED_ERRORS if name else "database is locked" in str(error)


def _patiently(operation, *args, wrote_nothing=lambda: True):
    """``operation(*args)``, tried again after a short cooperative sleep while
    SQLite says the database is locked, for up to ``BUSY_PATIENCE_SECONDS``."""
    deadline = None
    pause = FIRST_PAUSE_SECONDS
    while True:
        try:
            return operation(*args)
        except sqlite3.OperationalError as error:
            if not _locked(error) or not wrote_nothing():
                raise
            now = time.monotonic()
            deadline = deadline or now + BUSY_PATIENCE_SECONDS
            if now >= deadline:
                raise
            # Looked up at each call: gevent and eventlet patch it into a cooperative sleep.
            time.sleep(min(pause, deadline - now))
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)


class PatientCursor(sqlite3.Cursor):
    """A cursor whose statements wait for another connection's lock cooperatively."""

    def execute(self, sql, parameters=()):
        return _patiently(super().execute, sql, parameters)

    def executemany(self, sql, parameters):
        rows = parameters if isinstance(parameters, (list, tuple)) else list(parameters)
        changes = self.connection.total_changes
        # Tried again only if no row was written (in WAL mode, only the first can meet the lock).
        return _patiently(super().executemany, sql, rows,
                          wrote_nothing=lambda: self.connection.total_changes == changes)


class PatientConnection(sqlite3.Connection):
    """A SQLite connection (SQLAlchemy's ``connect_args`` ``factory``) whose cursors
    and commits wait for another connection's lock without blocking the event loop."""

    def cursor(self, factory=PatientCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=()):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters):
        return self.cursor().executemany(sql, parameters)

    def commit(self):
        # A COMMIT that met a lock leaves the transaction open: trying again is safe.
        return _patiently(super().commit)


def make_sessionmaker(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded objects readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


# Any fixed number: the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK = 0x6C697665  # "live"


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes starting at once on a fresh database (scripts/cluster,
            # gunicorn): one migrates while the others wait, then find nothing to do.
            # The lock is released when this transaction ends.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
