"""HTTP rate limits (Flask-Limiter): who may knock how often, and on which door.

Each limit is keyed by what it protects, never only by address where a whole
venue shares one:
- login: attempts per client address, and per email tried (a slow guesser who
  changes address still meets the second);
- join page, typed codes, QR codes: a budget per address far above any real
  room (a whole room often shares one address: venue Wi-Fi, a school's
  gateway, a carrier's NAT), and a strict one for unknown codes, counted only
  when the answer is a 404, so guessing codes is slow. Once an address has
  used that up, the codes it already opened stay open to it, so a few typos
  in a crowd (or a guesser on the same Wi-Fi) do not shut the room out of
  its own session. The defences against a crowd of fake phones are the
  host's, not the address's: live/domain/joins.py;
- API: calls per API token (an integration behind a shared address is not
  slowed by its neighbours), and calls without a valid token per address;
- share pages (``/s/<token>``, no account needed): views per address, generous
  enough for a class opening the link together, low enough that nobody can keep
  the server busy with them.

The counters live in memory (one process) or in Redis when ``LIVE_REDIS_URL``
is set, so several processes share them. While Redis is unreachable, each
process counts the same limits in its own memory (one line in the log when
that starts, one when Redis answers again), so an outage never lifts them. ``LIVE_RATE_LIMITS=off`` lifts them
all (load tests). Socket.IO traffic is not limited here: it never reaches a
Flask view (see live/realtime/handlers.py for answers and join codes).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address

from live.config import Settings
from live.domain.codes import normalise_join_code
from live.domain.ratelimit import KnownCodes
from live.extensions import limiter

log = logging.getLogger(__name__)

# Shared scopes: one counter across several routes.
JOIN_SCOPE = "join"
UNKNOWN_CODE_SCOPE = "unknown-code"
API_ANONYMOUS_SCOPE = "api-anonymous"


def init_app(app: Flask, settings: Settings) -> None:
    """Configure the limits from ``settings`` and bind the limiter to ``app``."""
    app.config.update(
        # Always explicit: the limiter object is shared by every app of the process
        # (tests build many), and it remembers the last value it saw.
        RATELIMIT_ENABLED=settings.rate_limits,
        RATELIMIT_STORAGE_URI=_storage_uri(settings.redis_url),
        RATELIMIT_STRATEGY="fixed-window",
        LIVE_RATE_LOGIN=settings.rate_login,
        LIVE_RATE_JOIN=settings.rate_join,
        LIVE_RATE_UNKNOWN_CODES=f"{settings.join_guesses_per_minute}/minute",
        LIVE_RATE_API=settings.rate_api,
        LIVE_RATE_API_ANONYMOUS=settings.rate_api_anonymous,
        LIVE_RATE_SHARE=settings.rate_share,
    )
    # In this process's memory, like the Socket.IO guess throttle: with several
    # processes each learns a room's code from the room's first page loads.
    app.extensions["live_opened_codes"] = KnownCodes()
    limiter.init_app(app)
    if settings.redis_url:
        app.after_request(_StorageWatch())


class _StorageWatch:
    """Logs, once each, when the rate limits start counting in this process's
    memory because Redis is unreachable, and when they count in Redis again."""

    def __init__(self) -> None:
        self.in_memory = False

    def __call__(self, response):
        in_memory = limiter.limiter.storage is not limiter.storage
        if in_memory != self.in_memory:
            self.in_memory = in_memory
            if in_memory:
                log.warning("Redis is unreachable: HTTP rate limits now count in this process's memory "
                            "(each process on its own) until it answers again")
            else:
                log.warning("Redis answers again: HTTP rate limits count in Redis again")
        return response


def _storage_uri(redis_url: str | None) -> str:
    """Redis when several processes share the work, so a limit holds across them."""
    if redis_url and redis_url.startswith(("redis://", "rediss://", "unix://")):
        return redis_url
    return "memory://"


def _configured(name: str):
    """A limit read from the app's configuration at each request (apps differ in tests)."""
    return lambda: current_app.config[name]


def email_tried() -> str:
    """The login form's email, folded and hashed (no address is kept in the counters)."""
    email = (request.form.get("email") or "").strip().casefold()
    return "email:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()[:32]


def api_caller() -> str:
    """The API token of the request, keyed (the token itself never reaches the
    counters), or the client address when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return "address:" + get_remote_address()
    digest = hmac.new(current_app.secret_key.encode(), token.encode("utf-8", "replace"), hashlib.sha256)
    return "token:" + digest.hexdigest()[:32]


def _not_found(response) -> bool:
    return response.status_code == 404


def _unauthorised(response) -> bool:
    return response.status_code == 401


def _authorised(response) -> bool:
    return response.status_code != 401


def login_attempts(view):
    """POSTs to the login form: per client address, and per email tried."""
    view = limiter.limit(_configured("LIVE_RATE_LOGIN"), methods=["POST"])(view)
    return limiter.limit(_configured("LIVE_RATE_LOGIN"), key_func=email_tried, methods=["POST"])(view)


def join_attempts(view):
    """Join pages, typed codes and QR codes: a shared budget per address, and a
    strict one for codes that do not exist (only 404 answers count), which the
    codes this address already opened skip."""
    view = limiter.shared_limit(_configured("LIVE_RATE_JOIN"), scope=JOIN_SCOPE)(view)
    return limiter.shared_limit(
        _configured("LIVE_RATE_UNKNOWN_CODES"), scope=UNKNOWN_CODE_SCOPE, deduct_when=_not_found,
        exempt_when=_opened_before,
    )(view)


def _requested_code() -> str:
    """The join code a join route was asked for (``/j/<code>``, ``/qr/<code>.svg``, ``/join?code=``)."""
    raw = (request.view_args or {}).get("code") or request.args.get("code") or ""
    return normalise_join_code(raw) if isinstance(raw, str) else ""


def _opened_before() -> bool:
    code = _requested_code()
    return bool(code) and current_app.extensions["live_opened_codes"].knows(get_remote_address(), code)


def opened(code: str) -> None:
    """The client of this request opened session ``code``: it stays open to its
    address even once the address has tried too many unknown codes."""
    current_app.extensions["live_opened_codes"].add(get_remote_address(), code)


def api_calls(view):
    """API routes: calls per token (counted when the token was good), and calls
    without a valid token per address (counted on each 401)."""
    view = limiter.limit(_configured("LIVE_RATE_API"), key_func=api_caller, deduct_when=_authorised)(view)
    return limiter.shared_limit(
        _configured("LIVE_RATE_API_ANONYMOUS"), scope=API_ANONYMOUS_SCOPE, deduct_when=_unauthorised
    )(view)


def share_views(view):
    """Share pages: views per client address (any answer counts, a 404 included)."""
    return limiter.limit(_configured("LIVE_RATE_SHARE"))(view)


def retry_after() -> int:
    """Seconds until the limit this request broke lets it through again (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    try:
        return max(1, int(current.reset_at - time.time()))
    except Exception:  # noqa: BLE001 - the storage may be unreachable; a guess is fine
        return 60
