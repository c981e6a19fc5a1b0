"""Dispatch from an activity ``type`` to its rules, as ClassQuiz's ``check_answer``
does, with no storage or transport inside.

Each activity module offers ``parse_spec``, ``check_answer``, a tally class,
``public_view`` and ``describe_answer``; adding an activity type means adding a
module and one line to ``RULES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from live.domain import poll, quiz, wordcloud
from live.domain.errors import DomainError
from live.domain.session import REVEALED

RULES: dict[str, ModuleType] = {poll.TYPE: poll, wordcloud.TYPE: wordcloud, quiz.TYPE: quiz}
MAX_ACTIVITIES = 100


@dataclass(frozen=True)
class Activity:
    """One activity of a session: its id, its position and its validated spec."""

    id: str
    position: int
    spec: poll.PollSpec | wordcloud.WordCloudSpec | quiz.QuizSpec

    @property
    def type(self) -> str:
        return self.spec.type


def rules_for(activity_type: str) -> ModuleType:
    """The module holding the rules of ``activity_type``."""
    try:
        return RULES[activity_type]
    except KeyError:
        raise DomainError("unknown_type", f"Unknown activity type {activity_type!r}.", "type") from None


def parse_spec(raw: object, where: str = ""):
    """Validate one activity spec from untrusted input."""
    if not isinstance(raw, dict):
        raise DomainError("invalid_type", "An activity must be an object.", where.rstrip(".") or None)
    activity_type = raw.get("type")
    if not isinstance(activity_type, str):
        raise DomainError("invalid_type", "type must be a string.", f"{where}type")
    if activity_type not in RULES:
        raise DomainError("unknown_type", f"Unknown activity type {activity_type!r}.", f"{where}type")
    return RULES[activity_type].parse_spec(raw, where)


def parse_specs(raw: object) -> list:
    """Validate the list of activities of a session (at least one)."""
    if not isinstance(raw, list):
        raise DomainError("invalid_type", "activities must be a list.", "activities")
    if not raw:
        raise DomainError("blank", "A session needs at least one activity.", "activities")
    if len(raw) > MAX_ACTIVITIES:
        raise DomainError("too_many", f"A session holds at most {MAX_ACTIVITIES} activities.", "activities")
    return [parse_spec(item, f"activities[{index}].") for index, item in enumerate(raw)]


def check_answer(activity: Activity, value: object):
    """The normalised answer to ``activity``, or a DomainError."""
    return rules_for(activity.type).check_answer(activity.spec, value)


def new_tally(activity: Activity, moderation: list | None = None, profanity=None):
    """An empty running tally for ``activity``; a word cloud also takes its stored
    moderation actions and the session's profanity filter."""
    if activity.type == wordcloud.TYPE:
        return wordcloud.Tally(activity.spec, wordcloud.Moderation.from_list(moderation), profanity)
    return rules_for(activity.type).Tally(activity.spec)


def public_view(activity: Activity, status: str) -> dict:
    """What participants may see of ``activity``: a quiz's correct answer only once revealed."""
    if activity.type == quiz.TYPE and status == REVEALED:
        view = quiz.reveal_view(activity.spec)
    else:
        view = rules_for(activity.type).public_view(activity.spec)
    view.update({"id": activity.id, "position": activity.position, "status": status})
    return view


def describe_answer(activity: Activity, value) -> str:
    """An answer as text, for exports."""
    return rules_for(activity.type).describe_answer(activity.spec, value)


def answer_limit(activity: Activity) -> int:
    """How many answers one participant may give to ``activity``."""
    return rules_for(activity.type).answer_limit(activity.spec)
