"""A session's settings: one JSON document (``sessions.settings``), so a new setting
needs no database migration.

- ``profanity_filter`` (default true): entries matching the word lists are held off
  the projector (word clouds and other moderated kinds);
- ``blocked_words``: the session's own words to hold (``!word`` lifts a listed one);
- ``share_with_participants`` (default false): when the session ends, phones are
  given a link to the summary (pseudonymous: no nickname shows);
- ``expected_participants`` (default none), and the host's ``joins_locked`` and
  ``admissions``: who may join (live/domain/joins.py, ``JoinSettings``).
"""

from __future__ import annotations

from live.domain.errors import DomainError
from live.domain.joins import parse_expected_participants
from live.domain.profanity import ProfanityFilter
from live.domain.text import clean_text

DEFAULTS = {"profanity_filter": True, "blocked_words": [], "share_with_participants": False}


def parse_settings(
    profanity_filter: object = True, blocked_words: object = None, expected_participants: object = None,
    share_with_participants: object = False,
) -> dict:
    """Validated settings from untrusted input (API body, editor); the DomainError names the field."""
    if not isinstance(profanity_filter, bool):
        raise DomainError("invalid_type", "profanity_filter must be true or false.", "profanity_filter")
    if not isinstance(share_with_participants, bool):
        raise DomainError("invalid_type", "share_with_participants must be true or false.", "share_with_participants")
    words = [] if blocked_words is None else blocked_words
    ProfanityFilter().with_extra(words)  # raises on a bad list, naming the field
    return {
        "profanity_filter": profanity_filter, "blocked_words": [clean_text(w) for w in words if clean_text(w)],
        "share_with_participants": share_with_participants,
        "expected_participants": parse_expected_participants(expected_participants),
    }


def settings_of(stored: dict | None) -> dict:
    """Stored settings with the defaults filled in (older rows have fewer keys)."""
    return {**DEFAULTS, **(stored or {})}


def word_filter(server_filter: ProfanityFilter, settings: dict | None) -> ProfanityFilter:
    """The filter a session's moderated activities use: the server's lists plus the
    session's own words, or nothing at all when the facilitator switched it off."""
    settings = settings_of(settings)
    if not settings["profanity_filter"]:
        return ProfanityFilter()
    return server_filter.with_extra(settings["blocked_words"] or [])
