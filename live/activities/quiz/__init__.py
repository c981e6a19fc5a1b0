"""The quiz question: options, correct ones kept secret, a server-kept timer, points
for speed, a leaderboard over the session and a podium.

Rules (spec, secrecy, timing, scoring, streaks) in ``rules.py``; the session's
standings in ``standings.py``; the host commands below (``reveal``, ``add_time``,
``podium``); the import of Kahoot!-style spreadsheets in ``spreadsheet.py``; the
archive section and CSVs in ``archive.py``; the partials in ``templates/``; the
tiles, countdown, reveal and podium in ``static/js/kinds/quiz.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms, options
from live.activities.base import EVERYONE, Activity, ActivityKind, Capabilities, KindSettings, LiveSession, Outcome, Tell
from live.activities.quiz import archive, rules, spreadsheet, standings
from live.domain.errors import DomainError
from live.domain.session import OPEN, REVEALED

MAX_ADDED_SECONDS = 120


def _screen(session: LiveSession) -> list:
    """What the room is looking at: phase, current activity and its status."""
    current = session.lifecycle.current_activity_id
    return [session.lifecycle.phase, current, session.lifecycle.statuses.get(current) if current else None]


def current_standings(session: LiveSession) -> list[dict]:
    """``standings.standings``, computed again only when something it depends on
    changed: a room reconnecting at once after a reveal must not recompute them for
    every phone."""
    basis = (
        tuple(session.names.values()), len(session.removed), sum(len(v) for v in session.values.values()),
        tuple(sorted((aid, s.get("extra_ms", 0)) for aid, s in session.states.items())),
        tuple(session.lifecycle.statuses.items()),
    )
    cached = session.caches.get("quiz.standings")
    if cached is None or cached[0] != basis:
        cached = session.caches["quiz.standings"] = (basis, standings.standings(session))
    return cached[1]


def final_rank(row: dict, rows: list[dict]) -> dict:
    """One phone's ``final_rank``: its rank and score, and the podium everyone sees."""
    return {"rank": row["rank"], "score": row["score"], "n_players": len(rows), "podium": standings.live_rows(rows[:3])}


def _reveal(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """Show the answer: everyone hears the state with the correct options and the
    distribution, each phone its own result and rank (``quiz_result``)."""
    was_open = session.lifecycle.reveal(activity.id)
    rows = standings.standings(session)
    by_id = {row["participant_id"]: row for row in rows}
    tell = [
        Tell("quiz_result", standings.personal_result(session, activity, by_id.get(pid), len(rows)), pid)
        for pid in session.names if pid not in session.removed
    ]
    closed = (activity.id,) if was_open else ()
    return Outcome(lifecycle=True, closed=closed, changed={activity.id}, state=True, tell=tell)


def _add_time(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """Give an open question more time; every countdown hears the new ``state``."""
    seconds = payload.get("seconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 1 <= seconds <= MAX_ADDED_SECONDS:
        raise DomainError("invalid_payload", f"seconds must be a whole number from 1 to {MAX_ADDED_SECONDS}.", "seconds")
    if session.lifecycle.statuses[activity.id] != OPEN:
        raise DomainError("not_open", "Time can only be added to an open question.", "activity_id")
    state = dict(session.states.get(activity.id) or {})
    state["extra_ms"] = state.get("extra_ms", 0) + seconds * 1000
    return Outcome(states={activity.id: state}, changed={activity.id}, state=True)


def _podium(session: LiveSession, activity: Activity | None, payload: dict) -> Outcome:
    """The final standings: the top three for the room, each phone its own rank."""
    rows = standings.standings(session)
    tell = [Tell("podium", {"podium": standings.live_rows(rows[:3]), "n_players": len(rows)}, EVERYONE)]
    tell += [Tell("final_rank", final_rank(row, rows), row["participant_id"]) for row in rows]
    return Outcome(mark=("podium", _screen(session)), tell=tell)


class QuizKind(ActivityKind):
    """Quiz questions: timed by the server, revealed by the host, scored."""

    name = rules.TYPE
    capabilities = Capabilities(timed=True, revealable=True, scored=True, results_on_phones=False)
    package_dir = Path(__file__).parent
    script = "js/kinds/quiz.js"
    commands = {"reveal": _reveal, "add_time": _add_time, "podium": _podium}
    session_commands = frozenset({"podium"})
    importer = spreadsheet

    def parse_spec(self, raw: dict, where: str = "") -> rules.QuizSpec:
        return rules.parse_spec(raw, where)

    def public_view(self, spec: rules.QuizSpec, status: str) -> dict:
        # The correct options only once revealed: never before.
        return rules.reveal_view(spec) if status == REVEALED else rules.public_view(spec)

    def check_answer(self, spec: rules.QuizSpec, value: object):
        return rules.check_answer(spec, value)

    def describe_answer(self, spec: rules.QuizSpec, value) -> str:
        return rules.describe_answer(spec, value)

    # -- state, tally, timing

    def default_state(self) -> dict:
        return {"extra_ms": 0}

    def state_on_open(self, state: dict) -> dict:
        return {**state, "extra_ms": 0}

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec)

    def in_time(self, activity: Activity, session: LiveSession) -> bool:
        # Timed by the server, never by the phone.
        return rules.is_in_time(activity.spec, session.elapsed_ms(activity.id), standings.extra_ms(session, activity.id))

    def expired(self, activity: Activity, session: LiveSession) -> bool:
        return not self.in_time(activity, session)

    # -- live views

    def clock(self, activity: Activity, status: str, session: LiveSession) -> dict:
        """The countdown as the server measures it; screens count down from
        ``remaining_ms`` on receipt, so no client clock is trusted."""
        extra = standings.extra_ms(session, activity.id)
        clock = {"duration_ms": rules.duration_ms(activity.spec, extra), "remaining_ms": 0}
        if status == OPEN:
            clock["remaining_ms"] = rules.remaining_ms(activity.spec, session.elapsed_ms(activity.id), extra)
        return clock

    def live_fields(self, activity: Activity, status: str, session: LiveSession) -> dict:
        fields = self.clock(activity, status, session)
        if status == REVEALED:
            fields["counts"] = session.tallies[activity.id].results()["counts"]
        return fields

    def results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        fields = session.tallies[activity.id].results()
        # Standings count revealed questions only, so they never leak an answer.
        fields["leaderboard"] = standings.live_rows(current_standings(session))
        fields.update(self.clock(activity, status, session))
        if status == REVEALED:
            fields["correct"] = list(activity.spec.correct)
        return fields

    def phone_results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        fields = session.tallies[activity.id].results()
        if status == REVEALED:
            fields["correct"] = list(activity.spec.correct)
        return fields

    def shows_results(self, activity: Activity, status: str) -> bool:
        return status == REVEALED and activity.show_results is not False

    def rejoin_fields(self, activity: Activity, status: str, session: LiveSession, participant_id: str) -> dict:
        """A phone reloaded after the reveal gets its result back."""
        if status != REVEALED:
            return {}
        rows = current_standings(session)
        row = next((r for r in rows if r["participant_id"] == participant_id), None)
        return {"quiz_result": standings.personal_result(session, activity, row, len(rows))}

    def session_rejoin_fields(self, session: LiveSession, participant_id: str) -> dict:
        """A phone reloaded while the podium is up gets its final rank back."""
        shown_on = session.marks.get("podium")
        if shown_on is None or list(shown_on) != _screen(session):
            return {}
        rows = current_standings(session)
        row = next((r for r in rows if r["participant_id"] == participant_id), None)
        return {"final_rank": final_rank(row, rows)} if row else {}

    def concerned_by_removal(self, activity: Activity, status: str) -> bool:
        return status == REVEALED

    # -- summary and archive

    def summary_fields(self, activity: Activity, tally, answers: list) -> dict:
        timed = [(a.value, a.ms_since_open or 0, True) for a in answers]
        return rules.question_stats(activity.spec, timed)

    def session_summary(self, session: LiveSession) -> dict:
        # Nothing is secret at the end: every question asked counts.
        rows = standings.standings(session, everything_asked=True)
        return {"leaderboard": standings.archived_rows(rows)}

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {f"{self.name}-{number}.csv": options.options_csv(activity, correct=archive.correct_indices(activity))}

    def session_archive_files(self, summary: dict) -> dict[str, str]:
        return archive.session_files(summary)

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return archive.view(activity, page)

    def session_archive_view(self, summary: dict, page) -> dict | None:
        return archive.leaderboard_view(summary, page)

    def pseudonymised(self, summary: dict) -> dict:
        return archive.pseudonymised(summary)

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return {
            "type": self.name, "prompt": form.get("prompt", ""), "options": forms.lines(form.get("options")),
            "correct": forms.option_numbers(form.get("correct")),
            "seconds": forms.whole(form.get("seconds"), rules.DEFAULT_SECONDS),
            "points": forms.whole(form.get("points"), rules.DEFAULT_POINTS),
        }

    def form_from_spec(self, spec: dict) -> dict:
        return {
            "prompt": spec.get("prompt", ""), "options": "\n".join(spec.get("options", [])),
            "correct": ", ".join(str(index + 1) for index in spec.get("correct", [])),
            "seconds": str(spec.get("seconds", rules.DEFAULT_SECONDS)),
            "points": str(spec.get("points", rules.DEFAULT_POINTS)),
        }


KIND = QuizKind()
