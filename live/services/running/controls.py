"""The host's controls: open and close activities, run a kind's commands (reveal,
add time, moderate...), close timed activities when their time is over, end the
session. Every change is stored before anyone hears of it; each use case returns
what to tell whom."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace

from live.activities.base import Activity, Outcome
from live.activities.registry import KINDS, PlannedActivity, parse_spec
from live.domain.errors import DomainError
from live.domain.session import ENDED, MAX_ACTIVITIES, OPEN, PENDING
from live.services.planning import new_activity_id
from live.services.messages import Message, Outbound, hosts_room, outbound_of, session_room
from live.services import settings as session_settings
from live.services.running import joins, views
from live.services.running.context import Context
from live.services.running.state import SessionState
from live.store import repository
from live.store.db import utcnow
from live.store.models import Activity as ActivityRow
from live.store.models import LiveSession


def open_activity(ctx: Context, state: SessionState, activity_id: str) -> list[Message]:
    """Open an activity (closing the open one); everyone is told the new state."""
    with state.lock:
        before = dict(state.lifecycle.statuses)
        closed = state.lifecycle.open_closing(activity_id)
        activity = state.activities[activity_id]
        opened = activity.kind.state_on_open(dict(state.states.get(activity_id) or {}))
        now = utcnow()
        _store(ctx, state, closed=closed, opened=(activity_id, now), states={activity_id: opened})
        state.opened_at[activity_id] = now
        state.opened_clock[activity_id] = state.clock()
        _apply_states(state, {activity_id: opened})
        state.dirty_results.update({activity_id, *closed})
        return _told(ctx, state, before, urgent_notice={"t": "lifecycle"})


def close_activity(ctx: Context, state: SessionState, activity_id: str) -> list[Message]:
    """Close an open activity; it stays on screen with its results (on phones too,
    when its results are shown)."""
    with state.lock:
        before = dict(state.lifecycle.statuses)
        state.lifecycle.close(activity_id)
        _store(ctx, state, closed=(activity_id,))
        state.dirty_results.add(activity_id)
        return _told(ctx, state, before, urgent_notice={"t": "lifecycle"})


def run_command(
    ctx: Context, state: SessionState, name: str, data: dict, activity_id: str | None,
) -> tuple[dict, list[Message]]:
    """Run a kind's host command (``reveal``, ``add_time``, ``moderate``, ``shortlist``...):
    the kind decides, this stores what it decided; returns the host's ack and what
    to tell whom."""
    activity = None
    if activity_id is not None:
        activity = _activity_taking(state, name, activity_id)
    with state.lock:
        command = activity.kind.commands[name] if activity else _session_command(state, name)
        saved = copy.deepcopy(state.lifecycle)
        before = dict(state.lifecycle.statuses)
        outcome = command(state, activity, data)
        inserted = _planned_insert(state, outcome)
        try:
            _store(
                ctx, state, closed=outcome.closed, states=outcome.states, lifecycle=outcome.lifecycle,
                inserted=inserted,
            )
        except DomainError:
            state.lifecycle = saved  # memory must not run ahead of the database
            raise
        _apply_states(state, outcome.states)
        state.dirty_results.update(outcome.changed)
        ack = {"ok": True, **outcome.ack}
        messages = _command_messages(ctx, state, outcome, before)
        if inserted is not None:
            _place(state, inserted)
            ack["activity_id"] = inserted.activity_id
            messages += [
                *ctx.notice(state.code, {"t": "reload"}, urgent=True),
                Outbound("state", views.public_state(state), session_room(state.code)),
                Outbound("host_state", views.host_view(state), hosts_room(state.code)),
            ]
        return ack, messages


@dataclass(frozen=True)
class Inserted:
    """An activity a host command adds to the plan mid-session (the chain's poll)."""

    activity_id: str
    planned: PlannedActivity
    after: Activity


def _planned_insert(state: SessionState, outcome: Outcome) -> Inserted | None:
    """The activity ``outcome`` inserts, validated like any spec, or None."""
    if outcome.insert is None:
        return None
    raw, after_id = outcome.insert
    if len(state.activities) >= MAX_ACTIVITIES:
        raise DomainError("too_many", f"A session holds at most {MAX_ACTIVITIES} activities.", "activity_id")
    return Inserted(new_activity_id(), parse_spec(raw), state.activities[after_id])


def _place(state: SessionState, inserted: Inserted) -> None:
    """Put a stored inserted activity in this cache, right after the one it follows,
    not yet open."""
    after = inserted.after.position
    for activity in list(state.activities.values()):
        if activity.position > after:
            state.activities[activity.id] = replace(activity, position=activity.position + 1)
    planned = inserted.planned
    activity = Activity(inserted.activity_id, after + 1, planned.spec, planned.kind, planned.show_results, planned.origin)
    state.activities[activity.id] = activity
    state.states[activity.id] = planned.kind.default_state()
    state.tallies[activity.id] = planned.kind.new_tally(activity, state.states[activity.id], state.kind_settings)
    state.lifecycle.statuses[activity.id] = PENDING
    state.opened_at[activity.id] = None
    state.caches.clear()  # standings and the like count activities by place


def _activity_taking(state: SessionState, name: str, activity_id: str) -> Activity:
    """The activity a command names, if its kind takes that command."""
    if state.lifecycle.phase == ENDED:
        raise DomainError("session_ended", "This session has ended: its archive is written.")
    activity = state.activities.get(activity_id)
    if activity is None:
        raise DomainError("unknown_activity", "There is no such activity in this session.", "activity_id")
    if name not in activity.kind.commands:
        raise refusal_for(name)
    return activity


def _session_command(state: SessionState, name: str):
    """A command about the whole session (the podium), from a kind the session holds."""
    for kind in state.kinds_present():
        if name in kind.session_commands:
            return kind.commands[name]
    raise refusal_for(name)


def refusal_for(name: str) -> DomainError:
    """The refusal of command ``name`` sent for an activity whose kind does not take
    it: ``not_<kind>`` when one kind takes it (``not_quiz``), else ``not_supported``."""
    owners = [kind.name for kind in KINDS if name in kind.commands]
    code = f"not_{owners[0]}" if len(owners) == 1 else "not_supported"
    return DomainError(code, f"This activity does not take the command {name!r}.", "activity_id")


def expire_timed(ctx: Context, states: list[SessionState], pushes_for: Callable[[str], bool] | None = None) -> list[Message]:
    """Close every open timed activity whose time (and grace) is over: the server
    keeps the clock. Called by the push loop about ten times a second; with several
    processes, only by the one that pushes the session (``pushes_for``)."""
    messages: list[Message] = []
    for state in states:
        if pushes_for is not None and not pushes_for(state.code):
            continue
        current = state.lifecycle.current_activity_id
        if not current or state.lifecycle.statuses.get(current) != OPEN:
            continue
        activity = state.activities[current]
        if not activity.kind.capabilities.timed or not activity.kind.expired(activity, state):
            continue
        try:
            messages.extend(close_activity(ctx, state, current))
        except DomainError:
            continue  # closed meanwhile by the host
    return messages


def end(ctx: Context, state: SessionState, locale: str = "en") -> list[Message]:
    """End the session: every open activity closes, nothing more can be answered.
    Ending twice is harmless (the archive is written by the caller). ``locale``, the
    host's language, is stored with the end: an archive written again after a crash
    is in the language the host ended it in."""
    with state.lock:
        if state.lifecycle.phase == ENDED:
            return []
        before = dict(state.lifecycle.statuses)
        open_ids = tuple(aid for aid, status in state.lifecycle.statuses.items() if status == OPEN)
        state.lifecycle.end()
        state.settings = {**state.settings, session_settings.ARCHIVE_LOCALE: locale}
        _store(ctx, state, closed=open_ids, ended=True, settings={session_settings.ARCHIVE_LOCALE: locale})
        state.dirty_results.update(open_ids)
        # Phones still waiting for the host will never come in.
        return _told(ctx, state, before, urgent_notice={"t": "lifecycle"}) + joins.turn_away_at_end(state)


# -- storing and telling --------------------------------------------------------


def _store(
    ctx: Context, state: SessionState, closed=(), opened: tuple | None = None, states: dict | None = None,
    lifecycle: bool = True, ended: bool = False, inserted: Inserted | None = None, settings: dict | None = None,
) -> None:
    """Store the session's lifecycle, the given kind states and an inserted activity
    in one transaction, before anyone is told. A failure is ``unavailable``: nothing
    was stored."""
    if not (lifecycle or closed or opened or states or ended or inserted):
        return
    now = utcnow()
    try:
        with ctx.sessions.begin() as db:
            session = db.get(LiveSession, state.session_id)
            if inserted is not None:
                repository.insert_activity(db, state.session_id, inserted.planned, inserted.activity_id, inserted.after.id)
            if lifecycle:
                session.phase = state.lifecycle.phase
                session.current_activity_id = state.lifecycle.current_activity_id
                for row in repository.activity_rows(db, state.session_id):
                    row.status = state.lifecycle.statuses.get(row.id, row.status)
            if opened:
                row = db.get(ActivityRow, opened[0])
                row.opened_at, row.closed_at = opened[1], None
                session.started_at = session.started_at or now
            for activity_id in closed:
                db.get(ActivityRow, activity_id).closed_at = now
            for activity_id, kind_state in (states or {}).items():
                db.get(ActivityRow, activity_id).state = kind_state
            if ended:
                session.ended_at = now
            if settings:
                session.settings = {**(session.settings or {}), **settings}
    except DomainError:
        raise
    except Exception:
        raise DomainError("unavailable", "The change could not be saved. Please try again.") from None


def _apply_states(state: SessionState, states: dict[str, dict]) -> None:
    for activity_id, kind_state in states.items():
        activity = state.activities[activity_id]
        state.states[activity_id] = kind_state
        activity.kind.apply_state(activity, state.tallies[activity_id], kind_state)


def _told(ctx: Context, state: SessionState, before: dict, urgent_notice: dict) -> list[Message]:
    """After a lifecycle change: the other processes' notice, everyone's new
    ``state``, and the phones' ``results`` of what just closed."""
    return [
        *ctx.notice(state.code, urgent_notice, urgent=True),
        Outbound("state", views.public_state(state), session_room(state.code)),
        *_newly_shown(state, before),
    ]


def _newly_shown(state: SessionState, before: dict, also: set[str] = frozenset()) -> list[Outbound]:
    """Phones' ``results`` of each activity whose status just changed (or in ``also``)
    and whose results are shown in its new status."""
    messages = []
    for activity_id, status in state.lifecycle.statuses.items():
        if before.get(activity_id) != status or activity_id in also:
            messages.extend(views.phone_results_message(state, activity_id))
    return messages


def _command_messages(ctx: Context, state: SessionState, outcome: Outcome, before: dict) -> list[Message]:
    messages: list[Message] = []
    if outcome.lifecycle:
        messages += ctx.notice(state.code, {"t": "lifecycle"}, urgent=True)
    for activity_id, kind_state in outcome.states.items():
        messages += ctx.notice(state.code, {"t": "kind_state", "activity_id": activity_id, "state": kind_state}, urgent=True)
    if outcome.mark is not None:
        state.marks[outcome.mark[0]] = outcome.mark[1]
        messages += ctx.notice(state.code, {"t": "mark", "name": outcome.mark[0], "value": outcome.mark[1]}, urgent=True)
    if outcome.state:
        messages.append(Outbound("state", views.public_state(state), session_room(state.code)))
    messages += [outbound_of(state.code, tell) for tell in outcome.tell]
    # Results already on phones that this command changed (a word hidden after closing) are sent again.
    messages += _newly_shown(state, before, also=set(outcome.states))
    return messages
