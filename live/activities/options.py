"""Activities answered by picking options (polls, quiz questions...): their archived
bar chart and their counts per option as CSV, shared by those kinds.

The chart is drawn by ``charts.html`` (``bar_chart`` and ``options_table``) from the
bars computed here, in SVG user units.
"""

from __future__ import annotations

from live.activities.archiving import count, csv_text, truncate

CHART_WIDTH = 640
BAR_MAX_WIDTH = 500  # leaves room on the right for "12 (100%)"
ROW_HEIGHT = 52
LABEL_MAX_CHARS = 64  # longer labels get an ellipsis; the table keeps the full text
# A correct option's label in the chart is followed by " ✓ correct": leave it room.
CORRECT_LABEL_MAX_CHARS = LABEL_MAX_CHARS - 14
OPTION_CSV_COLUMNS = ("option", "count", "share")  # share: of respondents, 0 to 1


def options_csv(activity: dict, correct: list[int] | None = None) -> str:
    """The results of one activity answered by options: one row per option with its
    count and its share of respondents (0 to 1, as in summary.json's ``correct_rate``);
    with ``correct`` (a quiz question) a column says which options were right."""
    n_answers = count(activity.get("n_answers"))
    counts = activity.get("counts") if isinstance(activity.get("counts"), list) else []
    header = (*OPTION_CSV_COLUMNS, "correct") if correct is not None else OPTION_CSV_COLUMNS
    rows = []
    for index, option in enumerate(activity.get("options") or []):
        tally = count(counts[index]) if index < len(counts) else 0
        row = [str(option), str(tally), str(round(tally / n_answers, 4) if n_answers else 0.0)]
        if correct is not None:
            row.append("yes" if index in correct else "no")
        rows.append(row)
    return csv_text(header, rows)


def bars(activity: dict, page, correct: set[int] = frozenset()) -> list[dict]:
    """One bar per option: its count, its share of respondents, whether it is a correct
    quiz option (index in ``correct``) and its SVG geometry.

    Shares are of respondents, not of ticks, so a multiple-choice poll may sum past
    100% while no single bar is ever longer than the full width."""
    n_answers = activity.get("n_answers") or 0
    counts = list(activity.get("counts") or [])
    drawn = []
    for index, option in enumerate(activity.get("options") or []):
        option = str(option)
        tally = counts[index] if index < len(counts) else 0
        share = tally / n_answers if n_answers else 0.0  # no answers: every bar is empty
        width = round(BAR_MAX_WIDTH * min(max(share, 0.0), 1.0), 1)
        drawn.append(
            {
                "label": option,
                "short_label": truncate(option, CORRECT_LABEL_MAX_CHARS if index in correct else LABEL_MAX_CHARS),
                "correct": index in correct,
                "count": tally,
                "percent": page.percent(share),
                "y": index * ROW_HEIGHT,
                "width": width,
            }
        )
    return drawn


def chart_view(activity: dict, page, multiple: bool, correct: set[int] = frozenset()) -> dict:
    """What ``charts.bar_chart`` and ``charts.options_table`` need, and whether several
    options could be picked."""
    drawn = bars(activity, page, correct)
    return {
        "bars": drawn, "chart_height": len(drawn) * ROW_HEIGHT, "multiple": multiple,
        "chart_width": CHART_WIDTH, "bar_max_width": BAR_MAX_WIDTH,
    }


def comparison_rows(views: list[dict | None]) -> list[dict]:
    """One row per option: its label and, per session, its bar (count and percent) or None."""
    first = next(view for view in views if view is not None)
    rows = []
    for index, bar in enumerate(first["bars"]):
        cells = [view["bars"][index] if view is not None and index < len(view["bars"]) else None for view in views]
        rows.append({"label": bar["label"], "correct": bar["correct"], "cells": cells})
    return rows
