"""Checks and facts about a summary document read back from an archive folder.

``live archive import`` reads folders copied from another server (or anywhere): each
``summary.json`` is untrusted until ``check_summary`` has accepted it.
"""

from __future__ import annotations

import json
from pathlib import Path

from live.archive import compare, files
from live.archive.writer import SAFE_CODE, _parse_time

SCHEMA = 1
MAX_SUMMARY_BYTES = 20 * 1024 * 1024  # a session of 100 activities and thousands of players fits easily
MAX_TITLE = 200
MAX_CODE = 16  # sessions.code
MAX_ACTIVITIES = 500
REQUIRED = ("schema", "code", "title", "ended_at", "n_participants", "activities")


def looks_like_archive_code(value: object) -> bool:
    """True when ``value`` could be the code of an archived session: a join code of
    this server or an imported one (letters, digits, '-', '_'). Junk, such as a NUL
    that PostgreSQL refuses, never reaches the database."""
    return isinstance(value, str) and 0 < len(value) <= MAX_CODE and SAFE_CODE.fullmatch(value) is not None


class BadSummary(ValueError):
    """A summary.json that is missing, unreadable, foreign or malformed; the message says why."""


def read_summary(folder: Path) -> dict:
    """The checked summary document of the archive ``folder``, or BadSummary.

    summary.json is read without following a link (live/archive/files.py), and any
    way a file can be unreadable or malformed (a pipe, a 5,000-digit number, lists
    nested a hundred thousand deep) is a BadSummary, never another exception."""
    try:
        data = files.read_bytes(folder, "summary.json", limit=MAX_SUMMARY_BYTES)
    except files.TooLarge:
        raise BadSummary(f"summary.json is larger than {MAX_SUMMARY_BYTES // (1024 * 1024)} MB") from None
    except files.MissingFile:
        raise BadSummary("no summary.json in this folder (not a live archive)") from None
    except files.UnsafeFile as error:
        raise BadSummary(f"{error}: it is not read") from None
    except OSError as error:
        raise BadSummary(f"summary.json cannot be read ({error.strerror or type(error).__name__})") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise BadSummary("summary.json is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError, and numbers too long to convert
        raise BadSummary(f"summary.json is not valid JSON ({_shortened(str(error))})") from None
    check_summary(document)
    return document


def _shortened(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_summary(document: object) -> None:
    """Raise BadSummary unless ``document`` is a summary this version understands."""
    if not isinstance(document, dict):
        raise BadSummary("summary.json must hold a JSON object")
    missing = [key for key in REQUIRED if key not in document]
    if missing:
        raise BadSummary(f"summary.json lacks {', '.join(missing)} (not a live summary)")
    schema = document["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool) or schema != SCHEMA:
        raise BadSummary(f"unsupported summary schema {schema!r} (this server reads schema {SCHEMA})")
    code = document["code"]
    if not isinstance(code, str) or len(code) > MAX_CODE or not SAFE_CODE.fullmatch(code):
        raise BadSummary("the session code must be 1 to 16 letters, digits, '-' or '_'")
    if not isinstance(document["title"], str) or len(document["title"]) > MAX_TITLE:
        raise BadSummary(f"the title must be text of at most {MAX_TITLE} characters")
    if _parse_time(document["ended_at"]) is None:
        raise BadSummary("ended_at must be an ISO 8601 timestamp")
    for key in ("created_at", "started_at"):
        if document.get(key) is not None and _parse_time(document[key]) is None:
            raise BadSummary(f"{key} must be an ISO 8601 timestamp or null")
    n_participants = document["n_participants"]
    if not isinstance(n_participants, int) or isinstance(n_participants, bool) or n_participants < 0:
        raise BadSummary("n_participants must be a whole number")
    _check_activities(document["activities"])
    if "leaderboard" in document and not isinstance(document["leaderboard"], list):
        raise BadSummary("leaderboard must be a list")


def _check_activities(activities: object) -> None:
    if not isinstance(activities, list) or len(activities) > MAX_ACTIVITIES:
        raise BadSummary(f"activities must be a list of at most {MAX_ACTIVITIES}")
    for index, activity in enumerate(activities):
        where = f"activities[{index}]"
        if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
            raise BadSummary(f"{where} must be an object with a type")
        for key in ("options", "counts", "words", "table", "correct"):
            if key in activity and not isinstance(activity[key], list):
                raise BadSummary(f"{where}.{key} must be a list")
        if "prompt" in activity and not isinstance(activity["prompt"], str):
            raise BadSummary(f"{where}.prompt must be text")


def archive_meta(summary: dict) -> dict:
    """What the archive list and the comparison keep of ``summary`` in the database:
    participants, the activity types (in order, once each) and the fingerprints."""
    activities = summary.get("activities") if isinstance(summary.get("activities"), list) else []
    types: list[str] = []
    for activity in activities:
        kind = activity.get("type") if isinstance(activity, dict) else None
        if isinstance(kind, str) and kind not in types:
            types.append(kind)
    n_participants = summary.get("n_participants")
    return {
        "n_participants": n_participants if isinstance(n_participants, int) and not isinstance(n_participants, bool) else 0,
        "types": types,
        "fingerprints": compare.fingerprints(summary),
    }
