"""Rankings and date polls in the archive writer: the offline page, a share page
without names, the comparison of two sessions, and the files next to the page."""

from __future__ import annotations

import html

from live.activities.date_poll import rules as date_rules
from live.activities.ranking import rules as ranking_rules
from live.activities.registry import parse_spec
from live.archive.compare import compare
from live.archive.writer import kind_files, render_comparison, render_summary_fragment, render_summary_page

RANKING = {"type": "ranking", "prompt": "Quel livre ?", "options": ["Germinal", "<b>Nana</b>", "L'Assommoir"]}
DATES = {"type": "date_poll", "prompt": "Quand ?", "options": [
    {"label": "Sam. 12", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"}, "Dimanche"]}


def _summary(code: str, ballots, answers) -> dict:
    ranking = ranking_rules.Tally(parse_spec(RANKING).spec)
    for ballot in ballots:
        ranking.add(ballot)
    dates = date_rules.Tally(parse_spec(DATES).spec)
    for participant_id, value in answers:
        dates.count(participant_id, value)
    return {
        "schema": 1, "code": code, "title": "Club", "created_at": "2026-12-01T18:00:00Z",
        "started_at": "2026-12-01T18:00:00Z", "ended_at": "2026-12-01T19:00:00Z", "n_participants": 3,
        "activities": [
            {**RANKING, "id": "r", "position": 0, "n_answers": ranking.n_answers, **ranking.results()},
            {**parse_spec(DATES).spec.as_dict(), "id": "d", "position": 1, "n_answers": dates.n_answers,
             **dates.results(), "grid": dates.grid({"p1": 1, "p2": 2})},
        ],
    }


ANSWERS = [("p1", {"choices": ["yes", "no"], "name": "<i>Zoé</i>"}), ("p2", {"choices": ["maybe", "yes"], "name": None})]


def test_the_page_shows_the_ranking_bars_and_the_date_grid_escaped_and_a_share_page_names_nobody():
    summary = _summary("AAAA1111", [[1, 0, 2], [1, 2, 0]], ANSWERS)
    page = render_summary_page(summary, "en")
    assert "&lt;b&gt;Nana&lt;/b&gt;" in page and "<b>Nana</b>" not in page
    assert "Bar chart of the Borda count" in page and "1. &lt;b&gt;Nana&lt;/b&gt;" in page
    assert "Best slot: Sam. 12" in page and "2026-12-12 18:00 – 20:00" in page
    # Who said what: the name given, else the participant's pseudonym (join order).
    assert "&lt;i&gt;Zoé&lt;/i&gt;" in page and "Participant 2" in page and "without a name" not in page
    assert "ranking-1.csv" in page and "date-poll-2.csv" in page
    shared = html.unescape(render_summary_fragment(summary, "fr", pseudonymise=True)).replace("\u00a0", " ")
    assert "Zoé" not in shared and "Participant 1" in shared and "Participant 2" in shared
    assert "sans nom" not in shared and "Meilleur créneau" in shared


def test_two_sessions_compare_their_rankings_and_date_polls_side_by_side():
    first = _summary("AAAA1111", [[1, 0, 2]], ANSWERS)
    second = _summary("BBBB2222", [[0, 1, 2], [2, 1, 0]], ANSWERS[:1])
    fragment = html.unescape(render_comparison(compare([first, second]), "en"))
    assert fragment.count("Bar chart of the Borda count") == 2 and fragment.count("Best slot: Sam. 12") == 2
    assert "In one session only" not in fragment


def test_the_archive_has_a_csv_per_ranking_and_date_poll():
    files = kind_files(_summary("AAAA1111", [[1, 0, 2]], ANSWERS))
    assert files["ranking-1.csv"].splitlines()[1] == "<b>Nana</b>,1.0,2,1"
    assert files["date-poll-2.csv"].splitlines()[3:5] == ["<i>Zoé</i>,yes,no", ",maybe,yes"]
