"""Socket.IO payloads checked at the edge, before any service sees them."""

from __future__ import annotations

from live.domain.errors import DomainError
from live.services.runtime import AnswerInput

MAX_ID = 64


def _payload(data: object) -> dict:
    if not isinstance(data, dict):
        raise DomainError("invalid_payload", "The payload must be an object.")
    return data


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
    data = _payload(data)
    if "value" not in data:
        raise DomainError("invalid_payload", "value is missing.", "value")
    return AnswerInput(
        activity_id=_identifier(data, "activity_id"),
        answer_id=_identifier(data, "answer_id"),
        value=data["value"],
    )


def activity_id(data: object) -> str:
    """The ``activity_id`` of an ``open`` or ``close`` payload."""
    return _identifier(_payload(data), "activity_id")
