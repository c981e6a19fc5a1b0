"""The one outbound path: every server-to-client message goes through here."""

from __future__ import annotations

import logging
import time

from live.extensions import socketio
from live.services.messages import Outbound

log = logging.getLogger(__name__)

# How often ended sessions nobody uses any more are dropped from memory.
EVICT_EVERY = 5.0


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
    one ``results`` per changed activity, and nothing goes out when nothing changed.
    With several processes, each session is pushed by the one process holding
    its lease (live/realtime/cluster.py), which this loop also keeps."""
    runtime = app.extensions["live"].runtime
    cluster = app.extensions.get("live_cluster")
    pushes_for = cluster.pushes if cluster else None
    next_eviction = time.monotonic() + EVICT_EVERY
    while True:
        socketio.sleep(0.1)
        try:
            if cluster:
                cluster.tick()
            deliver(runtime.expire_questions(pushes_for))
            deliver(runtime.pending_pushes(pushes_for))
            if time.monotonic() >= next_eviction:
                next_eviction = time.monotonic() + EVICT_EVERY
                runtime.evict_finished()
        except Exception:  # the loop must outlive any one bad push
            log.exception("results push failed")
