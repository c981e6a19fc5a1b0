"""A kind made only for tests of what a Q&A needs from shared code, with no file
outside tests/: it runs *beside* other activities (``side`` in ``state``), takes
participant events beyond ``answer`` (``note``, a text with a client ``answer_id``,
and ``like``, one per participant per note, which takes no answer slot), shows
phones a live ``wall``, and its host command ``promote`` inserts a poll of its
notes right after it (what the chain does)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from live.activities.base import Activity, ActivityKind, Capabilities, Outcome, ParticipantCommand, Participation
from live.domain.errors import DomainError
from live.domain.text import required_text

NAME = "board"


@dataclass(frozen=True)
class BoardSpec:
    prompt: str
    type: str = field(default=NAME, init=False)

    def as_dict(self) -> dict:
        return {"type": NAME, "prompt": self.prompt}


def note_id(participant_id: str, answer_id: str) -> str:
    return hashlib.sha256(f"{participant_id}:{answer_id}".encode()).hexdigest()[:12]


class BoardTally:
    def __init__(self) -> None:
        self.notes: dict[str, str] = {}
        self.likes: dict[str, set[str]] = {}
        self.n_answers = 0

    def add_from(self, participant_id: str, value: dict) -> None:
        if "note" in value:
            self.notes[value["id"]] = value["note"]
            self.likes[value["id"]] = set()
            self.n_answers += 1
        elif value.get("like") in self.likes:
            self.likes[value["like"]].add(participant_id)

    def results(self) -> dict:
        ranked = sorted(self.notes, key=lambda nid: -len(self.likes[nid]))
        return {"notes": [{"id": nid, "text": self.notes[nid], "likes": len(self.likes[nid])} for nid in ranked]}


def _note(session, activity: Activity, participant_id: str, payload: dict) -> Participation:
    text = required_text(payload.get("text"), "text", 100)
    answer_id = payload.get("answer_id")
    if answer_id is None:
        raise DomainError("invalid_payload", "answer_id is missing.", "answer_id")
    nid = note_id(participant_id, answer_id)
    return Participation({"note": text, "id": nid}, answer_id=answer_id, ack={"note_id": nid})


def _like(session, activity: Activity, participant_id: str, payload: dict) -> Participation:
    tally = session.tallies[activity.id]
    nid = payload.get("note_id")
    if nid not in tally.notes:
        raise DomainError("unknown_note", "There is no such note.", "note_id")
    if participant_id in tally.likes[nid]:
        raise DomainError("already_liked", "You already like this note.", "note_id")
    return Participation({"like": nid}, guard=("like", nid))


def _promote(session, activity: Activity, payload: dict) -> Outcome:
    notes = session.tallies[activity.id].results()["notes"][:3]
    if len(notes) < 2:
        raise DomainError("too_few", "A poll needs at least two notes.", "activity_id")
    poll = {"type": "poll", "prompt": activity.spec.prompt, "options": [note["text"] for note in notes]}
    return Outcome(insert=(poll, activity.id), ack={"options": len(notes)})


class BoardKind(ActivityKind):
    name = NAME
    capabilities = Capabilities(beside=True, several_answers=True)
    package_dir = Path(__file__).parent
    script = Path(__file__).parent / "board.js"
    commands = {"promote": _promote}
    participant_commands = {
        "note": ParticipantCommand(_note, replayed=lambda participant_id, answer_id: {"note_id": note_id(participant_id, answer_id)}),
        "like": ParticipantCommand(_like),
    }

    def parse_spec(self, raw: dict, where: str = "") -> BoardSpec:
        return BoardSpec(prompt=required_text(raw.get("prompt"), f"{where}prompt", 300))

    def answer_limit(self, spec: BoardSpec) -> int:
        return 2

    def takes_slot(self, value) -> bool:
        return "note" in value

    def count(self, tally: BoardTally, participant_id: str, value) -> None:
        tally.add_from(participant_id, value)

    def describe_answer(self, spec: BoardSpec, value) -> str | None:
        return value.get("note")  # likes are left out of answers.csv

    def new_tally(self, activity: Activity, state: dict, settings) -> BoardTally:
        return BoardTally()

    def phone_feed(self, activity: Activity, status: str, session) -> dict:
        return session.tallies[activity.id].results()

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return {"type": NAME, "prompt": form.get("prompt", "")}

    def form_from_spec(self, spec: dict) -> dict:
        return {"prompt": spec.get("prompt", "")}


KIND = BoardKind()
