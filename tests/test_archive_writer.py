"""The archive folder a facilitator gets when a session ends: JSON, CSV and an offline page."""

import csv
import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

import live.activities
import live.archive
from live.activities.wordcloud import picture as cloud
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


def make_group(display, count, status="shown", spellings=None, key=None, merged=()):
    """One row of a word cloud's ``table`` (Tally.full_table())."""
    return {
        "key": key or display.casefold(),
        "display": display,
        "count": count,
        "status": status,
        "spellings": [list(pair) for pair in spellings] if spellings else [[display, count]],
        "merged": list(merged),
    }


def make_wordcloud(position=1, table=None, **overrides):
    """One word-cloud activity as it appears in a schema-1 summary: ``words`` holds
    the shown groups of ``table``, largest first."""
    if table is None:
        table = [
            make_group("Lecture", 12, spellings=[("Lecture", 7), ("lectures", 5)], key="lecture"),
            make_group("café", 7, key="cafe"),
            make_group("🎉", 3),
            make_group("xxx", 2, status="held"),
            make_group("nul", 1, status="hidden"),
        ]
    shown = sorted((g for g in table if g["status"] == "shown"), key=lambda g: (-g["count"], g["display"].casefold()))
    activity = {
        "id": f"wc-{position}",
        "position": position,
        "type": "wordcloud",
        "prompt": "Un mot pour cette soirée ?",
        "max_entries": 3,
        "max_length": 40,
        "single_word": False,
        "n_answers": sum(g["count"] for g in table),
        "opened_at": "2026-11-23T19:05:00Z",
        "closed_at": "2026-11-23T19:09:00Z",
        "words": [[g["display"], g["count"]] for g in shown],
        "table": table,
        "moderation": [{"action": "hide", "key": "nul"}],
    }
    activity.update(overrides)
    return activity


FRENCH_WORDS = [
    "Lecture", "café", "partage", "découverte", "🎉", "bienveillance", "Émotion", "rire", "poésie",
    "convivialité", "écoute", "☕", "amitié", "surprise", "Zoé", "curiosité", "voyage", "👍🏽", "merci",
    "soirée géniale", "Maupassant", "chaleur", "hâte", "à refaire", "imaginaire", "calme", "œuvre",
    "Ça", "été", "WWW",
]  # fmt: skip


def many_groups(n, words=FRENCH_WORDS):
    """``n`` shown groups with decreasing counts (words beyond the list get a number)."""
    names = [words[i] if i < len(words) else f"mot{i}" for i in range(n)]
    return [make_group(name, max(1, 40 - i), key=f"k{i}") for i, name in enumerate(names)]


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


def read_csv_rows(folder, name="answers.csv"):
    with open(folder / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def cloud_svgs(page):
    """The word-cloud SVGs of a page, as text."""
    return re.findall(r'<svg class="cloud".*?</svg>', page, re.S)


def placed_words(svg_text):
    """(text, x, y, font-size) of every word drawn in a cloud SVG, parsed back.
    Inline SVG in HTML needs no namespace, so the elements are plain ``text``."""
    root = ET.fromstring(svg_text)
    return [(t.text, int(t.get("x")), int(t.get("y")), int(t.get("font-size"))) for t in root.iter("text")]


# Folder and files


def test_folder_is_named_after_the_utc_end_date_and_code_and_holds_its_files(tmp_path):
    root = tmp_path / "sessions" / "nested"  # parents are created
    folder = write_archive(root, make_summary(), [make_answer()])

    assert folder == root / "2026-11-23-K7Q2M9XD"
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json"]


def test_end_date_is_taken_in_utc(tmp_path):
    summary = make_summary(ended_at="2026-11-23T23:30:00-02:00")  # 01:30 UTC the next day

    assert write_archive(tmp_path, summary, []).name == "2026-11-24-K7Q2M9XD"


def test_summary_json_round_trips_and_keeps_accents_readable(tmp_path):
    summary = make_summary()
    folder = write_archive(tmp_path, summary, [])

    text = (folder / "summary.json").read_text(encoding="utf-8")
    assert json.loads(text) == {**summary, "timezone": "UTC"}  # the zone index.html shows
    assert "Misérables" in text  # not \u00e9


def test_writing_again_replaces_the_files_and_leaves_no_temporary_file(tmp_path):
    write_archive(tmp_path, make_summary(title="First"), [make_answer(), make_answer()])
    folder = write_archive(tmp_path, make_summary(title="Second"), [make_answer()])

    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["title"] == "Second"
    assert len(read_csv_rows(folder)) == 2
    assert "Second" in read_page(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json"]


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
        "participant_name", "value", "answer_text", "answered_at", "ms_since_open", "participant_pseudonym",
    ]
    assert first == [
        "0", "act-0", "poll", "Quel livre lire ensuite ?", "9f3c",
        "Zoé", "1", "Les Misérables", "2026-11-23T19:01:12Z", "12034", "",
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
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8")) == {**summary, "timezone": "UTC"}
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
    future = {
        "id": "q1", "position": 1, "type": "rating", "prompt": "Qui a écrit Germinal ?",
        "n_answers": 1, "opened_at": None, "closed_at": None,
    }
    folder = write_archive(tmp_path, make_summary([future, make_poll(0)]), [])
    page = read_page(folder)

    assert "Qui a écrit Germinal ?" in page
    assert "Activity type: rating" in page
    assert re.search(r"\b1 answer\b(?!s)", page)
    assert page.count("<svg") == 1
    assert "No chart for this type of activity in the archive yet." in page
    # Activities are listed in position order, whatever order the summary gives.
    assert page.index("Quel livre lire ensuite ?") < page.index("Qui a écrit Germinal ?")
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json"]


def test_interface_text_is_extractable_by_babel():
    found = [
        message
        # The page's own templates, and each kind's partials (its section of the page).
        for template in sorted(Path(live.archive.__file__).parent.glob("*.html"))
        + sorted(Path(live.activities.__file__).parent.glob("*/templates/*.html"))
        for message in extract_from_file("jinja2.ext:babel_extract", template)
    ]
    # Each message is a string, or a (singular, plural) tuple for ngettext.
    messages = {text if isinstance(text, str) else text[0] for _line, text, _comments, _context in found}

    assert {"Session summary", "Single choice", "Multiple choice", "Not opened", "%(num)d answer"} <= messages
    assert {"Word cloud", "Words in the cloud", "Other spellings", "No words to show.", "%(num)d word was hidden by the facilitator."} <= messages
    assert {"Final leaderboard", "1st", "2nd", "3rd", "Participant %(num)d", "correct", "Quiz"} <= messages


def test_page_uses_the_locale_catalogue_when_there_is_one(tmp_path):
    # The shipped French catalogue, compiled by scripts/i18n: its own Plural-Forms
    # header decides "réponse"/"réponses", whatever Babel's version thinks of French.
    page = read_page(write_archive(tmp_path / "out", make_summary([make_poll(multiple=True)]), [], locale="fr"))

    assert "Bilan de la session" in page
    assert "30 réponses" in page
    assert "dépasser 100 %." in page


# Word clouds


def test_a_word_cloud_is_an_accessible_svg_that_parses_as_xml_one_text_per_word(tmp_path):
    summary = make_summary([make_poll(0), make_wordcloud(1, table=many_groups(30))])
    page = read_page(write_archive(tmp_path, summary, []))

    (svg,) = cloud_svgs(page)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img"
    assert root.get("aria-label") == (
        "Word cloud of the answers to question 2; the table below gives every word."
    )
    assert root.get("viewBox") == f"0 0 {cloud.WIDTH} {cloud.HEIGHT}"
    words = placed_words(svg)
    assert len(words) == 30 == len(root.findall(".//text"))
    assert {text for text, *_ in words} == set(FRENCH_WORDS)
    assert "Word cloud" in page and "did not fit" not in page
    assert page.count("<svg") == 2  # the poll keeps its bar chart


def test_the_cloud_is_deterministic_byte_for_byte(tmp_path):
    table = many_groups(30)
    first = cloud_svgs(read_page(write_archive(tmp_path / "a", make_summary([make_wordcloud(table=table)]), [])))
    again = cloud_svgs(read_page(write_archive(tmp_path / "b", make_summary([make_wordcloud(table=table)]), [])))
    shuffled = make_wordcloud(table=table[::-1], words=[[g["display"], g["count"]] for g in table[::-1]])
    other_order = cloud_svgs(read_page(write_archive(tmp_path / "c", make_summary([shuffled]), [])))

    assert first == again == other_order
    assert cloud.layout([(g["display"], g["count"]) for g in table]) == cloud.layout(
        [[g["display"], g["count"]] for g in reversed(table)]
    )


@pytest.mark.parametrize("n_words", [1, 2, 30, 100])
def test_no_two_words_overlap_and_every_word_stays_in_the_picture(tmp_path, n_words):
    page = read_page(write_archive(tmp_path, make_summary([make_wordcloud(table=many_groups(n_words))]), []))

    words = placed_words(cloud_svgs(page)[0])
    assert len(words) == n_words
    boxes = [cloud.word_box(text, x, y, size) for text, x, y, size in words]
    for left, top, right, bottom in boxes:
        assert 0 <= left and right <= cloud.WIDTH and 0 <= top and bottom <= cloud.HEIGHT
    for a, b in itertools.combinations(boxes, 2):
        overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        assert not overlap, (a, b)
    sizes = [size for _text, _x, _y, size in words]
    assert all(cloud.MIN_SIZE <= size <= cloud.MAX_SIZE for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # counts decrease, so do sizes


def test_the_biggest_word_is_big_and_centred():
    picture = cloud.layout([(g["display"], g["count"]) for g in many_groups(30)])

    top = picture.words[0]
    assert top.text == "Lecture" and top.size >= 40
    assert abs(top.x - cloud.WIDTH / 2) < cloud.WIDTH / 4
    assert abs(top.y - cloud.HEIGHT / 2) < cloud.HEIGHT / 4


def test_words_that_do_not_fit_are_left_out_of_the_picture_but_stay_in_the_table(tmp_path):
    table = many_groups(150) + [make_group("x" * 100, 1, key="long")]
    page = read_page(write_archive(tmp_path, make_summary([make_wordcloud(table=table)]), []))

    words = placed_words(cloud_svgs(page)[0])
    assert len(words) == cloud.MAX_WORDS
    assert "x" * 100 not in {text for text, *_ in words}
    assert "51 words did not fit in the picture; the table lists them." in page
    assert f"<tr><td>{'x' * 100}</td>" in page
    assert page.count("<tr><td>") == 151


def test_text_width_is_never_below_the_width_measured_in_a_wide_bold_font():
    # Advance widths in ems measured in Chromium: DejaVu Sans Bold, Noto Color Emoji.
    measured = {
        "i": 0.343, "r": 0.493, "a": 0.675, "n": 0.712, "0": 0.696, "m": 1.042, "w": 0.924,
        "H": 0.837, "O": 0.850, "M": 0.995, "W": 1.103, "É": 0.683, "œ": 1.094, "Œ": 1.167,
        "Ж": 1.224, "Щ": 1.326, "&": 0.872, "@": 1.000, "%": 1.002, "…": 1.000, "🎉": 1.248,
        "👍🏽": 1.248, "❤️": 1.248,
    }  # fmt: skip
    for text, ems in measured.items():
        assert cloud.text_width(text, 100) >= ems * 100, text
    assert cloud.text_width("Lecture", 64) >= 64 * sum(measured.get(c, 0.72) for c in "Lecture")


def test_the_palette_is_readable_on_white_and_in_print():
    assert len(cloud.PALETTE) >= 4
    for colour in cloud.PALETTE:
        assert cloud.contrast_on_white(colour) >= 4.5, colour


def test_the_table_under_the_cloud_gives_shown_words_counts_and_other_spellings(tmp_path):
    page = read_page(write_archive(tmp_path, make_summary([make_wordcloud()]), []))

    assert "<tr><td>Lecture</td><td class=\"n\">12</td><td>lectures (5)</td></tr>" in page
    assert "<tr><td>café</td><td class=\"n\">7</td><td></td></tr>" in page
    assert "<tr><td>🎉</td><td class=\"n\">3</td><td></td></tr>" in page
    assert "25 answers" in page  # n_answers: every entry, hidden and held ones too
    assert "1 word was hidden by the facilitator." in page
    assert "1 word was held back by the profanity filter." in page


def test_hidden_and_held_words_stay_out_of_the_page_and_are_marked_in_the_csv(tmp_path):
    table = [
        make_group("livre", 5, key="livre", spellings=[("livre", 3), ("Livres", 1), ("bouquinasse", 1)],
                   merged=["bouquinasse"]),
        make_group("Ennuyeux", 2, status="hidden", key="ennuyeux"),
        make_group("Nul", 2, status="hidden", key="nul", spellings=[("Nul", 1), ("nuls", 1)]),
        make_group("Saperlipopette", 1, status="held", key="saperlipopette"),
    ]
    folder = write_archive(tmp_path, make_summary([make_wordcloud(table=table)]), [])
    page = read_page(folder)

    for word in ("Ennuyeux", "Nul", "nuls", "Saperlipopette"):
        assert word.casefold() not in page.casefold()
    assert "bouquinasse" not in page  # merged in from another word: maybe one that was held
    assert "Livres (1)" in page
    assert "2 words were hidden by the facilitator." in page
    assert "1 word was held back by the profanity filter." in page

    header, *rows = read_csv_rows(folder, "wordcloud-1.csv")
    assert header == ["word", "count", "status", "spellings"]
    assert rows == [
        ["livre", "5", "shown", "livre (3); Livres (1); bouquinasse (1)"],
        ["Ennuyeux", "2", "hidden", "Ennuyeux (2)"],
        ["Nul", "2", "hidden", "Nul (1); nuls (1)"],
        ["Saperlipopette", "1", "held", "Saperlipopette (1)"],
    ]


def test_each_word_cloud_has_its_csv_named_after_its_number_and_the_footer_names_them(tmp_path):
    summary = make_summary([make_poll(0), make_wordcloud(1), make_poll(2), make_wordcloud(3)])
    folder = write_archive(tmp_path, summary, [])

    assert sorted(p.name for p in folder.iterdir()) == [
        "answers.csv", "index.html", "poll-1.csv", "poll-3.csv", "summary.json", "wordcloud-2.csv", "wordcloud-4.csv",
    ]
    assert (folder / "wordcloud-2.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv_rows(folder, "wordcloud-4.csv")[1] == ["Lecture", "12", "shown", "Lecture (7); lectures (5)"]
    page = read_page(folder)
    assert "wordcloud-2.csv and wordcloud-4.csv" in page
    assert page.index("wordcloud-2.csv") > page.index("<footer>")


def test_writing_again_removes_the_csv_of_a_word_cloud_that_is_gone(tmp_path):
    write_archive(tmp_path, make_summary([make_poll(0), make_wordcloud(1)]), [])
    folder = write_archive(tmp_path, make_summary([make_poll(0)]), [])

    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json"]


def test_a_word_cloud_summary_round_trips_through_summary_json(tmp_path):
    summary = make_summary([make_poll(0), make_wordcloud(1)])
    folder = write_archive(tmp_path, summary, [])

    text = (folder / "summary.json").read_text(encoding="utf-8")
    assert json.loads(text) == {**summary, "timezone": "UTC"}
    document = json.loads(text)["activities"][1]
    assert document["moderation"] == [{"action": "hide", "key": "nul"}]  # the archive records the moderation
    assert {row["status"] for row in document["table"]} == {"shown", "hidden", "held"}
    assert "café" in text and "🎉" in text  # not \u escapes


def test_hostile_words_are_escaped_in_the_page_and_intact_in_the_json_and_csv(tmp_path):
    table = [
        make_group(HOSTILE_SCRIPT, 5, key="script"),
        make_group(HOSTILE_IMG, 4, key="img", spellings=[(HOSTILE_IMG, 3), ("=1+1", 1)]),
        make_group("=HYPERLINK(\"http://x\")", 3, key="hyperlink"),
        make_group("-2+3", 2, key="-2+3"),
        make_group("@SUM(A1)", 1, key="@sum(a1)", status="hidden"),
    ]
    summary = make_summary([make_wordcloud(table=table, prompt=HOSTILE_SCRIPT)])
    folder = write_archive(tmp_path, summary, [])
    page = read_page(folder)

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    (svg,) = cloud_svgs(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in svg
    assert {text for text, *_ in placed_words(svg)} == {HOSTILE_SCRIPT, HOSTILE_IMG, "=HYPERLINK(\"http://x\")", "-2+3"}
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8")) == {**summary, "timezone": "UTC"}
    rows = read_csv_rows(folder, "wordcloud-1.csv")[1:]
    assert rows == [
        [HOSTILE_SCRIPT, "5", "shown", f"{HOSTILE_SCRIPT} (5)"],
        [HOSTILE_IMG, "4", "shown", f"{HOSTILE_IMG} (3); =1+1 (1)"],
        ["'=HYPERLINK(\"http://x\")", "3", "shown", "'=HYPERLINK(\"http://x\") (3)"],
        ["'-2+3", "2", "shown", "'-2+3 (2)"],
        ["'@SUM(A1)", "1", "hidden", "'@SUM(A1) (1)"],
    ]


def test_an_empty_word_cloud_says_so(tmp_path):
    empty = make_wordcloud(table=[], n_answers=0, opened_at=None, closed_at=None)
    folder = write_archive(tmp_path, make_summary([empty]), [])
    page = read_page(folder)

    assert "No words to show." in page
    assert "<svg" not in page
    assert "0 answers" in page and "Not opened" in page
    assert read_csv_rows(folder, "wordcloud-1.csv") == [["word", "count", "status", "spellings"]]


def test_a_cloud_whose_words_are_all_hidden_shows_none_of_them(tmp_path):
    table = [make_group("nul", 3, status="hidden"), make_group("xxx", 1, status="held")]
    page = read_page(write_archive(tmp_path, make_summary([make_wordcloud(table=table)]), []))

    assert "No words to show." in page
    assert "nul" not in page and "xxx" not in page
    assert "1 word was hidden by the facilitator." in page


def test_a_word_cloud_without_a_table_draws_its_words(tmp_path):
    # A summary with "words" only: everything in it was shown, nothing says what was hidden.
    older = make_wordcloud(words=[["lecture", 12], ["café", 3]])
    del older["table"], older["moderation"]
    page = read_page(write_archive(tmp_path, make_summary([older]), []))

    assert [text for text, *_ in placed_words(cloud_svgs(page)[0])] == ["lecture", "café"]
    assert "<tr><td>lecture</td><td class=\"n\">12</td><td></td></tr>" in page
    assert "hidden by the facilitator" not in page


def test_a_word_cloud_renders_in_french(tmp_path):
    folder = write_archive(tmp_path, make_summary([make_poll(0), make_wordcloud(1)]), [], locale="fr")
    page = read_page(folder)

    assert 'lang="fr"' in page
    assert "Nuage de mots" in page
    assert "Nuage de mots des réponses à la question 2" in page
    assert "1 mot masqué par la personne qui anime." in page
    assert "Mots du nuage" in page and "Autres graphies" in page
    assert "wordcloud-2.csv" in page
    ET.fromstring(cloud_svgs(page)[0])


# Quizzes


def make_quiz(position=0, **overrides):
    """One quiz question as it appears in a schema-1 summary."""
    activity = {
        "id": f"quiz-{position}",
        "position": position,
        "type": "quiz",
        "prompt": "Qui a écrit Germinal ?",
        "options": ["Hugo", "Zola", "Balzac"],
        "correct": [1],
        "seconds": 20,
        "points": 1000,
        "n_answers": 4,
        "counts": [1, 3, 0],
        "n_correct": 3,
        "n_late": 0,
        "correct_rate": 0.75,
        "average_ms": 1534,
        "opened_at": "2026-11-23T19:10:00Z",
        "closed_at": "2026-11-23T19:10:21Z",
    }
    activity.update(overrides)
    return activity


def make_player(rank, name, score, time_ms=0, participant_id=None):
    """One row of the summary's final ``leaderboard``."""
    return {
        "participant_id": participant_id or f"p{rank}",
        "name": name,
        "score": score,
        "rank": rank,
        "time_ms": time_ms,
    }


PLAYERS = [
    ("Zoé", 2650, 7400), ("Marc", 2310, 9100), (None, 1875, 6200), ("Inès", 1620, 12800),
    ("Léo", 950, 3100), (None, 780, 5400), ("Camille", 0, 0), ("", 0, 0),
]  # fmt: skip


def make_quiz_summary(activities=None, players=PLAYERS, **overrides):
    """A summary with quiz questions and the final leaderboard of ``players``
    (``(name, score, time_ms)``, best first)."""
    board = [make_player(rank, name, score, time_ms) for rank, (name, score, time_ms) in enumerate(players, start=1)]
    if activities is None:
        activities = [make_poll(0), make_quiz(1), make_quiz(2, prompt="Et Bel-Ami ?", options=["Maupassant", "Zola"],
                                                             correct=[0], counts=[2, 1], n_answers=3, n_correct=2,
                                                             correct_rate=0.6667, average_ms=12000)]
    return make_summary(activities, leaderboard=board, **overrides)


def quiz_sections(page):
    """The HTML of each quiz question's section."""
    return [s for s in re.findall(r'<section class="activity".*?</section>', page, re.S) if "Quiz" in s]


def leaderboard_section(page):
    match = re.search(r'<section class="leaderboard".*?</section>', page, re.S)
    return match.group(0) if match else None


def table_rows(html):
    """Each ``<tr>`` of ``html`` as the list of its cells' text (tags dropped)."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def test_a_quiz_session_has_both_quiz_csvs_named_in_the_footer(tmp_path):
    folder = write_archive(tmp_path, make_quiz_summary(), [])

    assert sorted(p.name for p in folder.iterdir()) == [
        "answers.csv", "index.html", "poll-1.csv", "quiz-2.csv", "quiz-3.csv", "quiz-leaderboard.csv",
        "quiz-questions.csv", "summary.json",
    ]
    for name in ("quiz-leaderboard.csv", "quiz-questions.csv"):
        assert (folder / name).read_bytes().startswith(b"\xef\xbb\xbf")
    page = read_page(folder)
    footer = page[page.index("<footer>") :]
    assert "quiz-leaderboard.csv" in footer and "quiz-questions.csv" in footer


def test_the_leaderboard_csv_has_every_player_best_first(tmp_path):
    folder = write_archive(tmp_path, make_quiz_summary(), [])

    header, *rows = read_csv_rows(folder, "quiz-leaderboard.csv")
    assert header == ["rank", "name", "score", "time_ms", "participant_id"]
    assert rows == [
        ["1", "Zoé", "2650", "7400", "p1"],
        ["2", "Marc", "2310", "9100", "p2"],
        ["3", "", "1875", "6200", "p3"],  # no name: the CSV keeps it empty, the id tells players apart
        ["4", "Inès", "1620", "12800", "p4"],
        ["5", "Léo", "950", "3100", "p5"],
        ["6", "", "780", "5400", "p6"],
        ["7", "Camille", "0", "0", "p7"],
        ["8", "", "0", "0", "p8"],
    ]


def test_the_questions_csv_has_one_row_per_quiz_question_numbered_as_on_the_page(tmp_path):
    several = make_quiz(3, prompt="Romans de Maupassant ?", options=["Bel-Ami", "Nana", "Une vie"], correct=[2, 0],
                        n_answers=0, counts=[0, 0, 0], n_correct=0, correct_rate=0.0, average_ms=None)
    summary = make_quiz_summary([make_poll(0), make_quiz(1), make_wordcloud(2), several])
    folder = write_archive(tmp_path, summary, [])

    header, *rows = read_csv_rows(folder, "quiz-questions.csv")
    assert header == ["number", "prompt", "correct_options", "n_answers", "n_correct", "correct_rate", "average_ms"]
    assert rows == [
        ["2", "Qui a écrit Germinal ?", "Zola", "4", "3", "0.75", "1534"],
        ["4", "Romans de Maupassant ?", "Bel-Ami | Une vie", "0", "0", "0.0", ""],
    ]


def test_the_final_leaderboard_comes_before_the_questions_with_a_podium_in_words(tmp_path):
    page = read_page(write_archive(tmp_path, make_quiz_summary(), []))

    section = leaderboard_section(page)
    assert section is not None
    assert page.index("Final leaderboard") < page.index('<section class="activity"')
    assert "8 players" in section
    podium = re.search(r'<ol class="podium">.*?</ol>', section, re.S).group(0)
    assert [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip() for li in re.findall(r"<li.*?</li>", podium, re.S)] == [
        "1st Zoé 2,650 points", "2nd Marc 2,310 points", "3rd Participant 1 1,875 points",
    ]
    header, *rows = table_rows(section)
    assert header == ["Rank", "Name", "Score"]
    assert rows == [
        ["1st", "Zoé", "2,650"], ["2nd", "Marc", "2,310"], ["3rd", "Participant 1", "1,875"],
        ["4", "Inès", "1,620"], ["5", "Léo", "950"], ["6", "Participant 2", "780"],
        ["7", "Camille", "0"], ["8", "Participant 3", "0"],  # a blank name is no name
    ]
    assert section.count('<tr class="top">') == 3  # the podium rows stand out, in words too
    assert "more in quiz-leaderboard.csv" not in section


def test_the_leaderboard_table_stops_at_50_rows_and_says_where_the_others_are(tmp_path):
    players = [(f"Joueur {i}", 10_000 - i, i) for i in range(1, 121)]
    folder = write_archive(tmp_path, make_quiz_summary(players=players), [])
    section = leaderboard_section(read_page(folder))

    rows = table_rows(section)[1:]
    assert len(rows) == 50
    assert rows[-1] == ["50", "Joueur 50", "9,950"]
    assert "Joueur 51" not in section
    assert "and 70 more in quiz-leaderboard.csv" in section
    assert len(read_csv_rows(folder, "quiz-leaderboard.csv")) == 121


def test_correct_options_are_marked_in_words_in_the_chart_and_the_table(tmp_path):
    several = make_quiz(2, prompt="Romans de Maupassant ?", options=["Bel-Ami", "Nana", "Une vie"], correct=[0, 2],
                        n_answers=5, counts=[4, 1, 3], n_correct=2, correct_rate=0.4, average_ms=9876)
    page = read_page(write_archive(tmp_path, make_quiz_summary([make_quiz(1), several]), []))
    single, multiple = quiz_sections(page)

    chart = ET.fromstring(re.search(r'<svg class="chart".*?</svg>', single, re.S).group(0))
    labels = ["".join(text.itertext()) for text in chart.iter("text") if text.get("class") != "value"]
    assert labels == ["Hugo", "Zola ✓ correct", "Balzac"]
    assert [rect.get("class") for rect in chart.iter("rect") if rect.get("class") != "track"] == [
        "bar", "bar correct", "bar",
    ]
    assert table_rows(single)[1:] == [["Hugo", "1", "25%"], ["Zola✓ correct", "3", "75%"], ["Balzac", "0", "0%"]]
    assert "Quiz · 20 s to answer · up to 1,000 points · 4 answers" in re.sub(r"\s+", " ", single)
    assert "Correct answers: 75% · average time 1.5 s" in single

    assert multiple.count("✓ correct") == 4  # two options, each in the chart and in the table
    assert "Correct answers: 40% · average time 9.9 s" in multiple
    assert "Several options were correct" in multiple


def test_hostile_names_are_escaped_in_the_page_intact_in_the_json_and_defused_in_the_csv(tmp_path):
    players = [(HOSTILE_SCRIPT, 900, 1), (HOSTILE_IMG, 800, 2), ('=HYPERLINK("http://x")', 700, 3), ("-2+3", 600, 4)]
    quiz = make_quiz(0, prompt="=1+1" + HOSTILE_SCRIPT, options=[HOSTILE_IMG, "B"], correct=[0], counts=[3, 1])
    summary = make_quiz_summary([quiz], players=players)
    folder = write_archive(tmp_path, summary, [])
    page = read_page(folder)

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    section = leaderboard_section(page)
    assert section.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # podium and table
    assert section.count("&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") == 2
    ET.fromstring(re.search(r'<svg class="chart".*?</svg>', page, re.S).group(0))  # still well-formed
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8")) == {**summary, "timezone": "UTC"}
    names = [row[1] for row in read_csv_rows(folder, "quiz-leaderboard.csv")[1:]]
    assert names == [HOSTILE_SCRIPT, HOSTILE_IMG, "'=HYPERLINK(\"http://x\")", "'-2+3"]
    (question,) = read_csv_rows(folder, "quiz-questions.csv")[1:]
    assert question[1] == "'=1+1" + HOSTILE_SCRIPT
    assert question[2] == HOSTILE_IMG


def test_a_question_nobody_answered_in_time_has_no_average(tmp_path):
    late = make_quiz(0, n_answers=2, counts=[0, 2, 0], n_correct=0, n_late=2, correct_rate=0.0, average_ms=None)
    unanswered = make_quiz(1, n_answers=0, counts=[0, 0, 0], n_correct=0, correct_rate=0.0, average_ms=None)
    folder = write_archive(tmp_path, make_quiz_summary([late, unanswered]), [])
    first, second = quiz_sections(read_page(folder))

    assert "Correct answers: 0% · nobody answered in time" in first
    assert "2 answers came after the time was up and scored nothing." in first
    assert "average time" not in first
    assert "Nobody answered this question." in second
    assert "Correct answers" not in second and "after the time was up" not in second
    assert [row[-1] for row in read_csv_rows(folder, "quiz-questions.csv")[1:]] == ["", ""]


def test_a_quiz_nobody_played_says_so(tmp_path):
    folder = write_archive(tmp_path, make_quiz_summary([make_quiz(0)], players=[]), [])
    section = leaderboard_section(read_page(folder))

    assert "Nobody played the quiz." in section
    assert "<table" not in section
    assert read_csv_rows(folder, "quiz-leaderboard.csv") == [["rank", "name", "score", "time_ms", "participant_id"]]


def test_a_session_without_quiz_questions_has_no_leaderboard_and_no_quiz_csv(tmp_path):
    folder = write_archive(tmp_path, make_summary([make_poll(0), make_wordcloud(1)]), [])
    page = read_page(folder)

    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json", "wordcloud-2.csv"]
    assert leaderboard_section(page) is None
    assert "Final leaderboard" not in page and "quiz-" not in page


def test_writing_again_without_quiz_questions_removes_the_quiz_csvs(tmp_path):
    write_archive(tmp_path, make_quiz_summary(), [])
    folder = write_archive(tmp_path, make_summary([make_poll(0)]), [])

    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "index.html", "poll-1.csv", "summary.json"]


def test_a_quiz_renders_in_french(tmp_path):
    page = read_page(write_archive(tmp_path, make_quiz_summary(), [], locale="fr"))
    flat = re.sub(r"[ \t\r\n]+", " ", page)  # keeps the no-break spaces
    section = leaderboard_section(page)

    assert 'lang="fr"' in page
    assert "Classement final" in section and "8 joueurs" in section
    assert "1er" in section and "2e" in section and "3e" in section
    assert "Participant 1" in section
    assert "2\u202f650 points" in section  # Babel's French grouping: a narrow no-break space
    assert "Bonnes réponses\xa0: 75\xa0% · temps moyen 1,5\xa0s" in flat
    assert "Zola<span class=\"correct-mark\">✓ bonne réponse</span>" in page
    assert "jusqu’à 1\u202f000 points" in flat
    assert "quiz-leaderboard.csv" in page[page.index("<footer>") :]
    for svg in re.findall(r'<svg class="chart".*?</svg>', page, re.S):
        ET.fromstring(svg)
