"""The Q&A: participants ask (anonymous unless they show their nickname), everyone
upvotes, the facilitator approves, hides, pins the question being answered and marks
questions answered. It may stay open beside the other activities all session long.

Rules (spec, questions, votes, reports, moderation replayed) in ``rules.py``; what
participants and the facilitator send in ``events.py``; the archive section and CSV in
``archive.py``; the partials in ``templates/``; the host wall, phone view and
moderation console in ``static/js/kinds/qa.js``. The chain (``shortlist``) turns the
best questions into a poll (live/activities/shortlist.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms, shortlist
from live.activities.base import (
    Activity, ActivityKind, Capabilities, KindSettings, LiveSession, ParticipantCommand,
)
from live.activities.qa import archive, events, rules
from live.domain.session import OPEN

# The host's results and the phones' wall carry at most this many questions (best
# first); the moderation console and the archive have them all.
MAX_SHOWN = 200


def entries_of(session: LiveSession, activity: Activity) -> list[shortlist.Entry]:
    """The questions the chain may take: open ones on the wall (visible or pinned; not
    answered, pending, held or hidden), in the order they were asked."""
    tally = session.tallies[activity.id]
    statuses = tally.statuses()
    return [
        shortlist.Entry(q.id, q.text, votes=len(q.voters))
        for q in tally.questions.values() if statuses[q.id] in (rules.VISIBLE, rules.PINNED)
    ]


def _iso(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


class QaKind(ActivityKind):
    """Q&A: questions from participants, upvoted by the room, moderated, beside the rest."""

    name = rules.TYPE
    capabilities = Capabilities(moderated=True, several_answers=True, beside=True)
    package_dir = Path(__file__).parent
    script = "js/kinds/qa.js"
    commands = {"moderate": events.moderate, "undo": events.undo, "shortlist": shortlist.command(entries_of)}
    participant_commands = {
        "ask": ParticipantCommand(events.ask, replayed=events.ask_replayed),
        "upvote": ParticipantCommand(events.upvote),
        "report": ParticipantCommand(events.report),
    }

    def parse_spec(self, raw: dict, where: str = "") -> rules.QaSpec:
        return rules.parse_spec(raw, where)

    def public_view(self, spec: rules.QaSpec, status: str) -> dict:
        return rules.public_view(spec)

    # -- answers: questions, votes and reports come through participant events

    def answer_limit(self, spec: rules.QaSpec) -> int:
        return rules.MAX_QUESTIONS

    def takes_slot(self, value) -> bool:
        return rules.is_question(value)

    def count(self, tally: rules.Tally, participant_id: str, value) -> None:
        tally.add_from(participant_id, value)

    def describe_answer(self, spec: rules.QaSpec, value) -> str | None:
        # answers.csv links rows to nicknames: only questions asked with the name shown
        # go there. Anonymous ones, votes and reports never say who (qa-<n>.csv has
        # every question, without who asked it).
        if rules.is_question(value) and value.get("name"):
            return value.get("ask")
        return None

    # -- state and tally

    def default_state(self) -> dict:
        return {"moderation": []}

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec, rules.actions_from(state.get("moderation")), settings.profanity)

    def apply_state(self, activity: Activity, tally: rules.Tally, state: dict) -> None:
        tally.actions = rules.actions_from(state.get("moderation"))

    # -- live views

    def results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        questions = session.tallies[activity.id].rows()
        return {"questions": questions[:MAX_SHOWN], "n_questions": len(questions)}

    def phone_results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        return self._wall(session.tallies[activity.id])

    def phone_feed(self, activity: Activity, status: str, session: LiveSession) -> dict:
        return self._wall(session.tallies[activity.id])

    @staticmethod
    def _wall(tally: rules.Tally) -> dict:
        wall = tally.wall()
        return {"questions": wall[:MAX_SHOWN], "n_questions": len(wall)}

    def rejoin_fields(self, activity: Activity, status: str, session: LiveSession, participant_id: str) -> dict:
        """A phone coming back while the Q&A is open: its own votes and reports (its
        toggles) and its own questions with their status (the pending ones "waiting
        for approval")."""
        if status != OPEN:
            return {}
        tally = session.tallies[activity.id]
        return {"qa_mine": {
            "activity_id": activity.id, "votes": tally.voted_by(participant_id),
            "reports": tally.reported_by(participant_id), "questions": tally.asked_by(participant_id),
        }}

    def moderation_view(self, activity: Activity, session: LiveSession) -> dict:
        """Every question for the facilitator's console, and the lists it works from:
        waiting for approval, held by the word filter, reported (most reports first),
        hidden. Reports are counts: nothing says who reported."""
        tally = session.tallies[activity.id]
        rows = tally.rows(private=True)
        reported = sorted((row for row in rows if row["reports"] and row["status"] != rules.HIDDEN),
                          key=lambda row: -row["reports"])
        return {
            "activity_id": activity.id,
            "n_answers": tally.n_answers,
            "moderation": activity.spec.moderation,
            "questions": rows,
            "pending": [row for row in rows if row["status"] == rules.PENDING and not row["held"]],
            "held": [row for row in rows if row["status"] == rules.PENDING and row["held"]],
            "reported": reported,
            "hidden": [row for row in rows if row["status"] == rules.HIDDEN],
            "can_undo": bool(tally.actions),
        }

    # -- summary and archive

    def summary_fields(self, activity: Activity, tally: rules.Tally, answers: list) -> dict:
        """Every question with its votes, status, reports, whether the filter held it
        and when it was asked (UTC), and the facilitator's actions in order."""
        asked_at = {row.value["id"]: _iso(row.created_at) for row in answers if rules.is_question(row.value)}
        questions = [dict(row, asked_at=asked_at.get(row["id"])) for row in tally.rows(private=True)]
        return {"questions": questions, "n_questions": len(questions), "moderation_actions": list(tally.actions)}

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {archive.csv_name(number): archive.questions_csv(activity)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return archive.view(activity, page)

    def pseudonymised(self, summary: dict) -> dict:
        return archive.pseudonymised(summary, lambda activity: activity.get("type") == self.name)

    def fingerprint_parts(self, activity: dict) -> list:
        return []  # the same prompt is the same Q&A, whatever was asked

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        moderation = form.get("moderation", rules.POST)
        return forms.results_setting(form, {
            "type": self.name, "prompt": form.get("prompt", ""),
            "moderation": rules.PRE if moderation in (rules.PRE, "y") else moderation or rules.POST,
        })

    def form_from_spec(self, spec: dict) -> dict:
        return {"prompt": spec.get("prompt", ""), "moderation": spec.get("moderation", rules.POST),
                **forms.results_field(spec)}

    def form_is_blank(self, form: Mapping[str, str]) -> bool:
        # The radio buttons always post a choice: only the default one leaves it blank.
        return not form.get("prompt", "").strip() and form.get("moderation", rules.POST) in ("", rules.POST)


KIND = QaKind()
