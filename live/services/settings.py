"""A session's settings: one JSON document (``sessions.settings``), so a new setting
needs no database migration.

- ``profanity_filter`` (default true): entries matching the word lists are held off
  the projector (word clouds and other moderated kinds);
- ``blocked_words``: the session's own words to hold (``!word`` lifts a listed one);
- ``share_with_participants`` (default false): when the session ends, phones are
  given a link to the summary (pseudonymous: no nickname shows);
- ``expected_participants`` (default none), and the host's ``joins_locked`` and
  ``admissions``: who may join (live/domain/joins.py, ``JoinSettings``);
- ``reactions`` (default ``DEFAULT_SET`` of live/domain/reactions.py): the emoji
  participants may send at any time; ``[]`` switches reactions off;
- ``archive_locale``, stored when the host ends the session: the language of its
  archive page, also when the archive is written again after a crash.
"""

from __future__ import annotations

import re

import emoji

from live.domain.errors import Checks, DomainError
from live.domain.joins import parse_expected_participants
from live.domain.profanity import ProfanityFilter
from live.domain.reactions import DEFAULT_SET, parse_reaction_set
from live.domain.text import clean_text

ARCHIVE_LOCALE = "archive_locale"

DEFAULTS = {
    "profanity_filter": True, "blocked_words": [], "share_with_participants": False, "reactions": list(DEFAULT_SET),
}


class _Unset:
    """A setting the caller did not give (its default applies), told apart from null."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def parse_settings(
    profanity_filter: object = True, blocked_words: object = None, expected_participants: object = None,
    share_with_participants: object = False, reactions: object = UNSET,
) -> dict:
    """Validated settings from untrusted input (API body, editor); each DomainError names
    its field, and every refusal comes at once (``problems``). ``reactions`` left
    ``UNSET`` is the default set."""
    checks = Checks()
    checks.run(lambda: _boolean(profanity_filter, "profanity_filter"))
    checks.run(lambda: _boolean(share_with_participants, "share_with_participants"))
    words = [] if blocked_words is None else blocked_words
    checks.run(lambda: ProfanityFilter().with_extra(words))  # raises on a bad list, naming the field
    expected = checks.run(lambda: parse_expected_participants(expected_participants))
    chosen = list(DEFAULT_SET) if reactions is UNSET else checks.run(lambda: parse_reactions(reactions))
    checks.done()
    return {
        "profanity_filter": profanity_filter, "blocked_words": [clean_text(w) for w in words if clean_text(w)],
        "share_with_participants": share_with_participants, "expected_participants": expected, "reactions": chosen,
    }


def _boolean(value: object, name: str) -> None:
    if not isinstance(value, bool):
        raise DomainError("invalid_type", f"{name} must be true or false.", name)


def parse_reactions(value: object) -> list[str]:
    """The ``reactions`` setting from untrusted input: a list of at most eight single
    emoji, no two the same (every problem reported at once, each naming its item)."""
    return parse_reaction_set(value, is_emoji, fully_qualified)


def typed_reactions(text: str) -> list[str]:
    """The emoji a facilitator typed (separated by spaces or commas, or not at all:
    ``👏🎉`` is two), in order; a piece that is not made of emoji is kept whole, for
    ``parse_reactions`` to refuse by name."""
    found: list[str] = []
    for piece in re.split(r"[\s,;]+", text or ""):
        if not piece:
            continue
        parts = [match["emoji"] for match in emoji.emoji_list(piece)]
        found += parts if not is_emoji(piece) and parts and "".join(parts) == piece else [piece]
    return found


def is_emoji(text: str) -> bool:
    """True when ``text`` is exactly one emoji as Unicode lists them (a flag, a skin
    tone or a family joined by zero-width joiners included; a lone skin-tone swatch
    is not one)."""
    data = emoji.EMOJI_DATA.get(text)
    return data is not None and data.get("status", 0) >= emoji.STATUS["fully_qualified"]


def fully_qualified(text: str) -> str:
    """The fully-qualified form of an emoji (``❤`` -> ``❤️``): what phones display as
    an emoji rather than as a black-and-white symbol."""
    if emoji.EMOJI_DATA[text].get("status") == emoji.STATUS["fully_qualified"]:
        return text
    candidate = text + "\ufe0f"
    found = emoji.EMOJI_DATA.get(candidate)
    return candidate if found and found.get("status") == emoji.STATUS["fully_qualified"] else text


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
