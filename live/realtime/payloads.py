"""Socket.IO payloads checked at the edge, before any service sees them."""

from __future__ import annotations

from live.domain.errors import DomainError
from live.domain.reactions import MAX_LENGTH as MAX_EMOJI_LENGTH
from live.services.running.state import AnswerInput

MAX_ID = 64


def object_of(data: object) -> dict:
    """The payload, which must be an object."""
    if not isinstance(data, dict):
        raise DomainError("invalid_payload", "The payload must be an object.")
    return data



def no_payload(data: object) -> None:
    """A payload that carries nothing: absent, or an object."""
    if data is not None and not isinstance(data, dict):
        raise DomainError("invalid_payload", "The payload must be an object.")


def join_code(auth: dict) -> object:
    """The join code of a connect ``auth`` object, as typed (spaces and case forgiven)."""
    code = auth.get("code")
    return code.strip().upper() if isinstance(code, str) else code


def _identifier(data: dict, key: str) -> str:
    value = data.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and key == "answer_id":
        value = str(value)
    if not isinstance(value, str):
        raise DomainError("invalid_payload", f"{key} must be a string.", key)
    if not 1 <= len(value) <= MAX_ID or not value.isprintable():
        raise DomainError("invalid_payload", f"{key} must hold 1 to {MAX_ID} printable characters.", key)
    return value


def answer_input(data: object) -> AnswerInput:
    """An ``answer`` payload: ``{"activity_id", "value", "answer_id"}``."""
    data = object_of(data)
    if "value" not in data:
        raise DomainError("invalid_payload", "value is missing.", "value")
    return AnswerInput(
        activity_id=_identifier(data, "activity_id"),
        answer_id=_identifier(data, "answer_id"),
        value=data["value"],
    )


def participant_command(data: object) -> dict:
    """A participant command's payload (``ask``, ``upvote``...): an object naming the
    activity, with an optional client ``answer_id``; the kind checks the rest."""
    data = dict(object_of(data))
    data["activity_id"] = _identifier(data, "activity_id")
    if "answer_id" in data:
        data["answer_id"] = _identifier(data, "answer_id")
    return data


def activity_id(data: object) -> str:
    """The ``activity_id`` of a host command's payload (``open``, ``close``, ``reveal``...)."""
    return _identifier(object_of(data), "activity_id")


def end_options(data: object) -> bool | None:
    """Whether an ``end`` payload shares the summary with participants
    (``{"share_with_participants": true}``), or None to follow the session's setting."""
    if data is None:
        return None
    share = object_of(data).get("share_with_participants")
    if share is not None and not isinstance(share, bool):
        raise DomainError("invalid_payload", "share_with_participants must be true or false.", "share_with_participants")
    return share


def reaction(data: object) -> str:
    """A ``react`` payload: ``{"emoji": "<one emoji>"}``; whether the session takes
    it is the service's to say."""
    emoji = object_of(data).get("emoji")
    if not isinstance(emoji, str) or not 1 <= len(emoji) <= MAX_EMOJI_LENGTH:
        raise DomainError("invalid_payload", "emoji must be one emoji, as text.", "emoji")
    return emoji
