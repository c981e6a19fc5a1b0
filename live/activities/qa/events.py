"""What participants and the facilitator send to a Q&A, decided against the session
as it stands (pure functions: the service stores what they decide).

Participants (acked once durable, like ``answer``):

- ``ask`` ``{"activity_id", "text", "answer_id", "as_name"?}`` -> ``{"ok", "question_id",
  "status"}``; ``as_name: true`` shows the participant's nickname with this question;
- ``upvote`` ``{"activity_id", "question_id", "up"}``: one vote per participant per
  question, ``up: false`` takes it back;
- ``report`` ``{"activity_id", "question_id"}``: once per participant per question;
  the facilitator sees how many, never who.

The facilitator: ``moderate`` ``{"activity_id", "question_id", "action"}`` and ``undo``
``{"activity_id"}``, stored as the kind state and replayed (``rules``).
"""

from __future__ import annotations

from live.activities.base import Activity, LiveSession, Outcome, Participation, Tell
from live.activities.qa import rules
from live.domain.errors import DomainError

# The event a participant hears when one of their own questions changes status.
QUESTION_EVENT = "question"


# ------------------------------------------------------------------ participants


def ask(session: LiveSession, activity: Activity, participant_id: str, payload: dict) -> Participation:
    """A participant asks a question (anonymous unless ``as_name`` is true)."""
    text = rules.check_question(payload.get("text"))
    answer_id = payload.get("answer_id")
    if answer_id is None:
        raise DomainError("invalid_payload", "answer_id is missing: the phone chooses one per question.", "answer_id")
    name = _shown_name(session, participant_id, payload.get("as_name", False))
    tally = session.tallies[activity.id]
    qid = rules.question_id(participant_id, answer_id)
    ack = {"question_id": qid, "status": tally.status_of_new(text)}
    return Participation(rules.ask_value(text, qid, name), answer_id=answer_id, ack=ack)


def ask_replayed(participant_id: str, answer_id: str) -> dict:
    """The ack of a question already stored, sent again by a phone that lost it."""
    return {"question_id": rules.question_id(participant_id, answer_id)}


def _shown_name(session: LiveSession, participant_id: str, as_name: object) -> str | None:
    """The nickname to show with the question, when the participant asked for it."""
    if not isinstance(as_name, bool):
        raise DomainError("invalid_payload", "as_name must be true or false.", "as_name")
    if not as_name:
        return None
    name = session.names.get(participant_id)
    if not name:
        raise DomainError("no_name", "You have no nickname to show: ask anonymously, or choose one first.", "as_name")
    return name


def upvote(session: LiveSession, activity: Activity, participant_id: str, payload: dict) -> Participation:
    """A participant upvotes a question on the wall, or takes their vote back."""
    up = payload.get("up")
    if not isinstance(up, bool):
        raise DomainError("invalid_payload", "up must be true (vote) or false (take the vote back).", "up")
    question = rules.on_wall(session.tallies[activity.id], payload)
    voted = participant_id in question.voters
    if up and voted:
        raise DomainError("already_voted", "You have already upvoted this question.", "question_id")
    if not up and not voted:
        raise DomainError("not_voted", "You have not upvoted this question.", "question_id")
    # A second tap while the first is being saved is refused (in_progress), not counted.
    return Participation(rules.vote_value(question.id, up), answer_id=payload.get("answer_id"),
                         guard=("vote", question.id))


def report(session: LiveSession, activity: Activity, participant_id: str, payload: dict) -> Participation:
    """A participant reports a question they find abusive (once per question)."""
    question = rules.on_wall(session.tallies[activity.id], payload)
    if participant_id in question.reporters:
        raise DomainError("already_reported", "You have already reported this question.", "question_id")
    return Participation(rules.report_value(question.id), answer_id=payload.get("answer_id"),
                         guard=("report", question.id))


# ------------------------------------------------------------------ the facilitator


def moderate(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The facilitator approves, hides, shows, pins, unpins or marks a question answered."""
    tally = session.tallies[activity.id]
    return _moderated(activity, tally, tally.with_action(payload))


def undo(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The facilitator undoes the last moderation action."""
    tally = session.tallies[activity.id]
    return _moderated(activity, tally, tally.without_last())


def _moderated(activity: Activity, tally: rules.Tally, actions: list[dict]) -> Outcome:
    """Store ``actions`` (the tally changes once they are stored: ``apply_state``), and
    tell each participant whose own question changed status (their phone shows "waiting
    for approval" until it is approved)."""
    tells = [
        Tell(QUESTION_EVENT, {"activity_id": activity.id, "question_id": qid, "status": status}, author)
        for author, qid, status in tally.status_changes(tally.statuses(), tally.replay(actions))
    ]
    return Outcome(states={activity.id: {"moderation": actions}}, changed={activity.id}, tell=tells)
