"""The open question: free-text answers on a moderated wall, grouped as word-cloud
entries are, with optional upvotes, reports, a featured entry and the chain.

Rules (spec, answers, the tally of entries, upvotes and reports) in ``rules.py``;
participants' ``upvote`` and ``report`` in ``participation.py``; the host's
``moderate``, ``undo``, ``feature`` and ``shortlist`` in ``commands.py``; the archive
CSV and page section in ``archive.py``; the partials in ``templates/``; the host wall,
phone view and moderation console in ``static/js/kinds/open_text.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms
from live.activities.base import Activity, ActivityKind, Capabilities, KindSettings, LiveSession
from live.activities.open_text import archive, participation, rules
from live.activities.open_text.commands import COMMANDS as HOST_COMMANDS
from live.activities.open_text.rules import best_first, moderation_row, newest_first, public_row
from live.domain.normalise import normalise_word

# How many entries each screen hears at most (the summary and the CSV keep them all):
HOST_ENTRIES = 200  # the projector's wall, newest first
HOST_TOP = 12  # the most upvoted (the chain takes at most 12)
PHONE_ENTRIES = 100  # phones' results once shown, best first
WALL_NEWEST, WALL_TOP = 30, 30  # phones' live wall: the newest and the best, together (every phone hears it)
CONSOLE_ENTRIES = 300  # each list of the moderation console


class OpenTextKind(ActivityKind):
    """Open questions: several answers each, grouped, held by the filter, moderated,
    upvoted, reported, featured and shortlisted into a poll."""

    name = rules.TYPE
    capabilities = Capabilities(moderated=True, several_answers=True)
    package_dir = Path(__file__).parent
    script = "js/kinds/open_text.js"
    commands = HOST_COMMANDS
    participant_commands = participation.COMMANDS

    def parse_spec(self, raw: dict, where: str = "") -> rules.OpenTextSpec:
        return rules.parse_spec(raw, where)

    # -- answers

    def check_answer(self, spec: rules.OpenTextSpec, value: object) -> str:
        return rules.check_answer(spec, value)

    def answer_limit(self, spec: rules.OpenTextSpec) -> int:
        return spec.max_entries

    def answer_key(self, spec: rules.OpenTextSpec, value) -> str | None:
        # Nobody sends the same idea twice ("Plus de café" then "plus de cafés !").
        return normalise_word(value) if rules.is_text(value) else None

    def describe_answer(self, spec: rules.OpenTextSpec, value) -> str | None:
        # Upvotes and reports are left out of answers.csv: nothing says who reported
        # what; the upvotes of each entry are in open-text-<n>.csv.
        return value if rules.is_text(value) else None

    def takes_slot(self, value) -> bool:
        return rules.is_text(value)

    def count(self, tally: rules.Tally, participant_id: str, value) -> None:
        tally.add(value, participant_id)

    # -- state and tally

    def default_state(self) -> dict:
        return {"moderation": [], "featured": None}

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        tally = rules.Tally(activity.spec, profanity=settings.profanity)
        self.apply_state(activity, tally, state)
        return tally

    def apply_state(self, activity: Activity, tally: rules.Tally, state: dict) -> None:
        tally.moderation.actions = rules.EntryModeration.from_list(state.get("moderation")).actions
        featured = state.get("featured")
        tally.featured = featured if isinstance(featured, str) else None

    # -- live views

    def results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        """The projector's wall: the newest entries, the best ones and the featured one."""
        tally: rules.Tally = session.tallies[activity.id]
        rows, upvotes = tally.rows(), activity.spec.upvotes
        featured = tally.featured_row()
        return {
            "entries": [public_row(row, upvotes) for row in newest_first(rows)[:HOST_ENTRIES]],
            "top": [public_row(row, upvotes) for row in best_first(rows)[:HOST_TOP]],
            "n_entries": len(rows),
            "upvotes": upvotes,
            "featured": public_row(featured, upvotes) if featured else None,
        }

    def phone_results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        """Phones, once results are shown: the visible entries, best first."""
        rows, upvotes = session.tallies[activity.id].rows(), activity.spec.upvotes
        return {
            "entries": [public_row(row, upvotes) for row in best_first(rows)[:PHONE_ENTRIES]],
            "n_entries": len(rows),
            "upvotes": upvotes,
        }

    def phone_feed(self, activity: Activity, status: str, session: LiveSession) -> dict | None:
        """While it is open and the room upvotes, phones see the newest and the best
        visible entries with their upvotes (so they can upvote and report them);
        never who sent, upvoted or reported, nor what is held or hidden."""
        if not activity.spec.upvotes:
            return None
        tally: rules.Tally = session.tallies[activity.id]
        rows = tally.rows()
        shown = {row["id"]: row for row in best_first(rows)[:WALL_TOP]}
        shown.update((row["id"], row) for row in newest_first(rows)[:WALL_NEWEST])
        featured = tally.featured_row()
        return {
            "entries": [public_row(row, True) for row in newest_first(list(shown.values()))],
            "n_entries": len(rows),
            "upvotes": True,
            "featured": featured["id"] if featured else None,
        }

    def moderation_view(self, activity: Activity, session: LiveSession) -> dict:
        """Every entry the facilitator may act on, for their own device only
        (``moderators`` room): visible ones newest first, what is held, what is hidden,
        what participants reported (most reported first), the featured one."""
        tally: rules.Tally = session.tallies[activity.id]
        upvotes = activity.spec.upvotes
        everything = tally.rows(None)

        def listed(rows: list[dict]) -> list[dict]:
            return [moderation_row(row, upvotes) for row in rows[:CONSOLE_ENTRIES]]

        shown = [row for row in everything if row["status"] == rules.SHOWN]
        featured = tally.featured_row()
        return {
            "activity_id": activity.id,
            "n_answers": tally.n_answers,
            "upvotes": upvotes,
            "entries": listed(newest_first(shown)),
            "n_entries": len(shown),
            "held": listed(newest_first([row for row in everything if row["status"] == rules.HELD])),
            "hidden": listed(newest_first([row for row in everything if row["status"] == rules.HIDDEN])),
            "reported": listed(sorted((row for row in everything if row["reports"]), key=lambda row: -row["reports"])),
            "featured": featured["id"] if featured else None,
            "can_undo": bool(tally.moderation.actions),
        }

    # -- summary and archive

    def summary_fields(self, activity: Activity, tally: rules.Tally, answers: list) -> dict:
        # Every entry (held and hidden ones marked, with their reports), the moderation.
        return {"table": tally.rows(None), "moderation": tally.moderation.as_list(), "featured": tally.featured}

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {archive.csv_name(number): archive.entries_csv(activity)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return archive.view(activity)

    def fingerprint_parts(self, activity: dict) -> list:
        return []  # the same question is the same prompt, whatever its limits

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return forms.results_setting(form, {
            "type": self.name, "prompt": form.get("prompt", ""),
            "max_entries": forms.whole(form.get("max_entries"), rules.DEFAULT_ENTRIES),
            "max_length": forms.whole(form.get("max_length"), rules.DEFAULT_LENGTH),
            "upvotes": form.get("upvotes") == "y",
        })

    def form_from_spec(self, spec: dict) -> dict:
        return {
            "prompt": spec.get("prompt", ""),
            "max_entries": str(spec.get("max_entries", rules.DEFAULT_ENTRIES)),
            "max_length": str(spec.get("max_length", rules.DEFAULT_LENGTH)),
            "upvotes": "y" if spec.get("upvotes") else "",
            **forms.results_field(spec),
        }


KIND = OpenTextKind()
