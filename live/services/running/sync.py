"""Several processes serving the same sessions (``LIVE_REDIS_URL``).

Each process keeps its own cache of the sessions it serves. After every commit the
service returns a ``Notice`` that realtime/cluster.py spreads; the other processes
apply it here (answers idempotently by ``(participant_id, answer_id)``) or reload
that part from the database, and a periodic count check against the database
repairs whatever a lost notice left out.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from live.domain.joins import JoinSettings
from live.services.running import counting, reactions
from live.services.running import state as running
from live.services.running.context import Context
from live.services.running.state import SessionState
from live.store import repository
from live.store.models import Answer, LiveSession, Participant

# A state loaded this recently needs no reload when this process takes over a session.
FRESH_SECONDS = 1.0


def apply_notice(ctx: Context, code: str, notice: dict, sender: str) -> None:
    """Another process (``sender``) committed ``notice`` in session ``code``: bring
    this cache up to date. A session this process has not loaded is skipped: it will
    come from the database, which already holds the change."""
    with ctx.load_lock:  # a session being loaded right now gets the notice once it is in
        state = ctx.states.get(code)
    if state is None or not isinstance(notice, dict):
        return
    handler = _NOTICES.get(notice.get("t"))
    if handler is not None:
        handler(ctx, state, notice, sender)


def _answer(ctx: Context, state: SessionState, notice: dict, sender: str) -> None:
    with state.lock:
        counting.record(state, notice, reserve_slot=True)


def _participant(ctx: Context, state: SessionState, notice: dict, sender: str) -> None:
    with state.lock:
        state.names[notice["participant_id"]] = notice.get("name")
        state.dirty_presence = True


def _presence(ctx: Context, state: SessionState, notice: dict, sender: str) -> None:
    state.remote_connected[sender] = (int(notice["n"]), time.monotonic())
    state.dirty_presence = True
    # Phones waiting there for the host to let them in.
    waiting = int(notice.get("w", 0))
    before = state.remote_waiting.get(sender, (0, 0.0))[0]
    if waiting or before:
        state.remote_waiting[sender] = (waiting, time.monotonic())
    if waiting != before:
        state.dirty_joins = True


def _joins(ctx: Context, state: SessionState, notice: dict, sender: str) -> None:
    with state.lock:
        state.joins, state.dirty_joins = JoinSettings.from_stored(notice.get("settings")), True


def _kind_state(ctx: Context, state: SessionState, notice: dict, sender: str) -> None:
    """A host command stored a new kind state (moderation, time added)."""
    with state.lock:
        activity = state.activities.get(notice.get("activity_id"))
        if activity is None or not isinstance(notice.get("state"), dict):
            return
        state.states[activity.id] = notice["state"]
        activity.kind.apply_state(activity, state.tallies[activity.id], notice["state"])
        state.dirty_results.add(activity.id)


def _mark(ctx: Context, state: SessionState, notice: dict, sender: str) -> None:
    with state.lock:
        state.marks[str(notice.get("name"))] = notice.get("value")


_NOTICES = {
    "answer": _answer,
    "participant": _participant,
    "presence": _presence,
    "joins": _joins,
    "lifecycle": lambda ctx, state, notice, sender: reread_lifecycle(ctx, state),
    "kind_state": _kind_state,
    "removed": lambda ctx, state, notice, sender: state.note_removed(
        notice.get("participant_ids") or [notice["participant_id"]]
    ),
    "reload": lambda ctx, state, notice, sender: ctx.refresh(state),
    "mark": _mark,
    # Counts of reactions another process holds, and has stored (the end waits for them).
    "reacting": lambda ctx, state, notice, sender: reactions.heard_reacting(state, notice, sender),
    "reactions_stored": lambda ctx, state, notice, sender: reactions.heard_stored(state, notice, sender),
}


def reread_lifecycle(ctx: Context, state: SessionState) -> None:
    """Read the session's phase, activity statuses, openings and kind states from the
    database (cheap: no answers)."""
    with ctx.sessions() as db:
        row = db.get(LiveSession, state.session_id)
        activity_rows = repository.activity_rows(db, state.session_id)
        lifecycle = repository.lifecycle_of(row, activity_rows)
        archive_path = row.archive_path
        joins = JoinSettings.from_stored(row.settings)
    if {a.id for a in activity_rows} != set(state.activities):
        ctx.refresh(state)  # the plan itself changed
        return
    with state.lock:
        before = (dict(state.lifecycle.statuses), dict(state.states), state.lifecycle.current_activity_id)
        state.lifecycle = lifecycle
        opened_at = {a.id: a.opened_at for a in activity_rows}
        # An opening this process already measures keeps its anchor; a new one (opened
        # on another process) is anchored once, from the stored time.
        state.opened_clock = state.anchored(opened_at)
        state.opened_at = opened_at
        if joins != state.joins:
            state.joins, state.dirty_joins = joins, True
        for activity_row in activity_rows:
            stored = repository.kind_state(activity_row)
            if stored != state.states.get(activity_row.id):
                activity = state.activities[activity_row.id]
                state.states[activity.id] = stored
                activity.kind.apply_state(activity, state.tallies[activity.id], stored)
        state.archive_path = state.archive_path or archive_path
        if row.ended_at is not None and state.summary_path is None:
            from live.services.archives import participants_summary_path

            state.summary_path = participants_summary_path(ctx.sessions, ctx.secret_key, row)
        changed = {
            a.id for a in activity_rows
            if before[0].get(a.id) != lifecycle.statuses[a.id] or before[1].get(a.id) != state.states[a.id]
        }
        if lifecycle.current_activity_id != before[2] and lifecycle.current_activity_id:
            changed.add(lifecycle.current_activity_id)
        state.dirty_results.update(changed)


def take_over(ctx: Context, code: str) -> None:
    """This process now pushes session ``code``: make its cache exact (it may have
    missed notices while another process pushed) and push once."""
    state = ctx.states.get(code)
    if state is None:
        return
    if time.monotonic() - state.loaded_at > FRESH_SECONDS:
        ctx.refresh(state)
    with state.lock:
        if state.lifecycle.current_activity_id:
            state.dirty_results.add(state.lifecycle.current_activity_id)
        state.dirty_presence = True


def check_against_database(ctx: Context, code: str) -> bool:
    """The safety net under lost notices: compare this cache with the database.

    Called every couple of seconds. Every answer and participant the database held
    at the previous check must be known by now (notices take milliseconds); if not,
    reload. The lifecycle is read again too. True when the cache had to be reloaded."""
    state = ctx.states.get(code)
    if state is None:
        return False
    with ctx.sessions() as db:
        answers = db.scalar(select(func.count()).select_from(Answer).where(Answer.session_id == state.session_id))
        joined = db.scalar(select(func.count()).select_from(Participant).where(Participant.session_id == state.session_id))
    previous, state.checked_counts = state.checked_counts, (answers or 0, joined or 0)
    if previous and (len(state.acked) < previous[0] or len(state.names) < previous[1]):
        ctx.refresh(state)
        return True
    reread_lifecycle(ctx, state)
    return False


def forget_silent_processes(ctx: Context) -> None:
    """Stop counting the connections of a process not heard of for a while (it
    died): the host screens hear the new ``presence``."""
    oldest = time.monotonic() - running.PRESENCE_TTL
    for state in list(ctx.states.values()):
        for process, (_count, heard) in list(state.remote_connected.items()):
            if heard < oldest:
                state.remote_connected.pop(process, None)
                state.dirty_presence = True
        for process, (_count, heard) in list(state.remote_waiting.items()):
            if heard < oldest:
                state.remote_waiting.pop(process, None)
                state.dirty_joins = True
