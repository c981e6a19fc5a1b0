"""A word cloud in the archive: its CSV (every word, with its status) and its page
section (the cloud laid out by ``picture``, and the table of shown words).

Word clouds are moderated, and the page is meant to be shared with the group: it shows
only the words that were on the projector (``status == "shown"``). Hidden and held
words go to summary.json and to the word cloud's CSV, which are the facilitator's,
each with its status.
"""

from __future__ import annotations

from live.activities.archiving import count, csv_text, pairs
from live.activities.wordcloud import picture
from live.domain.normalise import normalise_word

SHOWN, HIDDEN = "shown", "hidden"  # and "held": kept back by the profanity filter
CSV_COLUMNS = ("word", "count", "status", "spellings")


def csv_name(number: int) -> str:
    """The CSV of the word cloud that is activity ``number`` (from 1) on the page."""
    return f"wordcloud-{number}.csv"


def words_csv(activity: dict) -> str:
    """Every word of a word cloud with its count and status (``shown``, ``hidden`` by
    the facilitator, ``held`` by the profanity filter) and its spellings, as
    ``Lecture (7); lectures (5)``. For the facilitator: hidden words are in it."""
    rows = (
        (row["display"], str(row["count"]), row["status"], "; ".join(f"{text} ({n})" for text, n in row["spellings"]))
        for row in table_rows(activity)
    )
    return csv_text(CSV_COLUMNS, rows)


def view(activity: dict, page=None) -> dict:
    """The cloud, the table of shown words and how many were kept out of the page.

    Only shown words reach this view: hidden and held ones are counted, never named.
    The same cloud is drawn in index.html, the app's page and the share page, each in
    two languages: ``page`` remembers the last few layouts."""
    rows = table_rows(activity)
    shown = [row for row in rows if row["status"] == SHOWN]
    words = tuple((row["display"], row["count"]) for row in shown)
    drawn = page.remembered(("wordcloud", words), lambda: picture.layout(words)) if page else picture.layout(words)
    return {
        "words": drawn.words,
        "n_left_out": len(drawn.left_out),
        "rows": [
            {
                "word": row["display"],
                "count": row["count"],
                "others": "; ".join(f"{text} ({n})" for text, n in other_spellings(row)),
            }
            for row in shown
        ],
        # Without a table (an older summary) nothing tells what was kept out.
        "has_table": isinstance(activity.get("table"), list),
        "n_hidden": sum(1 for row in rows if row["status"] == HIDDEN),
        # Anything neither shown nor hidden was kept out by the filter.
        "n_held": sum(1 for row in rows if row["status"] not in (SHOWN, HIDDEN)),
        "cloud_width": picture.WIDTH,
        "cloud_height": picture.HEIGHT,
    }


def table_rows(activity: dict) -> list[dict]:
    """The word groups of a word cloud, each ``{"display", "count", "status", "key",
    "spellings"}``, from its ``table``; from ``words`` (all shown) when it has none.
    Malformed rows are skipped; a row whose status is not ``shown`` stays out of the page."""
    rows = []
    table = activity.get("table")
    if isinstance(table, list):
        for item in table:
            if not isinstance(item, dict) or not isinstance(item.get("display"), str):
                continue
            rows.append(
                {
                    "display": item["display"],
                    "count": count(item.get("count")),
                    "status": str(item.get("status") or ""),
                    "key": item.get("key") if isinstance(item.get("key"), str) else None,
                    "spellings": pairs(item.get("spellings")),
                }
            )
        return rows
    for text, n in pairs(activity.get("words")):
        rows.append({"display": text, "count": n, "status": SHOWN, "key": None, "spellings": [(text, n)]})
    return rows


def other_spellings(row: dict) -> list[tuple[str, int]]:
    """The spellings of a shown word other than the one displayed, for the page.

    Only spellings of the word itself ("lectures" for "Lecture"): a word merged into
    it may have been held or hidden before, so its spelling stays out of the page (its
    count is in the total, and the CSV has it)."""
    key = row["key"]
    return [
        (text, n)
        for text, n in row["spellings"]
        if text != row["display"] and key is not None and normalise_word(text) == key
    ]
