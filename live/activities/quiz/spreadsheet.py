"""Quiz questions from a spreadsheet laid out like Kahoot!'s template (CSV or XLSX).

The layout
    A few title rows, then a header row (``Question - max 120 characters``,
    ``Answer 1 - max 75 characters`` ... ``Answer 4``, ``Time limit (sec)``,
    ``Correct answer(s) - choose at least one``; the first column is often a
    question number or empty), then one question per row. Headers are matched by
    their first words, in English, French and a few other languages Kahoot! is
    used in; a column whose header is not recognised is found by its place in
    Kahoot!'s order, counted from the question column. A file without a header
    row is read in Kahoot!'s order, after a leading number column when the first
    column holds only numbers or nothing.

The rows
    Answers 3 and 4 are optional; empty answers are left out, and the correct
    answer numbers (1 to 4, as the columns are numbered, ``2`` or ``1,3``) are
    turned into indices of the answers kept. An empty time limit means 20
    seconds; a limit outside 5 to 120 seconds (Kahoot!'s 240) is refused, never
    clamped. A row with no question, no answer and no correct answer is skipped,
    even when it holds a number or a time limit, as the template's unused rows do.

All or nothing
    Every problem found is reported, row by row (the 1-based row number a
    spreadsheet shows); when there is any, no question is returned. Bad input
    never raises: a corrupt, binary, empty or oversized file gives a problem.

Translation
    Each ``Problem`` carries a machine ``code``, its English ``message``, the
    ``template`` it was made from (marked with ``N_`` so Babel extracts it) and
    its ``params``: the web layer shows ``gettext(problem.template, **problem.params)``.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from openpyxl import load_workbook

from live.activities.quiz import rules as quiz
from live.domain.session import MAX_ACTIVITIES
from live.domain.errors import DomainError
from live.domain.text import clean_text

MAX_BYTES = 1024 * 1024  # the file as uploaded
MAX_UNPACKED = 4 * 1024 * 1024  # an xlsx once unzipped: a small zip can hold a huge sheet
MAX_QUESTION_ROWS = 200
MAX_QUESTIONS = MAX_ACTIVITIES  # at most one session's worth in one go
MAX_ANSWERS = 4  # Kahoot!'s template has four answer columns
MAX_COLUMNS = 26  # A to Z: the template uses A to H
HEADER_SEARCH_ROWS = 20  # the header comes after a few title rows, not further down
MAX_FILLED_ROWS = 5000  # rows holding anything, unused numbered rows of a template included
FIELDS = ("question", *(f"answer{n}" for n in range(1, MAX_ANSWERS + 1)), "time", "correct")


def N_(message: str) -> str:
    """Mark ``message`` for extraction by Babel, leaving it untranslated here."""
    return message


# Templates of the messages, by code; every row message begins with its row number.
USE_CSV_OR_XLSX = N_("Use a .csv or .xlsx file.")
EMPTY_FILE = N_("The file is empty.")
NOT_XLSX = N_("This file is not a readable .xlsx workbook.")
OLD_XLS = N_("This is an old .xls workbook: save it as .xlsx or .csv and import it again.")
NOT_TEXT = N_("This file is not a CSV text file.")
BAD_CSV = N_("The CSV file could not be read near row %(row)d.")
TOO_LARGE = N_("The file is larger than %(max_mb)d MB.")
TOO_LARGE_UNPACKED = N_("The workbook is too large once unpacked.")
NO_QUESTIONS = N_("No question found in this file.")
TOO_MANY_ROWS = N_("The file holds more than %(max)d rows of questions.")
TOO_MANY_QUESTIONS = N_("The file holds %(count)d questions, but at most %(max)d can be added to this session.")
MISSING_QUESTION = N_("Row %(row)d: the question is empty.")
QUESTION_TOO_LONG = N_("Row %(row)d: the question has %(length)d characters, at most %(max)d are allowed.")
ANSWER_TOO_LONG = N_("Row %(row)d: answer %(number)d has %(length)d characters, at most %(max)d are allowed.")
TOO_FEW_ANSWERS = N_("Row %(row)d: a question needs at least 2 answers.")
TIME_NOT_NUMBER = N_("Row %(row)d: the time limit \"%(value)s\" is not a whole number of seconds.")
TIME_TOO_LONG = N_("Row %(row)d: a time limit of %(value)d seconds is too long, the longest is %(max)d.")
TIME_TOO_SHORT = N_("Row %(row)d: a time limit of %(value)d seconds is too short, the shortest is %(min)d.")
CORRECT_MISSING = N_("Row %(row)d: give the number of the correct answer (1 to %(max)d).")
CORRECT_NOT_NUMBER = N_("Row %(row)d: the correct answer \"%(value)s\" is not an answer number (1 to %(max)d).")
CORRECT_OUT_OF_RANGE = N_("Row %(row)d: there is no answer %(number)d, answers are numbered 1 to %(max)d.")
CORRECT_EMPTY_ANSWER = N_("Row %(row)d: the correct answer %(number)d points to an empty answer.")
INVALID_ROW = N_("Row %(row)d: this question could not be read.")


@dataclass(frozen=True)
class Problem:
    """Something the import could not read: where (``row`` as the spreadsheet
    numbers it, ``column`` as a letter; ``None`` for the whole file), a machine
    ``code``, the English ``message``, and the ``template`` and ``params`` it was
    made from, for translation."""

    row: int | None
    column: str | None
    code: str
    message: str
    params: dict = field(default_factory=dict)
    template: str = ""

    def as_dict(self) -> dict:
        """The problem as JSON for the API."""
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message,
                "params": dict(self.params)}  # fmt: skip


@dataclass
class ImportResult:
    """The questions read (API-style quiz specs, already validated) or, when
    anything went wrong, no questions and the list of problems."""

    activities: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file gave at least one question and no problem."""
        return not self.problems and bool(self.activities)


def _problem(code: str, template: str, row: int | None = None, column: int | None = None, **params) -> Problem:
    if row is not None:
        params = {"row": row, **params}
    return Problem(row=row, column=None if column is None else _letter(column), code=code,
                   message=template % params if params else template, params=params, template=template)  # fmt: skip


def _failed(code: str, template: str, **params) -> ImportResult:
    return ImportResult(problems=[_problem(code, template, **params)])


# ------------------------------------------------------------------------ entry


def read_quiz_file(filename: str, data: bytes, max_questions: int = MAX_QUESTIONS) -> ImportResult:
    """Read quiz questions from a Kahoot!-style ``.csv`` or ``.xlsx`` file.

    ``max_questions`` is how many more questions the session can take (100 for an
    empty one). The format follows the extension, and the content: a zip (``PK``)
    is read as a workbook whatever its name. Never raises on bad input.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension not in ("csv", "xlsx"):
        return _failed("bad_file", USE_CSV_OR_XLSX)
    if len(data) > MAX_BYTES:
        return _failed("too_large", TOO_LARGE, max_mb=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        return _failed("bad_file", EMPTY_FILE)
    if data.startswith(b"PK"):
        rows, problem = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Excel 97-2003
        rows, problem = None, _problem("bad_file", OLD_XLS)
    elif extension == "xlsx":
        rows, problem = None, _problem("bad_file", NOT_XLSX)
    else:
        rows, problem = _csv_rows(data)
    if problem is not None:
        return ImportResult(problems=[problem])
    return _read_rows(rows, max_questions)


# ------------------------------------------------------------------------- xlsx


def _xlsx_rows(data: bytes) -> tuple[list | None, Problem | None]:
    """The non-empty rows of the first sheet as ``(row_number, values)``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # noqa: BLE001 - a damaged zip directory raises BadZipFile, NotImplementedError, ...
        return None, _problem("bad_file", NOT_XLSX)
    if unpacked > MAX_UNPACKED:
        return None, _problem("too_large", TOO_LARGE_UNPACKED)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    return None, _problem("bad_file", NOT_XLSX)
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # some writers store a wrong size, which would cut rows off
                rows = _collect(enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1))
            finally:
                workbook.close()
    except Exception:  # noqa: BLE001 - a damaged workbook can fail in any of openpyxl's layers (zip, XML, types)
        return None, _problem("bad_file", NOT_XLSX)
    return rows, None if rows is not None else _problem("too_many", TOO_MANY_ROWS, max=MAX_QUESTION_ROWS)


def _collect(rows: Iterable[tuple[int, Sequence[object]]]) -> list | None:
    """The non-empty rows, trimmed; None once there are clearly too many to be read
    (more rows of two cells or more than the question rows and title rows allowed,
    or thousands of rows of one cell). Stopping there bounds the time a huge sheet
    can take: the server answers everyone from one thread."""
    kept = []
    full_rows = 0
    for number, values in rows:
        values = _trimmed(values)
        if not values:
            continue
        full_rows += sum(1 for value in values if not _blank(value)) >= 2
        if full_rows > MAX_QUESTION_ROWS + HEADER_SEARCH_ROWS or len(kept) >= MAX_FILLED_ROWS:
            return None
        kept.append((number, values))
    return kept


# -------------------------------------------------------------------------- csv


def _decode(data: bytes) -> str | None:
    """The text of a CSV file: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
    'Unicode text'), else cp1252 (Excel in French on Windows); None for binary data."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    elif b"\x00" in data:
        return None
    else:
        body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = body.decode("cp1252")
            except UnicodeDecodeError:  # cp1252 leaves five bytes undefined; latin-1 reads anything
                text = body.decode("latin-1")
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\r\n")
    return None if controls > max(10, len(text) // 100) else text


def _csv_rows(data: bytes) -> tuple[list | None, Problem | None]:
    """The non-empty records of a CSV file as ``(row_number, values)``."""
    text = _decode(data)
    if text is None:
        return None, _problem("bad_file", NOT_TEXT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = _collect(enumerate(reader, start=1))
    except csv.Error:  # a field past the csv module's size limit, a stray NUL
        return None, _problem("bad_file", BAD_CSV, row=reader.line_num)
    return rows, None if rows is not None else _problem("too_many", TOO_MANY_ROWS, max=MAX_QUESTION_ROWS)


def _delimiter(text: str) -> str:
    """``;`` (Excel in French), ``,`` or a tab: the one that splits the header row into
    the most recognised headers, else the one giving most rows of Kahoot!'s width."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    candidates = (";", ",", "\t")
    for line in lines[:HEADER_SEARCH_ROWS]:
        scores = {d: len(_header_columns(_split(line, d)) or ()) for d in candidates}
        best = max(candidates, key=lambda d: scores[d])
        if scores[best]:
            return best

    def shape(delimiter: str) -> tuple[int, int]:
        widths = [len(_split(line, delimiter)) for line in lines]
        return sum(1 for width in widths if 4 <= width <= 9), text.count(delimiter)

    return max(candidates, key=shape)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


# ----------------------------------------------------------------------- header


def _fold(value: object) -> str:
    """Lower case without accents, for matching header texts."""
    text = unicodedata.normalize("NFKD", _text(value)).casefold()
    return "".join(char for char in text if not unicodedata.combining(char)).strip()


_ANSWER_HEADER = re.compile(
    r"^(?:answer|reponse|antwort|respuesta|risposta|resposta|antwoord|choice|choix|option)s?\s*(?:n[°o]\s*)?([0-9]+)\b"
)
_CORRECT_HEADER = re.compile(r"\b(?:correct|corret|bonnes?|richtig|korrekt|juist)")
_TIME_HEADER = re.compile(r"^(?:time|temps|duree|limite de temps|zeit|tiempo|tempo|tijd)")
_QUESTION_HEADER = re.compile(r"^(?:question|frage|pregunta|domanda|pergunta|vraag)")
_NUMBER_HEADER = re.compile(r"^(?:question\s*)?(?:#|n[°o]\.?|nr\.?|num|number|numero)$")  # "Question #"


def _header_field(value: object) -> str | None:
    """The field a header cell names (``question``, ``answer1``..., ``time``, ``correct``)."""
    text = _fold(value)
    if not text or _NUMBER_HEADER.match(text):
        return None
    answer = _ANSWER_HEADER.match(text)
    if answer:
        number = int(answer.group(1))
        return f"answer{number}" if 1 <= number <= MAX_ANSWERS else None
    if _CORRECT_HEADER.search(text):
        return "correct"
    if _TIME_HEADER.match(text):
        return "time"
    if _QUESTION_HEADER.match(text):
        return "question"
    return None


_TIME_FRAGMENT = re.compile(r"^(?:or |ou )?[0-9]+(?: ?s| ?secs?| ?secondes?| ?seconds?)?\)?$")


def _header_cells(values: Sequence[object]) -> list[tuple[str | None, object]]:
    """The cells of a header row with the field each names, aligned on the question rows.

    Kahoot!'s time header holds commas ("5, 10, 20, ... or 240 secs"): copied
    unquoted into a comma-separated file, it spills over several cells that the
    question rows do not have, so those cells are left out."""
    cells = []
    after_time = False
    for value in values:
        name = _header_field(value)
        if name is None and after_time and _TIME_FRAGMENT.match(_fold(value)):
            continue
        after_time = name == "time"
        cells.append((name, value))
    return cells


def _header_columns(values: Sequence[object]) -> dict[str, int] | None:
    """The columns a header row names, if it is one: a question column and at least
    one other recognised column."""
    columns: dict[str, int] = {}
    for index, (name, _value) in enumerate(_header_cells(values)):
        if name and name not in columns:
            columns[name] = index
    return columns if "question" in columns and len(columns) >= 2 else None


def _complete(columns: dict[str, int], question: int) -> dict[str, int]:
    """Columns not named by the header, found by their place in Kahoot!'s order; a
    field whose place another header took reads from a column past the sheet's
    width, always empty (so a missing correct answer is reported, never guessed)."""
    taken = set(columns.values())
    complete = dict(columns)
    beyond = MAX_COLUMNS
    for offset, name in enumerate(FIELDS):
        if name in complete:
            continue
        if question + offset not in taken:
            complete[name] = question + offset
        else:
            complete[name], beyond = beyond, beyond + 1
        taken.add(complete[name])
    return complete


def _layout(rows: list) -> tuple[dict[str, int], tuple, list]:
    """The column of each field, the header row (empty without one) and the rows
    holding questions (those after the header)."""
    for position, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _header_columns(values)
        if columns:
            header = tuple(value for _name, value in _header_cells(values))
            return _complete(columns, columns["question"]), header, rows[position + 1 :]
    numbered = all(_blank(_cell(values, 0)) or _whole_number(_cell(values, 0)) for _n, values in rows)
    return _complete({}, 1 if numbered else 0), (), rows


# ------------------------------------------------------------------------- rows


def _read_rows(rows: list, max_questions: int) -> ImportResult:
    """Check every question row; the specs only when every row is right."""
    columns, header, data_rows = _layout(rows)
    question_rows = [(number, values) for number, values in data_rows if not _skipped(values, columns)]
    if len(question_rows) > MAX_QUESTION_ROWS:
        return _failed("too_many", TOO_MANY_ROWS, max=MAX_QUESTION_ROWS)
    if not question_rows:
        return _failed("no_questions", NO_QUESTIONS)
    activities, problems = [], []
    for number, values in question_rows:
        spec, row_problems = _read_question(number, values, columns, header)
        problems.extend(row_problems)
        if spec is not None:
            activities.append(spec)
    if len(question_rows) > max_questions:
        problems.append(
            _problem("too_many", TOO_MANY_QUESTIONS, count=len(question_rows), max=max(0, max_questions))
        )
    if problems:
        return ImportResult(problems=problems)
    return ImportResult(activities=activities)


def _skipped(values: Sequence[object], columns: dict[str, int]) -> bool:
    """True for a row with no question, answer or correct answer (a number or a time
    limit alone, as the template's unused rows may hold, does not make a question)."""
    return all(_blank(_cell(values, columns[name])) for name in FIELDS if name != "time")


def _read_question(
    row: int, values: Sequence[object], columns: dict[str, int], header: Sequence[object] = ()
) -> tuple[dict | None, list]:
    """One question row as a validated spec, or its problems."""
    problems = []
    question = _text(_cell(values, columns["question"]))
    if not question:
        problems.append(_problem("missing_question", MISSING_QUESTION, row, columns["question"]))
    elif len(question) > quiz.MAX_PROMPT:
        problems.append(_problem("too_long", QUESTION_TOO_LONG, row, columns["question"], length=len(question),
                                 max=quiz.MAX_PROMPT))  # fmt: skip
    answers = {}
    for number in range(1, MAX_ANSWERS + 1):
        column = columns[f"answer{number}"]
        answer = _text(_cell(values, column))
        if len(answer) > quiz.MAX_OPTION:
            problems.append(_problem("too_long", ANSWER_TOO_LONG, row, column, number=number, length=len(answer),
                                     max=quiz.MAX_OPTION))  # fmt: skip
        if answer:
            answers[number] = answer
    if len(answers) < quiz.MIN_OPTIONS:
        problems.append(_problem("too_few_answers", TOO_FEW_ANSWERS, row, columns["answer1"]))
    seconds, problem = _seconds(row, _cell(values, columns["time"]), columns["time"])
    if problem:
        problems.append(problem)
    correct, correct_problems = _correct(row, _correct_cells(values, columns, header), columns["correct"], answers)
    problems.extend(correct_problems)
    if problems:
        return None, problems
    kept = sorted(answers)
    raw = {"type": quiz.TYPE, "prompt": question, "options": [answers[n] for n in kept],
           "correct": [kept.index(n) for n in correct], "seconds": seconds, "points": quiz.DEFAULT_POINTS}  # fmt: skip
    try:
        return quiz.parse_spec(raw).as_dict(), []
    except DomainError:  # the checks above mirror the domain's; this is a safety net
        return None, [_problem("bad_correct", INVALID_ROW, row)]


def _seconds(row: int, value: object, column: int) -> tuple[int, Problem | None]:
    """The time limit in seconds (20 when empty), or a ``bad_time`` problem."""
    if _blank(value):
        return quiz.DEFAULT_SECONDS, None
    seconds = _whole_seconds(value)
    if seconds is None:
        return 0, _problem("bad_time", TIME_NOT_NUMBER, row, column, value=_shown(value))
    if seconds > quiz.MAX_SECONDS:
        return 0, _problem("bad_time", TIME_TOO_LONG, row, column, value=seconds, max=quiz.MAX_SECONDS)
    if seconds < quiz.MIN_SECONDS:
        return 0, _problem("bad_time", TIME_TOO_SHORT, row, column, value=seconds, min=quiz.MIN_SECONDS)
    return seconds, None


_SECONDS = re.compile(r"^([0-9]+)(?:[.,]0*)?\s*(?:s|sec|secs|seconds?|secondes?)?\.?$", re.IGNORECASE)


def _whole_seconds(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, datetime.time):  # a cell formatted as a duration, 00:00:20
        return value.hour * 3600 + value.minute * 60 + value.second if not value.microsecond else None
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds()) if value.total_seconds().is_integer() else None
    match = _SECONDS.match(_text(value))
    return int(match.group(1)) if match else None


def _correct_cells(values: Sequence[object], columns: dict[str, int], header: Sequence[object]) -> list[object]:
    """The correct-answer cell, and the digit cells right after it when no header
    names them: ``1,3`` unquoted in a comma-separated file splits into two cells."""
    index = columns["correct"]
    cells = [_cell(values, index)]
    mapped = set(columns.values())
    for following in range(index + 1, len(values)):
        value = values[following]
        if following in mapped or not _blank(_cell(header, following)) or not re.fullmatch(r"[0-9]+", _text(value)):
            break
        cells.append(value)
    return cells


def _correct(row: int, cells: list[object], column: int, answers: dict[int, str]) -> tuple[list[int], list]:
    """The correct answer numbers (1-based, as the columns), or ``bad_correct`` problems."""
    tokens: list[str] = []
    for value in cells:
        tokens.extend(_number_tokens(value))
    if not tokens:
        return [], [_problem("bad_correct", CORRECT_MISSING, row, column, max=MAX_ANSWERS)]
    if not all(re.fullmatch(r"[0-9]+", token) for token in tokens):
        shown = ",".join(_shown(value) for value in cells if not _blank(value))
        return [], [_problem("bad_correct", CORRECT_NOT_NUMBER, row, column, value=shown, max=MAX_ANSWERS)]
    numbers = sorted({int(token) for token in tokens})
    problems = []
    for number in numbers:
        if not 1 <= number <= MAX_ANSWERS:
            problems.append(_problem("bad_correct", CORRECT_OUT_OF_RANGE, row, column, number=number, max=MAX_ANSWERS))
        elif number not in answers:
            problems.append(_problem("bad_correct", CORRECT_EMPTY_ANSWER, row, column, number=number))
    return numbers, problems


def _number_tokens(value: object) -> list[str]:
    """``2``, ``2.0``, ``"1,3"``, ``"1; 3"``, ``"1 et 3"``... as ``["1", "3"]``. A float
    with a fraction is split at its point: Excel in French reads ``1,3`` as 1.3."""
    if _blank(value):
        return []
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    text = _text(value)
    return [token for token in re.split(r"(?:\s*[,;./+&]\s*|\s+(?:et|and)\s+|\s+)", text) if token]


# ------------------------------------------------------------------------ cells


def _cell(values: Sequence[object], index: int) -> object:
    return values[index] if 0 <= index < len(values) else None


def _text(value: object) -> str:
    """A cell as cleaned text; numbers as a spreadsheet shows them (20, not 20.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return clean_text(value if isinstance(value, str) else str(value))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _whole_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return bool(re.fullmatch(r"[0-9]+\.?", _text(value)))


def _shown(value: object, limit: int = 30) -> str:
    """A cell as quoted in a message: short."""
    text = _text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _trimmed(values: Sequence[object]) -> tuple:
    """A row without its trailing empty cells."""
    values = list(values)
    while values and _blank(values[-1]):
        values.pop()
    return tuple(values)


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read(filename: str, data: bytes, max_items: int) -> "ImportResult":
    """The editor's importer (``ActivityKind.importer``): ``read_quiz_file``."""
    return read_quiz_file(filename, data, max_questions=max_items)
