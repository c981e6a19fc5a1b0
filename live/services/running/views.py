"""What screens are told about a running session: the ``state`` phones and host
screens see, the host's ``results``, the ``results`` phones see once an activity's
results are shown, ``presence``, the host's whole view, and the coalesced pushes.
Each kind adds its own fields; nothing here knows a kind by name."""

from __future__ import annotations

from collections.abc import Callable

from live.activities.registry import public_view
from live.domain.session import ACTIVITY, ENDED, OPEN
from live.services.messages import Outbound, hosts_room, moderators_room, participants_room
from live.services.running import joins, reactions
from live.services.running.state import SessionState

# Phones hear a wall (a Q&A's questions and votes) at most this often, and in a
# large room less often: every push is one frame per phone of the process, and
# with 2,000 phones two pushes a second doubled the server's work during a vote
# (scripts/bench --beside-qa). The budget keeps a wall's frames to about this many
# a second per process.
WALL_SECONDS = 0.5
WALL_FRAMES_PER_SECOND = 1000


def public_state(state: SessionState) -> dict:
    """The ``state`` event: phase and current activity as participants may see them."""
    current = state.lifecycle.current_activity_id
    view = None
    if state.lifecycle.phase == ACTIVITY and current:
        view = activity_view(state, current)
    public = {
        "phase": state.lifecycle.phase,
        "activity": view,
        "title": state.title,
        "n_activities": len(state.activities),
        # The emoji phones may send at any time (empty: reactions are off).
        "reactions": reactions.reaction_set(state),
    }
    side = state.lifecycle.side
    if side and state.lifecycle.phase == ACTIVITY:
        public["side"] = activity_view(state, side)  # a Q&A open beside the activity on screen
    if state.lifecycle.phase == ENDED and state.summary_path:
        public["summary_url"] = state.summary_path  # the group's summary, when the facilitator shared it
    return public


def activity_view(state: SessionState, activity_id: str) -> dict:
    """One activity's public view with what its kind adds while it runs."""
    activity = state.activities[activity_id]
    status = state.lifecycle.statuses[activity_id]
    view = public_view(activity, status)
    view.update(activity.kind.live_fields(activity, status, state))
    return view


def results(state: SessionState, activity_id: str) -> dict:
    """The host's ``results`` event of one activity."""
    activity = state.activities[activity_id]
    status = state.lifecycle.statuses[activity_id]
    payload = _common_results(state, activity_id, status)
    payload.update(activity.kind.results(activity, status, state))
    return payload


def phone_results(state: SessionState, activity_id: str) -> dict | None:
    """The ``results`` phones receive once the activity's results are shown (when it
    closes, or a quiz question is revealed), or None while they are not."""
    activity = state.activities[activity_id]
    status = state.lifecycle.statuses[activity_id]
    if not activity.kind.shows_results(activity, status):
        return None
    payload = _common_results(state, activity_id, status)
    payload.update(activity.kind.phone_results(activity, status, state))
    return payload


def _common_results(state: SessionState, activity_id: str, status: str) -> dict:
    return {
        "activity_id": activity_id,
        "type": state.activities[activity_id].type,
        "status": status,
        "n_participants": state.n_in(),
        "n_answers": state.tallies[activity_id].n_answers,
    }


def phone_results_message(state: SessionState, activity_id: str) -> list[Outbound]:
    """The phones' ``results`` of an activity whose results are now shown (else nothing)."""
    shown = phone_results(state, activity_id)
    return [Outbound("results", shown, participants_room(state.code))] if shown is not None else []


def wall(state: SessionState, activity_id: str) -> dict | None:
    """The ``wall`` phones see of an open activity whose kind has one (a Q&A's
    questions and votes), or None."""
    activity = state.activities[activity_id]
    status = state.lifecycle.statuses[activity_id]
    if status != OPEN:
        return None
    feed = activity.kind.phone_feed(activity, status, state)
    if feed is None:
        return None
    return {"activity_id": activity_id, "type": activity.type, **feed}


def walls(state: SessionState) -> list[dict]:
    """The walls of the activity on screen and the one beside it, for a phone (re)joining."""
    on_show = [state.lifecycle.current_activity_id, state.lifecycle.side]
    return [shown for shown in (wall(state, a) for a in on_show if a) if shown is not None]


def presence(state: SessionState) -> dict:
    """The ``presence`` event: participants joined, and connected now (here and,
    with several processes, on the others)."""
    return {"n_participants": state.n_in(), "n_connected": state.connected()}


def host_view(state: SessionState) -> dict:
    """Everything a host screen needs when it (re)connects."""
    return {
        "state": public_state(state),
        "presence": presence(state),
        "joins": joins.view(state),
        "activities": [
            _planned(state, a) for a in sorted(state.activities.values(), key=lambda a: a.position)
        ],
    }


def _planned(state: SessionState, activity) -> dict:
    """One activity of the host's plan: its public view, its answers, the host commands
    its kind takes (so the host screen offers them, whatever the kind: ``shortlist``
    for the chain) and, for a poll the chain made, where its options came from."""
    planned = dict(
        public_view(activity, state.lifecycle.statuses[activity.id]),
        n_answers=state.tallies[activity.id].n_answers, commands=sorted(activity.kind.commands),
    )
    if activity.origin is not None:
        planned["origin"] = activity.origin
    return planned


def moderation_view(state: SessionState, activity_id: str) -> dict | None:
    """The facilitator's moderation view of an activity, when its kind has one."""
    activity = state.activities[activity_id]
    return activity.kind.moderation_view(activity, state)


def pending_pushes(states: list[SessionState], pushes_for: Callable[[str], bool] | None = None) -> list[Outbound]:
    """Results and presence changed since the last call, for the host screens, and
    the reactions counted here since the last push.

    Called about ten times a second by one loop: this is the coalescing that keeps a
    vote burst from turning into one emit per vote. With several processes,
    ``pushes_for(code)`` says whether this one pushes that session (it holds its
    lease); the others just forget what changed. Reactions are the exception: each
    process pushes the taps it counted itself."""
    messages = []
    for state in states:
        messages += reactions.pushes(state)
        if not state.dirty_results and not state.dirty_presence and not state.dirty_joins and not state.dirty_walls:
            continue
        if pushes_for is not None and not pushes_for(state.code):
            state.dirty_results.clear()
            state.dirty_walls.clear()
            state.dirty_presence = state.dirty_joins = False
            continue
        with state.lock:
            messages.extend(_pushes_of(state))
    return messages


def _pushes_of(state: SessionState) -> list[Outbound]:
    messages = []
    if state.dirty_results:
        activity_id = _next_to_push(state)
        state.dirty_results.discard(activity_id)
        state.last_pushed = activity_id
        messages.append(Outbound("results", results(state, activity_id), hosts_room(state.code)))
        moderation = moderation_view(state, activity_id)
        if moderation is not None:
            messages.append(Outbound("moderation", moderation, moderators_room(state.code)))
        state.dirty_walls.add(activity_id)  # phones' wall, when its kind has one
    messages += _wall_pushes(state)
    presence_changed, state.dirty_presence = state.dirty_presence, False
    if presence_changed:
        messages.append(Outbound("presence", presence(state), hosts_room(state.code)))
    joins_changed, state.dirty_joins = state.dirty_joins, False
    if joins_changed:
        messages.append(Outbound("joins", joins.view(state), hosts_room(state.code)))
    return messages


def _next_to_push(state: SessionState) -> str:
    """The activity whose ``results`` go out this tick: one per session per tick (the
    contract's "at most 10 a second"). The activity on screen and the one beside it
    come first, taking turns when both keep changing (a poll's votes pouring in must
    not starve the Q&A beside it); others follow on later ticks."""
    shown = [a for a in (state.lifecycle.current_activity_id, state.lifecycle.side) if a in state.dirty_results]
    if len(shown) == 2 and shown[0] == state.last_pushed:
        return shown[1]
    return shown[0] if shown else min(state.dirty_results)


def _wall_pushes(state: SessionState) -> list[Outbound]:
    """The phones' ``wall`` of each activity whose wall changed, at most every
    ``WALL_SECONDS`` (longer in a large room, see WALL_FRAMES_PER_SECOND): every
    phone of the room hears it, so it is coalesced harder than the host's results."""
    if not state.dirty_walls or state.clock() - state.wall_pushed_at < WALL_SECONDS:
        return []
    if state.clock() - state.wall_pushed_at < state.local_connected() / WALL_FRAMES_PER_SECOND:
        return []
    changed, state.dirty_walls = state.dirty_walls, set()
    state.wall_pushed_at = state.clock()
    return [
        Outbound("wall", shown, participants_room(state.code))
        for shown in (wall(state, activity_id) for activity_id in sorted(changed)) if shown is not None
    ]
