"""Importing quiz questions from a spreadsheet laid out like Kahoot!'s template.

Every file is built here, as a facilitator's spreadsheet program would write it:
an XLSX with the template's title rows above the header, CSV files from Excel in
English (``,``) and in French (``;``, cp1252), with and without a BOM.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from live.activities.quiz import rules as quiz
from live.activities.quiz.spreadsheet import MAX_BYTES, read_quiz_file

HEADER = [
    "",
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
]
FRENCH_HEADER = ["", "Question - 120 caractères max", "Réponse 1 - 75 caractères max", "Réponse 2", "Réponse 3",
                 "Réponse 4", "Temps limite (sec)", "Bonne(s) réponse(s) - au moins une"]  # fmt: skip
TITLE_ROWS = [
    [],
    ["", "Quiz template"],
    ["", "Add questions, at least two answer alternatives, time limit and choose correct answers (at least one). "
         "Have fun creating your awesome quiz!"],
    ["", "Remember: questions have a limit of 120 characters and answers can have 75 characters max. Text will turn "
         "red in Excel or Google Docs if you exceed this limit. If several answers are correct, separate them with "
         "a comma."],
    ["", "See an example question below (don't forget to overwrite this with your first question!)"],
    ["", "And remember, if you're not using Excel you need to export to .xlsx format before you upload to Kahoot!"],
    [],
]  # fmt: skip
HEADER_ROW = len(TITLE_ROWS) + 1  # row 8, as in the template: questions start on row 9

GERMINAL = ["Qui a écrit Germinal ?", "Hugo", "Zola", "Sand", "Balzac"]
ZOLA = ["Lesquels sont des romans de Zola ?", "Nana", "Les Misérables", "L'Assommoir", ""]


def xlsx(rows: list[list], title_rows: list[list] = TITLE_ROWS, header: list | None = HEADER) -> bytes:
    """A workbook like Kahoot!'s template: title rows, header, numbered questions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    for row in title_rows:
        sheet.append(row)
    if header is not None:
        sheet.append(header)
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    workbook.create_sheet("Notes").append(["Question", "Answer 1", "not read: only the first sheet is"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_file(rows: list[list], delimiter: str = ",", encoding: str = "utf-8", header: list | None = HEADER,
             title_rows: list[list] = (), numbered: bool = True) -> bytes:  # fmt: skip
    """A CSV as a spreadsheet writes it (quoting only what needs it, CRLF line ends)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in title_rows:
        writer.writerow(row)
    if header is not None:
        writer.writerow(header if numbered else header[1:])
    for number, row in enumerate(rows, start=1):
        writer.writerow([number, *row] if numbered else row)
    return buffer.getvalue().encode(encoding)


def spec(prompt, options, correct, seconds=20) -> dict:
    return {"type": "quiz", "prompt": prompt, "options": options, "correct": correct, "seconds": seconds,
            "points": 1000}  # fmt: skip


def imported(filename: str, data: bytes, **kwargs) -> list[dict]:
    result = read_quiz_file(filename, data, **kwargs)
    assert result.problems == [], [p.message for p in result.problems]
    assert result.ok
    return result.activities


def refused(filename: str, data: bytes, **kwargs) -> list:
    result = read_quiz_file(filename, data, **kwargs)
    assert result.activities == [], "nothing may be half-imported"
    assert not result.ok
    assert result.problems
    for problem in result.problems:
        assert problem.template % problem.params == problem.message  # what the web layer translates
    return result.problems


EXPECTED = [
    spec("Qui a écrit Germinal ?", ["Hugo", "Zola", "Sand", "Balzac"], [1]),
    spec("Lesquels sont des romans de Zola ?", ["Nana", "Les Misérables", "L'Assommoir"], [0, 2], seconds=30),
]


# ------------------------------------------------------------------------- xlsx


def test_xlsx_laid_out_like_kahoots_template():
    data = xlsx([
        [*GERMINAL, 20.0, 2],
        [*ZOLA, 30, "1,3"],
        ["En quelle année la Bastille a-t-elle été prise ?", 1789, 1792, None, None, None, 1.0],
        ["Combien font 7 × 6 ?", "42", "48", "", "", 5.0, 1.0],
        ["Vrai ou faux : le Rhône se jette dans la Méditerranée.", "Vrai", "Faux", None, None, 120, "1"],
    ])
    assert imported("KahootQuizTemplate.xlsx", data) == [
        *EXPECTED,
        spec("En quelle année la Bastille a-t-elle été prise ?", ["1789", "1792"], [0]),
        spec("Combien font 7 × 6 ?", ["42", "48"], [0], seconds=5),
        spec("Vrai ou faux : le Rhône se jette dans la Méditerranée.", ["Vrai", "Faux"], [0], seconds=120),
    ]


def test_every_imported_spec_is_valid_for_the_domain():
    for activity in imported("quiz.xlsx", xlsx([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]])):
        assert quiz.parse_spec(activity).as_dict() == activity


def test_the_templates_unused_numbered_rows_and_blank_rows_are_skipped():
    rows = [[*GERMINAL, 20, 2], [], [*ZOLA, 30, "1,3"], *([[]] * 20)]
    assert imported("quiz.xlsx", xlsx(rows)) == EXPECTED  # rows hold only their number


def test_a_row_holding_only_a_time_limit_is_not_a_question():
    assert imported("quiz.xlsx", xlsx([[*GERMINAL, 20, 2], ["", "", "", "", "", 20, None]])) == EXPECTED[:1]


def test_french_excel_turns_1_comma_3_into_the_number_1_point_3():
    assert imported("quiz.xlsx", xlsx([[*ZOLA, 30, 1.3]])) == EXPECTED[1:]


def test_a_time_limit_written_as_a_duration_or_with_its_unit():
    rows = [[*GERMINAL, datetime.time(0, 0, 30), 2], [*GERMINAL, "60 s", 2], [*GERMINAL, "10 sec", 2]]
    assert [a["seconds"] for a in imported("quiz.xlsx", xlsx(rows))] == [30, 60, 10]


def test_an_empty_answer_3_leaves_a_gap_that_the_correct_numbers_follow():
    activities = imported("quiz.xlsx", xlsx([["Capitale de l'Italie ?", "Milan", "Rome", "", "Turin", 20, "2,4"]]))
    assert activities == [spec("Capitale de l'Italie ?", ["Milan", "Rome", "Turin"], [1, 2])]


def test_a_question_number_header_is_not_the_question_column():
    header = ["Question #", "Question Text", "Answer 1", "Answer 2", "Answer 3\n(Optional)", "Answer 4\n(Optional)",
              "Time Limit (sec)\n(Max: 300 seconds)", "Correct Answer(s)\n(Only include Answer #)"]  # fmt: skip
    data = csv_file([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], header=header, title_rows=[["Blooket\nImport Template"]])
    assert imported("blooket.csv", data) == EXPECTED


def test_french_headers_are_recognised():
    assert imported("quiz.xlsx", xlsx([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], header=FRENCH_HEADER)) == EXPECTED


def test_only_the_first_sheet_is_read_even_when_another_is_active():
    data = xlsx([[*GERMINAL, 20, 2]])
    workbook = load_workbook(io.BytesIO(data))
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert imported("quiz.xlsx", buffer.getvalue()) == EXPECTED[:1]


def test_control_characters_are_removed_and_spaces_collapsed():
    expected = [spec("Qui a écrit Germinal ?", ["Hugo", "Zola"], [1])]
    rows = [["  Qui a écrit\u202e   Germinal ?\n", " Hugo ", "Zola\t", "", "", 20, " 2 "]]
    assert imported("quiz.xlsx", xlsx(rows)) == expected  # openpyxl refuses to write other controls
    rows = [["Qui a\u0007 écrit\u202e Germinal ?\x1b", "Hugo\x0b", "Zola", "", "", 20, 2]]  # a NUL would mark the file binary
    assert imported("quiz.csv", csv_file(rows, delimiter=";")) == expected


def test_a_workbook_named_csv_is_read_as_a_workbook():
    assert imported("export.csv", xlsx([[*GERMINAL, 20, 2]])) == EXPECTED[:1]


# -------------------------------------------------------------------------- csv


def test_csv_with_commas_from_excel_in_english():
    data = csv_file([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], title_rows=[["Quiz template"], []])
    assert b'"1,3"' in data
    assert imported("quiz.csv", data) == EXPECTED


def test_csv_with_semicolons_in_cp1252_from_excel_in_french():
    data = csv_file([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], delimiter=";", encoding="cp1252",
                    header=FRENCH_HEADER)  # fmt: skip
    assert b";1,3\r\n" in data and "é".encode("cp1252") in data
    assert imported("QUIZ.CSV", data) == EXPECTED


def test_csv_in_utf8_with_a_bom():
    data = b"\xef\xbb\xbf" + csv_file([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], delimiter=";")
    assert imported("quiz.csv", data) == EXPECTED


def test_csv_in_utf16_as_excel_saves_unicode_text():
    data = csv_file([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], delimiter="\t", encoding="utf-16")
    assert imported("quiz.csv", data) == EXPECTED


def test_csv_with_commas_in_the_questions_and_semicolons_between_cells():
    rows = [["Paris, Lyon, Marseille : laquelle est la plus grande ?", "Paris", "Lyon", "Marseille", "", 20, 1]]
    assert imported("quiz.csv", csv_file(rows, delimiter=";"))[0]["prompt"].startswith("Paris, Lyon, Marseille")


def test_an_unquoted_1_comma_3_in_a_comma_separated_file_keeps_both_numbers():
    data = csv_file([GERMINAL], header=None, numbered=False)  # no time, no correct yet
    data = data.rstrip(b"\r\n") + b",30,1,3\r\n"
    assert imported("quiz.csv", data) == [spec("Qui a écrit Germinal ?", ["Hugo", "Zola", "Sand", "Balzac"],
                                               [0, 2], seconds=30)]  # fmt: skip


def test_kahoots_time_header_copied_unquoted_into_a_comma_separated_file():
    header = ",".join(HEADER)  # "Time limit (sec) – 5, 10, 20, ..." spills over 8 cells
    rows = "1,Qui a écrit Germinal ?,Hugo,Zola,Sand,Balzac,20,2\n2,Lesquels sont des romans de Zola ?,Nana,"
    rows += "Les Misérables,L'Assommoir,,30,1,3\n"  # and "1,3" unquoted too
    assert imported("quiz.csv", f"{header}\n{rows}".encode()) == EXPECTED


@pytest.mark.parametrize("numbered", [True, False])
def test_csv_without_a_header_is_read_in_kahoots_order(numbered):
    data = csv_file([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]], delimiter=";", header=None, numbered=numbered)
    assert imported("quiz.csv", data) == EXPECTED


# ------------------------------------------------------------------ bad rows

LONG_ANSWER = "x" * (quiz.MAX_OPTION + 1)
BAD_ROWS = [
    # (row, code, column, message)
    (["", "Hugo", "Zola", "", "", 20, 2], "missing_question", "B", "Row 10: the question is empty."),
    (["Qui ?", "Zola", "", "", "", 20, 1], "too_few_answers", "C", "Row 10: a question needs at least 2 answers."),
    ([*GERMINAL, 240, 2], "bad_time", "G", "Row 10: a time limit of 240 seconds is too long, the longest is 120."),
    ([*GERMINAL, 3, 2], "bad_time", "G", "Row 10: a time limit of 3 seconds is too short, the shortest is 5."),
    ([*GERMINAL, "abc", 2], "bad_time", "G", 'Row 10: the time limit "abc" is not a whole number of seconds.'),
    ([*GERMINAL, 20.5, 2], "bad_time", "G", 'Row 10: the time limit "20.5" is not a whole number of seconds.'),
    ([*GERMINAL, 20, 5], "bad_correct", "H", "Row 10: there is no answer 5, answers are numbered 1 to 4."),
    ([*GERMINAL, 20, "Zola"], "bad_correct", "H", 'Row 10: the correct answer "Zola" is not an answer number (1 to 4).'),
    ([*GERMINAL, 20, ""], "bad_correct", "H", "Row 10: give the number of the correct answer (1 to 4)."),
    (["Qui ?", "Hugo", "Zola", "", "", 20, 3], "bad_correct", "H",
     "Row 10: the correct answer 3 points to an empty answer."),
    (["Qui ?", "Hugo", LONG_ANSWER, "", "", 20, 1], "too_long", "D",
     "Row 10: answer 2 has 121 characters, at most 120 are allowed."),
    (["Q" * 301, "Hugo", "Zola", "", "", 20, 1], "too_long", "B",
     "Row 10: the question has 301 characters, at most 300 are allowed."),
]  # fmt: skip


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
@pytest.mark.parametrize("bad, code, column, message", BAD_ROWS, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_ROWS)])
def test_a_bad_row_is_reported_on_its_row_and_nothing_is_imported(extension, bad, code, column, message):
    rows = [[*GERMINAL, 20, 2], bad, [*ZOLA, 30, "1,3"]]  # rows 9, 10, 11 of the sheet
    data = xlsx(rows) if extension == "xlsx" else csv_file(rows, delimiter=";", title_rows=TITLE_ROWS)
    problems = refused(f"quiz.{extension}", data)
    assert [(p.row, p.column, p.code, p.message) for p in problems] == [(10, column, code, message)]
    assert problems[0].params["row"] == 10


def test_every_problem_of_every_row_is_reported_in_order():
    rows = [["", "Hugo", "", "", "", 240, "abc"], [*GERMINAL, 20, 2], [], [*GERMINAL, "", 7]]
    problems = refused("quiz.xlsx", xlsx(rows))
    assert [(p.row, p.code) for p in problems] == [
        (9, "missing_question"), (9, "too_few_answers"), (9, "bad_time"), (9, "bad_correct"), (12, "bad_correct"),
    ]  # fmt: skip


def test_240_seconds_from_kahoot_is_refused_not_clamped():
    (problem,) = refused("quiz.xlsx", xlsx([[*GERMINAL, 240.0, "2"]]))
    assert problem.code == "bad_time" and problem.params["value"] == 240 and "120" in problem.message


def test_an_empty_time_limit_means_20_seconds():
    assert imported("quiz.xlsx", xlsx([[*GERMINAL, None, 2]]))[0]["seconds"] == quiz.DEFAULT_SECONDS


# ---------------------------------------------------------------- bad files


def only(problems) -> tuple:
    (problem,) = problems
    assert problem.row is None and problem.column is None
    return problem.code, problem.message


def test_random_bytes_named_xlsx():
    data = random.Random(1).randbytes(5000)
    assert only(refused("quiz.xlsx", data)) == ("bad_file", "This file is not a readable .xlsx workbook.")
    assert only(refused("quiz.xlsx", b"PK" + data))[0] == "bad_file"


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert only(refused("quiz.xlsx", buffer.getvalue()))[0] == "bad_file"


def test_a_damaged_workbook_never_raises():
    good = xlsx([[*GERMINAL, 20, 2], [*ZOLA, 30, "1,3"]])
    rng = random.Random(7)
    for _ in range(60):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        result = read_quiz_file("quiz.xlsx", bytes(damaged))
        assert result.ok or (result.problems and not result.activities)
    truncated = read_quiz_file("quiz.xlsx", good[: len(good) // 2])
    assert truncated.problems and not truncated.activities


def test_a_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (11 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_BYTES
    assert only(refused("quiz.xlsx", buffer.getvalue()))[0] == "too_large"


def test_an_old_xls_workbook_is_named():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert only(refused("quiz.xlsx", data)) == (
        "bad_file", "This is an old .xls workbook: save it as .xlsx or .csv and import it again.")  # fmt: skip


@pytest.mark.parametrize("name", ["quiz.xlsx", "quiz.csv"])
def test_an_empty_file(name):
    assert only(refused(name, b"")) == ("bad_file", "The file is empty.")
    assert only(refused(name, b" \r\n\r\n"))[0] in {"bad_file", "no_questions"}


@pytest.mark.parametrize("name", ["quiz.xlsx", "quiz.csv"])
def test_a_file_over_1_mb(name):
    assert only(refused(name, b"a;b;c\r\n" * (2 * 1024 * 1024 // 7))) == ("too_large", "The file is larger than 1 MB.")
    assert len(csv_file([[*GERMINAL, 20, 2]])) <= MAX_BYTES


@pytest.mark.parametrize("name", ["quiz.txt", "quiz.ods", "quiz.xls", "quiz", "", None])
def test_only_csv_and_xlsx_names_are_read(name):
    assert only(refused(name, csv_file([[*GERMINAL, 20, 2]]))) == ("bad_file", "Use a .csv or .xlsx file.")


def test_binary_data_named_csv():
    assert only(refused("quiz.csv", random.Random(2).randbytes(3000)))[0] == "bad_file"


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_a_file_with_only_the_header_has_no_questions(extension):
    data = xlsx([]) if extension == "xlsx" else csv_file([], title_rows=TITLE_ROWS)
    assert only(refused(f"quiz.{extension}", data)) == ("no_questions", "No question found in this file.")


def test_more_questions_than_a_session_holds():
    problems = refused("quiz.xlsx", xlsx([[*GERMINAL, 20, 2]] * 101))
    assert only(problems) == ("too_many", "The file holds 101 questions, but at most 100 can be added to this session.")
    assert len(imported("quiz.xlsx", xlsx([[*GERMINAL, 20, 2]] * 100))) == 100


def test_the_room_left_in_the_session_is_the_limit():
    data = xlsx([[*GERMINAL, 20, 2]] * 3)
    assert only(refused("quiz.xlsx", data, max_questions=2))[0] == "too_many"
    assert len(imported("quiz.xlsx", data, max_questions=3)) == 3


def test_more_than_200_question_rows():
    problems = refused("quiz.csv", csv_file([[*GERMINAL, 20, 2]] * 201))
    assert only(problems) == ("too_many", "The file holds more than 200 rows of questions.")


def test_problems_serialise_for_the_api():
    (problem,) = refused("quiz.xlsx", xlsx([[*GERMINAL, 240, 2]]))
    assert problem.as_dict() == {
        "row": 9, "column": "G", "code": "bad_time",
        "message": "Row 9: a time limit of 240 seconds is too long, the longest is 120.",
        "params": {"row": 9, "value": 240, "max": 120},
    }  # fmt: skip


def test_a_csv_field_too_large_for_the_csv_reader():
    data = csv_file([]) + b'1;"' + b"x" * 200_000 + b'";a;b\r\n'
    (problem,) = refused("quiz.csv", data)
    assert problem.code == "bad_file" and problem.message.startswith("The CSV file could not be read near row")
