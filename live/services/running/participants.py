"""Who is in a session: host screens connecting, participants joining and coming
back with their token, nicknames, leaving, and the host removing someone."""

from __future__ import annotations

from sqlalchemy import select

from live.domain.codes import looks_like_join_code
from live.domain.errors import DomainError
from live.domain.normalise import normalise_word
from live.domain.text import optional_text
from live.services import tokens
from live.services.messages import Message, Outbound, participant_room
from live.services.running import counting, joins, loading
from live.services.running.context import Context, unknown_session
from live.services.running.state import SessionState
from live.services.running.views import phone_results, public_state, walls
from live.store.models import Answer, Participant

MAX_NAME = 40


def known_state(ctx: Context, code: object) -> SessionState:
    """The session of a join code typed or scanned by anyone, or ``unknown_session``.
    Junk (a NUL, say) never reaches the database: PostgreSQL would raise on it."""
    if not isinstance(code, str) or not looks_like_join_code(code.strip().upper()):
        raise unknown_session()
    return ctx.state(code.strip().upper())


def connect_host(ctx: Context, code: object, host_token: object) -> SessionState:
    """Check a host connection; raises ``unknown_session`` or ``forbidden``."""
    state = known_state(ctx, code)
    if not tokens.is_host_token(ctx.secret_key, state.code, state.host_salt, host_token):
        raise DomainError("forbidden", "This host token does not open this session.")
    return state


def join(ctx: Context, code: object, token: object, name: object) -> tuple[SessionState, dict, list[Message]]:
    """A participant connects: the same one again if ``token`` is theirs, else a new one.

    Returns the state, the ``welcome`` payload and the notices for other processes. A
    participant coming back is always let in (unless removed); a new phone may be
    refused (``session_ended``, ``joins_locked``, ``session_full``) or have to wait for
    the host (``waiting_for_host``): live/domain/joins.py."""
    state = known_state(ctx, code)
    clean_name = checked_name(ctx, name)
    participant_id = tokens.participant_from_token(ctx.secret_key, state.code, token)
    if participant_id and ctx.clustered:
        catch_up(ctx, state, participant_id)
    if participant_id in state.removed:
        raise DomainError("removed", "The host removed you from this session.")
    messages: list[Message] = []
    with state.lock:
        clean_name = unique_name(state, clean_name, participant_id)
        if participant_id not in state.names:
            participant_id, messages = joins.add_participant(ctx, state, clean_name)
        elif clean_name and clean_name != state.names[participant_id]:
            _rename(ctx, state, participant_id, clean_name)
            messages += ctx.notice(state.code, {"t": "participant", "participant_id": participant_id, "name": clean_name})
        return state, welcome(ctx, state, participant_id), messages


def enter(ctx: Context, code: object, name: object, waiting_since: int) -> tuple[SessionState, dict, list[Message]]:
    """A phone that waited for the host comes in (the host let it in, or there is room
    again); the state, its ``welcome`` and the notices. Still refused:
    ``waiting_for_host``, or the refusals of a new phone."""
    state = known_state(ctx, code)
    clean_name = checked_name(ctx, name)
    with state.lock:
        participant_id, messages = joins.add_participant(ctx, state, unique_name(state, clean_name, None), waiting_since)
        return state, welcome(ctx, state, participant_id), messages


def checked_name(ctx: Context, name: object) -> str | None:
    """A nickname as typed, cleaned; ``name_not_allowed`` when the word lists hold it."""
    clean_name = optional_text(name, "name", MAX_NAME)
    if clean_name and ctx.server_filter.is_profane(normalise_word(clean_name)):
        raise DomainError("name_not_allowed", "Please choose another nickname.", "name")
    return clean_name


def welcome(ctx: Context, state: SessionState, participant_id: str) -> dict:
    """Count a connection of ``participant_id`` and say what its ``welcome`` holds (the
    caller holds ``state.lock``)."""
    state.connections[participant_id] += 1
    state.dirty_presence = True
    state.quiet_since = None
    return {
        "participant_id": participant_id,
        "token": tokens.participant_token(ctx.secret_key, state.code, participant_id),
        "name": state.names[participant_id],
        "state": public_state(state),
        "answers": {aid: list(vals) for aid, vals in state.values.get(participant_id, {}).items()},
        **missed_while_away(state, participant_id),
    }


def missed_while_away(state: SessionState, participant_id: str) -> dict:
    """What a phone coming back (a reload, a dead battery, a restart) would otherwise
    miss: the results on screen when they are shown, and what each kind says (a quiz
    result after the reveal, the final rank while the podium is up)."""
    missed: dict = {}
    current, side = state.lifecycle.current_activity_id, state.lifecycle.side
    for activity_id in (side, current):  # the one on screen last: its fields win
        if activity_id is not None:
            activity = state.activities[activity_id]
            status = state.lifecycle.statuses[activity_id]
            missed.update(activity.kind.rejoin_fields(activity, status, state, participant_id))
    if current is not None:
        shown = phone_results(state, current)
        if shown is not None:
            missed["results"] = shown  # the results on screen, as the phones heard them
    shown_walls = walls(state)
    if shown_walls:
        missed["walls"] = shown_walls  # what the Q&A on screen or beside shows now
    for kind in state.kinds_present():
        missed.update(kind.session_rejoin_fields(state, participant_id))
    return missed


def unique_name(state: SessionState, name: str | None, participant_id: str | None) -> str | None:
    """Nicknames are unique within a session: a second "Zoé" becomes "Zoé 2"."""
    if not name:
        return name
    candidate, suffix = name, 2
    while state.names.is_taken(candidate, participant_id):
        candidate = f"{name[: MAX_NAME - len(str(suffix)) - 1]} {suffix}"
        suffix += 1
    return candidate


def leave(ctx: Context, code: str, participant_id: str) -> None:
    """A participant's connection closed (they stay a participant and may come back)."""
    state = ctx.states.get(code)
    if state is None:
        return
    with state.lock:
        state.connections[participant_id] = max(0, state.connections[participant_id] - 1)
        state.dirty_presence = True


def remove(ctx: Context, state: SessionState, participant_id: object) -> list[Message]:
    """The host removes a participant: their token no longer lets them in, and they
    leave the standings (their answers stay in the counts and the archive)."""
    if not isinstance(participant_id, str) or participant_id not in state.names:
        raise DomainError("unknown_participant", "There is no such participant in this session.", "participant_id")
    with state.lock:
        with ctx.sessions.begin() as db:
            db.get(Participant, participant_id).removed = True
        state.note_removed([participant_id])
        notices = ctx.notice(state.code, {"t": "removed", "participant_id": participant_id}, urgent=True)
        return [*notices, Outbound("removed", {"participant_id": participant_id}, participant_room(participant_id))]


def _rename(ctx: Context, state: SessionState, participant_id: str, name: str) -> None:
    with ctx.sessions.begin() as db:
        db.get(Participant, participant_id).name = name
    state.names[participant_id] = name


def catch_up(ctx: Context, state: SessionState, participant_id: str) -> None:
    """Several processes: a participant coming back here may have joined, been removed
    or answered on another process a moment ago; take what the database holds of
    them, so the welcome and the answer limits are exact."""
    with ctx.sessions() as db:
        row = db.get(Participant, participant_id)
        if row is None or row.session_id != state.session_id:
            return
        name, removed = row.name, row.removed
        query = select(Answer).where(Answer.participant_id == participant_id).order_by(Answer.id)
        answers = [counting.answer_notice(loading.columns(answer)) for answer in db.scalars(query)]
    with state.lock:
        if participant_id not in state.names:
            state.names[participant_id] = name
            state.dirty_presence = True
        if removed:
            state.removed.add(participant_id)
        for answer in answers:
            counting.record(state, answer, reserve_slot=True)
