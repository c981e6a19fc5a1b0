"""The date poll (Framadate's model): dates or time slots, yes / maybe / no to each,
an optional name, the best slot, a grid on the host, and for the facilitator the
chosen slot as a calendar event and the grid as CSV.

Rules (spec, times, answers, changes, tally, best slot) in ``rules.py``; the calendar
event in ``calendar.py``; the editor's one-line slots in ``editor.py``; the archive
section and grid CSV in ``archive.py``; the partials in ``templates/``; the host grid
and the phone's three buttons per option in ``static/js/kinds/date_poll.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms
from live.activities.base import (
    Activity, ActivityKind, Capabilities, Download, DownloadContext, KindSettings, LiveSession, ParticipantCommand,
    Participation,
)
from live.activities.date_poll import archive, calendar, editor, rules
from live.domain.errors import DomainError

# The host's live grid lists at most this many named participants (the archive has all).
MAX_GRID_ROWS = 100
CALENDAR, GRID = "calendar.ics", "grid.csv"


def _change(session: LiveSession, activity: Activity, participant_id: str, payload: dict) -> Participation:
    """A participant changes their answer (``change``) while the poll is open: stored
    as a new row with the next revision; the latest revision counts."""
    if "value" not in payload:
        raise DomainError("invalid_payload", "value is missing.", "value")
    value = rules.check_answer(activity.spec, payload["value"])
    given = session.values.get(participant_id, {}).get(activity.id, [])
    if not given:
        raise DomainError("not_answered", "Send your first answer with answer; change it afterwards.", "activity_id")
    if len(given) > rules.MAX_CHANGES:
        raise DomainError("too_many_changes", f"An answer can be changed {rules.MAX_CHANGES} times.", "activity_id")
    revision = len(given)
    return Participation({**value, "revision": revision}, answer_id=payload.get("answer_id"), guard="change",
                         ack={"revision": revision})


class DatePollKind(ActivityKind):
    """Date polls: yes / maybe / no per slot, changeable while open, the best slot."""

    name = rules.TYPE
    capabilities = Capabilities()
    package_dir = Path(__file__).parent
    script = "js/kinds/date_poll.js"
    participant_commands = {"change": ParticipantCommand(_change)}
    downloads = (CALENDAR, GRID)

    def parse_spec(self, raw: dict, where: str = "") -> rules.DatePollSpec:
        return rules.parse_spec(raw, where)

    def check_answer(self, spec: rules.DatePollSpec, value: object) -> dict:
        return rules.check_answer(spec, value)

    def describe_answer(self, spec: rules.DatePollSpec, value) -> str:
        return rules.describe_answer(spec, value)

    def takes_slot(self, value) -> bool:
        # A change replaces the answer: it takes no second slot.
        return rules.revision_of(value) == 0

    def count(self, tally: rules.Tally, participant_id: str, value) -> None:
        tally.count(participant_id, value)

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec, settings.profanity)

    # -- live views

    def results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        tally = session.tallies[activity.id]
        return {**tally.results(), "participants": tally.named_rows(MAX_GRID_ROWS)}

    def phone_results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        # Who said what stays on the host's grid: phones see the totals and the best slot.
        return session.tallies[activity.id].results()

    # -- summary and archive

    def numbered_fields(self, activity: Activity, tally: rules.Tally, numbers: dict[str, int]) -> dict:
        return {"grid": tally.grid(numbers)}

    def pseudonymised(self, summary: dict) -> dict:
        activities = summary.get("activities")
        if not isinstance(activities, list):
            return summary
        hidden = [
            {**a, "grid": [{**row, "name": None} for row in a["grid"] if isinstance(row, dict)]}
            if isinstance(a, dict) and a.get("type") == self.name and isinstance(a.get("grid"), list) else a
            for a in activities
        ]
        return {**summary, "activities": hidden}

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {archive.csv_name(number): archive.grid_csv(activity)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return archive.view(activity, page)

    def fingerprint_parts(self, activity: dict) -> list:
        return [part for slot in archive.slots(activity) for part in (slot["label"], slot["start"] or "", slot["end"] or "")]

    def download(self, activity: dict, name: str, context: DownloadContext) -> Download:
        """``grid.csv``: the grid; ``calendar.ics``: the slot ``?option=<index>`` (from 0),
        by default the best one, as a calendar event."""
        if name == GRID:
            return Download(archive.csv_name(context.number), "text/csv", archive.grid_csv(activity))
        if name != CALENDAR:
            return super().download(activity, name, context)
        option = _chosen_option(activity, context.query.get("option"))
        text = calendar.event_ics(activity, option, context.title, context.zone, context.now, context.translate)
        return Download(f"date-poll-{context.number}.ics", "text/calendar", text)

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return forms.results_setting(form, {
            "type": self.name, "prompt": form.get("prompt", ""),
            "options": [editor.option_from_line(line) for line in forms.lines(form.get("options"))],
        })

    def form_from_spec(self, spec: dict) -> dict:
        return {
            "prompt": spec.get("prompt", ""),
            "options": "\n".join(editor.line_from_option(option) for option in spec.get("options", [])),
            **forms.results_field(spec),
        }


def _chosen_option(activity: dict, typed: str | None) -> int:
    """The option a calendar export is for: the one asked for, else the best slot."""
    if typed is None or typed == "":
        best = activity.get("best")
        if not isinstance(best, int) or isinstance(best, bool):
            raise DomainError("no_best_slot", "No slot has a yes or a maybe yet: choose one with ?option=<number>.", "option")
        return best
    if not typed.isdigit() or len(typed) > 3:
        raise DomainError("unknown_option", "option must be the number of an option, from 0.", "option")
    return int(typed)


KIND = DatePollKind()
