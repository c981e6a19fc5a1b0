"""Configuration from the environment (and a ``.env`` file in the working folder).

| variable | default |
| --- | --- |
| LIVE_DATABASE_URL | SQLite file ``data/live.sqlite3`` |
| LIVE_ARCHIVE_DIR | ``sessions/`` |
| LIVE_SECRET_KEY | random, kept in ``data/secret_key`` so tokens survive restarts |
| LIVE_REDIS_URL | none (one process) |
| LIVE_ASYNC_MODE | ``gevent`` (or ``eventlet``, ``threading``) |
| LIVE_PUBLIC_URL | the address the request came in on |
| LIVE_DATA_DIR | ``data/`` |
| LIVE_PROFANITY_FILE | none: more words for the word-cloud filter, one per line (``!word`` lifts one) |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ASYNC_MODES = ("gevent", "eventlet", "threading")


@dataclass(frozen=True)
class Settings:
    """Every setting of a live server; tests build one directly."""

    database_url: str
    archive_dir: Path
    secret_key: str
    redis_url: str | None = None
    async_mode: str = "gevent"
    public_url: str | None = None
    data_dir: Path = Path("data")
    profanity_file: Path | None = None
    testing: bool = False

    @classmethod
    def from_env(cls, environ: dict | None = None) -> "Settings":
        """Read the ``LIVE_*`` variables, loading ``.env`` first when present."""
        if environ is None:
            from dotenv import load_dotenv

            load_dotenv(Path.cwd() / ".env")
            environ = dict(os.environ)
        data_dir = Path(environ.get("LIVE_DATA_DIR") or "data").resolve()
        async_mode = (environ.get("LIVE_ASYNC_MODE") or "gevent").strip().lower()
        if async_mode not in ASYNC_MODES:
            raise SystemExit(f"LIVE_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, not {async_mode!r}.")
        public_url = (environ.get("LIVE_PUBLIC_URL") or "").strip().rstrip("/") or None
        return cls(
            database_url=environ.get("LIVE_DATABASE_URL") or f"sqlite:///{data_dir / 'live.sqlite3'}",
            archive_dir=Path(environ.get("LIVE_ARCHIVE_DIR") or "sessions").resolve(),
            secret_key=environ.get("LIVE_SECRET_KEY") or _stored_secret_key(data_dir),
            redis_url=environ.get("LIVE_REDIS_URL") or None,
            async_mode=async_mode,
            public_url=public_url,
            data_dir=data_dir,
            profanity_file=Path(environ["LIVE_PROFANITY_FILE"]).resolve() if environ.get("LIVE_PROFANITY_FILE") else None,
        )


def _stored_secret_key(data_dir: Path) -> str:
    """A random key made once and kept, so participant and host tokens survive a restart."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
