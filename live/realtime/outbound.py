"""The one outbound path: every server-to-client message goes through here."""

from __future__ import annotations

import logging

from live.extensions import socketio
from live.services.messages import Outbound

log = logging.getLogger(__name__)


def deliver(messages: list[Outbound]) -> None:
    """Send each message to its room."""
    for message in messages:
        socketio.emit(message.event, message.data, to=message.room)


def send_to(sid: str, event: str, data: dict) -> None:
    """Send one message to one connection (welcome, a host's first view)."""
    socketio.emit(event, data, to=sid)


def push_loop(app) -> None:
    """Push coalesced results and presence to host screens, at most ten times a second.

    One loop per process: whatever arrived during the last 100 ms goes out as
    one ``results`` per changed activity, and nothing goes out when nothing changed."""
    runtime = app.extensions["live"].runtime
    while True:
        socketio.sleep(0.1)
        try:
            deliver(runtime.expire_questions())
            deliver(runtime.pending_pushes())
        except Exception:  # the loop must outlive any one bad push
            log.exception("results push failed")
