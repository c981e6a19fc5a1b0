"""The archive folder a facilitator gets when a session ends: JSON, CSV and an offline page."""

import csv
import json
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo

import live.archive
from live.archive import writer
from live.archive.writer import write_archive

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'


def make_poll(position=0, **overrides):
    """One poll activity as it appears in a schema-1 summary."""
    activity = {
        "id": f"act-{position}",
        "position": position,
        "type": "poll",
        "prompt": "Quel livre lire ensuite ?",
        "options": ["Germinal", "Les Misérables", "Bel-Ami"],
        "multiple": False,
        "n_answers": 30,
        "counts": [10, 15, 5],
        "opened_at": "2026-11-23T19:01:00Z",
        "closed_at": "2026-11-23T19:03:00Z",
    }
    activity.update(overrides)
    return activity


def make_summary(activities=None, **overrides):
    """A schema-1 summary document."""
    summary = {
        "schema": 1,
        "code": "K7Q2M9XD",
        "title": "Atelier lecture",
        "created_at": "2026-11-23T18:50:00Z",
        "started_at": "2026-11-23T19:00:00Z",
        "ended_at": "2026-11-23T19:40:00Z",
        "n_participants": 31,
        "activities": [make_poll()] if activities is None else activities,
    }
    summary.update(overrides)
    return summary


def make_answer(**overrides):
    """One answer row as the caller passes it to write_archive."""
    row = {
        "activity_position": 0,
        "activity_id": "act-0",
        "activity_type": "poll",
        "prompt": "Quel livre lire ensuite ?",
        "participant_id": "9f3c",
        "participant_name": "Zoé",
        "value": 1,
        "answer_text": "Les Misérables",
        "answered_at": "2026-11-23T19:01:12Z",
        "ms_since_open": 12034,
    }
    row.update(overrides)
    return row


def read_page(folder):
    return (folder / "index.html").read_text(encoding="utf-8")


def read_csv_rows(folder):
    with open(folder / "answers.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


# Folder and files


def test_folder_is_named_after_the_utc_end_date_and_code_and_holds_three_files(tmp_path):
    root = tmp_path / "sessions" / "nested"  # parents are created
    folder = write_archive(root, make_summary(), [make_answer()])

    assert folder == root / "2026-11-23-K7Q2M9XD"
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "summary.json"]


def test_end_date_is_taken_in_utc(tmp_path):
    summary = make_summary(ended_at="2026-11-23T23:30:00-02:00")  # 01:30 UTC the next day

    assert write_archive(tmp_path, summary, []).name == "2026-11-24-K7Q2M9XD"


def test_summary_json_round_trips_and_keeps_accents_readable(tmp_path):
    summary = make_summary()
    folder = write_archive(tmp_path, summary, [])

    text = (folder / "summary.json").read_text(encoding="utf-8")
    assert json.loads(text) == summary
    assert "Misérables" in text  # not \u00e9


def test_writing_again_replaces_the_files_and_leaves_no_temporary_file(tmp_path):
    write_archive(tmp_path, make_summary(title="First"), [make_answer(), make_answer()])
    folder = write_archive(tmp_path, make_summary(title="Second"), [make_answer()])

    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["title"] == "Second"
    assert len(read_csv_rows(folder)) == 2
    assert "Second" in read_page(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "summary.json"]


def test_a_code_that_could_escape_the_archive_root_is_refused(tmp_path):
    with pytest.raises(ValueError):
        write_archive(tmp_path / "root", make_summary(code="../../etc"), [])
    assert not (tmp_path / "etc").exists()


# answers.csv


def test_answers_csv_has_a_header_and_one_row_per_answer(tmp_path):
    rows = [
        make_answer(),
        make_answer(participant_id="77aa", participant_name=None, value=[0, 2], answer_text="Germinal; Bel-Ami"),
    ]
    folder = write_archive(tmp_path, make_summary(), rows)

    assert (folder / "answers.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    header, first, second = read_csv_rows(folder)
    assert header == [
        "activity_position", "activity_id", "activity_type", "prompt", "participant_id",
        "participant_name", "value", "answer_text", "answered_at", "ms_since_open",
    ]
    assert first == [
        "0", "act-0", "poll", "Quel livre lire ensuite ?", "9f3c",
        "Zoé", "1", "Les Misérables", "2026-11-23T19:01:12Z", "12034",
    ]
    assert second[4:8] == ["77aa", "", "[0, 2]", "Germinal; Bel-Ami"]


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted(tmp_path, typed):
    folder = write_archive(tmp_path, make_summary(), [make_answer(participant_name=typed, prompt="fine")])

    row = read_csv_rows(folder)[1]
    assert row[5] == "'" + typed
    assert row[3] == "fine"


# index.html


def test_page_has_no_external_reference_and_no_script(tmp_path):
    folder = write_archive(tmp_path, make_summary(), [make_answer()])
    page = read_page(folder)

    assert not re.search(r"\bsrc\s*=", page, re.I)
    assert not re.search(r"\bhref\s*=", page, re.I)
    assert "<script" not in page.lower()
    assert not re.search(r"url\(\s*['\"]?\s*https?:", page, re.I)
    assert "@import" not in page
    assert "<link" not in page.lower()
    assert "<style>" in page


def test_page_draws_one_accessible_chart_and_one_table_per_poll(tmp_path):
    summary = make_summary([make_poll(0), make_poll(1, prompt="Et après ?", counts=[1, 2, 27])])
    page = read_page(write_archive(tmp_path, summary, []))

    assert page.count("<svg") == 2
    assert page.count('role="img"') == 2
    assert page.count("aria-label=") == 2
    assert page.count("<table") == 2
    assert "<title>" in page and "<h1>" in page


def test_page_shows_session_facts_counts_and_percentages(tmp_path):
    page = read_page(write_archive(tmp_path, make_summary(), []))

    assert 'lang="en"' in page
    assert "Atelier lecture" in page and "K7Q2M9XD" in page
    assert "Nov 23, 2026" in page  # readable dates, not ISO strings
    assert ">31<" in page  # participants
    assert "Single choice" in page and "30 answers" in page
    for count, percent in [(10, "33%"), (15, "50%"), (5, "17%")]:
        assert f'<td class="n">{count}</td><td class="n">{percent}</td>' in page


def test_page_follows_the_locale(tmp_path):
    page = read_page(write_archive(tmp_path, make_summary(), [], locale="fr"))

    assert 'lang="fr"' in page
    assert "23 nov. 2026" in page  # Babel's French date format


def test_multiple_choice_percentages_are_of_respondents(tmp_path):
    poll = make_poll(multiple=True, n_answers=4, counts=[4, 3, 2])
    page = read_page(write_archive(tmp_path, make_summary([poll]), []))

    assert "Multiple choice" in page
    assert "100%" in page and "75%" in page and "50%" in page


def test_long_option_labels_are_cut_in_the_chart_but_whole_in_the_table(tmp_path):
    long_option = "Une très longue proposition " * 5
    page = read_page(write_archive(tmp_path, make_summary([make_poll(options=["A", long_option.strip(), "C"])]), []))

    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "…" in chart
    assert long_option.strip() not in chart
    assert f"<td>{long_option.strip()}</td>" in page


def test_hostile_text_is_escaped_in_the_page_and_intact_in_the_json(tmp_path):
    hostile = HOSTILE_SCRIPT + HOSTILE_IMG
    summary = make_summary(
        [make_poll(prompt=hostile, options=[hostile, "B", "C"])],
        title=hostile,
    )
    folder = write_archive(tmp_path, summary, [make_answer(participant_name=hostile, prompt=hostile)])
    page = read_page(folder)

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8")) == summary
    assert read_csv_rows(folder)[1][5] == hostile  # the CSV keeps the raw text; it is data


def test_zero_answers_and_a_never_opened_activity_render(tmp_path):
    poll = make_poll(n_answers=0, counts=[0, 0, 0], opened_at=None, closed_at=None)
    summary = make_summary([poll], started_at=None)
    page = read_page(write_archive(tmp_path, summary, []))

    assert "Not opened" in page
    assert "Not started" in page
    assert "0 answers" in page
    assert page.count("<svg") == 1
    assert page.count('<td class="n">0%</td>') == 3


def test_unknown_activity_type_shows_its_prompt_without_a_chart(tmp_path):
    wordcloud = {
        "id": "w1", "position": 1, "type": "wordcloud", "prompt": "Un mot pour cette soirée ?",
        "n_answers": 1, "words": [["lecture", 12]], "opened_at": None, "closed_at": None,
    }
    page = read_page(write_archive(tmp_path, make_summary([wordcloud, make_poll(0)]), []))

    assert "Un mot pour cette soirée ?" in page
    assert re.search(r"\b1 answer\b(?!s)", page)
    assert page.count("<svg") == 1
    # Activities are listed in position order, whatever order the summary gives.
    assert page.index("Quel livre lire ensuite ?") < page.index("Un mot pour cette soirée ?")


def test_interface_text_is_extractable_by_babel():
    template = Path(live.archive.__file__).parent / "summary.html"
    found = extract_from_file("jinja2.ext:babel_extract", template)
    # Each message is a string, or a (singular, plural) tuple for ngettext.
    messages = {text if isinstance(text, str) else text[0] for _line, text, _comments, _context in found}

    assert {"Session summary", "Single choice", "Multiple choice", "Not opened", "%(num)d answer"} <= messages


def test_page_uses_the_locale_catalogue_when_there_is_one(tmp_path, monkeypatch):
    catalogue = Catalog(locale="fr", domain="messages")
    catalogue.add("Session summary", "Résumé de la séance")
    catalogue.add(("%(num)d answer", "%(num)d answers"), ("%(num)d réponse", "%(num)d réponses"))
    catalogue.add(
        "Several choices were allowed: percentages are of respondents and may add up to more than 100%%.",
        "Plusieurs choix possibles : pourcentages des répondants, leur somme peut dépasser 100 %%.",
    )
    mo_dir = tmp_path / "translations" / "fr" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with open(mo_dir / "messages.mo", "wb") as handle:
        write_mo(handle, catalogue)
    monkeypatch.setattr(writer, "TRANSLATIONS_DIR", tmp_path / "translations")

    page = read_page(write_archive(tmp_path / "out", make_summary([make_poll(multiple=True)]), [], locale="fr"))

    assert "Résumé de la séance" in page
    assert "30 réponses" in page
    assert "dépasser 100 %." in page
