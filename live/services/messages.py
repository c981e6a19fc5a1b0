"""What a service asks the realtime layer to send: messages to clients (``Outbound``)
and notices to the other server processes (``Notice``). Services return them, always;
only ``live/realtime/outbound.py`` sends them."""

from __future__ import annotations

from dataclasses import dataclass

from live.activities.base import EVERYONE, HOSTS, MODERATORS, Tell


@dataclass(frozen=True)
class Outbound:
    """Send ``event`` with ``data`` to every connection in ``room``."""

    event: str
    data: dict
    room: str


@dataclass(frozen=True)
class Notice:
    """Tell the other processes (several processes over Redis) that ``data`` happened
    in session ``code``, after it was committed; an ``urgent`` one (a host action)
    leaves before anything else goes on."""

    code: str
    data: dict
    urgent: bool = False


Message = Outbound | Notice


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


def participants_room(code: str) -> str:
    """The participants of a session, without the host screens."""
    return f"participants:{code}"


def outbound_of(code: str, tell: Tell) -> Outbound:
    """A kind's message, addressed to its room."""
    rooms = {EVERYONE: session_room(code), HOSTS: hosts_room(code), MODERATORS: moderators_room(code)}
    return Outbound(tell.event, tell.data, rooms.get(tell.to) or participant_room(tell.to))
