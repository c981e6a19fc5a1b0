"""A ranking in the archive: its CSV (average rank, Borda count and final place per
option) and its page section (bars of the Borda count, best first, and a table)."""

from __future__ import annotations

from live.activities.archiving import count, csv_text, number, truncate
from live.activities.options import BAR_MAX_WIDTH, CHART_WIDTH, LABEL_MAX_CHARS, ROW_HEIGHT

CSV_COLUMNS = ("option", "average_rank", "borda", "place")


def csv_name(number_on_page: int) -> str:
    """The CSV of the ranking that is activity ``number_on_page`` (from 1) on the page."""
    return f"ranking-{number_on_page}.csv"


def standings(activity: dict) -> list[dict]:
    """One row per option of an archived ranking, best first: ``index``, ``option``,
    ``average_rank`` (None when nobody answered), ``borda`` and ``place`` (1 for the best;
    equal Borda counts share a place). Read from summary.json, which may be old or
    foreign: the order is worked out again from ``borda``, never trusted."""
    options = [str(option) for option in activity.get("options") or []]
    n_options = len(options)
    borda = _per_option(activity.get("borda"), n_options, count)
    average = _per_option(activity.get("average_rank"), n_options, number)
    order = sorted(range(n_options), key=lambda index: (-borda[index], index))
    rows, place = [], 0
    for position, index in enumerate(order, start=1):
        if position == 1 or borda[index] != borda[order[position - 2]]:
            place = position
        rows.append({"index": index, "option": options[index], "average_rank": average[index],
                     "borda": borda[index], "place": place})
    return rows


def _per_option(value: object, n_options: int, clean) -> list:
    items = value if isinstance(value, list) else []
    return [clean(items[index]) if index < len(items) else clean(None) for index in range(n_options)]


def ranking_csv(activity: dict) -> str:
    """Every option of a ranking with its average rank, Borda count and place, best first."""
    rows = ((row["option"], "" if row["average_rank"] is None else row["average_rank"], row["borda"], row["place"])
            for row in standings(activity))
    return csv_text(CSV_COLUMNS, rows)


def view(activity: dict, page) -> dict:
    """What the kind's ``archive.html`` draws: one bar per option, best first, its length
    the Borda count as a share of the most an option could get ((n − 1) × ballots)."""
    rows = standings(activity)
    n_answers = count(activity.get("n_answers"))
    most = (len(rows) - 1) * n_answers
    bars = []
    for position, row in enumerate(rows):
        share = row["borda"] / most if most else 0.0
        bars.append({
            **row,
            "short_label": truncate(row["option"], LABEL_MAX_CHARS - 4),
            "average": page.decimal(row["average_rank"], "0.0#") if row["average_rank"] is not None else None,
            "points": page.number(row["borda"]),
            "y": position * ROW_HEIGHT,
            "width": round(BAR_MAX_WIDTH * min(max(share, 0.0), 1.0), 1),
        })
    return {
        "ranked": bars, "chart_height": len(bars) * ROW_HEIGHT, "chart_width": CHART_WIDTH,
        "bar_max_width": BAR_MAX_WIDTH, "most_points": page.number(most),
    }
