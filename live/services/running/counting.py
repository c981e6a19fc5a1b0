"""Counting committed answers into a session's cache, once each, whichever process
committed them (loading from the database, this process's own commits, other
processes' notices all come through here)."""

from __future__ import annotations

from live.services.running.state import SessionState


def reserve(state: SessionState, participant_id: str, activity_id: str, value) -> None:
    """Take one of the participant's answer slots (and the answer's key) for ``value``."""
    slot = (participant_id, activity_id)
    activity = state.activities[activity_id]
    if not activity.kind.takes_slot(value):
        return
    state.given[slot] += 1
    key = activity.kind.answer_key(activity.spec, value)
    if key is not None:
        state.answer_keys[slot].add(key)


def release(state: SessionState, participant_id: str, activity_id: str, value) -> None:
    """Give back a slot ``reserve`` took, for an answer that could not be stored."""
    slot = (participant_id, activity_id)
    activity = state.activities[activity_id]
    if not activity.kind.takes_slot(value):
        return
    state.given[slot] -= 1
    key = activity.kind.answer_key(activity.spec, value)
    if key is not None:
        state.answer_keys[slot].discard(key)


def count(state: SessionState, participant_id: str, activity_id: str, value) -> None:
    """Add a stored answer (or a participant command's value) to the activity's tally
    and the participant's answers."""
    state.activities[activity_id].kind.count(state.tallies[activity_id], participant_id, value)
    state.values[participant_id][activity_id].append(value)


def record(state: SessionState, row: dict, reserve_slot: bool) -> bool:
    """Count a committed answer (the columns of its row) once; ``reserve_slot`` takes
    its slot too (an answer that was not accepted here). False when it was already
    counted (or belongs to an activity this cache does not know)."""
    key = (row["participant_id"], row["answer_id"])
    activity_id = row["activity_id"]
    if key in state.acked or activity_id not in state.activities:
        return False
    if reserve_slot:
        if key in state.inflight:
            return False  # committed here too: counted when its own commit returns
        reserve(state, row["participant_id"], activity_id, row["value"])
    state.acked.add(key)
    state.timings[(row["participant_id"], activity_id)] = row["ms_since_open"] or 0
    count(state, row["participant_id"], activity_id, row["value"])
    state.dirty_results.add(activity_id)
    return True


def answer_notice(row: dict) -> dict:
    """The notice other processes count a committed answer from."""
    return {
        "t": "answer", "participant_id": row["participant_id"], "answer_id": row["answer_id"],
        "activity_id": row["activity_id"], "value": row["value"], "ms_since_open": row["ms_since_open"],
    }
