"""A date poll in the archive: the grid as CSV (who said what, then the totals) and its
page section (the totals per option with the best slot, and who said what).

summary.json holds ``counts``, ``best``, ``tied`` and ``grid`` (every participant's
latest answer, ``name`` null when they gave none); it may come from an older or
another server, so everything is read defensively.
"""

from __future__ import annotations

import re

from live.activities.archiving import count, csv_text
from live.activities.date_poll.rules import CHOICES, best_slot, parse_slot
from live.domain.errors import DomainError

GRID_PAGE_ROWS = 60  # the page shows this many rows of the grid; the CSV has every answer


def csv_name(number: int) -> str:
    """The grid CSV of the date poll that is activity ``number`` (from 1) on the page."""
    return f"date-poll-{number}.csv"


def slots(activity: dict, zone_name: str | None = None) -> list[dict]:
    """Each option as ``{"label", "start", "end", "when"}`` (``when``: the times as one
    short text saying their zone, None for a text option); a malformed option keeps its
    text only. ``zone_name``: the zone of times written without an offset."""
    found = []
    for index, option in enumerate(activity.get("options") if isinstance(activity.get("options"), list) else []):
        try:
            slot = parse_slot(option, f"options[{index}]")
        except DomainError:  # a foreign summary: show what can be shown
            slot = None
        if slot is None:
            found.append({"label": str(option), "start": None, "end": None, "when": None})
        else:
            found.append({"label": slot.label, "start": slot.start, "end": slot.end,
                          "when": when(slot.start, slot.end, zone_name)})
    return found


_OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")


def when(start: str | None, end: str | None, zone_name: str | None = None) -> str | None:
    """``2026-12-12 18:00 – 20:00 (Europe/Paris)`` (the end's date only when it
    differs), or None. The zone in brackets: the offset the times were written with
    (``UTC+01:00``), else ``zone_name``, the zone such times are in (LIVE_TIMEZONE)."""
    if start is None or end is None:
        return None
    offset = _OFFSET.search(start)
    begins, ends = _OFFSET.sub("", start).replace("T", " "), _OFFSET.sub("", end).replace("T", " ")
    if begins[:10] == ends[:10]:
        ends = ends[11:]
    zone = ("UTC" if offset.group(1) == "Z" else f"UTC{offset.group(1)}") if offset else zone_name
    return f"{begins} – {ends} ({zone})" if zone else f"{begins} – {ends}"


def counts_of(activity: dict, n_options: int) -> list[dict]:
    """``{"yes", "maybe", "no"}`` per option (zeros where summary.json has nothing)."""
    counts = activity.get("counts") if isinstance(activity.get("counts"), list) else []
    rows = []
    for index in range(n_options):
        row = counts[index] if index < len(counts) and isinstance(counts[index], dict) else {}
        rows.append({choice: count(row.get(choice)) for choice in CHOICES})
    return rows


def grid_rows(activity: dict, n_options: int) -> list[dict]:
    """Every answer of the grid, ``{"name": str | None, "number": int | None, "choices":
    [...]}`` (``number``: the participant's, from 1 in join order; None in a summary
    written before grids had it); a choice that is not yes, maybe or no reads as an
    empty cell."""
    rows = []
    for item in activity.get("grid") if isinstance(activity.get("grid"), list) else []:
        if not isinstance(item, dict):
            continue
        name = item.get("name") if isinstance(item.get("name"), str) and item["name"].strip() else None
        number = item.get("participant_number")
        number = number if isinstance(number, int) and not isinstance(number, bool) and number >= 1 else None
        choices = item.get("choices") if isinstance(item.get("choices"), list) else []
        rows.append({"name": name, "number": number,
                     "choices": [choices[i] if i < len(choices) and choices[i] in CHOICES else "" for i in range(n_options)]})
    return rows


def grid_csv(activity: dict) -> str:
    """The grid as a spreadsheet shows it: a column per option (its label; the start
    and end on the next two rows), a row per participant (their name, empty when they
    gave none) with yes / maybe / no, then the totals of each choice and the best slot."""
    shown = slots(activity)
    n_options = len(shown)
    counts = counts_of(activity, n_options)
    best, tied = best_slot(counts)
    rows = [["start", *(slot["start"] for slot in shown)], ["end", *(slot["end"] for slot in shown)]]
    rows += [[row["name"], *row["choices"]] for row in grid_rows(activity, n_options)]
    rows += [[f"total {choice}", *(row[choice] for row in counts)] for choice in CHOICES]
    rows.append(["best", *("best" if index == best else "tied" if index in tied else "" for index in range(n_options))])
    return csv_text(["participant", *(slot["label"] for slot in shown)], rows)


def view(activity: dict, page) -> dict:
    """What the kind's ``archive.html`` draws: each option with its totals and whether it
    is the best slot (or tied with it), and the rows of the grid: each participant by
    their name, else as "Participant n" (the pseudonym the share page and answers.csv
    give them; a share page shows no name). Rows with neither (an older summary) are
    only counted."""
    shown = slots(activity, getattr(page, "zone_name", None))
    n_options = len(shown)
    counts = counts_of(activity, n_options)
    best, tied = best_slot(counts)
    rows = grid_rows(activity, n_options)
    listed = [row for row in rows if row["name"] is not None or row["number"] is not None]
    return {
        "options": [
            {**slot, **counts[index], "best": index == best, "tied": index in tied and index != best}
            for index, slot in enumerate(shown)
        ],
        "best": shown[best] if best is not None else None,
        "n_tied": max(0, len(tied) - 1),
        "rows": listed[:GRID_PAGE_ROWS],
        "n_more_rows": max(0, len(listed) - GRID_PAGE_ROWS),
        "n_unnamed": len(rows) - len(listed),
    }

