"""Joining a running session: new participants, phones waiting for the host,
the host's lock, "let them in" and "remove many" (the rules are in
live/domain/joins.py).

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
from sqlalchemy.orm import sessionmaker

from live.domain import joins as rules
from live.domain.errors import DomainError
from live.domain.joins import JoinSettings, Removal
from live.domain.session import ENDED
from live.services import quizzes
from live.services.messages import Outbound, hosts_room, participant_room, waiting_room
from live.store.db import utcnow
from live.store.models import Answer, LiveSession, Participant

# Ids per UPDATE when removing many (SQLite allows a few thousand bound parameters).
REMOVE_CHUNK = 500


class JoinDesk:
    """The door of every session of one process: who comes in, who waits, who is sent away."""

    def __init__(
        self, sessions: sessionmaker, announce: Callable[..., None], max_participants: int = 0,
        presence_ttl: float = 6.0,
    ) -> None:
        self._sessions = sessions
        self._announce = announce
        # LIVE_MAX_PARTICIPANTS (0: no limit), counted in the database.
        self._max_participants = max_participants
        self._presence_ttl = presence_ttl

    # -- new participants -----------------------------------------------------------

    def add_participant(self, state, name: str | None, waiting_since: int | None = None) -> str:
        """Add a new participant to ``state`` and return its id; the caller holds
        ``state.lock``. ``waiting_since``: the admissions count a waiting phone
        started waiting under (None for a phone that has not waited).

        Raises ``session_ended``, ``joins_locked``, ``session_full``, or
        ``waiting_for_host`` when the phone must wait for the host."""
        # First from the cache: a flood against a locked, ended or full session, or one
        # beyond its expected size, costs no database work (the cache may lag another
        # process by a notice: the exact check below decides whom it lets in).
        n_cached = len(state.names) - sum(1 for pid in list(state.removed) if pid in state.names)
        ended = state.lifecycle.phase == ENDED
        if waiting_since is None:
            if rules.admission(state.joins, ended, n_cached, self._max_participants) == rules.WAIT:
                raise DomainError("waiting_for_host", rules.WAITING)
        else:
            rules.refuse_new_phones(state.joins, ended, n_cached, self._max_participants)
        participant_id = uuid.uuid4().hex
        with self._sessions.begin() as db:
            settings, ended, n_in = self._door(db, state.session_id)
            state.joins = settings
            self._decide(settings, ended, n_in, waiting_since)
            db.add(Participant(id=participant_id, session_id=state.session_id, name=name, created_at=utcnow()))
        state.names[participant_id] = name
        self._announce(state.code, {"t": "participant", "participant_id": participant_id, "name": name})
        return participant_id

    def _door(self, db, session_id: int) -> tuple[JoinSettings, bool, int]:
        """The join settings, whether the session ended and how many are in, read
        with the session row locked: two processes letting in the last one at once
        cannot both succeed."""
        row = db.execute(
            select(LiveSession.settings, LiveSession.phase).where(LiveSession.id == session_id).with_for_update()
        ).one()
        settings = JoinSettings.from_stored(row.settings)
        n_in = 0
        if self._max_participants or settings.expected_participants is not None:
            n_in = db.scalar(
                select(func.count()).select_from(Participant)
                .where(Participant.session_id == session_id, Participant.removed.is_(False))
            ) or 0
        return settings, row.phase == ENDED, n_in

    def _decide(self, settings: JoinSettings, ended: bool, n_in: int, waiting_since: int | None) -> None:
        if waiting_since is None:
            verdict = rules.admission(settings, ended, n_in, self._max_participants)
            if verdict == rules.WAIT:
                raise DomainError("waiting_for_host", rules.WAITING)
        elif not rules.may_enter(settings, waiting_since, ended, n_in, self._max_participants):
            raise DomainError("waiting_for_host", rules.WAITING)

    # -- waiting phones ---------------------------------------------------------------

    @staticmethod
    def start_waiting(state) -> int:
        """A phone waits for the host on this process; returns the admissions count
        it waits under (it may come in once the host let phones in after it)."""
        with state.lock:
            state.waiting_here += 1
            state.dirty_joins = True
            return state.joins.admissions

    @staticmethod
    def stop_waiting(state) -> None:
        """A waiting phone came in or went away."""
        with state.lock:
            state.waiting_here = max(0, state.waiting_here - 1)
            state.dirty_joins = True

    def n_waiting(self, state) -> int:
        """Phones waiting for the host, on this process and (recently heard) on the others."""
        oldest = time.monotonic() - self._presence_ttl
        remote = sum(n for n, heard in list(state.remote_waiting.values()) if heard >= oldest)
        return state.waiting_here + remote

    def view(self, state) -> dict:
        """The ``joins`` event: locked or not, the expected size, phones waiting."""
        return {
            "locked": state.joins.locked,
            "expected_participants": state.joins.expected_participants,
            "n_waiting": self.n_waiting(state),
        }

    # -- the host's controls ------------------------------------------------------------

    def lock(self, state, locked: bool) -> list[Outbound]:
        """Lock or unlock joins; host screens hear ``joins``, and when locking,
        phones still waiting are told they will not be let in (``turned_away``)."""
        with state.lock:
            self._change(state, lambda settings: settings.locking(locked))
            messages = [Outbound("joins", self.view(state), hosts_room(state.code))]
            if locked:
                refusal = {"code": "joins_locked", "message": rules.JOINS_LOCKED}
                messages.append(Outbound("turned_away", refusal, waiting_room(state.code)))
            return messages

    def let_in(self, state) -> tuple[dict, list[Outbound]]:
        """The host lets in every phone waiting now: they hear ``admitted`` and come in
        (``enter``); phones arriving later wait for the next time."""
        with state.lock:
            if state.lifecycle.phase == ENDED:
                raise DomainError("session_ended", rules.SESSION_ENDED)
            if state.joins.locked:
                raise DomainError("joins_locked", "Joins are locked: unlock them first.")
            waiting = self.n_waiting(state)
            self._change(state, lambda settings: settings.letting_in())
            return {"ok": True, "n_waiting": waiting}, [
                Outbound("admitted", {}, waiting_room(state.code)),
                Outbound("joins", self.view(state), hosts_room(state.code)),
            ]

    def turn_away_at_end(self, state) -> list[Outbound]:
        """The session ended: phones still waiting will never come in."""
        refusal = {"code": "session_ended", "message": rules.SESSION_ENDED}
        return [Outbound("turned_away", refusal, waiting_room(state.code))]

    def _change(self, state, change: Callable[[JoinSettings], JoinSettings]) -> None:
        """Apply ``change`` to the stored join settings (read and written with the row
        locked, so two host screens on two processes lose neither change), then
        to the cache, then tell the other processes."""
        with self._sessions.begin() as db:
            row = db.execute(select(LiveSession).where(LiveSession.id == state.session_id).with_for_update()).scalar_one()
            changed = change(JoinSettings.from_stored(row.settings))
            row.settings = {**(row.settings or {}), **changed.stored()}
        state.joins = changed
        state.dirty_joins = True
        self._announce(state.code, {"t": "joins", "settings": changed.stored()}, urgent=True)

    # -- removing many --------------------------------------------------------------------

    def remove_many(self, state, removal: Removal) -> tuple[dict, list[Outbound]]:
        """Count (``preview``) or remove the participants ``removal`` picks. The
        preview answers ``as_of``: sent back with the removal, it takes exactly the
        people counted, not those who joined while the host was deciding."""
        now = utcnow()
        as_of = min(removal.as_of or now, now)
        chosen = self._chosen(state.session_id, removal, as_of)
        if removal.preview:
            return {"ok": True, "n": len(chosen), "as_of": as_of.isoformat(timespec="microseconds") + "Z"}, []
        with state.lock:
            with self._sessions.begin() as db:
                for start in range(0, len(chosen), REMOVE_CHUNK):
                    batch = chosen[start : start + REMOVE_CHUNK]
                    db.execute(update(Participant).where(Participant.id.in_(batch)).values(removed=True))
            if chosen:
                self._announce(state.code, {"t": "removed", "participant_ids": chosen}, urgent=True)
            note_removed(state, chosen)
        told = [Outbound("removed", {"participant_id": pid}, participant_room(pid)) for pid in chosen]
        return {"ok": True, "n": len(chosen)}, told

    def _chosen(self, session_id: int, removal: Removal, as_of: datetime) -> list[str]:
        """The ids of the participants still in that ``removal`` picks, oldest first."""
        query = select(Participant.id).where(
            Participant.session_id == session_id, Participant.removed.is_(False), Participant.created_at <= as_of,
        )
        if removal.joined_within is not None:
            query = query.where(Participant.created_at >= as_of - timedelta(seconds=removal.joined_within))
        if removal.never_answered:
            query = query.where(~exists().where(Answer.participant_id == Participant.id))
        with self._sessions() as db:
            return list(db.scalars(query.order_by(Participant.created_at, Participant.id)))


def note_removed(state, participant_ids) -> None:
    """Participants were removed (here, or on another process): they leave the
    standings, and every host screen gets the new counts and list of players."""
    with state.lock:
        state.removed.update(participant_ids)
        state.dirty_presence = True
        state.dirty_results.update(a.id for a in quizzes.revealed_questions(state))
        if state.lifecycle.current_activity_id:
            state.dirty_results.add(state.lifecycle.current_activity_id)
