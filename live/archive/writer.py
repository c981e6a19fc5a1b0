"""Write a session archive folder: summary.json, answers.csv, index.html, one
wordcloud-<N>.csv per word cloud, one poll-<N>.csv per poll and quiz-<N>.csv per
quiz question (counts per option) and, for a session with quiz questions,
quiz-leaderboard.csv and quiz-questions.csv.

The same templates render the summary as a fragment for the app's pages
(``render_summary_fragment``, optionally pseudonymised for a share link) and the
side-by-side comparison of sessions (``render_comparison``), so every chart is drawn
by one piece of code (charts.html).

The folder is written whole or not at all (a staging folder renamed into place),
so a crash while ending never leaves half an archive to serve or zip.

The folder is meant to outlive the server: it is read by people with a file manager,
a spreadsheet and a browser, possibly years later and offline. Hence a page with no
external references at all, and a CSV that Excel opens with the accents right and
that cannot smuggle formulas into the spreadsheet.

Word clouds are moderated, and the page is meant to be shared with the group: it
shows only the words that were on the projector (``status == "shown"``). Hidden
and held words go to summary.json and to the word cloud's CSV, which are the
facilitator's, each with its status.

Quizzes: the page shows the final leaderboard near the top (a podium for the first
three, then a table capped at ``LEADERBOARD_VISIBLE_ROWS`` rows; every player is in
quiz-leaderboard.csv) and, per question, the answers as a bar chart with the correct
options marked in words, not by colour alone. A player without a nickname is
"Participant 1", "Participant 2"... on the page, numbered in rank order among the
unnamed; in the CSV their name is empty and ``participant_id`` tells them apart.

Times: summary.json and the CSVs keep ISO 8601 UTC timestamps (machine-readable, the
same everywhere); the pages show them in the server's display zone (LIVE_TIMEZONE,
of the app writing them), named in summary.json's ``timezone`` and on the page, so
an evening session is not filed under the next day by its own readers.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import re
import shutil
import tempfile
import zoneinfo
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from babel.dates import format_date, format_datetime, format_time
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader

from live.archive import cloud
from live.archive import files as archive_files
from live.pause_points import pause_point
from live.domain.wordcloud import normalise_word

TEMPLATE_DIR = Path(__file__).parent
TRANSLATIONS_DIR = Path(__file__).parent.parent / "translations"
TEMPLATE = "summary.html"
FRAGMENT = "body.html"
COMPARISON = "compare.html"
STYLESHEET = TEMPLATE_DIR / "summary.css"

CSV_COLUMNS = (
    "activity_position",
    "activity_id",
    "activity_type",
    "prompt",
    "participant_id",
    "participant_name",
    "value",
    "answer_text",
    "answered_at",
    "ms_since_open",
    # "Participant 3": stable per participant (numbered in the order they joined),
    # so answers can be followed without the nickname. Last, so older readers of
    # the columns above by position keep working.
    "participant_pseudonym",
)
# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# The session code becomes a folder name: refuse anything that could leave archive_root.
SAFE_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Bar chart geometry, in SVG user units (the SVG scales to its container).
CHART_WIDTH = 640
BAR_MAX_WIDTH = 500  # leaves room on the right for "12 (100%)"
ROW_HEIGHT = 52
LABEL_MAX_CHARS = 64  # longer labels get an ellipsis; the table keeps the full text

WORDCLOUD = "wordcloud"
SHOWN, HIDDEN = "shown", "hidden"  # and "held": kept back by the profanity filter
WORDCLOUD_CSV_COLUMNS = ("word", "count", "status", "spellings")
POLL = "poll"
OPTION_CSV_COLUMNS = ("option", "count", "share")  # share: of respondents, 0 to 1
QUIZ_OPTION_CSV_COLUMNS = (*OPTION_CSV_COLUMNS, "correct")

QUIZ = "quiz"
QUIZ_LEADERBOARD_CSV = "quiz-leaderboard.csv"
QUIZ_QUESTIONS_CSV = "quiz-questions.csv"
QUIZ_LEADERBOARD_COLUMNS = ("rank", "name", "score", "time_ms", "participant_id")
QUIZ_QUESTIONS_COLUMNS = (
    "number",
    "prompt",
    "correct_options",
    "n_answers",
    "n_correct",
    "correct_rate",
    "average_ms",
)
CORRECT_OPTIONS_SEPARATOR = " | "  # as the quiz answers in answers.csv
LEADERBOARD_VISIBLE_ROWS = 50  # the page's table; the CSV has every player
PODIUM_PLACES = 3
# A correct option's label in the chart is followed by " ✓ correct": leave it room.
CORRECT_LABEL_MAX_CHARS = LABEL_MAX_CHARS - 14


# The files every archive written by this server holds: a folder without one of
# them (or with a temporary file of an older writer) was cut short.
REQUIRED_FILES = ("summary.json", "answers.csv", "index.html")
# Staging folders (and an older writer's temporary files) end so; a complete folder has none.
STAGING_SUFFIX = ".tmp"

# The zone times are shown in when the caller names none (the server passes LIVE_TIMEZONE).
DEFAULT_TIMEZONE = "UTC"


def write_archive(
    archive_root: Path, summary: dict, answer_rows: list[dict], locale: str = "en", timezone_name: str | None = None,
) -> Path:
    """Write the archive of an ended session and return its folder.

    The folder is ``archive_root / "<YYYY-MM-DD>-<code>"`` (UTC date of ``ended_at``:
    folder names are a public contract). index.html shows times in ``timezone_name``
    (default: UTC), which summary.json names as ``timezone``.

    The folder appears whole or not at all: every file is written and flushed in a
    hidden staging folder next to it (``.<name>.<random>.tmp``), which is then
    renamed into place. Writing again replaces the whole folder the same way, so
    files of an earlier run that no longer apply (a word cloud's CSV, the quiz
    CSVs) go with it. A crash leaves at most a stale staging folder, never a
    half-written archive (see ``is_complete``, ``stale_staging``).
    """
    name = folder_name(summary)
    summary = {**summary, "timezone": timezone_name or DEFAULT_TIMEZONE}
    # Build everything before touching the disk: a rendering error writes nothing.
    files = {
        "summary.json": summary_json(summary).encode("utf-8"),
        # The BOM tells Excel it is UTF-8.
        "answers.csv": answers_csv(answer_rows, pseudonym=_pseudonym_maker(locale)).encode("utf-8-sig"),
        "index.html": render_summary_page(summary, locale).encode("utf-8"),
    }
    for file_name, activity in wordcloud_files(summary).items():
        files[file_name] = wordcloud_csv(activity).encode("utf-8-sig")
    for file_name, activity in option_files(summary).items():
        files[file_name] = options_csv(activity).encode("utf-8-sig")
    for file_name, text in quiz_files(summary).items():
        files[file_name] = text.encode("utf-8-sig")
    root = Path(archive_root)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=STAGING_SUFFIX, dir=root))
    try:
        with archive_files.folder(staging) as staging_fd:
            for file_name, data in files.items():
                archive_files.write_new(staging_fd, file_name, data)
                if file_name == "summary.json":
                    pause_point("archive-write")  # tests: a kill -9 with the folder half written
            os.fchmod(staging_fd, 0o755)  # mkdtemp makes 0700; the archive is meant to be shared
            os.fsync(staging_fd)
        _move_into_place(staging, root / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    archive_files.sync_folder(root)
    return root / name


def is_complete(folder: Path) -> bool:
    """True when ``folder`` is a whole archive as this server writes it: a real folder
    (not a link) holding summary.json, answers.csv and index.html as regular files,
    and no temporary file left by an interrupted writer."""
    try:
        accepted, refused = archive_files.inventory(folder, wanted=lambda name: True)
    except OSError:
        return False
    names = {entry.name for entry in accepted}
    leftovers = [name for name in names | {name for name, _reason in refused} if name.endswith(STAGING_SUFFIX)]
    return all(name in names for name in REQUIRED_FILES) and not leftovers


def stale_staging(archive_root: Path) -> list[Path]:
    """The staging folders under ``archive_root`` (``.<name>.<random>.tmp``), which a
    writer that was killed leaves behind."""
    try:
        candidates = list(Path(archive_root).iterdir())
    except OSError:
        return []
    return [
        path for path in candidates
        if path.name.startswith(".") and path.name.endswith(STAGING_SUFFIX) and path.is_dir() and not path.is_symlink()
    ]


def _move_into_place(staging: Path, folder: Path) -> None:
    """Rename the finished ``staging`` folder to ``folder``; an existing ``folder``
    (or anything at its name, a link included, never followed) is moved aside first
    and removed once the new one is in place."""
    try:
        os.rename(staging, folder)
        return
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise
    aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old" + STAGING_SUFFIX, dir=folder.parent))
    old = aside / "old"
    os.rename(folder, old)  # renames a link itself, never what it points to
    os.rename(staging, folder)
    shutil.rmtree(aside, ignore_errors=True)  # rmtree never follows a link inside it


def folder_name(summary: dict) -> str:
    """``<YYYY-MM-DD>-<code>``, the date being the UTC day the session ended."""
    code = str(summary.get("code", ""))
    if not SAFE_CODE.fullmatch(code):
        raise ValueError(f"unsafe session code for a folder name: {code!r}")
    ended = _parse_time(summary.get("ended_at"))
    if ended is None:
        raise ValueError("summary['ended_at'] must be an ISO 8601 timestamp")
    return f"{ended.date().isoformat()}-{code}"


def summary_json(summary: dict) -> str:
    """The summary document exactly as given, readable by humans (non-ASCII kept)."""
    return json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def answers_csv(answer_rows: list[dict], pseudonym=None) -> str:
    """One header row, then one row per answer, every cell made formula-safe.

    ``participant_pseudonym`` is ``pseudonym(row["participant_number"])`` ("Participant 3"
    in the archive's language) when the row has a number, else empty."""
    pseudonym = pseudonym or _pseudonym_maker("en")
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # "\r\n" line ends, as spreadsheets expect
    writer.writerow(CSV_COLUMNS)
    for row in answer_rows:
        number = row.get("participant_number")
        values = dict(row, participant_pseudonym=pseudonym(number) if _is_int(number) else None)
        writer.writerow(_csv_cell(column, values.get(column)) for column in CSV_COLUMNS)
    return buffer.getvalue()


def _pseudonym_maker(locale: str):
    """``number -> "Participant <number>"`` in ``locale``, as the page says it."""
    translations = _translations(locale)
    return lambda number: translations.gettext("Participant %(num)d") % {"num": number}


def option_files(summary: dict) -> dict[str, dict]:
    """``{"poll-<N>.csv" or "quiz-<N>.csv": activity}`` for the polls and quiz questions
    of ``summary``, N being the activity's number on the page, as for word clouds."""
    return {
        f"{activity.get('type')}-{number}.csv": activity
        for number, activity in enumerate(_sorted_activities(summary), start=1)
        if activity.get("type") in (POLL, QUIZ)
    }


def options_csv(activity: dict) -> str:
    """The results of one poll or quiz question: one row per option with its count and
    its share of respondents (0 to 1, as in summary.json's ``correct_rate``); a quiz
    question adds ``correct`` (``yes`` or ``no``)."""
    is_quiz = activity.get("type") == QUIZ
    correct = set(_correct_indices(activity)) if is_quiz else set()
    n_answers = _count(activity.get("n_answers"))
    counts = activity.get("counts") if isinstance(activity.get("counts"), list) else []
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(QUIZ_OPTION_CSV_COLUMNS if is_quiz else OPTION_CSV_COLUMNS)
    for index, option in enumerate(activity.get("options") or []):
        count = _count(counts[index]) if index < len(counts) else 0
        cells = [str(option), str(count), str(round(count / n_answers, 4) if n_answers else 0.0)]
        if is_quiz:
            cells.append("yes" if index in correct else "no")
        writer.writerow(_formula_safe(cell) for cell in cells)
    return buffer.getvalue()


def wordcloud_files(summary: dict) -> dict[str, dict]:
    """``{"wordcloud-<N>.csv": activity}`` for the word clouds of ``summary``, N being
    the activity's number on the page: ``position + 1``, as positions count from 0
    without gaps (and unique and matching the page even when they do not)."""
    return {
        wordcloud_csv_name(number): activity
        for number, activity in enumerate(_sorted_activities(summary), start=1)
        if activity.get("type") == WORDCLOUD
    }


def wordcloud_csv_name(number: int) -> str:
    """The CSV of the word cloud that is question ``number`` (from 1) on the page."""
    return f"wordcloud-{number}.csv"


def wordcloud_csv(activity: dict) -> str:
    """Every word of a word cloud with its count and status (``shown``, ``hidden``
    by the facilitator, ``held`` by the profanity filter) and its spellings, as
    ``Lecture (7); lectures (5)``. For the facilitator: hidden words are in it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(WORDCLOUD_CSV_COLUMNS)
    for row in _table_rows(activity):
        spellings = "; ".join(f"{text} ({count})" for text, count in row["spellings"])
        cells = (row["display"], str(row["count"]), row["status"], spellings)
        writer.writerow(_formula_safe(cell) for cell in cells)
    return buffer.getvalue()


def has_quiz(summary: dict) -> bool:
    """True when the session had quiz questions (or, at least, a leaderboard)."""
    return isinstance(summary.get("leaderboard"), list) or any(
        a.get("type") == QUIZ for a in _sorted_activities(summary)
    )


def quiz_files(summary: dict) -> dict[str, str]:
    """``{"quiz-leaderboard.csv": text, "quiz-questions.csv": text}`` for a session
    with quiz questions, else nothing."""
    if not has_quiz(summary):
        return {}
    return {
        QUIZ_LEADERBOARD_CSV: quiz_leaderboard_csv(summary),
        QUIZ_QUESTIONS_CSV: quiz_questions_csv(summary),
    }


def quiz_leaderboard_csv(summary: dict) -> str:
    """Every player of the final leaderboard, best first: rank, name (empty when the
    player chose none), score, time_ms (total answering time of the correct
    answers, the first tie-breaker) and participant_id."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(QUIZ_LEADERBOARD_COLUMNS)
    for row in leaderboard_rows(summary):
        cells = (row["rank"], row["name"], row["score"], row["time_ms"], row["participant_id"])
        writer.writerow(_formula_safe("" if cell is None else str(cell)) for cell in cells)
    return buffer.getvalue()


def quiz_questions_csv(summary: dict) -> str:
    """One row per quiz question: its number on the page, its prompt, the correct
    options (``Hugo | Zola``), how many answered, how many fully correct, the rate
    (0 to 1, as in summary.json) and the average answering time (empty when nobody
    answered in time)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(QUIZ_QUESTIONS_COLUMNS)
    for number, activity in enumerate(_sorted_activities(summary), start=1):
        if activity.get("type") != QUIZ:
            continue
        figures = _quiz_figures(activity)
        cells = (
            number,
            activity.get("prompt") or "",
            CORRECT_OPTIONS_SEPARATOR.join(_correct_options(activity)),
            figures["n_answers"],
            figures["n_correct"],
            figures["correct_rate"],
            figures["average_ms"],
        )
        writer.writerow(_formula_safe("" if cell is None else str(cell)) for cell in cells)
    return buffer.getvalue()


def leaderboard_rows(summary: dict) -> list[dict]:
    """The rows of the summary's ``leaderboard`` as given (best first), cleaned:
    ``rank`` (the position when missing), ``name`` (None when blank), ``score``,
    ``time_ms`` (None when missing), ``participant_id``. Non-objects are skipped."""
    rows = []
    board = summary.get("leaderboard")
    for item in board if isinstance(board, list) else ():
        if not isinstance(item, dict):
            continue
        rank = item.get("rank")
        name = item.get("name")
        participant_id = item.get("participant_id")
        number = item.get("participant_number")
        rows.append(
            {
                "rank": rank if _is_int(rank) and rank >= 1 else len(rows) + 1,
                "name": name if isinstance(name, str) and name.strip() else None,
                "score": _number(item.get("score")) or 0,
                "time_ms": _number(item.get("time_ms")),
                "participant_id": "" if participant_id is None else str(participant_id),
                "participant_number": number if _is_int(number) and number >= 1 else None,
            }
        )
    return rows


def render_summary_page(summary: dict, locale: str = "en") -> str:
    """The self-contained HTML summary page, its fixed text in ``locale``, its times in
    the zone summary.json names (``timezone``), else in UTC."""
    zone = zone_named(summary.get("timezone"))
    context = _summary_context(summary, locale, zone)
    return _environment(locale).get_template(TEMPLATE).render(**context, show_files=True)


def render_summary_fragment(
    summary: dict, locale: str = "en", pseudonymise: bool = False, timezone_name: str | None = None,
) -> str:
    """The summary's content (``<div class="summary summary--embedded">``) for a page
    of the app, styled by summary.css, its times in ``timezone_name`` (default:
    UTC). With ``pseudonymise`` every player's name is replaced by
    "Participant <n>" (see ``pseudonymised``).

    The result is autoescaped HTML: the caller may insert it as is."""
    if pseudonymise:
        summary = pseudonymised(summary)
    context = _summary_context(summary, locale, zone_named(timezone_name))
    body = _environment(locale).get_template(FRAGMENT).render(**context, show_files=False)
    return f'<div class="summary summary--embedded">\n{body}</div>\n'


def pseudonymised(summary: dict) -> dict:
    """A copy of ``summary`` where no player has a name: each leaderboard row keeps
    (or gets) a ``participant_number``, which the page shows as "Participant <n>".

    The number comes from the summary (the order participants joined) so it is the
    same as in answers.csv; a summary without numbers gets them in rank order."""
    copy = dict(summary)
    board = [dict(row) for row in summary.get("leaderboard") or [] if isinstance(row, dict)]
    numbers = [row.get("participant_number") for row in board]
    if not all(_is_int(n) and n >= 1 for n in numbers) or len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(board) + 1))
    for row, number in zip(board, numbers):
        row["name"], row["participant_number"] = None, number
    if isinstance(summary.get("leaderboard"), list):
        copy["leaderboard"] = board
    return copy


def render_comparison(comparison: dict, locale: str = "en", timezone_name: str | None = None) -> str:
    """The side-by-side comparison of archived sessions, as a fragment for the app,
    dates and times in ``timezone_name`` (default: UTC).

    ``comparison`` is ``live.archive.compare.compare(summaries)``: ``sessions`` (the
    summaries, in column order), ``matched`` (``{"type", "prompt", "activities": [one
    activity or None per session]}``) and ``unmatched`` (``{"session", "activity"}``)."""
    sessions = comparison["sessions"]
    zone = zone_named(timezone_name)
    columns = [
        {
            "title": s.get("title") or "",
            "code": s.get("code", ""),
            "ended": _format_date(s.get("ended_at"), locale, zone),
            "n_participants": _count(s.get("n_participants")),
        }
        for s in sessions
    ]
    matched = []
    for item in comparison["matched"]:
        views = [
            _activity_view(a, _position(a) + 1, locale, zone) if a is not None else None for a in item["activities"]
        ]
        first = next(v for v in views if v is not None)
        matched.append({"type": item["type"], "prompt": first["prompt"], "views": views,
                        "rows": _comparison_rows(views) if first["bars"] else []})
    unmatched = [
        {"column": columns[u["session"]], "prompt": str(u["activity"].get("prompt") or ""),
         "type": str(u["activity"].get("type") or "")}
        for u in comparison["unmatched"]
    ]
    return _environment(locale).get_template(COMPARISON).render(
        columns=columns, matched=matched, unmatched=unmatched, chart_width=CHART_WIDTH,
        bar_max_width=BAR_MAX_WIDTH, cloud_width=cloud.WIDTH, cloud_height=cloud.HEIGHT,
    )


def _comparison_rows(views: list[dict | None]) -> list[dict]:
    """One row per option: its label and, per session, "count (percent)" or None."""
    first = next(v for v in views if v is not None)
    rows = []
    for index, bar in enumerate(first["bars"]):
        cells = []
        for view in views:
            other = view["bars"][index] if view is not None and index < len(view["bars"]) else None
            cells.append(other)
        rows.append({"label": bar["label"], "correct": bar["correct"], "cells": cells})
    return rows


def _position(activity: dict) -> int:
    position = activity.get("position")
    return position if _is_int(position) and position >= 0 else 0


def _summary_context(summary: dict, locale: str, zone: tzinfo) -> dict:
    """What body.html needs to show ``summary`` in ``locale``, times in ``zone``."""
    activities = _sorted_activities(summary)
    csv_files = list(wordcloud_files(summary))
    option_csvs = list(option_files(summary))
    return dict(
        lang=locale.replace("_", "-"),  # HTML wants BCP 47 ("fr-CA"), Babel says "fr_CA"
        title=summary.get("title") or "",
        code=summary.get("code", ""),
        started=_format_datetime(summary.get("started_at"), locale, zone),
        ended=_format_datetime(summary.get("ended_at"), locale, zone),
        ended_iso=_local_iso(summary.get("ended_at"), zone),
        timezone=_zone_name(zone),
        n_participants=summary.get("n_participants") or 0,
        activities=[_activity_view(a, number, locale, zone) for number, a in enumerate(activities, start=1)],
        chart_width=CHART_WIDTH,
        bar_max_width=BAR_MAX_WIDTH,
        cloud_width=cloud.WIDTH,
        cloud_height=cloud.HEIGHT,
        wordcloud_csv_files=format_list(csv_files, locale=locale) if csv_files else "",
        n_wordcloud_csv_files=len(csv_files),
        option_csv_files=format_list(option_csvs, locale=locale) if option_csvs else "",
        n_option_csv_files=len(option_csvs),
        leaderboard=_leaderboard_view(summary, locale),
        quiz_files=has_quiz(summary),
        quiz_leaderboard_csv=QUIZ_LEADERBOARD_CSV,
        quiz_questions_csv=QUIZ_QUESTIONS_CSV,
    )


def _sorted_activities(summary: dict) -> list[dict]:
    activities = summary.get("activities")
    if not isinstance(activities, list):
        return []
    return sorted((a for a in activities if isinstance(a, dict)), key=_position)


def _environment(locale: str) -> Environment:
    """A Jinja2 environment that escapes everything and speaks ``locale``."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # titles, prompts, options and names are typed by anyone
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(_translations(locale), newstyle=True)
    return env


def _translations(locale: str) -> Translations:
    # A missing catalogue gives NullTranslations: the English source text.
    return Translations.load(dirname=str(TRANSLATIONS_DIR), locales=[locale], domain="messages")


def _activity_view(activity: dict, number: int, locale: str, zone: tzinfo) -> dict:
    """What the template needs to show one activity: a bar chart for a poll, a
    cloud for a word cloud, a bar chart with the correct options marked and the
    figures of the question for a quiz, the prompt alone for other types."""
    n_answers = activity.get("n_answers") or 0
    is_poll = activity.get("type") == "poll"
    is_wordcloud = activity.get("type") == WORDCLOUD
    is_quiz = activity.get("type") == QUIZ
    correct = set(_correct_indices(activity)) if is_quiz else set()
    bars = _bars(activity, n_answers, locale, correct) if is_poll or is_quiz else []
    return {
        "number": number,
        "type": str(activity.get("type", "")),
        "is_poll": is_poll,
        "is_wordcloud": is_wordcloud,
        "is_quiz": is_quiz,
        "wordcloud": _wordcloud_view(activity) if is_wordcloud else None,
        "quiz": _quiz_view(activity, locale) if is_quiz else None,
        # A quiz with several correct options lets players pick several.
        "multiple": len(correct) > 1 if is_quiz else bool(activity.get("multiple")),
        "prompt": activity.get("prompt") or "",
        "n_answers": n_answers,
        "opened": _format_clock(activity.get("opened_at"), locale, zone),
        "closed": _format_clock(activity.get("closed_at"), locale, zone),
        "bars": bars,
        "chart_height": len(bars) * ROW_HEIGHT,
    }


def _bars(activity: dict, n_answers: int, locale: str, correct: set[int] = frozenset()) -> list[dict]:
    """One bar per option: its count, its share of respondents, whether it is a
    correct quiz option (index in ``correct``) and its SVG geometry.

    Shares are of respondents, not of ticks, so a multiple-choice poll may sum past
    100% while no single bar is ever longer than the full width.
    """
    counts = list(activity.get("counts") or [])
    bars = []
    for index, option in enumerate(activity.get("options") or []):
        option = str(option)
        count = counts[index] if index < len(counts) else 0
        share = count / n_answers if n_answers else 0.0  # no answers: every bar is empty
        width = round(BAR_MAX_WIDTH * min(max(share, 0.0), 1.0), 1)
        bars.append(
            {
                "label": option,
                "short_label": _truncate(option, CORRECT_LABEL_MAX_CHARS if index in correct else LABEL_MAX_CHARS),
                "correct": index in correct,
                "count": count,
                "percent": format_percent(share, locale=locale),
                "y": index * ROW_HEIGHT,
                "width": width,
            }
        )
    return bars


def _quiz_view(activity: dict, locale: str) -> dict:
    """The figures of one quiz question, formatted for ``locale``."""
    figures = _quiz_figures(activity)
    average_ms = figures["average_ms"]
    seconds = _number(activity.get("seconds"))
    points = _number(activity.get("points"))
    return {
        "n_answers": figures["n_answers"],
        "n_late": figures["n_late"],
        "rate": format_percent(figures["correct_rate"], locale=locale),
        # One decimal: "1.5" in English, "1,5" in French.
        "average": format_decimal(average_ms / 1000, format="#,##0.0", locale=locale)
        if average_ms is not None
        else None,
        "seconds": format_decimal(seconds, locale=locale) if seconds is not None else None,
        "points": format_decimal(points, locale=locale) if points is not None else None,
        "points_n": points,  # chooses "point" or "points"
    }


def _quiz_figures(activity: dict) -> dict:
    """``n_answers``, ``n_correct``, ``n_late``, ``correct_rate`` (0 to 1) and
    ``average_ms`` (None when nobody answered in time) of a quiz question, from
    the summary; a missing rate is worked out from the counts."""
    n_answers = _count(activity.get("n_answers"))
    n_correct = _count(activity.get("n_correct"))
    rate = _number(activity.get("correct_rate"))
    if rate is None:
        rate = round(n_correct / n_answers, 4) if n_answers else 0.0
    return {
        "n_answers": n_answers,
        "n_correct": n_correct,
        "n_late": _count(activity.get("n_late")),
        "correct_rate": min(max(rate, 0.0), 1.0),
        "average_ms": _number(activity.get("average_ms")),
    }


def _correct_indices(activity: dict) -> list[int]:
    """The indices of the correct options of a quiz question, sorted, valid ones only."""
    n_options = len(activity.get("options") or [])
    correct = activity.get("correct")
    return sorted({i for i in correct if _is_int(i) and 0 <= i < n_options}) if isinstance(correct, list) else []


def _correct_options(activity: dict) -> list[str]:
    options = activity.get("options") or []
    return [str(options[i]) for i in _correct_indices(activity)]


def _leaderboard_view(summary: dict, locale: str) -> dict | None:
    """The final leaderboard for the page, or None when the summary has none.

    ``anonymous`` numbers the players without a name in rank order (the template
    shows "Participant <n>"); ``place`` is 1 to 3 on the podium, else None."""
    if not isinstance(summary.get("leaderboard"), list):
        return None
    rows = []
    n_anonymous = 0
    for row in leaderboard_rows(summary):
        if row["name"] is None:
            n_anonymous += 1
        rank = row["rank"]
        # The participant's own number (as in answers.csv) when the summary has it.
        number = row["participant_number"] or n_anonymous
        rows.append(
            {
                "rank": rank,
                "name": row["name"],
                "anonymous": None if row["name"] is not None else number,
                "score": format_decimal(row["score"], locale=locale),
                "score_n": row["score"],  # chooses "point" or "points"
                "place": rank if rank <= PODIUM_PLACES else None,
            }
        )
    return {
        "n_players": len(rows),
        "podium": [row for row in rows if row["place"]][:PODIUM_PLACES],
        "rows": rows[:LEADERBOARD_VISIBLE_ROWS],
        "n_more": max(0, len(rows) - LEADERBOARD_VISIBLE_ROWS),
    }


def _wordcloud_view(activity: dict) -> dict:
    """The cloud, the table of shown words and how many were kept out of the page.

    Only shown words reach this view: hidden and held ones are counted, never named.
    """
    rows = _table_rows(activity)
    shown = [row for row in rows if row["status"] == SHOWN]
    picture = cloud.layout([(row["display"], row["count"]) for row in shown])
    return {
        "words": picture.words,
        "n_left_out": len(picture.left_out),
        "rows": [
            {
                "word": row["display"],
                "count": row["count"],
                "others": "; ".join(f"{text} ({count})" for text, count in _other_spellings(row)),
            }
            for row in shown
        ],
        # Without a table (an older summary) nothing tells what was kept out.
        "has_table": isinstance(activity.get("table"), list),
        "n_hidden": sum(1 for row in rows if row["status"] == HIDDEN),
        # Anything neither shown nor hidden was kept out by the filter.
        "n_held": sum(1 for row in rows if row["status"] not in (SHOWN, HIDDEN)),
    }


def _table_rows(activity: dict) -> list[dict]:
    """The word groups of a word cloud, each ``{"display", "count", "status", "key",
    "spellings"}``, from its ``table``; from ``words`` (all shown) when it has none.
    Malformed rows are skipped; a row whose status is not ``shown`` stays out of the page."""
    rows = []
    table = activity.get("table")
    if isinstance(table, list):
        for item in table:
            if not isinstance(item, dict) or not isinstance(item.get("display"), str):
                continue
            rows.append(
                {
                    "display": item["display"],
                    "count": _count(item.get("count")),
                    "status": str(item.get("status") or ""),
                    "key": item.get("key") if isinstance(item.get("key"), str) else None,
                    "spellings": _pairs(item.get("spellings")),
                }
            )
        return rows
    for text, count in _pairs(activity.get("words")):
        rows.append({"display": text, "count": count, "status": SHOWN, "key": None, "spellings": [(text, count)]})
    return rows


def _other_spellings(row: dict) -> list[tuple[str, int]]:
    """The spellings of a shown word other than the one displayed, for the page.

    Only spellings of the word itself ("lectures" for "Lecture"): a word merged
    into it may have been held or hidden before, so its spelling stays out of the
    page (its count is in the total, and the CSV has it).
    """
    key = row["key"]
    return [
        (text, count)
        for text, count in row["spellings"]
        if text != row["display"] and key is not None and normalise_word(text) == key
    ]


def _pairs(value: object) -> list[tuple[str, int]]:
    """``[[text, count], ...]`` from the summary, as tuples; anything else skipped."""
    pairs = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            pairs.append((item[0], _count(item[1])))
    return pairs


def _count(value: object) -> int:
    return value if _is_int(value) and value >= 0 else 0


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # True is an int in Python


def _number(value: object) -> int | float | None:
    """``value`` when it is a number (not a bool, not NaN), else None."""
    if _is_int(value):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def _csv_cell(column: str, value: object) -> str:
    """The text of one CSV cell: JSON for ``value``, empty for None, never a formula."""
    if column == "value":
        text = json.dumps(value, ensure_ascii=False)
    elif value is None:
        text = ""
    else:
        text = str(value)
    return _formula_safe(text)


def _formula_safe(text: str) -> str:
    """``text``, with a leading quote when a spreadsheet would run it as a formula."""
    # The quote makes a spreadsheet show the text instead of evaluating it.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _parse_time(value: object) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime; None for null or bad input."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)  # Python 3.11 accepts the trailing "Z"
    except ValueError:
        return None
    # Timestamps in the summary are UTC; a naive one is taken as UTC, not local time.
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def zone_named(name: object) -> tzinfo:
    """The zone named ``name`` (UTC for None), and UTC for a name this
    machine does not know (an imported summary may name anything). UTC works even on a
    machine without any time zone database."""
    try:
        return zoneinfo.ZoneInfo(str(name or DEFAULT_TIMEZONE))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def _zone_name(zone: tzinfo) -> str:
    """The IANA name pages print for ``zone``."""
    return getattr(zone, "key", None) or "UTC"


def _local_time(value: object, zone: tzinfo) -> datetime | None:
    """A timestamp as an aware datetime in ``zone``; None for null or bad input."""
    parsed = _parse_time(value)
    return parsed.astimezone(zone) if parsed else None


def _local_iso(value: object, zone: tzinfo) -> str | None:
    """A timestamp's date in ``zone`` as ``YYYY-MM-DD`` (for ``<time datetime>``), or None."""
    local = _local_time(value, zone)
    return local.date().isoformat() if local else None


def _format_datetime(value: object, locale: str, zone: tzinfo) -> str | None:
    """A timestamp as a readable date and time in ``locale`` and ``zone``, or None."""
    local = _local_time(value, zone)
    return format_datetime(local, format="medium", tzinfo=zone, locale=locale) if local else None


def _format_date(value: object, locale: str, zone: tzinfo) -> str | None:
    """A timestamp as a readable date in ``locale`` and ``zone``, or None."""
    local = _local_time(value, zone)
    return format_date(local, format="medium", locale=locale) if local else None


def _format_clock(value: object, locale: str, zone: tzinfo) -> str | None:
    """A timestamp as a short time of day in ``locale`` and ``zone``, or None."""
    local = _local_time(value, zone)
    return format_time(local, format="short", tzinfo=zone, locale=locale) if local else None
