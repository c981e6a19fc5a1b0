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
| LIVE_ANSWER_RATE | ``2``: answers a second one participant may send, on average |
| LIVE_ANSWER_BURST | ``30``: answers one participant may send at once |
| LIVE_JOIN_GUESSES | ``30``: unknown join codes one client address may try a minute |
| LIVE_RATE_LIMITS | ``on``; ``off`` lifts every HTTP rate limit (load tests) |
| LIVE_RATE_LOGIN | ``10/minute``: login attempts per client address, and per email tried |
| LIVE_RATE_JOIN | ``20000/minute``: join pages, typed codes and QR codes per client address (a whole room may share one) |
| LIVE_RATE_API | ``60/minute``: calls per API token, per route |
| LIVE_RATE_API_ANONYMOUS | ``20/minute``: API calls without a valid token per client address |
| LIVE_RATE_SHARE | ``120/minute``: share pages (``/s/<token>``) per client address |
| LIVE_TRUSTED_PROXIES | ``0``: reverse proxies in front whose ``X-Forwarded-*`` headers are believed |
| LIVE_MAX_PARTICIPANTS | ``5000``: participants one session admits (``0``: no limit), counted in the database |
| LIVE_REDIS_PREFIX | ``live``: prefix of the Redis keys and channels (one per cluster sharing a Redis) |
| LIVE_RETENTION_DAYS | none (keep archives forever); N: sessions that ended more than N days ago are deleted |
| LIVE_ACTIVITY_KINDS | none: more activity kinds, as ``package.module:KIND`` (comma-separated); see docs/ACTIVITY_KINDS.md |
| LIVE_HTTP_HEADER_TIMEOUT | ``10``: seconds a client has to send a request's line and headers (``live serve``) |
| LIVE_HTTP_IDLE_TIMEOUT | ``15``: seconds a kept-alive connection waits for its next request (``live serve``) |
| LIVE_HTTP_BODY_TIMEOUT | ``60``: seconds a request body has to arrive; no read or write may stall longer (``live serve``) |
| LIVE_SLOW_REQUESTS_PER_ADDRESS | ``256``: requests not yet complete one client address may have at once (``0``: no cap; ``live serve``) |
| LIVE_TIMEZONE | the server's own zone when it has an IANA name (``TZ``, ``/etc/timezone``, ``/etc/localtime``), else ``UTC``: the zone dates and times are shown in |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ASYNC_MODES = ("gevent", "eventlet", "threading")
# The interface languages (Flask-Babel catalogues under live/translations).
LOCALES = ("en", "fr")
# One process holds about this many participants with room to spare (docs/DEPLOYMENT.md):
# a join code leaked to a crowd fills a session, it does not sink the server.
DEFAULT_MAX_PARTICIPANTS = 5000


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
    answer_rate: float = 2.0
    answer_burst: int = 30
    join_guesses_per_minute: int = 30
    rate_limits: bool = True
    rate_login: str = "10/minute"
    # Far above any real room: four page loads for every seat of a full session
    # (DEFAULT_MAX_PARTICIPANTS) in the same minute, all from one address.
    rate_join: str = "20000/minute"
    rate_api: str = "60/minute"
    rate_api_anonymous: str = "20/minute"
    rate_share: str = "120/minute"
    trusted_proxies: int = 0
    max_participants: int = DEFAULT_MAX_PARTICIPANTS
    redis_prefix: str = "live"
    retention_days: int | None = None
    # Built directly (tests), a server shows UTC; from_env defaults to the machine's zone.
    timezone: str = "UTC"
    # Activity kinds added from outside live (module:attribute references).
    activity_kinds: tuple[str, ...] = ()
    # Slow clients (live/serving.py): seconds, and a count per client address.
    http_header_timeout: float = 10.0
    http_idle_timeout: float = 15.0
    http_body_timeout: float = 60.0
    slow_requests_per_address: int = 256

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
            answer_rate=_positive(environ, "LIVE_ANSWER_RATE", 2.0),
            answer_burst=int(_positive(environ, "LIVE_ANSWER_BURST", 30, whole=True)),
            join_guesses_per_minute=int(_positive(environ, "LIVE_JOIN_GUESSES", 30, whole=True)),
            rate_limits=_switch(environ, "LIVE_RATE_LIMITS", True),
            rate_login=_rate(environ, "LIVE_RATE_LOGIN", "10/minute"),
            rate_join=_rate(environ, "LIVE_RATE_JOIN", cls.rate_join),
            rate_api=_rate(environ, "LIVE_RATE_API", "60/minute"),
            rate_api_anonymous=_rate(environ, "LIVE_RATE_API_ANONYMOUS", "20/minute"),
            rate_share=_rate(environ, "LIVE_RATE_SHARE", "120/minute"),
            trusted_proxies=_count(environ, "LIVE_TRUSTED_PROXIES"),
            max_participants=(
                _count(environ, "LIVE_MAX_PARTICIPANTS")
                if (environ.get("LIVE_MAX_PARTICIPANTS") or "").strip() else DEFAULT_MAX_PARTICIPANTS
            ),
            redis_prefix=(environ.get("LIVE_REDIS_PREFIX") or "").strip() or "live",
            retention_days=(
                int(_positive(environ, "LIVE_RETENTION_DAYS", 1, whole=True))
                if (environ.get("LIVE_RETENTION_DAYS") or "").strip() else None
            ),
            timezone=_timezone(environ),
            activity_kinds=tuple(
                part.strip() for part in (environ.get("LIVE_ACTIVITY_KINDS") or "").split(",") if part.strip()
            ),
            http_header_timeout=_positive(environ, "LIVE_HTTP_HEADER_TIMEOUT", 10.0),
            http_idle_timeout=_positive(environ, "LIVE_HTTP_IDLE_TIMEOUT", 15.0),
            http_body_timeout=_positive(environ, "LIVE_HTTP_BODY_TIMEOUT", 60.0),
            slow_requests_per_address=(
                _count(environ, "LIVE_SLOW_REQUESTS_PER_ADDRESS")
                if (environ.get("LIVE_SLOW_REQUESTS_PER_ADDRESS") or "").strip() else 256
            ),
        )


def _positive(environ: dict, name: str, default: float, whole: bool = False) -> float:
    """A positive number (a whole one with ``whole``) from ``name``, else ``default``."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = 0
    if not value > 0 or value == float("inf"):
        raise SystemExit(f"{name} must be a positive {'whole ' if whole else ''}number, not {raw!r}.")
    return value


def _switch(environ: dict, name: str, default: bool) -> bool:
    """``on``/``off`` (or true/false, 1/0, yes/no) from ``name``, else ``default``."""
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no"):
        return False
    raise SystemExit(f"{name} must be on or off, not {raw!r}.")


def _rate(environ: dict, name: str, default: str) -> str:
    """A rate limit such as ``10/minute`` or ``100 per hour; 5/second`` from ``name``, checked now
    so a typo stops the server at start rather than at the first request."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a rate such as 10/minute, not {raw!r}.") from None
    return raw


def _count(environ: dict, name: str) -> int:
    """A whole number, zero or more, from ``name`` (0 when unset)."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise SystemExit(f"{name} must be a whole number (0 or more), not {raw!r}.")
    return int(raw)


def _timezone(environ: dict) -> str:
    """The IANA zone dates are shown in: LIVE_TIMEZONE, checked now so a typo stops the
    server at start, else the machine's own zone when it has such a name, else UTC."""
    raw = (environ.get("LIVE_TIMEZONE") or "").strip()
    if not raw:
        return _local_timezone(environ) or "UTC"
    if raw != "UTC" and not _known_timezone(raw):  # UTC needs no time zone database
        raise SystemExit(f"LIVE_TIMEZONE must be a time zone name such as Europe/Paris or UTC, not {raw!r}.")
    return raw


def _known_timezone(name: str) -> bool:
    """True when both zoneinfo (our own conversions) and pytz (Flask-Babel's) know ``name``."""
    import zoneinfo

    import pytz

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return name in pytz.all_timezones_set


def _local_timezone(environ: dict) -> str | None:
    """The machine's zone as an IANA name (from ``TZ``, Debian's ``/etc/timezone`` or the
    ``/etc/localtime`` link), or None: a bare offset would show wrong dates half the year."""
    candidates = [(environ.get("TZ") or "").strip().lstrip(":")]
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "/zoneinfo/" in target:
            candidates.append(target.split("/zoneinfo/", 1)[1])
    return next((name for name in candidates if name and _known_timezone(name)), None)


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
