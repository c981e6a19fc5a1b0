"""Ports: what services and web routes need from the outer layers, as small
interfaces, so that nothing below the realtime layer imports it."""

from __future__ import annotations

from typing import Protocol

from live.services.messages import Message


class LiveScreens(Protocol):
    """The live screens (phones, host screens) and the other server processes: a web
    route that changed a session (its plan edited, say) tells them through this."""

    def deliver(self, messages: list[Message]) -> None:
        """Send each message (an ``Outbound`` to its room, a ``Notice`` to the other processes)."""
