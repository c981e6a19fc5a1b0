"""Files a facilitator downloads of one activity (``ActivityKind.downloads``: a date
poll's chosen slot as a calendar event, its grid as CSV), while the session runs and
once it has ended: made by the activity's kind from the summary document, so a running
session, an ended one and an imported archive give the same file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from live.activities.base import Download, DownloadContext
from live.activities.registry import KINDS
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.services import archives, planning, summary


@dataclass(frozen=True)
class Offered:
    """One activity whose kind offers downloads: its id, number on the page (from 1),
    prompt, kind and the names of its files."""

    activity_id: str
    number: int
    prompt: str
    template: str
    names: tuple[str, ...]


def offered(plan: list[dict]) -> list[Offered]:
    """The activities of ``plan`` (public views in order, as ``planning.public_plan``
    gives them) whose kinds offer downloads."""
    found = []
    for number, activity in enumerate(plan, start=1):
        kind = KINDS.get(activity.get("type"), None) if activity.get("type") in KINDS else None
        if kind is not None and kind.downloads:
            found.append(Offered(str(activity["id"]), number, str(activity.get("prompt") or ""),
                                 kind.template("downloads.html"), kind.downloads))
    return found


def activity_download(
    sessions: sessionmaker, archive_dir: Path, server_filter: ProfanityFilter, facilitator_id: int, code: str,
    activity_id: str, name: str, query: Mapping[str, str], zone, now: datetime | None = None,
    translate: Callable[[str], str] = str,
) -> Download:
    """The file ``name`` of activity ``activity_id`` of the facilitator's session
    ``code``: ``not_found`` for another's session, an unknown activity or a file its
    kind does not offer; the kind's own refusal otherwise (a slot without times)."""
    row = planning.owned_session(sessions, facilitator_id, code)
    if row.imported:
        # Copied from another server: its answers are in its folder, not in our tables.
        document = archives.document_of(sessions, row, archive_dir, server_filter)
    else:
        document, _rows = summary.collect(sessions, code, server_filter)
    activities = [a for a in document.get("activities") or [] if isinstance(a, dict)]
    activities.sort(key=lambda a: a.get("position") if isinstance(a.get("position"), int) else 0)
    for number, activity in enumerate(activities, start=1):
        if activity.get("id") != activity_id:
            continue
        kind = KINDS.get(activity.get("type"), None) if activity.get("type") in KINDS else None
        if kind is None or name not in kind.downloads:
            break
        context = DownloadContext(document.get("title"), number, query, zone, now or datetime.now(timezone.utc),
                                  translate)
        return kind.download(activity, name, context)
    raise DomainError("not_found", "This activity has no such file.")
