"""The rules of a Q&A: participants ask, everyone upvotes, the facilitator moderates.

A question is 1 to ``MAX_LENGTH`` characters once cleaned (``clean_entry``); a
participant asks at most ``MAX_QUESTIONS`` of them. Questions are anonymous unless the
participant chose to show their nickname on that one question.

Where a question stands (``Tally.statuses``) is computed, never stored:

- it starts ``visible`` (``moderation: "post"``), ``pending`` (``"pre"``: it waits for
  the facilitator's approval), or ``held`` when the session's word filter matches it
  (whatever the moderation: the facilitator releases it with ``approve``);
- the facilitator's actions (``approve``, ``hide``, ``show``, ``pin``, ``unpin``,
  ``answered``) are an ordered list stored in the kind state and replayed over those
  starting points, so ``undo`` (drop the last one) is exact, as for word clouds;
- one question is pinned at a time: pinning another one puts the first back among
  the visible ones; an answered question is no longer pinned.

The contract's statuses are ``visible``, ``pending``, ``hidden``, ``pinned`` and
``answered``: a held question is ``pending`` to everyone but the moderation console.

Votes and reports are sets of participants per question: a stored value counted twice
(a replayed row) changes nothing. Text is never stripped of HTML: ``<b>`` stays the
three characters, and the edges set it with ``textContent``.

Pure: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from live.domain.errors import Checks, DomainError
from live.domain.normalise import clean_entry
from live.domain.profanity import ProfanityFilter
from live.domain.text import required_text

TYPE = "qa"
MAX_PROMPT = 300
MAX_LENGTH = 300  # characters of one question, once cleaned
MAX_QUESTIONS = 20  # questions one participant may ask in one Q&A
POST, PRE = "post", "pre"
MODERATIONS = (POST, PRE)

# Where a question stands. HELD is the word filter's PENDING: the contract says "pending".
VISIBLE, PENDING, HELD, HIDDEN, PINNED, ANSWERED = "visible", "pending", "held", "hidden", "pinned", "answered"
# What phones see on the wall (and may upvote or report).
ON_WALL = (PINNED, VISIBLE, ANSWERED)
# Order of the lists: pinned first, the open questions by votes, then the answered
# ones, then what the room does not see.
_RANK = {PINNED: 0, VISIBLE: 1, ANSWERED: 2, PENDING: 3, HELD: 3, HIDDEN: 4}

# The facilitator's actions, and the statuses each may act on.
ACTIONS = {
    "approve": (PENDING, HELD),
    "hide": (VISIBLE, PINNED, ANSWERED, PENDING, HELD),
    "show": (HIDDEN, ANSWERED),
    "pin": (VISIBLE, ANSWERED, PENDING, HELD),
    "unpin": (PINNED,),
    "answered": (VISIBLE, PINNED),
}
MAX_ID = 64


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class QaSpec:
    """What the facilitator wrote: the prompt (a theme: "Vos questions sur le budget")
    and whether questions wait for approval."""

    prompt: str
    moderation: str = POST

    type: str = field(default=TYPE, init=False)

    def as_dict(self) -> dict:
        """The spec as stored and as given back by the API."""
        return {"type": TYPE, "prompt": self.prompt, "moderation": self.moderation}


def parse_spec(raw: dict, where: str = "") -> QaSpec:
    """Validate a Q&A spec from untrusted input; every refusal at once."""
    checks = Checks()
    prompt = checks.run(lambda: required_text(raw.get("prompt"), f"{where}prompt", MAX_PROMPT))
    moderation = checks.run(lambda: _moderation(raw.get("moderation", POST), where))
    checks.done()
    return QaSpec(prompt=prompt, moderation=moderation)


def _moderation(value: object, where: str) -> str:
    if value not in MODERATIONS:
        raise DomainError("invalid_type", 'moderation must be "post" or "pre".', f"{where}moderation")
    return value


def public_view(spec: QaSpec) -> dict:
    """What phones see of the Q&A: its spec and the limits their ask box counts down."""
    return {**spec.as_dict(), "max_length": MAX_LENGTH, "max_questions": MAX_QUESTIONS}


# ---------------------------------------------------------------------- questions


def check_question(value: object) -> str:
    """A question as it will be stored and shown, or a DomainError: ``invalid_value``
    (not a string), ``blank``, ``too_long`` (over ``MAX_LENGTH`` once cleaned)."""
    if not isinstance(value, str):
        raise DomainError("invalid_value", "A question must be text.", "text")
    # A huge string is refused before it is cleaned: a 10 MB payload costs nothing.
    if len(value) > 4 * MAX_LENGTH + 100:
        raise DomainError("too_long", f"A question holds at most {MAX_LENGTH} characters.", "text")
    text = clean_entry(value)
    if not text:
        raise DomainError("blank", "The question is empty.", "text")
    if len(text) > MAX_LENGTH:
        raise DomainError("too_long", f"A question holds at most {MAX_LENGTH} characters.", "text")
    return text


def question_id(participant_id: str, answer_id: str) -> str:
    """The id of the question a participant sent with ``answer_id``: the same when the
    phone sends it again, so its ack is the same; nothing in it tells who asked."""
    return hashlib.sha256(f"qa:{participant_id}:{answer_id}".encode()).hexdigest()[:16]


def question_ref(payload: dict) -> str:
    """The ``question_id`` a participant or host event names (its shape only)."""
    value = payload.get("question_id")
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID or not value.isprintable():
        raise DomainError("invalid_payload", f"question_id must hold 1 to {MAX_ID} printable characters.", "question_id")
    return value


# Stored values (one answer row each): {"ask": text, "id", "name"}, {"vote": id, "up"},
# {"report": id}.


def ask_value(text: str, qid: str, name: str | None) -> dict:
    return {"ask": text, "id": qid, "name": name}


def vote_value(qid: str, up: bool) -> dict:
    return {"vote": qid, "up": up}


def report_value(qid: str) -> dict:
    return {"report": qid}


def is_question(value: object) -> bool:
    """Whether a stored value is a question asked (it takes one of the participant's
    ``MAX_QUESTIONS``; votes and reports do not)."""
    return isinstance(value, dict) and "ask" in value


def public_status(status: str) -> str:
    """The contract's status of a question: a held one is ``pending``."""
    return PENDING if status == HELD else status


# --------------------------------------------------------------------- moderation


def parse_action(raw: object) -> dict:
    """A moderation action from the host's payload, in its stored form
    ``{"action", "question_id"}``, or ``invalid_payload``."""
    if not isinstance(raw, dict):
        raise DomainError("invalid_payload", "A moderation action must be an object.", "action")
    name = raw.get("action")
    if not isinstance(name, str) or name not in ACTIONS:
        raise DomainError("invalid_payload", f"Unknown moderation action {name!r}.", "action")
    return {"action": name, "question_id": question_ref(raw)}


def actions_from(raw: object) -> list[dict]:
    """The stored list of actions (None: none yet); malformed items are dropped, so a
    damaged state never stops a session from loading."""
    if not isinstance(raw, list):
        return []
    kept = []
    for item in raw:
        try:
            kept.append(parse_action(item))
        except DomainError:
            continue
    return kept


def _step(action: dict, statuses: dict[str, str], strict: bool) -> None:
    """Play one action on ``statuses``. Strict (a new action): refuse what cannot
    apply. Not strict (replaying stored ones): skip it."""
    qid, name = action["question_id"], action["action"]
    current = statuses.get(qid)
    if current is None:
        if strict:
            raise DomainError("unknown_question", "There is no such question.", "question_id")
        return
    if current not in ACTIONS[name]:
        if strict:
            raise DomainError("invalid_action", f"Cannot {name} a question that is {public_status(current)}.", "action")
        return
    if name == "pin":
        for other, status in statuses.items():
            if status == PINNED:
                statuses[other] = VISIBLE  # one pinned question at a time
    statuses[qid] = {"approve": VISIBLE, "hide": HIDDEN, "show": VISIBLE, "pin": PINNED,
                     "unpin": VISIBLE, "answered": ANSWERED}[name]


# -------------------------------------------------------------------------- tally


@dataclass
class Question:
    """One question: its text, who asked it (never shown), the nickname shown with it
    (when the participant chose to), where it came in, whether the word filter held
    it, and who upvoted and reported it."""

    id: str
    text: str
    author: str
    name: str | None
    order: int
    held: bool
    voters: set[str] = field(default_factory=set)
    reporters: set[str] = field(default_factory=set)


class Tally:
    """The questions of one Q&A, their votes and reports, and the facilitator's
    moderation (``actions``, the stored list, replaced by ``apply_state``).

    ``profanity`` is the session's word filter (an empty one: off)."""

    def __init__(self, spec: QaSpec, actions: list[dict] | None = None, profanity: ProfanityFilter | None = None) -> None:
        self.spec = spec
        self.actions = list(actions or [])
        self.profanity = profanity if profanity is not None else ProfanityFilter()
        self.questions: dict[str, Question] = {}
        self.n_answers = 0  # questions asked (votes and reports are not answers)
        # Statuses replayed from the actions, kept until the actions or questions change.
        self._cached: dict[str, str] | None = None
        self._cached_actions: list[dict] = []

    # -- counting stored values

    def add_from(self, participant_id: str, value: object) -> None:
        """Count one stored value (a question, a vote, a report); values naming an
        unknown question, or counted before, change nothing."""
        if not isinstance(value, dict):
            return
        if "ask" in value:
            self._ask(participant_id, value)
            return
        question = self.questions.get(value.get("vote") or value.get("report"))
        if question is None:
            return
        if "report" in value:
            question.reporters.add(participant_id)
        elif value.get("up") is True:
            question.voters.add(participant_id)
        else:
            question.voters.discard(participant_id)

    def _ask(self, participant_id: str, value: dict) -> None:
        qid, text = value.get("id"), value.get("ask")
        if not isinstance(qid, str) or not isinstance(text, str) or qid in self.questions:
            return
        name = value.get("name") if isinstance(value.get("name"), str) else None
        question = Question(qid, text, participant_id, name, len(self.questions), self.profanity.is_profane(text))
        self.questions[qid] = question
        self.n_answers += 1
        if self._cached is not None and not any(action["question_id"] == qid for action in self.actions):
            self._cached[qid] = self.starting_status(question.held)
        else:
            self._cached = None  # a stored action names it: replay them all

    # -- where questions stand

    def starting_status(self, held: bool) -> str:
        """Where a new question stands before any moderation."""
        if held:
            return HELD
        return PENDING if self.spec.moderation == PRE else VISIBLE

    def status_of_new(self, text: str) -> str:
        """The contract's status a question with ``text`` would take now."""
        return public_status(self.starting_status(self.profanity.is_profane(text)))

    def statuses(self) -> dict[str, str]:
        """Every question's status (``held`` kept apart from ``pending``)."""
        if self._cached is None or self._cached_actions != self.actions:
            self._cached = self.replay(self.actions)
            self._cached_actions = [dict(action) for action in self.actions]
        return self._cached

    def replay(self, actions: list[dict]) -> dict[str, str]:
        """The statuses ``actions`` give, computed afresh."""
        statuses = {qid: self.starting_status(q.held) for qid, q in self.questions.items()}
        for action in actions:
            _step(action, statuses, strict=False)
        return statuses

    def with_action(self, raw: object) -> list[dict]:
        """The stored actions plus ``raw``, checked against the questions as they stand
        (``invalid_payload``, ``unknown_question``, ``invalid_action``). The tally is
        not changed: the service stores the list, then ``apply_state`` brings it here."""
        action = parse_action(raw)
        _step(action, dict(self.statuses()), strict=True)
        return [*self.actions, action]

    def without_last(self) -> list[dict]:
        """The stored actions without the last one, or ``nothing_to_undo``."""
        if not self.actions:
            raise DomainError("nothing_to_undo", "There is no moderation to undo.")
        return self.actions[:-1]

    # -- what the screens see

    def rows(self, kept=None, private: bool = False) -> list[dict]:
        """Questions as the lists show them, best first (pinned, open by votes, answered
        by votes, then pending and hidden; ties: the oldest first). ``kept``: the
        statuses to keep (all by default). ``private`` adds what only the facilitator
        sees: reports and whether the word filter held it."""
        statuses = self.statuses()
        chosen = [q for q in self.questions.values() if kept is None or statuses[q.id] in kept]
        chosen.sort(key=lambda q: (_RANK[statuses[q.id]], -len(q.voters), q.order))
        return [self._row(q, statuses[q.id], private) for q in chosen]

    def _row(self, question: Question, status: str, private: bool) -> dict:
        row = {"id": question.id, "text": question.text, "votes": len(question.voters),
               "status": public_status(status), "name": question.name}
        if private:
            row.update(reports=len(question.reporters), held=question.held)
        return row

    def results(self) -> dict:
        """The ``questions`` of the host's ``results`` (every question, with its status)."""
        return {"questions": self.rows()}

    def wall(self) -> list[dict]:
        """What every phone sees: pinned, visible and answered questions, never a
        pending, held or hidden one, never who asked (unless they chose to say)."""
        return self.rows(kept=ON_WALL)

    def voted_by(self, participant_id: str) -> list[str]:
        """The questions ``participant_id`` upvotes now."""
        return [qid for qid, q in self.questions.items() if participant_id in q.voters]

    def reported_by(self, participant_id: str) -> list[str]:
        """The questions ``participant_id`` reported."""
        return [qid for qid, q in self.questions.items() if participant_id in q.reporters]

    def asked_by(self, participant_id: str) -> list[dict]:
        """``participant_id``'s own questions with their status (their phone marks the
        pending ones "waiting for approval")."""
        statuses = self.statuses()
        return [{"id": q.id, "text": q.text, "status": public_status(statuses[q.id])}
                for q in self.questions.values() if q.author == participant_id]

    def status_changes(self, before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
        """``(author, question id, new contract status)`` for each question whose
        contract status differs between ``before`` and ``after``."""
        changes = []
        for qid, status in after.items():
            if public_status(before.get(qid, status)) != public_status(status):
                changes.append((self.questions[qid].author, qid, public_status(status)))
        return changes


# ------------------------------------------------------------------ participants


def on_wall(tally: Tally, payload: dict) -> Question:
    """The question a participant's ``upvote`` or ``report`` names, which must be on
    the wall: ``invalid_payload``, ``unknown_question``, ``not_visible``."""
    qid = question_ref(payload)
    question = tally.questions.get(qid)
    if question is None:
        raise DomainError("unknown_question", "There is no such question.", "question_id")
    if tally.statuses()[qid] not in ON_WALL:
        raise DomainError("not_visible", "This question is not on the wall.", "question_id")
    return question
