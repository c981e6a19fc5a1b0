"""What a service asks the realtime layer to send."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outbound:
    """Send ``event`` with ``data`` to every connection in ``room``."""

    event: str
    data: dict
    room: str


def session_room(code: str) -> str:
    """Everyone in a session: participants and host screens."""
    return f"session:{code}"


def hosts_room(code: str) -> str:
    """The host connections of a session (projector, remote)."""
    return f"hosts:{code}"


def moderators_room(code: str) -> str:
    """The facilitator's moderation views of a session (never the projector)."""
    return f"moderators:{code}"


def waiting_room(code: str) -> str:
    """Phones waiting for the host to let them into a session (not participants yet)."""
    return f"waiting:{code}"


def participant_room(participant_id: str) -> str:
    """Every connection of one participant (a phone with two tabs)."""
    return f"participant:{participant_id}"
