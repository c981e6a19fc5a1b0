"""The one outbound path: every server-to-client message, and every notice to the
other server processes, goes through here."""

from __future__ import annotations

import logging
import time

from live.domain.reactions import STORE_SECONDS
from live.services.messages import Message, Notice

log = logging.getLogger(__name__)

# How often ended sessions nobody uses any more are dropped from memory.
EVICT_EVERY = 5.0
# How often the reactions counted here are added to the database (one transaction).
STORE_REACTIONS_EVERY = STORE_SECONDS


class Delivery:
    """Sends what services return: ``Outbound`` messages to their Socket.IO room,
    ``Notice`` to the other processes (several processes over Redis). It is the
    app's ``LiveScreens`` port, so web routes tell live screens through it too."""

    def __init__(self, socketio, cluster=None) -> None:
        self._socketio = socketio
        self.cluster = cluster

    def deliver(self, messages: list[Message]) -> None:
        """Send each message, in order."""
        for message in messages:
            if isinstance(message, Notice):
                if self.cluster is not None:
                    self.cluster.announce(message.code, message.data, message.urgent)
            else:
                self._socketio.emit(message.event, message.data, to=message.room)

    def send_to(self, sid: str, event: str, data: dict) -> None:
        """Send one message to one connection (welcome, a host's first view)."""
        self._socketio.emit(event, data, to=sid)


def push_loop(app) -> None:
    """Push coalesced results and presence to host screens, at most ten times a second.

    One loop per process: whatever arrived during the last 100 ms goes out as one
    ``results`` per changed activity, and nothing goes out when nothing changed. With
    several processes, each session is pushed by the one process holding its lease
    (live/realtime/cluster.py), which this loop also keeps."""
    live = app.extensions["live"]
    runtime, delivery = live.runtime, live.screens
    cluster = delivery.cluster
    pushes_for = cluster.pushes if cluster else None
    sleep = live.realtime["sleep"]
    next_eviction = time.monotonic() + EVICT_EVERY
    while True:
        sleep(0.1)
        try:
            if cluster:
                cluster.tick()
            delivery.deliver(runtime.expire_timed(pushes_for))
            delivery.deliver(runtime.pending_pushes(pushes_for))
            if time.monotonic() >= next_eviction:
                next_eviction = time.monotonic() + EVICT_EVERY
                runtime.evict_finished()
        except Exception:  # the loop must outlive any one bad push
            log.exception("results push failed")


def reactions_loop(app) -> None:
    """Add the reactions this process counted to the database about once a second
    (live/services/running/reactions.py). A loop of its own: a write waiting for the
    database (another process holding SQLite's lock) never holds up the pushes."""
    live = app.extensions["live"]
    sleep = live.realtime["sleep"]
    while True:
        sleep(STORE_REACTIONS_EVERY)
        try:
            live.screens.deliver(live.runtime.store_reactions())
        except Exception:  # the loop must outlive any one failure
            log.exception("storing reaction counts failed")
