"""Engine set-up and migrations.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a commit is in the OS page
cache before the ack, so a killed process loses nothing (only a power cut could).
"""

from __future__ import annotations

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
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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
