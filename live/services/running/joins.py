"""Joining a running session: new participants, phones waiting for the host,
the host's lock, "let them in" and "remove many" (the rules are in
live/domain/joins.py). Each use case returns what to tell whom, notices to the
other processes included.

A new phone is checked twice. First against this process's cache, so a flood
against a locked, ended or full session, or one beyond its expected size,
costs no database work at all. Then exactly,
in the transaction that adds the participant, with the session row locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer): the lock,
the phase and the number of participants are read there, so several processes
never let in more than the rules allow, and a refused phone adds no row.

Waiting phones hold no row either: each process counts the ones connected to
it (``SessionState.waiting_here``) and tells the others with its presence
notices; the host screens hear the total in ``joins``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update

from live.domain import joins as rules
from live.domain.errors import DomainError
from live.domain.joins import JoinSettings, Removal
from live.domain.session import ENDED
from live.services.messages import Message, Outbound, hosts_room, participant_room, waiting_room
from live.services.running import state as running
from live.services.running.context import Context
from live.services.running.state import SessionState
from live.store.db import utcnow
from live.store.models import Answer, LiveSession, Participant

# Ids per UPDATE when removing many (SQLite allows a few thousand bound parameters).
REMOVE_CHUNK = 500


def add_participant(ctx: Context, state: SessionState, name: str | None, waiting_since: int | None = None) -> tuple[str, list[Message]]:
    """Add a new participant to ``state``; its id, and the notice for the other
    processes. The caller holds ``state.lock``. ``waiting_since``: the admissions
    count a waiting phone started waiting under (None for a phone that has not waited).

    Raises ``session_ended``, ``joins_locked``, ``session_full``, or
    ``waiting_for_host`` when the phone must wait for the host."""
    # First from the cache: a flood against a locked, ended or full session, or one
    # beyond its expected size, costs no database work (the cache may lag another
    # process by a notice: the exact check below decides whom it lets in).
    ended = state.lifecycle.phase == ENDED
    if waiting_since is None:
        if rules.admission(state.joins, ended, running.n_in(state), ctx.max_participants) == rules.WAIT:
            raise DomainError("waiting_for_host", rules.WAITING)
    else:
        rules.refuse_new_phones(state.joins, ended, running.n_in(state), ctx.max_participants)
    participant_id = uuid.uuid4().hex
    with ctx.sessions.begin() as db:
        settings, ended, n_in = _door(ctx, db, state.session_id)
        state.joins = settings
        _decide(ctx, settings, ended, n_in, waiting_since)
        db.add(Participant(id=participant_id, session_id=state.session_id, name=name, created_at=utcnow()))
    state.names[participant_id] = name
    return participant_id, ctx.notice(state.code, {"t": "participant", "participant_id": participant_id, "name": name})


def _door(ctx: Context, db, session_id: int) -> tuple[JoinSettings, bool, int]:
    """The join settings, whether the session ended and how many are in, read with the
    session row locked: two processes letting in the last one at once cannot both
    succeed."""
    row = db.execute(
        select(LiveSession.settings, LiveSession.phase).where(LiveSession.id == session_id).with_for_update()
    ).one()
    settings = JoinSettings.from_stored(row.settings)
    n_in = 0
    if ctx.max_participants or settings.expected_participants is not None:
        n_in = db.scalar(
            select(func.count()).select_from(Participant)
            .where(Participant.session_id == session_id, Participant.removed.is_(False))
        ) or 0
    return settings, row.phase == ENDED, n_in


def _decide(ctx: Context, settings: JoinSettings, ended: bool, n_in: int, waiting_since: int | None) -> None:
    if waiting_since is None:
        verdict = rules.admission(settings, ended, n_in, ctx.max_participants)
        if verdict == rules.WAIT:
            raise DomainError("waiting_for_host", rules.WAITING)
    elif not rules.may_enter(settings, waiting_since, ended, n_in, ctx.max_participants):
        raise DomainError("waiting_for_host", rules.WAITING)


# -- waiting phones ---------------------------------------------------------------


def start_waiting(state: SessionState) -> int:
    """A phone waits for the host on this process; returns the admissions count it
    waits under (it may come in once the host let phones in after it)."""
    with state.lock:
        state.waiting_here += 1
        state.dirty_joins = True
        return state.joins.admissions


def stop_waiting(state: SessionState) -> None:
    """A waiting phone came in or went away."""
    with state.lock:
        state.waiting_here = max(0, state.waiting_here - 1)
        state.dirty_joins = True


def n_waiting(state: SessionState) -> int:
    """Phones waiting for the host, on this process and (recently heard) on the others."""
    oldest = time.monotonic() - running.PRESENCE_TTL
    remote = sum(n for n, heard in list(state.remote_waiting.values()) if heard >= oldest)
    return state.waiting_here + remote


def view(state: SessionState) -> dict:
    """The ``joins`` event: locked or not, the expected size, phones waiting."""
    return {
        "locked": state.joins.locked,
        "expected_participants": state.joins.expected_participants,
        "n_waiting": n_waiting(state),
    }


# -- the host's controls ------------------------------------------------------------


def lock(ctx: Context, state: SessionState, locked: bool) -> list[Message]:
    """Lock or unlock joins; host screens hear ``joins``, and when locking, phones
    still waiting are told they will not be let in (``turned_away``)."""
    with state.lock:
        messages = _change(ctx, state, lambda settings: settings.locking(locked))
        messages.append(Outbound("joins", view(state), hosts_room(state.code)))
        if locked:
            refusal = {"code": "joins_locked", "message": rules.JOINS_LOCKED}
            messages.append(Outbound("turned_away", refusal, waiting_room(state.code)))
        return messages


def let_in(ctx: Context, state: SessionState) -> tuple[dict, list[Message]]:
    """The host lets in every phone waiting now: they hear ``admitted`` and come in
    (``enter``); phones arriving later wait for the next time."""
    with state.lock:
        if state.lifecycle.phase == ENDED:
            raise DomainError("session_ended", rules.SESSION_ENDED)
        if state.joins.locked:
            raise DomainError("joins_locked", "Joins are locked: unlock them first.")
        waiting = n_waiting(state)
        messages = _change(ctx, state, lambda settings: settings.letting_in())
        return {"ok": True, "n_waiting": waiting}, messages + [
            Outbound("admitted", {}, waiting_room(state.code)),
            Outbound("joins", view(state), hosts_room(state.code)),
        ]


def turn_away_at_end(state: SessionState) -> list[Outbound]:
    """The session ended: phones still waiting will never come in."""
    refusal = {"code": "session_ended", "message": rules.SESSION_ENDED}
    return [Outbound("turned_away", refusal, waiting_room(state.code))]


def _change(ctx: Context, state: SessionState, change: Callable[[JoinSettings], JoinSettings]) -> list[Message]:
    """Apply ``change`` to the stored join settings (read and written with the row
    locked, so two host screens on two processes lose neither change), then to the
    cache; the notice for the other processes."""
    with ctx.sessions.begin() as db:
        row = db.execute(select(LiveSession).where(LiveSession.id == state.session_id).with_for_update()).scalar_one()
        changed = change(JoinSettings.from_stored(row.settings))
        row.settings = {**(row.settings or {}), **changed.stored()}
    state.joins = changed
    state.dirty_joins = True
    return ctx.notice(state.code, {"t": "joins", "settings": changed.stored()}, urgent=True)


# -- removing many --------------------------------------------------------------------


def remove_many(ctx: Context, state: SessionState, removal: Removal) -> tuple[dict, list[Message]]:
    """Count (``preview``) or remove the participants ``removal`` picks. The preview
    answers ``as_of``: sent back with the removal, it takes exactly the people
    counted, not those who joined while the host was deciding."""
    now = utcnow()
    as_of = min(removal.as_of or now, now)
    chosen = _chosen(ctx, state.session_id, removal, as_of)
    if removal.preview:
        return {"ok": True, "n": len(chosen), "as_of": as_of.isoformat(timespec="microseconds") + "Z"}, []
    messages: list[Message] = []
    with state.lock:
        with ctx.sessions.begin() as db:
            for start in range(0, len(chosen), REMOVE_CHUNK):
                batch = chosen[start : start + REMOVE_CHUNK]
                db.execute(update(Participant).where(Participant.id.in_(batch)).values(removed=True))
        if chosen:
            messages += ctx.notice(state.code, {"t": "removed", "participant_ids": chosen}, urgent=True)
        state.note_removed(chosen)
    messages += [Outbound("removed", {"participant_id": pid}, participant_room(pid)) for pid in chosen]
    return {"ok": True, "n": len(chosen)}, messages


def _chosen(ctx: Context, session_id: int, removal: Removal, as_of: datetime) -> list[str]:
    """The ids of the participants still in that ``removal`` picks, oldest first."""
    query = select(Participant.id).where(
        Participant.session_id == session_id, Participant.removed.is_(False), Participant.created_at <= as_of,
    )
    if removal.joined_within is not None:
        query = query.where(Participant.created_at >= as_of - timedelta(seconds=removal.joined_within))
    if removal.never_answered:
        query = query.where(~exists().where(Answer.participant_id == Participant.id))
    with ctx.sessions() as db:
        return list(db.scalars(query.order_by(Participant.created_at, Participant.id)))


class Door:
    """The host's controls over who comes in, for one process (``Runtime.joins``)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def lock(self, state: SessionState, locked: bool) -> list[Message]:
        """``lock``: lock or unlock joins."""
        return lock(self._ctx, state, locked)

    def let_in(self, state: SessionState) -> tuple[dict, list[Message]]:
        """``let_in``: the host lets the waiting phones in."""
        return let_in(self._ctx, state)

    def remove_many(self, state: SessionState, removal: Removal) -> tuple[dict, list[Message]]:
        """``remove_many``: count or remove many participants."""
        return remove_many(self._ctx, state, removal)

    @staticmethod
    def start_waiting(state: SessionState) -> int:
        """``start_waiting``: a phone waits here for the host."""
        return start_waiting(state)

    @staticmethod
    def view(state: SessionState) -> dict:
        """``view``: the ``joins`` event."""
        return view(state)
