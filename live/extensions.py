"""Unbound Flask extensions, bound to an app in ``live.app.create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

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
