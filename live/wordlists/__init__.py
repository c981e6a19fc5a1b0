"""The word lists shipped with live, read from disk when the server starts.

The profanity filter's rules are pure (``live.domain.profanity``); this module is the
configuration code that reads its lists: the shipped French and English ones
(``profanity/fr.txt``, ``profanity/en.txt``, kept here rather than under a
``data/`` folder, which .gitignore reserves for runtime databases) and the server's
own file (LIVE_PROFANITY_FILE).
"""

from __future__ import annotations

from pathlib import Path

from live.domain.profanity import ProfanityFilter

FOLDER = Path(__file__).resolve().parent / "profanity"
DEFAULT_LISTS = (FOLDER / "fr.txt", FOLDER / "en.txt")


def read_lines(paths) -> list[str]:
    """The lines of UTF-8 list files; a missing file raises ``OSError`` (a
    configuration error the caller reports)."""
    lines: list[str] = []
    for path in paths:
        lines.extend(Path(path).read_text(encoding="utf-8").splitlines())
    return lines


def default_filter() -> ProfanityFilter:
    """The shipped French and English lists."""
    return ProfanityFilter.from_lines(read_lines(DEFAULT_LISTS))


def server_filter(extra_file: Path | None = None) -> ProfanityFilter:
    """The server's filter: the shipped lists plus LIVE_PROFANITY_FILE, if any."""
    lines = read_lines(DEFAULT_LISTS)
    if extra_file:
        lines += read_lines([extra_file])
    return ProfanityFilter.from_lines(lines)
