"""Reactions: participants send an emoji of the session's set at any time (the lobby,
any activity); host screens see them float up.

A tap is cheap by design: checked against the cache, counted in memory
(``SessionState.reactions``, a ``ReactionCounter``), acknowledged. Nothing is
emitted or written per tap. The push loop tells host screens the counts since the
last push, a few times a second (``pushes``); about once a second it adds what this
process counted to the database with one atomic ``n = n + k`` per emoji (``store``),
and the end stores the rest before the archive is written (``settle``).

Several processes: each one counts, pushes and stores its own taps (its ``reactions``
reach every host screen through the Socket.IO message queue). For the archive to
hold every tap, the process ending a session waits, a few seconds at most, for the
others to store what they counted: each announces ``reacting`` (with the round of
storing that will take the tap) when it starts holding counts, and
``reactions_stored`` (that round) once they are in the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from live.domain import reactions as rules
from live.domain.errors import DomainError
from live.domain.session import ENDED
from live.services.messages import Message, Outbound, hosts_room
from live.services.running.context import Context
from live.services.running.state import SessionState
from live.store import repository

log = logging.getLogger(__name__)

OK = {"ok": True}
# The end waits at most this long for other processes to store their counts
# (they store every STORE_SECONDS), and forgets one not heard from for REMOTE_TTL.
SETTLE_SECONDS = 3.0
REMOTE_TTL = 5.0
REACTING_TOO_FAST = "You are sending reactions too fast. Please wait a moment."


def reaction_set(state: SessionState) -> list[str]:
    """The emoji participants of this session may send (empty: reactions are off)."""
    return list(state.settings.get("reactions") or [])


def react(ctx: Context, code: str, participant_id: str, sent: object) -> tuple[dict, list[Message]]:
    """A participant sends the emoji ``sent``: counted, or refused with ``removed``,
    ``session_ended``, ``not_allowed`` (not in the set, or reactions are off) or
    ``rate_limited``. The ack, and for the other processes a notice when this
    process starts holding counts the database does not have."""
    state = ctx.state(code)
    with state.lock:
        _may_react(state, participant_id)
        emoji = rules.match(sent, reaction_set(state))
        if emoji is None:
            raise DomainError("not_allowed", "This session does not take that reaction.", "emoji")
        if not state.reaction_limiter.allow(participant_id, state.clock()):
            raise DomainError("rate_limited", REACTING_TOO_FAST)
        first = state.reactions.add(emoji)
        storing_round = state.reactions.round
    return OK, ctx.notice(code, {"t": "reacting", "round": storing_round}) if first else []


def _may_react(state: SessionState, participant_id: str) -> None:
    if participant_id in state.removed:
        raise DomainError("removed", "The host removed you from this session.")
    if state.lifecycle.phase == ENDED:
        raise DomainError("session_ended", "This session has ended.")


def pushes(state: SessionState) -> list[Outbound]:
    """The host screens' ``reactions`` (the counts since the last push), when there
    are some and the last push is at least ``PUSH_SECONDS`` old. Every process pushes
    its own: the message queue takes them to every host screen."""
    if not state.reactions.unpushed:
        return []
    with state.lock:
        counts = state.reactions.take_unpushed(state.clock())
    return [Outbound("reactions", {"counts": counts}, hosts_room(state.code))] if counts else []


def store(ctx: Context, states: list[SessionState]) -> list[Message]:
    """Add what this process counted in ``states`` to the database, in one
    transaction; counts it could not store wait for the next call. The notices
    telling the other processes which round of counts is now stored."""
    taken: list[tuple[SessionState, dict[str, int], int]] = []
    for state in states:
        if not state.reactions.unstored:
            continue
        with state.lock:
            storing_round = state.reactions.round
            counts = state.reactions.take_unstored()
        if counts:
            taken.append((state, counts, storing_round))
    if not taken:
        return []
    try:
        with ctx.sessions.begin() as db:
            repository.add_reaction_counts(db, {state.session_id: counts for state, counts, _round in taken})
    except Exception:  # noqa: BLE001 - the database is down: keep the counts for the next try
        log.exception("reaction counts of %d session(s) could not be stored; trying again", len(taken))
        for state, counts, _round in taken:
            with state.lock:
                state.reactions.give_back(counts)
        return []
    notices: list[Message] = []
    for state, _counts, storing_round in taken:
        notices += ctx.notice(state.code, {"t": "reactions_stored", "round": storing_round})
    return notices


def settle(ctx: Context, state: SessionState, sleep: Callable[[float], None] = time.sleep) -> None:
    """Before the archive of a session that has just ended is written: store what this
    process counted, then wait (``SETTLE_SECONDS`` at most) until the other processes
    have stored what they counted. A process that stays silent does not hold the end."""
    store(ctx, [state])
    deadline = time.monotonic() + SETTLE_SECONDS
    while _others_hold_counts(state) and time.monotonic() < deadline:
        sleep(0.05)


def _others_hold_counts(state: SessionState) -> bool:
    oldest = time.monotonic() - REMOTE_TTL
    return any(heard >= oldest for _round, heard in list(state.remote_reacting.values()))


def heard_reacting(state: SessionState, notice: dict, sender: str) -> None:
    """Another process holds counts of this session that round ``notice["round"]``
    of its storing will take."""
    storing_round = notice.get("round")
    if isinstance(storing_round, int):
        state.remote_reacting[sender] = (storing_round, time.monotonic())


def heard_stored(state: SessionState, notice: dict, sender: str) -> None:
    """Another process stored its counts up to round ``notice["round"]``."""
    held = state.remote_reacting.get(sender)
    stored_round = notice.get("round")
    if held is not None and isinstance(stored_round, int) and held[0] <= stored_round:
        state.remote_reacting.pop(sender, None)
