"""Cleaning of short texts typed by people: nicknames, titles, prompts, options.

Control and bidirectional-override characters are removed (they can hide or
reorder text on the projector), the text is NFC-normalised and whitespace is
collapsed. Length is checked after cleaning, so what is stored is what is shown.
"""

from __future__ import annotations

import unicodedata

from live.domain.errors import DomainError

# Bidi controls that can make a nickname display as something else.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean_text(value: str) -> str:
    """Return ``value`` NFC-normalised, without control characters, spaces collapsed."""
    value = unicodedata.normalize("NFC", value)
    kept = []
    for char in value:
        if char in _BIDI_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category == "Cc" or category == "Cs":
            kept.append(" " if char in "\t\n\r" else "")
            continue
        kept.append(char)
    return " ".join("".join(kept).split())


def required_text(value: object, field: str, max_length: int) -> str:
    """Clean a mandatory text field, refusing non-strings, blanks and overlong texts."""
    if not isinstance(value, str):
        raise DomainError("invalid_type", f"{field} must be a string.", field)
    cleaned = clean_text(value)
    if not cleaned:
        raise DomainError("blank", f"{field} must not be empty.", field)
    if len(cleaned) > max_length:
        raise DomainError("too_long", f"{field} is longer than {max_length} characters.", field)
    return cleaned


def optional_text(value: object, field: str, max_length: int) -> str | None:
    """Like ``required_text`` but ``None`` or a blank string give ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise DomainError("invalid_type", f"{field} must be a string.", field)
    cleaned = clean_text(value)
    if not cleaned:
        return None
    if len(cleaned) > max_length:
        raise DomainError("too_long", f"{field} is longer than {max_length} characters.", field)
    return cleaned
