"""The editor's one-line slots: ``Label | 2026-12-12 18:00 | 20:00``.

Each line of the options box is an option: a text alone, or a label, a start and an
end separated by ``|``. A date and time may be written with a space instead of the
``T`` of ISO 8601, and an end given as a time alone is on the start's day (with its
offset, if it has one). Nothing here refuses: what is not a time is passed on as
typed, and the kind's ``parse_spec`` refuses it by name.
"""

from __future__ import annotations

import re

SEPARATOR = "|"
SPACED = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}.*)")
TIME_ONLY = re.compile(r"\d{2}:\d{2}(:\d{2})?")
OFFSET = re.compile(r"(Z|[+-]\d{2}:\d{2})$")


def option_from_line(line: str) -> str | dict:
    """One typed line as the API's option: the text, or ``{"label", "start", "end"}``."""
    parts = [part.strip() for part in line.split(SEPARATOR)]
    if len(parts) == 1:
        return parts[0]
    option: dict = {"label": parts[0], "start": _iso(parts[1])}
    if len(parts) > 2:
        option["end"] = _end(option["start"], SEPARATOR.join(parts[2:]).strip())
    return option


def _iso(typed: str) -> str:
    match = SPACED.fullmatch(typed)
    return f"{match.group(1)}T{match.group(2)}" if match else typed


def _end(start: str, typed: str) -> str:
    """The end as ISO 8601: a time alone is on the start's day, with the start's offset."""
    if TIME_ONLY.fullmatch(typed) and re.match(r"\d{4}-\d{2}-\d{2}T", start):
        offset = OFFSET.search(start)
        return f"{start[:10]}T{typed}{offset.group(1) if offset else ''}"
    return _iso(typed)


def line_from_option(option: object) -> str:
    """A stored option as the editor's line (the reverse of ``option_from_line``)."""
    if not isinstance(option, dict):
        return str(option)
    start, end = str(option.get("start") or ""), str(option.get("end") or "")
    if not start:
        return str(option.get("label") or "")
    shown_end = end.replace("T", " ")
    same_offset = (OFFSET.search(start) or [None])[0] == (OFFSET.search(end) or [None])[0]
    if start[:10] == end[:10] and same_offset:
        shown_end = OFFSET.sub("", end[11:])
    return f"{option.get('label', '')} | {start.replace('T', ' ')} | {shown_end}"
