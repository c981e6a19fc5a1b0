"""A Q&A in the archive: its CSV (every question, with its votes, status, reports and
when it was asked) and its page section (the questions the room saw, best first).

The page is meant to be shared with the group: it lists the questions that were on the
wall (pinned, visible, answered) and only counts the others (pending, held, hidden).
The CSV and summary.json are the facilitator's: every question is in them, with its
status. Nothing in either says who asked (unless the participant showed their name)
or who upvoted or reported.
"""

from __future__ import annotations

from live.activities.archiving import count, csv_text

CSV_COLUMNS = ("question", "votes", "status", "reports", "asked_at", "name")
ON_WALL = ("pinned", "visible", "answered")


def csv_name(number: int) -> str:
    """The CSV of the Q&A that is activity ``number`` (from 1) on the page."""
    return f"qa-{number}.csv"


def questions_csv(activity: dict) -> str:
    """Every question of a Q&A, in the order of the wall: text, votes, status
    (``visible``, ``pinned``, ``answered``, ``pending``, ``hidden``; ``pending (filter)``
    for one the word filter held), reports, when it was asked (UTC), the nickname the
    participant chose to show (else empty). Formula characters are neutralised."""
    rows = (
        (row["text"], row["votes"], row["status"] + (" (filter)" if row["held"] and row["status"] == "pending" else ""),
         row["reports"], row["asked_at"], row["name"])
        for row in question_rows(activity)
    )
    return csv_text(CSV_COLUMNS, rows)


def question_rows(activity: dict) -> list[dict]:
    """The questions of an archived Q&A, each ``{"text", "votes", "status", "reports",
    "held", "asked_at", "name"}``; malformed rows of an imported summary are skipped."""
    rows = []
    questions = activity.get("questions")
    for item in questions if isinstance(questions, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            continue
        rows.append({
            "text": item["text"],
            "votes": count(item.get("votes")),
            "status": str(item.get("status") or ""),
            "reports": count(item.get("reports")),
            "held": item.get("held") is True,
            "asked_at": item.get("asked_at") if isinstance(item.get("asked_at"), str) else None,
            "name": item.get("name") if isinstance(item.get("name"), str) else None,
        })
    return rows


def view(activity: dict, page) -> dict:
    """The questions the room saw, best first, with their votes, status and the name
    shown; how many it did not see (counted, never named)."""
    rows = question_rows(activity)
    shown = [row for row in rows if row["status"] in ON_WALL]
    return {
        "rows": [
            {"text": row["text"], "votes": row["votes"], "votes_text": page.number(row["votes"]), "status": row["status"], "name": row["name"],
             "asked": page.clock(row["asked_at"])}
            for row in shown
        ],
        "n_questions": len(rows),
        "n_hidden": sum(1 for row in rows if row["status"] == "hidden"),
        "n_pending": sum(1 for row in rows if row["status"] == "pending"),
        "pre_moderated": activity.get("moderation") == "pre",
    }


def pseudonymised(summary: dict, is_mine) -> dict:
    """A copy of ``summary`` where no Q&A question shows a nickname (``is_mine(activity)``
    picks the Q&A activities): share links show none unless the facilitator chose to."""
    activities = summary.get("activities")
    if not isinstance(activities, list):
        return summary
    changed = []
    for activity in activities:
        if isinstance(activity, dict) and is_mine(activity) and isinstance(activity.get("questions"), list):
            questions = [dict(q, name=None) if isinstance(q, dict) else q for q in activity["questions"]]
            activity = {**activity, "questions": questions}
        changed.append(activity)
    return {**summary, "activities": changed}
