"""The date poll's rules: slots with strict ISO 8601 times, every bad answer refused
with its own code, changes (the latest revision counts, whatever order rows arrive
in), the best slot, who said what, the grid CSV, the calendar event and the editor's
one-line slots."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import datetime, timezone, timedelta

import pytest
from icalendar import Calendar

from live.activities.base import DownloadContext
from live.activities.date_poll import KIND, archive, calendar, editor, rules
from live.activities.registry import parse_spec
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter

SPEC = {"type": "date_poll", "prompt": "Prochaine réunion ?", "options": [
    {"label": "Sam. 12 déc.", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"},
    "Dimanche après-midi",
    {"label": "Lun. 14 déc.", "start": "2026-12-14T18:30:00+01:00", "end": "2026-12-14T20:00:00+01:00"},
]}
PARIS = timezone(timedelta(hours=1))  # Paris in December, without a time zone database


def _spec():
    return parse_spec(SPEC).spec


def test_a_spec_takes_texts_and_slots_and_stores_times_normalised():
    stored = _spec().as_dict()
    assert stored["options"][0] == SPEC["options"][0] and stored["options"][1] == "Dimanche après-midi"
    assert stored["options"][2] == {"label": "Lun. 14 déc.", "start": "2026-12-14T18:30+01:00", "end": "2026-12-14T20:00+01:00"}
    assert parse_spec(stored).spec == _spec()


def test_every_problem_of_a_spec_is_reported_at_once_naming_its_field():
    with pytest.raises(DomainError) as refused:
        parse_spec({"type": "date_poll", "prompt": "", "options": [
            "A",
            {"label": "", "start": "2026-02-30T10:00", "end": "demain", "room": "B12"},
            {"label": "C", "start": "2026-12-12T18:00", "end": "2026-12-12T18:00"},
            {"label": "D", "start": "2026-12-12T18:00+01:00", "end": "2026-12-12T19:00"},
            {"label": "E", "start": "2026-12-12T18:00"},
            {"label": "F", "start": "2026-12-12 18:00", "end": 1900},
            {"label": "G", "start": "2026-12-12", "end": "2026-12-13"},
            7,
        ]})
    assert [(p.code, p.field) for p in refused.value.problems] == [
        ("blank", "prompt"),
        ("unknown_field", "options[1].room"),
        ("blank", "options[1].label"),
        ("invalid_time", "options[1].start"),
        ("invalid_time", "options[1].end"),
        ("end_before_start", "options[2].end"),
        ("mixed_time_zones", "options[3].end"),
        ("missing_time", "options[4].end"),
        ("invalid_time", "options[5].start"),
        ("invalid_type", "options[5].end"),
        ("invalid_time", "options[6].start"),
        ("invalid_time", "options[6].end"),
        ("invalid_type", "options[7]"),
    ]


@pytest.mark.parametrize("options", [["Seul"], [f"J{n}" for n in range(21)], "A, B"])
def test_a_date_poll_has_2_to_20_options(options):
    with pytest.raises(DomainError) as refused:
        parse_spec({"type": "date_poll", "prompt": "Q", "options": options})
    assert refused.value.code in ("invalid_options", "invalid_type") and refused.value.field == "options"


@pytest.mark.parametrize("value, code, field", [
    ("yes", "invalid_value", "value"),
    (None, "invalid_value", "value"),
    (["yes", "no"], "wrong_length", "value"),
    (["yes", "no", "maybe", "no"], "wrong_length", "value"),
    (["yes", "no", 1], "invalid_value", "value"),
    (["yes", "no", None], "invalid_value", "value"),
    (["yes", "no", "oui"], "unknown_choice", "value"),
    (["Yes", "no", "no"], "unknown_choice", "value"),
    ({"choices": ["yes", "no", "no"], "name": 5}, "invalid_type", "value.name"),
    ({"choices": ["yes", "no", "no"], "name": "x" * 41}, "too_long", "value.name"),
    ({"choices": ["yes", "no", "no"], "vote": 1}, "invalid_value", "value"),
    ({"name": "Zoé"}, "invalid_value", "value.choices"),
    ({"choices": "yes,no,no"}, "invalid_value", "value"),
])
def test_a_bad_answer_is_refused_with_its_own_code(value, code, field):
    with pytest.raises(DomainError) as refused:
        rules.check_answer(_spec(), value)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_an_answer_is_a_list_or_an_object_with_a_name_and_is_stored_as_the_object():
    assert rules.check_answer(_spec(), ["yes", "maybe", "no"]) == {"choices": ["yes", "maybe", "no"], "name": None}
    assert rules.check_answer(_spec(), {"choices": ["no", "no", "yes"], "name": "  Zoé \u202e "}) == {
        "choices": ["no", "no", "yes"], "name": "Zoé"}
    assert rules.check_answer(_spec(), {"choices": ["no", "no", "yes"], "name": ""})["name"] is None
    described = rules.describe_answer(_spec(), {"choices": ["yes", "maybe", "no"], "name": "Zoé", "revision": 2})
    assert described == "Sam. 12 déc.: yes | Dimanche après-midi: maybe | Lun. 14 déc.: no — Zoé (change 2)"


def test_counts_best_slot_and_who_said_what():
    tally = rules.Tally(_spec())
    assert tally.results() == {"counts": [{"yes": 0, "maybe": 0, "no": 0}] * 3, "best": None, "tied": [], "n_named": 0}
    tally.count("p1", {"choices": ["yes", "no", "maybe"], "name": "Ana"})
    tally.count("p2", {"choices": ["maybe", "yes", "yes"], "name": None})
    tally.count("p3", {"choices": ["yes", "maybe", "yes"], "name": "Ben"})
    results = tally.results()
    assert results["counts"] == [{"yes": 2, "maybe": 1, "no": 0}, {"yes": 1, "maybe": 1, "no": 1}, {"yes": 2, "maybe": 1, "no": 0}]
    # Most yes (2, options 0 and 2), then most maybe (1 each): a tie, the earlier option is the best.
    assert (results["best"], results["tied"], results["n_named"]) == (0, [0, 2], 2)
    assert tally.named_rows() == [{"name": "Ana", "choices": ["yes", "no", "maybe"]},
                                  {"name": "Ben", "choices": ["yes", "maybe", "yes"]}]
    assert tally.named_rows(1) == [{"name": "Ana", "choices": ["yes", "no", "maybe"]}]
    assert tally.n_answers == 3


def test_maybe_breaks_a_tie_of_yes_and_nobody_saying_yes_or_maybe_leaves_no_best_slot():
    assert rules.best_slot([{"yes": 1, "maybe": 0}, {"yes": 1, "maybe": 2}, {"yes": 0, "maybe": 5}]) == (1, [1])
    assert rules.best_slot([{"yes": 0, "maybe": 0, "no": 4}] * 2) == (None, [])


def test_the_latest_revision_counts_whatever_order_the_rows_arrive_in():
    rows = [
        ("p1", {"choices": ["yes", "yes", "yes"], "name": "Ana"}),
        ("p2", {"choices": ["no", "no", "no"], "name": None}),
        ("p1", {"choices": ["no", "maybe", "yes"], "name": "Ana", "revision": 1}),
        ("p1", {"choices": ["no", "no", "yes"], "name": "Ana B.", "revision": 2}),
        ("p2", {"choices": ["maybe", "no", "no"], "name": "Cléo", "revision": 1}),
    ]
    seen = set()
    for order in itertools.permutations(rows):
        tally = rules.Tally(_spec())
        for participant_id, value in order:
            tally.count(participant_id, value)
        seen.add((repr(tally.results()), repr(sorted(row["name"] for row in tally.named_rows()))))
    assert len(seen) == 1
    results = eval(next(iter(seen))[0])  # noqa: S307 - our own repr
    assert results["counts"] == [{"yes": 0, "maybe": 1, "no": 1}, {"yes": 0, "maybe": 0, "no": 2}, {"yes": 1, "maybe": 0, "no": 1}]
    # Two changes with the same revision (a phone that switched servers): the same one wins everywhere.
    one, other = {"choices": ["yes", "no", "no"], "name": None, "revision": 1}, {"choices": ["no", "yes", "no"], "name": None, "revision": 1}
    first, second = rules.Tally(_spec()), rules.Tally(_spec())
    for tally, order in ((first, (one, other)), (second, (other, one))):
        for value in order:
            tally.count("p", value)
    assert first.results() == second.results() and first.n_answers == 1


def test_a_name_the_word_filter_holds_leaves_the_grid_but_the_answer_counts():
    tally = rules.Tally(_spec(), ProfanityFilter.from_lines(["merde"]))
    tally.count("p1", {"choices": ["yes", "no", "no"], "name": "Merde"})
    tally.count("p2", {"choices": ["yes", "no", "no"], "name": "Zoé"})
    assert tally.named_rows() == [{"name": "Zoé", "choices": ["yes", "no", "no"]}]
    assert tally.grid()[0] == {"name": None, "choices": ["yes", "no", "no"]}
    assert tally.grid({"p1": 4, "p2": 1}) == [{"name": None, "choices": ["yes", "no", "no"], "participant_number": 4},
                                             {"name": "Zoé", "choices": ["yes", "no", "no"], "participant_number": 1}]
    assert tally.results()["counts"][0]["yes"] == 2 and tally.results()["n_named"] == 1


def _archived(numbers=None):
    tally = rules.Tally(_spec())
    tally.count("p1", {"choices": ["yes", "no", "maybe"], "name": "=Ana"})
    tally.count("p2", {"choices": ["maybe", "yes", "no"], "name": None})
    return {**_spec().as_dict(), "id": "act1", "position": 0, "n_answers": 2, **tally.results(), "grid": tally.grid(numbers)}


def test_the_grid_csv_has_a_column_per_option_a_row_per_participant_and_the_totals():
    files = KIND.archive_files(_archived(), 2)
    assert list(files) == ["date-poll-2.csv"]
    rows = list(csv.reader(io.StringIO(files["date-poll-2.csv"])))
    assert rows == [
        ["participant", "Sam. 12 déc.", "Dimanche après-midi", "Lun. 14 déc."],
        ["start", "2026-12-12T18:00", "", "2026-12-14T18:30+01:00"],
        ["end", "2026-12-12T20:00", "", "2026-12-14T20:00+01:00"],
        ["'=Ana", "yes", "no", "maybe"],
        ["", "maybe", "yes", "no"],
        ["total yes", "1", "1", "0"],
        ["total maybe", "1", "0", "1"],
        ["total no", "0", "1", "1"],
        ["best", "best", "", ""],
    ]


def test_the_archive_view_marks_the_best_slot_and_lists_every_participant_and_a_share_page_names_nobody():
    view = archive.view(_archived({"p1": 2, "p2": 1}), page=None)
    assert view["best"]["label"] == "Sam. 12 déc." and view["best"]["when"] == "2026-12-12 18:00 – 20:00"
    assert [o["best"] for o in view["options"]] == [True, False, False]
    assert view["rows"] == [{"name": "=Ana", "number": 2, "choices": ["yes", "no", "maybe"]},
                            {"name": None, "number": 1, "choices": ["maybe", "yes", "no"]}] and view["n_unnamed"] == 0
    hidden = KIND.pseudonymised({"activities": [_archived({"p1": 2, "p2": 1}), {"type": "poll", "grid": [{"name": "x"}]}]})
    assert [(row["name"], row["participant_number"]) for row in hidden["activities"][0]["grid"]] == [(None, 2), (None, 1)]
    assert hidden["activities"][1]["grid"] == [{"name": "x"}]
    # A summary written before grids had numbers: the named rows, the others counted.
    older = archive.view(_archived(), page=None)
    assert older["rows"] == [{"name": "=Ana", "number": None, "choices": ["yes", "no", "maybe"]}] and older["n_unnamed"] == 1
    foreign = archive.view({"options": ["A", {"label": "B", "start": "x"}], "counts": "no",
                            "grid": [5, {"name": 3, "participant_number": True}, {"participant_number": -2}]}, None)
    assert [o["label"] for o in foreign["options"]] == ["A", "{'label': 'B', 'start': 'x'}"]
    assert foreign["best"] is None and foreign["rows"] == [] and foreign["n_unnamed"] == 2


def _context(**query):
    return DownloadContext("Club lecture; Paris, 2026", 2, query, PARIS, datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc))


def test_the_best_slot_is_a_calendar_event_in_utc_and_reads_back():
    made = KIND.download(_archived(), "calendar.ics", _context())
    assert made.filename == "date-poll-2.ics" and made.mimetype == "text/calendar"
    assert made.text.startswith("BEGIN:VCALENDAR\r\n") and made.text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in made.text.split("\r\n"))
    assert "\r\nDTSTART:20261212T170000Z\r\n" in made.text and "\r\nDTEND:20261212T190000Z\r\n" in made.text
    assert "SUMMARY:Club lecture\\; Paris\\, 2026\r\n" in made.text
    event = Calendar.from_ical(made.text).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 12, 12, 17, 0, tzinfo=timezone.utc)
    assert str(event["summary"]) == "Club lecture; Paris, 2026" and str(event["uid"]) == "act1-0@live"
    assert str(event["description"]) == (
        "Prochaine réunion ?\nSam. 12 déc.\nWhen: 2026-12-12 18:00 – 20:00 (UTC+01:00)\nYes: 1 · Maybe: 1 · No: 0")
    # A slot with an offset keeps it, whatever the server's zone.
    other = KIND.download(_archived(), "calendar.ics", _context(option="2"))
    assert "\r\nDTSTART:20261214T173000Z\r\n" in other.text


@pytest.mark.parametrize("query, code", [({"option": "1"}, "no_times"), ({"option": "3"}, "unknown_option"),
                                         ({"option": "-1"}, "unknown_option"), ({"option": "x"}, "unknown_option")])
def test_a_calendar_event_needs_a_slot_with_times(query, code):
    with pytest.raises(DomainError) as refused:
        KIND.download(_archived(), "calendar.ics", _context(**query))
    assert refused.value.code == code


def test_without_a_best_slot_the_facilitator_chooses_one_and_the_grid_downloads_too():
    nobody = {**_archived(), "best": None}
    with pytest.raises(DomainError) as refused:
        KIND.download(nobody, "calendar.ics", _context())
    assert refused.value.code == "no_best_slot"
    assert KIND.download(nobody, "calendar.ics", _context(option="0")).text.count("BEGIN:VEVENT") == 1
    grid = KIND.download(_archived(), "grid.csv", _context())
    assert (grid.filename, grid.mimetype) == ("date-poll-2.csv", "text/csv")
    assert grid.text == KIND.archive_files(_archived(), 2)["date-poll-2.csv"]
    with pytest.raises(DomainError):
        KIND.download(_archived(), "other.txt", _context())


def test_the_calendar_slot_is_checked_again_from_the_summary():
    with pytest.raises(DomainError) as refused:
        calendar.slot_of({"options": [{"label": "A", "start": "2026-12-12T18:00", "end": "2026-12-12T17:00"}]}, 0)
    assert refused.value.code == "no_times"


@pytest.mark.parametrize("line, option", [
    ("Samedi", "Samedi"),
    ("Sam. 12 | 2026-12-12 18:00 | 20:00", {"label": "Sam. 12", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"}),
    ("Nuit | 2026-12-12 22:00 | 2026-12-13 01:30", {"label": "Nuit", "start": "2026-12-12T22:00", "end": "2026-12-13T01:30"}),
    ("Z | 2026-12-12T18:00+01:00 | 20:00", {"label": "Z", "start": "2026-12-12T18:00+01:00", "end": "2026-12-12T20:00+01:00"}),
    ("Sans fin | 2026-12-12 18:00", {"label": "Sans fin", "start": "2026-12-12T18:00"}),
    ("A | demain | 20:00", {"label": "A", "start": "demain", "end": "20:00"}),
])
def test_the_editor_reads_one_slot_per_line(line, option):
    assert editor.option_from_line(line) == option


def test_the_editor_fields_give_the_spec_back_and_name_the_bad_line():
    form = KIND.form_from_spec(_spec().as_dict())
    assert form["options"] == ("Sam. 12 déc. | 2026-12-12 18:00 | 20:00\nDimanche après-midi\n"
                               "Lun. 14 déc. | 2026-12-14 18:30+01:00 | 20:00")
    assert parse_spec(KIND.spec_from_form(form)).spec == _spec()
    with pytest.raises(DomainError) as refused:
        parse_spec(KIND.spec_from_form({"prompt": "Q", "options": "A\nB | 2026-12-12 18:00 | 17:00"}))
    assert (refused.value.code, refused.value.field) == ("end_before_start", "options[1].end")


def test_the_comparison_fingerprint_holds_labels_and_times():
    assert KIND.fingerprint_parts(_spec().as_dict()) == [
        "Sam. 12 déc.", "2026-12-12T18:00", "2026-12-12T20:00", "Dimanche après-midi", "", "",
        "Lun. 14 déc.", "2026-12-14T18:30+01:00", "2026-12-14T20:00+01:00",
    ]


def test_any_json_value_is_refused_cleanly_or_is_a_complete_answer():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    words = st.sampled_from(["yes", "maybe", "no", "Yes", "", "oui", "maybe "])
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50) | words
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
        st.sampled_from(["choices", "name", "revision", "x"]) | st.text(max_size=5), inner, max_size=3), max_leaves=12)

    @settings(max_examples=300, deadline=None)
    @given(values)
    def check(value):
        try:
            answer = rules.check_answer(_spec(), value)
        except DomainError as error:
            assert error.code in {"invalid_value", "wrong_length", "unknown_choice", "invalid_type", "too_long"}
            return
        assert set(answer) == {"choices", "name"} and len(answer["choices"]) == 3
        assert all(choice in rules.CHOICES for choice in answer["choices"])
        assert answer["name"] is None or 0 < len(answer["name"]) <= rules.MAX_NAME

    check()
