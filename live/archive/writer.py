"""Write a session archive folder: summary.json, answers.csv, index.html, and one
wordcloud-<N>.csv per word cloud.

The folder is meant to outlive the server: it is read by people with a file manager,
a spreadsheet and a browser, possibly years later and offline. Hence a page with no
external references at all, and a CSV that Excel opens with the accents right and
that cannot smuggle formulas into the spreadsheet.

Word clouds are moderated, and the page is meant to be shared with the group: it
shows only the words that were on the projector (``status == "shown"``). Hidden
and held words go to summary.json and to the word cloud's CSV, which are the
facilitator's, each with its status.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from babel.dates import format_datetime, format_time
from babel.lists import format_list
from babel.numbers import format_percent
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader

from live.archive import cloud
from live.domain.wordcloud import normalise_word

TEMPLATE_DIR = Path(__file__).parent
TRANSLATIONS_DIR = Path(__file__).parent.parent / "translations"
TEMPLATE = "summary.html"

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
# A file name written by an earlier run for a word cloud that is no longer there.
WORDCLOUD_CSV_NAME = re.compile(r"wordcloud-[0-9]+\.csv")


def write_archive(archive_root: Path, summary: dict, answer_rows: list[dict], locale: str = "en") -> Path:
    """Write the archive of an ended session and return its folder.

    The folder is ``archive_root / "<YYYY-MM-DD>-<code>"`` (UTC date of ``ended_at``).
    Writing again replaces the files; each file is replaced atomically, so a reader
    never sees half a file, and a ``wordcloud-<N>.csv`` left by an earlier run for a
    word cloud that is no longer in the summary is removed.
    """
    folder = Path(archive_root) / folder_name(summary)
    # Build everything before touching the disk: a rendering error must not leave
    # a new summary.json next to an old index.html.
    files = {
        "summary.json": summary_json(summary).encode("utf-8"),
        "answers.csv": answers_csv(answer_rows).encode("utf-8-sig"),  # the BOM tells Excel it is UTF-8
        "index.html": render_summary_page(summary, locale).encode("utf-8"),
    }
    for name, activity in wordcloud_files(summary).items():
        files[name] = wordcloud_csv(activity).encode("utf-8-sig")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        _write_atomic(folder / name, data)
    for stale in folder.iterdir():
        if WORDCLOUD_CSV_NAME.fullmatch(stale.name) and stale.name not in files:
            stale.unlink()
    return folder


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


def answers_csv(answer_rows: list[dict]) -> str:
    """One header row, then one row per answer, every cell made formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # "\r\n" line ends, as spreadsheets expect
    writer.writerow(CSV_COLUMNS)
    for row in answer_rows:
        writer.writerow(_csv_cell(column, row.get(column)) for column in CSV_COLUMNS)
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


def render_summary_page(summary: dict, locale: str = "en") -> str:
    """The self-contained HTML summary page, its fixed text in ``locale``."""
    env = _environment(locale)
    activities = _sorted_activities(summary)
    csv_files = list(wordcloud_files(summary))
    return env.get_template(TEMPLATE).render(
        lang=locale.replace("_", "-"),  # HTML wants BCP 47 ("fr-CA"), Babel says "fr_CA"
        title=summary.get("title") or "",
        code=summary.get("code", ""),
        started=_format_datetime(summary.get("started_at"), locale),
        ended=_format_datetime(summary.get("ended_at"), locale),
        n_participants=summary.get("n_participants") or 0,
        activities=[_activity_view(a, number, locale) for number, a in enumerate(activities, start=1)],
        chart_width=CHART_WIDTH,
        bar_max_width=BAR_MAX_WIDTH,
        cloud_width=cloud.WIDTH,
        cloud_height=cloud.HEIGHT,
        wordcloud_csv_files=format_list(csv_files, locale=locale) if csv_files else "",
        n_wordcloud_csv_files=len(csv_files),
    )


def _sorted_activities(summary: dict) -> list[dict]:
    return sorted(summary.get("activities") or [], key=lambda a: a.get("position", 0))


def _environment(locale: str) -> Environment:
    """A Jinja2 environment that escapes everything and speaks ``locale``."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,  # titles, prompts, options and names are typed by anyone
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # A missing catalogue gives NullTranslations: the English source text.
    translations = Translations.load(dirname=str(TRANSLATIONS_DIR), locales=[locale], domain="messages")
    env.install_gettext_translations(translations, newstyle=True)
    return env


def _activity_view(activity: dict, number: int, locale: str) -> dict:
    """What the template needs to show one activity: a bar chart for a poll, a
    cloud for a word cloud, the prompt alone for other types."""
    n_answers = activity.get("n_answers") or 0
    is_poll = activity.get("type") == "poll"
    is_wordcloud = activity.get("type") == WORDCLOUD
    bars = _bars(activity, n_answers, locale) if is_poll else []
    return {
        "number": number,
        "type": str(activity.get("type", "")),
        "is_poll": is_poll,
        "is_wordcloud": is_wordcloud,
        "wordcloud": _wordcloud_view(activity) if is_wordcloud else None,
        "multiple": bool(activity.get("multiple")),
        "prompt": activity.get("prompt") or "",
        "n_answers": n_answers,
        "opened": _format_clock(activity.get("opened_at"), locale),
        "closed": _format_clock(activity.get("closed_at"), locale),
        "bars": bars,
        "chart_height": len(bars) * ROW_HEIGHT,
    }


def _bars(activity: dict, n_answers: int, locale: str) -> list[dict]:
    """One bar per option: its count, its share of respondents and its SVG geometry.

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
                "short_label": _truncate(option, LABEL_MAX_CHARS),
                "count": count,
                "percent": format_percent(share, locale=locale),
                "y": index * ROW_HEIGHT,
                "width": width,
            }
        )
    return bars


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
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


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


def _format_datetime(value: object, locale: str) -> str | None:
    """A timestamp as a readable date and time in ``locale`` (UTC), or None."""
    parsed = _parse_time(value)
    return format_datetime(parsed, format="medium", locale=locale) if parsed else None


def _format_clock(value: object, locale: str) -> str | None:
    """A timestamp as a short time of day in ``locale`` (UTC), or None."""
    parsed = _parse_time(value)
    return format_time(parsed, format="short", locale=locale) if parsed else None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    # The temporary file lives in the same folder, so os.replace stays on one file system.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o644)  # mkstemp makes 0600; the archive is meant to be shared
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
