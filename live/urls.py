"""Addresses: where phones reach this server."""

from __future__ import annotations

from flask import current_app, request

from live.extensions import services


def public_base_url() -> str:
    """The address phones use: LIVE_PUBLIC_URL, else the one this request came in on."""
    configured = services().settings.public_url
    if configured:
        return configured
    # A host screen opened on localhost must not print "localhost" in the QR
    # code: phones would not find it. Use the LAN address live serve found.
    lan_url = current_app.config.get("LIVE_LAN_URL")
    if lan_url and request.host.split(":")[0] in ("localhost", "127.0.0.1", "::1", "[::1]"):
        return lan_url
    return request.host_url.rstrip("/")
