"""An open question in the archive: its CSV (every entry, with its answers, upvotes,
reports and status) and its page section (the entries that were on the wall, best
first).

The page is meant to be shared with the group: it shows only visible entries
(``status == "shown"``) and never reports. Held and hidden entries, and how many
reported each, are in summary.json and the CSV, which are the facilitator's.
summary.json may come from anywhere (an imported folder): every field is checked.
"""

from __future__ import annotations

from live.activities.archiving import count, csv_text, pairs

SHOWN, HIDDEN, HELD = "shown", "hidden", "held"
CSV_COLUMNS = ("entry", "count", "senders", "upvotes", "reports", "status", "spellings", "id")
COLUMN_ENTRIES = 5  # entries shown per session in the comparison


def csv_name(number: int) -> str:
    """The CSV of the open question that is activity ``number`` (from 1) on the page."""
    return f"open-text-{number}.csv"


def entries_csv(activity: dict) -> str:
    """Every entry, best first (upvotes, then senders), with its status (``shown``,
    ``held``, ``hidden``), how many reported it (never who) and its spellings as
    ``Plus de café (3); plus de cafe (1)``. Cells a spreadsheet would run are quoted."""
    rows = (
        (
            row["text"], row["count"], row["senders"], row["votes"], row["reports"], row["status"],
            "; ".join(f"{text} ({n})" for text, n in row["spellings"]), row["id"],
        )
        for row in table_rows(activity)
    )
    return csv_text(CSV_COLUMNS, rows)


def view(activity: dict) -> dict:
    """The visible entries, best first, and how many were kept off the page."""
    rows = table_rows(activity)
    return {
        "rows": [
            {"text": row["text"], "senders": row["senders"], "votes": row["votes"]} for row in rows if row["status"] == SHOWN
        ],
        "upvotes": activity.get("upvotes") is True,
        # Without a table (an older summary) nothing tells what was kept out.
        "has_table": isinstance(activity.get("table"), list),
        "n_hidden": sum(1 for row in rows if row["status"] == HIDDEN),
        # Anything neither shown nor hidden was held back (the filter, or the facilitator).
        "n_held": sum(1 for row in rows if row["status"] not in (SHOWN, HIDDEN)),
        "column_entries": COLUMN_ENTRIES,
    }


def table_rows(activity: dict) -> list[dict]:
    """The entries of an open question, best first: from its ``table`` (every entry
    with its status), or from ``entries`` (all visible) when it has none. Malformed
    rows are skipped."""
    table = activity.get("table")
    source = table if isinstance(table, list) else activity.get("entries")
    rows = []
    for item in source if isinstance(source, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        rows.append({
            "text": item["text"],
            "id": item["id"] if isinstance(item.get("id"), str) else "",
            "count": count(item.get("count")),
            "senders": count(item.get("senders", item.get("count"))),
            "votes": count(item.get("votes")),
            "reports": count(item.get("reports")),
            "status": str(item.get("status") or "") if isinstance(table, list) else SHOWN,
            "spellings": pairs(item.get("spellings")) or [(item["text"], count(item.get("count")))],
        })
    return sorted(rows, key=lambda row: (-row["votes"], -row["senders"]))
