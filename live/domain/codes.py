"""Join codes: short, typed by people from a projector, so nothing ambiguous.

The alphabet has no 0/O, 1/I/L (and no U, which reads as V at a distance), so
a code read from the back of a room is typed right at the first try.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8


def new_join_code(length: int = CODE_LENGTH) -> str:
    """A random join code of ``length`` characters from ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_join_code(typed: str) -> str:
    """The code as stored, from what someone typed: case, spaces and dashes ignored,
    and the look-alikes people type by mistake mapped back (O->0 is not in the
    alphabet, so O, I and L can only be typos of nothing: they are kept and fail)."""
    return "".join(ch for ch in typed.upper() if ch not in " -_.")


def looks_like_join_code(value: str) -> bool:
    """True when ``value`` could be a join code (used to refuse junk before the database)."""
    return CODE_LENGTH <= len(value) <= 16 and all(ch in ALPHABET for ch in value)
