"""Write a session archive folder: summary.json, answers.csv, index.html, and the files
each activity kind adds (``ActivityKind.archive_files`` per activity, such as
``poll-<N>.csv``, ``wordcloud-<N>.csv``, ``quiz-<N>.csv``; ``session_archive_files``
per kind, such as ``quiz-leaderboard.csv`` and ``quiz-questions.csv``), and
reactions.csv when participants sent reactions.

The same templates render the summary as a fragment for the app's pages
(``render_summary_fragment``, optionally pseudonymised for a share link) and the
side-by-side comparison of sessions (``render_comparison``). Each kind draws its own
section from the partials in its package (``kinds/<name>/archive.html``: macros
``meta``, ``body`` and ``column``; ``session.html`` above the activities;
``files.html`` in the footer), with the view its ``archive_view`` computes; shared
charts are in charts.html.

The folder is written whole or not at all (a staging folder renamed into place),
so a crash while ending never leaves half an archive to serve or zip.

The folder is meant to outlive the server: it is read by people with a file manager,
a spreadsheet and a browser, possibly years later and offline. Hence a page with no
external references at all, and a CSV that Excel opens with the accents right and
that cannot smuggle formulas into the spreadsheet.

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
import os
import re
import shutil
import tempfile
import threading
import zoneinfo
from collections import OrderedDict
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from babel.dates import format_date, format_datetime, format_time, get_timezone_gmt
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from live.activities import options
from live.activities.archiving import formula_safe as _formula_safe
from live.activities.archiving import is_int as _is_int
from live.activities.registry import KINDS
from live.domain.reactions import NAMES as REACTION_NAMES
from live.templating import kind_loader
from live.archive import files as archive_files
from live.pause_points import pause_point

TEMPLATE_DIR = Path(__file__).parent
TRANSLATIONS_DIR = Path(__file__).parent.parent / "translations"
TEMPLATE = "summary.html"
FRAGMENT = "body.html"
COMPARISON = "compare.html"
STYLESHEET = TEMPLATE_DIR / "summary.css"
# The section of an activity whose kind this server does not know (an imported archive).
UNKNOWN_KIND = "unknown_kind.html"

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

# The session's reactions (issue 14): each emoji and how many times it was sent.
REACTIONS_CSV = "reactions.csv"

# The session code becomes a folder name: refuse anything that could leave archive_root.
SAFE_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")

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
    files of an earlier run that no longer apply (an activity's CSV, a kind's
    session files) go with it. A crash leaves at most a stale staging folder, never a
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
    for file_name, text in kind_files(summary).items():
        files[file_name] = text.encode("utf-8-sig")
    if reaction_rows(summary) is not None:
        files[REACTIONS_CSV] = reactions_csv(summary, locale).encode("utf-8-sig")
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


def kind_files(summary: dict) -> dict[str, str]:
    """The files each kind adds: per activity (numbered as on the page, from 1) and per
    kind the session holds. Activities of a kind this server does not know add none."""
    files: dict[str, str] = {}
    for number, activity in enumerate(_sorted_activities(summary), start=1):
        kind = _kind_of(activity)
        if kind is not None:
            files.update(kind.archive_files(activity, number))
    for kind in KINDS:  # each kind says whether the summary holds what it archives (a leaderboard)
        files.update(kind.session_archive_files(summary))
    return files


def _kind_of(activity: dict):
    """The registered kind of an archived activity, or None (a kind this server lacks)."""
    kind_name = activity.get("type")
    return KINDS.get(kind_name) if kind_name in KINDS else None


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


def reaction_rows(summary: dict) -> list[tuple[str, int]] | None:
    """The session's reactions as ``(emoji, total)`` in the order of its set (those
    nobody sent included), or None when nobody sent any (an older archive has none):
    then neither reactions.csv nor the page's table is there."""
    totals = summary.get("reactions")
    rows = [
        (str(emoji), n) for emoji, n in (totals.items() if isinstance(totals, dict) else ())
        if _is_int(n) and n >= 0
    ]
    return rows if any(n for _emoji, n in rows) else None


def reactions_csv(summary: dict, locale: str = "en") -> str:
    """reactions.csv: each emoji, its name (for the ones the editor offers, in the
    archive's language) and how many times the room sent it; formula-safe."""
    translations = _translations(locale)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("emoji", "name", "count"))
    for emoji, n in reaction_rows(summary) or []:
        name = translations.gettext(REACTION_NAMES[emoji]) if emoji in REACTION_NAMES else ""
        writer.writerow((_formula_safe(emoji), _formula_safe(name), n))
    return buffer.getvalue()


def _reactions_view(summary: dict, page: "PageFormat", translations) -> dict | None:
    """What the page's reactions table shows, or None (no reactions in this session)."""
    rows = reaction_rows(summary)
    if rows is None:
        return None
    return {
        "rows": [
            {"emoji": emoji, "name": translations.gettext(REACTION_NAMES[emoji]) if emoji in REACTION_NAMES else "",
             "count": page.number(n)}
            for emoji, n in rows
        ],
        "total": sum(n for _emoji, n in rows),
        "off": not summary.get("reaction_set"),
    }


def _pseudonym_maker(locale: str):
    """``number -> "Participant <number>"`` in ``locale``, as the page says it."""
    translations = _translations(locale)
    return lambda number: translations.gettext("Participant %(num)d") % {"num": number}


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
    """A copy of ``summary`` where no participant has a name: each kind replaces the
    names it shows with "Participant <n>" (numbered in the order people joined, as in
    answers.csv)."""
    for kind in KINDS:
        summary = kind.pseudonymised(summary)
    return summary


def render_comparison(comparison: dict, locale: str = "en", timezone_name: str | None = None) -> str:
    """The side-by-side comparison of archived sessions, as a fragment for the app,
    dates and times in ``timezone_name`` (default: UTC).

    ``comparison`` is ``live.archive.compare.compare(summaries)``: ``sessions`` (the
    summaries, in column order), ``matched`` (``{"type", "prompt", "activities": [one
    activity or None per session]}``) and ``unmatched`` (``{"session", "activity"}``)."""
    sessions = comparison["sessions"]
    page = PageFormat(locale, zone_named(timezone_name))
    columns = [
        {
            "title": s.get("title") or "",
            "code": s.get("code", ""),
            "ended": _format_date(s.get("ended_at"), locale, page.zone),
            "n_participants": _count(s.get("n_participants")),
        }
        for s in sessions
    ]
    for column, label in zip(columns, _column_labels(sessions, locale, page.zone)):
        column["label"] = label
    matched = []
    for item in comparison["matched"]:
        views = [_activity_view(a, _position(a) + 1, page) if a is not None else None for a in item["activities"]]
        first = next(v for v in views if v is not None)
        # The table compares the sessions that asked it; the others are named once.
        present = [index for index, view in enumerate(views) if view is not None]
        table_views = [views[index] for index in present]
        matched.append({
            "type": item["type"], "prompt": first["prompt"], "views": views, "template": first["template"],
            "table_columns": [columns[index] for index in present], "table_views": table_views,
            "missing": [columns[index] for index in range(len(views)) if views[index] is None],
            "rows": options.comparison_rows([v["view"] for v in table_views]) if first["view"].get("bars") else [],
        })
    unmatched = [
        {"column": columns[u["session"]], "prompt": str(u["activity"].get("prompt") or ""),
         "type": str(u["activity"].get("type") or "")}
        for u in comparison["unmatched"]
    ]
    return _environment(locale).get_template(COMPARISON).render(columns=columns, matched=matched, unmatched=unmatched)


def _position(activity: dict) -> int:
    position = activity.get("position")
    return position if _is_int(position) and position >= 0 else 0


def _column_labels(sessions: list[dict], locale: str, zone: tzinfo) -> list[str]:
    """What names each session's column: the day it ended, with the time when another
    session ended the same day (two groups on one day), with its code when even that
    is shared; the code alone without an end."""
    dates = [_format_date(s.get("ended_at"), locale, zone) for s in sessions]
    labels = []
    for session, day in zip(sessions, dates):
        code = str(session.get("code", ""))
        if day is None:
            labels.append(code)
        elif dates.count(day) > 1:
            clock = _format_clock(session.get("ended_at"), locale, zone)
            labels.append(_translations(locale).gettext("%(date)s at %(time)s") % {"date": day, "time": clock})
        else:
            labels.append(day)
    return [f"{label} · {session.get('code', '')}" if labels.count(label) > 1 else label
            for session, label in zip(sessions, labels)]


def _summary_context(summary: dict, locale: str, zone: tzinfo) -> dict:
    """What body.html needs to show ``summary`` in ``locale``, times in ``zone``."""
    page = PageFormat(locale, zone)
    activities = _sorted_activities(summary)
    files = {}
    for number, activity in enumerate(activities, start=1):
        kind = _kind_of(activity)
        if kind is not None:
            files.setdefault(kind.name, []).extend(kind.archive_files(activity, number))
    sections, notes = [], []
    for kind in KINDS:  # each kind says whether the summary holds what it shows (a leaderboard)
        view = kind.session_archive_view(summary, page)
        if view is not None:
            sections.append({"template": kind.template("session.html"), "view": view})
        names = files.get(kind.name, []) + list(kind.session_archive_files(summary))
        if names:
            notes.append({
                "template": kind.template("files.html"), "files": format_list(names, locale=locale), "n_files": len(names),
            })
    return dict(
        lang=locale.replace("_", "-"),  # HTML wants BCP 47 ("fr-CA"), Babel says "fr_CA"
        title=summary.get("title") or "",
        code=summary.get("code", ""),
        started=_format_datetime(summary.get("started_at"), locale, zone),
        started_zone=_zone_label(summary.get("started_at"), locale, zone),
        ended=_format_datetime(summary.get("ended_at"), locale, zone),
        ended_zone=_zone_label(summary.get("ended_at"), locale, zone),
        ended_iso=_local_iso(summary.get("ended_at"), zone),
        timezone=_zone_name(zone),
        n_participants=summary.get("n_participants") or 0,
        activities=[_activity_view(a, number, page) for number, a in enumerate(activities, start=1)],
        sections=sections,
        notes=notes,
        reactions=_reactions_view(summary, page, _translations(locale)),
    )


def _sorted_activities(summary: dict) -> list[dict]:
    activities = summary.get("activities")
    if not isinstance(activities, list):
        return []
    return sorted((a for a in activities if isinstance(a, dict)), key=_position)


def _environment(locale: str) -> Environment:
    """A Jinja2 environment that escapes everything and speaks ``locale``; the kinds'
    partials are found as ``kinds/<name>/<file>``."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATE_DIR), kind_loader()]),
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


def _activity_view(activity: dict, number: int, page: "PageFormat") -> dict:
    """What the templates need to show one activity: its number, prompt, answers and
    opening times, and its kind's partial with the view the kind computes (an
    activity of a kind this server does not know shows its prompt alone)."""
    kind = _kind_of(activity)
    return {
        "number": number,
        "type": str(activity.get("type", "")),
        "prompt": activity.get("prompt") or "",
        "n_answers": activity.get("n_answers") or 0,
        "opened": _format_clock(activity.get("opened_at"), page.locale, page.zone),
        "closed": _format_clock(activity.get("closed_at"), page.locale, page.zone),
        "template": kind.template("archive.html") if kind else UNKNOWN_KIND,
        "view": kind.archive_view(activity, number, page) if kind else {},
        "origin": _origin_view(activity, page),
    }


def _origin_view(activity: dict, page: "PageFormat") -> dict | None:
    """Where a poll made by the chain took its options from (live/activities/shortlist.py):
    the prompt of the open question or Q&A, and per option its upvotes and senders."""
    origin = activity.get("origin")
    if not isinstance(origin, dict) or not isinstance(origin.get("options"), list):
        return None
    texts = activity.get("options") if isinstance(activity.get("options"), list) else []
    rows = []
    for text, option in zip(texts, origin["options"]):
        if isinstance(option, dict):
            full = option.get("full_text")
            rows.append({
                "text": str(text), "votes": page.number(option.get("votes") or 0),
                "senders": page.number(option.get("senders") or 0),
                # The entry's whole text, when the poll option had to be shortened.
                "full_text": full if isinstance(full, str) and full != text else None,
            })
    return {"prompt": str(origin.get("prompt") or ""), "rows": rows}


# Costly views (a large word cloud's layout) drawn for several pages of one archive:
# the last few are remembered here, in the archive layer, not in the kinds' rules.
REMEMBERED_VIEWS = 32
_remembered: "OrderedDict[tuple, object]" = OrderedDict()
_remembered_lock = threading.Lock()


class PageFormat:
    """Numbers, percentages and times in the page's locale and zone (what a kind's
    ``archive_view`` formats with), and a memory of costly views."""

    def __init__(self, locale: str, zone: tzinfo) -> None:
        self.locale = locale
        self.zone = zone
        self.zone_name = _zone_name(zone)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def decimal(self, value: float, pattern: str) -> str:
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, locale=self.locale)

    def clock(self, timestamp: object) -> str | None:
        return _format_clock(timestamp, self.locale, self.zone)

    @staticmethod
    def remembered(key: tuple, compute):
        with _remembered_lock:
            if key in _remembered:
                _remembered.move_to_end(key)
                return _remembered[key]
        value = compute()
        with _remembered_lock:
            _remembered[key] = value
            while len(_remembered) > REMEMBERED_VIEWS:
                _remembered.popitem(last=False)
        return value


def _count(value: object) -> int:
    return value if _is_int(value) and value >= 0 else 0


def _csv_cell(column: str, value: object) -> str:
    """The text of one CSV cell: JSON for ``value``, empty for None, never a formula."""
    if column == "value":
        text = json.dumps(value, ensure_ascii=False)
    elif value is None:
        text = ""
    else:
        text = str(value)
    return _formula_safe(text)


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


def _zone_label(value: object, locale: str, zone: tzinfo) -> str | None:
    """The zone a timestamp is shown in, with its offset at that moment, as the locale
    writes it ("Europe/Paris, UTC+01:00"), or None."""
    local = _local_time(value, zone)
    if not local:
        return None
    if not local.utcoffset() and _zone_name(zone) in ("UTC", "Etc/UTC"):
        return _zone_name(zone)  # "UTC", not "UTC, UTC+00:00"
    return f"{_zone_name(zone)}, {get_timezone_gmt(local, width='long', locale=locale)}"


def _format_date(value: object, locale: str, zone: tzinfo) -> str | None:
    """A timestamp as a readable date in ``locale`` and ``zone``, or None."""
    local = _local_time(value, zone)
    return format_date(local, format="medium", locale=locale) if local else None


def _format_clock(value: object, locale: str, zone: tzinfo) -> str | None:
    """A timestamp as a short time of day in ``locale`` and ``zone``, or None."""
    local = _local_time(value, zone)
    return format_time(local, format="short", tzinfo=zone, locale=locale) if local else None
