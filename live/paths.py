"""Where the app finds ``static/``, ``templates/`` and translations, both from a
checkout (top-level folders) and from an installed wheel (``live.static``,
``live.templates``, mapped at build time in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


STATIC = _first_existing(PACKAGE.parent / "static", PACKAGE / "static")
TEMPLATES = _first_existing(PACKAGE.parent / "templates", PACKAGE / "templates")
TRANSLATIONS = PACKAGE / "translations"
# The profanity word lists shipped with the server.
WORDLISTS = PACKAGE / "wordlists"
