"""Match the activities of archived sessions, to compare them side by side.

Two activities are "the same" when they have the same fingerprint: the type, the
prompt and what their kind says makes the question (``fingerprint_parts``: the options
for most kinds), compared without case, accents' composition or extra spaces ("Quel
livre ?" and "quel  livre ?" match; "Quel livre?" with another option does not). A session that asks the same question twice matches it in order: the first
with the first, the second with the second.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata

from live.activities.registry import KINDS


def normalise_text(value: object) -> str:
    """``value`` as text, Unicode-composed, case-folded, with single spaces."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return " ".join(text.casefold().split())


def fingerprint(activity: dict) -> str:
    """A short stable hash of the activity's type, prompt and kind's parts (options)."""
    kind_name = activity.get("type")
    if kind_name in KINDS:
        parts = KINDS.get(kind_name).fingerprint_parts(activity)
    else:  # a kind this server does not know: its options, if any
        options = activity.get("options")
        parts = options if isinstance(options, list) else []
    key = [
        normalise_text(kind_name),
        normalise_text(activity.get("prompt")),
        [normalise_text(part) for part in parts],
    ]
    return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def keyed_activities(summary: dict) -> list[tuple[tuple[str, int], dict]]:
    """``((fingerprint, occurrence), activity)`` for each activity of ``summary`` in order."""
    seen: dict[str, int] = {}
    keyed = []
    activities = summary.get("activities") if isinstance(summary.get("activities"), list) else []
    ordered = sorted((a for a in activities if isinstance(a, dict)), key=_position)
    for activity in ordered:
        print_ = fingerprint(activity)
        occurrence = seen.get(print_, 0)
        seen[print_] = occurrence + 1
        keyed.append(((print_, occurrence), activity))
    return keyed


def fingerprints(summary: dict) -> list[str]:
    """The fingerprints of the activities of ``summary`` (one per activity, in order)."""
    return [key[0] for key, _activity in keyed_activities(summary)]


def compare(summaries: list[dict]) -> dict:
    """Line up the activities of ``summaries``.

    ``matched``: one item per activity found in two sessions or more, in the order of
    the first session that has it, each ``{"type", "prompt", "activities"}`` with one
    activity (or None) per session. ``unmatched``: ``{"session": index, "activity"}``
    for each activity found in one session only."""
    keyed = [keyed_activities(summary) for summary in summaries]
    order: list[tuple[str, int]] = []
    found: dict[tuple[str, int], list] = {}
    for index, activities in enumerate(keyed):
        for key, activity in activities:
            if key not in found:
                found[key] = [None] * len(summaries)
                order.append(key)
            found[key][index] = activity
    matched, unmatched = [], []
    for key in order:
        present = [a for a in found[key] if a is not None]
        if len(present) >= 2:
            first = present[0]
            matched.append({"type": str(first.get("type") or ""), "prompt": str(first.get("prompt") or ""),
                            "activities": found[key]})
        else:
            unmatched.append({"session": next(i for i, a in enumerate(found[key]) if a is not None),
                              "activity": present[0]})
    return {"sessions": summaries, "matched": matched, "unmatched": unmatched}


def _position(activity: dict) -> int:
    position = activity.get("position")
    return position if isinstance(position, int) and not isinstance(position, bool) else 0
