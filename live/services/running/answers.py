"""Answers: check against the cache, commit through the group committer, then count
and acknowledge. An acknowledged answer is durable; the same ``answer_id`` again is
acknowledged again and counted once."""

from __future__ import annotations

import time
import uuid

from live.activities.registry import KINDS
from live.domain.errors import DomainError
from live.services.messages import Message
from live.services.running import counting, sync
from live.services.running.context import Context
from live.services.running.state import AnswerInput, SessionState
from live.store.db import utcnow

# Refusals that another process's host action may have made stale.
LIFECYCLE_REFUSALS = ("not_open", "closed", "unknown_activity", "session_ended")
ANSWERING_TOO_FAST = "You are sending answers too fast. Please wait a moment and try again."


def submit(ctx: Context, code: str, participant_id: str, answer: AnswerInput) -> tuple[dict, list[Message]]:
    """Check, commit, then count an answer; returns the ack once it is durable, and
    the notice for the other processes."""
    state = ctx.state(code)
    key = (participant_id, answer.answer_id)
    with state.lock:
        if key in state.acked:
            return ack(state, participant_id, answer.activity_id), []
        ticket = state.inflight.get(key)
        owner = ticket is None
        if owner:
            activity, value = _accept_current(ctx, state, participant_id, answer)
            ticket = ctx.committer.submit(_row(state, participant_id, answer, activity, value))
            state.inflight[key] = ticket
    durable = ticket.wait()
    if owner:
        with state.lock:
            state.inflight.pop(key, None)
            if durable:
                counting.record(state, ticket.row, reserve_slot=False)
            else:
                counting.release(state, participant_id, answer.activity_id, ticket.row["value"])
    if not durable:
        raise DomainError("unavailable", "Your answer could not be saved. Please send it again.")
    notices = ctx.notice(state.code, counting.answer_notice(ticket.row)) if owner else []
    return ack(state, participant_id, answer.activity_id), notices


def participate(ctx: Context, code: str, participant_id: str, name: str, data: dict) -> tuple[dict, list[Message]]:
    """A participant command beyond ``answer`` (``ask``, ``upvote``, ``report``): the
    activity's kind decides what to store, then it is committed, counted and
    acknowledged like an answer (durable before the ack; the same ``answer_id`` again
    is acknowledged again and stored once)."""
    state = ctx.state(code)
    activity_id = data["activity_id"]
    with state.lock:
        activity, command = _command_taking(state, participant_id, name, activity_id)
        client_id = data.get("answer_id")
        if client_id is not None and (participant_id, client_id) in state.acked:
            return {"ok": True, **command.replayed(participant_id, client_id)}, []
        decision = command.decide(state, activity, participant_id, data)
        if activity.kind.takes_slot(decision.value):
            _within_limit(state, participant_id, activity)
        answer_id = decision.answer_id or f"~{uuid.uuid4().hex}"
        guard = (participant_id, activity_id, decision.guard)
        key = (participant_id, answer_id)
        if key in state.inflight or (decision.guard is not None and guard in state.guards):
            raise DomainError("in_progress", "Your previous action is still being saved. Please try again.")
        counting.reserve(state, participant_id, activity_id, decision.value)
        row = _row(state, participant_id, AnswerInput(activity_id, answer_id, decision.value), activity, decision.value)
        ticket = ctx.committer.submit(row)
        state.inflight[key] = ticket
        if decision.guard is not None:
            state.guards.add(guard)
    durable = ticket.wait()
    with state.lock:
        state.inflight.pop(key, None)
        state.guards.discard(guard)
        if durable:
            counting.record(state, ticket.row, reserve_slot=False)
        else:
            counting.release(state, participant_id, activity_id, decision.value)
    if not durable:
        raise DomainError("unavailable", "This could not be saved. Please send it again.")
    return {"ok": True, **decision.ack}, ctx.notice(state.code, counting.answer_notice(ticket.row))


def _command_taking(state: SessionState, participant_id: str, name: str, activity_id: str):
    """The open activity a participant command names, and its kind's command ``name``."""
    if participant_id in state.removed:
        raise DomainError("removed", "The host removed you from this session.")
    state.lifecycle.check_answerable(activity_id)
    activity = state.activities[activity_id]
    command = activity.kind.participant_commands.get(name)
    if command is None:
        owners = [kind.name for kind in KINDS if name in kind.participant_commands]
        code = f"not_{owners[0]}" if len(owners) == 1 else "not_supported"
        raise DomainError(code, f"This activity does not take {name!r}.", "activity_id")
    return activity, command


def allowed_rate(ctx: Context, state: SessionState, participant_id: str) -> None:
    """Refuse with ``rate_limited`` a participant sending answers too fast (keyed by
    the participant, never by address: a whole venue shares one)."""
    limiter = state.answer_limiter
    if limiter is None:
        from live.domain.ratelimit import RateLimiter

        limiter = state.answer_limiter = RateLimiter(ctx.answer_rate, ctx.answer_burst)
    with state.lock:
        allowed = limiter.allow(participant_id, time.monotonic())
    if not allowed:
        raise DomainError("rate_limited", ANSWERING_TOO_FAST)


def ack(state: SessionState, participant_id: str, activity_id: str) -> dict:
    """``{"ok": true, "remaining": answers this participant may still give}``."""
    activity = state.activities.get(activity_id)
    limit = activity.kind.answer_limit(activity.spec) if activity else 0
    return {"ok": True, "remaining": max(0, limit - state.given[(participant_id, activity_id)])}


def _accept_current(ctx: Context, state: SessionState, participant_id: str, answer: AnswerInput):
    """``_accept``; with several processes, a refusal because the activity is not
    open (yet, or any more) is checked again against the database: the host may
    have just opened it on another process."""
    try:
        return _accept(state, participant_id, answer)
    except DomainError as error:
        if not ctx.clustered or error.code not in LIFECYCLE_REFUSALS:
            raise
        # At most a few reads a second however many late answers pour in.
        now = time.monotonic()
        if now - state.refusal_checked_at < 0.25:
            raise
        state.refusal_checked_at = now
        sync.reread_lifecycle(ctx, state)
    return _accept(state, participant_id, answer)


def _accept(state: SessionState, participant_id: str, answer: AnswerInput):
    """Refuse what may not be counted; reserve the participant's answer slot."""
    if participant_id in state.removed:
        raise DomainError("removed", "The host removed you from this session.")
    state.lifecycle.check_answerable(answer.activity_id)
    activity = state.activities[answer.activity_id]
    kind = activity.kind
    value = kind.check_answer(activity.spec, answer.value)
    if kind.capabilities.timed and not kind.in_time(activity, state):
        raise DomainError("time_up", "Time is up for this question.", "activity_id")
    _within_limit(state, participant_id, activity)
    slot = (participant_id, answer.activity_id)
    key = kind.answer_key(activity.spec, value)
    if key is not None and key in state.answer_keys[slot]:
        raise DomainError("already_sent", "You have already sent this word.", "value")
    counting.reserve(state, participant_id, answer.activity_id, value)
    return activity, value


def _within_limit(state: SessionState, participant_id: str, activity) -> None:
    """Refuse an answer beyond the ``answer_limit`` of the participant."""
    limit = activity.kind.answer_limit(activity.spec)
    if state.given[(participant_id, activity.id)] >= limit:
        if limit == 1:
            raise DomainError("already_answered", "You have already answered this activity.", "activity_id")
        raise DomainError("limit_reached", f"You have sent your {limit} entries.", "activity_id")


def _row(state: SessionState, participant_id: str, answer: AnswerInput, activity, value) -> dict:
    """The answer as the committer writes it; its time since the opening is measured
    by the server (``SessionState.elapsed_ms``), never by the phone."""
    opened = activity.id in state.opened_clock or state.opened_at.get(activity.id) is not None
    return {
        "session_id": state.session_id, "activity_id": activity.id, "participant_id": participant_id,
        "answer_id": answer.answer_id, "value": value, "created_at": utcnow(),
        "ms_since_open": state.elapsed_ms(activity.id) if opened else None,
    }
