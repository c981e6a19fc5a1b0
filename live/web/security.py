"""Security headers on every response: a strict CSP (``script-src 'self'``, no
inline script or style), no framing, no MIME sniffing, no referrer leaks."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def register(app: Flask) -> None:
    """Add the headers to every response of ``app``."""

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def trust_proxies(app: Flask, count: int) -> None:
    """Believe ``X-Forwarded-For``/``-Proto``/``-Host``/``-Port`` as set by the
    ``count`` reverse proxies in front (LIVE_TRUSTED_PROXIES), and nothing more:
    with no proxy configured a client could otherwise pick its own address and
    walk around every rate limit. Wraps the whole WSGI app, Socket.IO included,
    so call it after ``socketio.init_app``."""
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)
