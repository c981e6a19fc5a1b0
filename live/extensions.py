"""Unbound Flask extensions, bound to an app in ``live.app.create_app``, and the
service locator: ``services()`` gives the current app's live services (settings,
database, runtime, the port to live screens), which routes and handlers reach
without importing the app factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import sessionmaker

    from live.config import Settings
    from live.offload import Offload
    from live.services.archive_pages import SummaryPages
    from live.services.ports import LiveScreens
    from live.services.runtime import Runtime
    from live.store.committer import GroupCommitter

socketio = SocketIO()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
# HTTP rate limits, configured and bound in live.web.limits. Each limit picks its
# key (address, email tried, API token); the default is the client address, which
# ProxyFix rewrites from X-Forwarded-For only when LIVE_TRUSTED_PROXIES says so.
# in_memory_fallback_enabled: while Redis is unreachable the same limits count in
# this process's memory (live.web.limits logs the switch), so an outage neither
# fails requests nor lifts the limits; swallow_errors covers what is left (Redis
# lost between the check of a request and its count).
limiter = Limiter(
    key_func=get_remote_address, key_prefix="live", headers_enabled=False,
    in_memory_fallback_enabled=True, swallow_errors=True,
)


@dataclass
class Services:
    """What routes and handlers reach through ``services()``."""

    settings: "Settings"
    engine: "Engine"
    sessions: "sessionmaker"
    committer: "GroupCommitter"
    runtime: "Runtime"
    # Telling live screens (the realtime layer's delivery, behind a port).
    screens: "LiveScreens"
    # Runs CPU-heavy work (layouts, archives, zips) away from the event loop (live/offload.py).
    offload: "Offload" = None
    # Archived summaries as the pages show them, drawn once (live/services/archive_pages.py).
    pages: "SummaryPages | None" = None
    # Per-app state of the realtime layer (connections by socket, join throttle, pusher).
    realtime: dict = field(default_factory=dict)


def services() -> Services:
    """The live services of the current app."""
    return current_app.extensions["live"]
