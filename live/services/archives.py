"""Archived sessions after the event: the facilitator's list, share links, comparison,
deletion, retention, and the portable folders (import and export).

Every page of an archive is built from its ``summary.json`` (the portable record), not
from answer rows: a session imported from another server has no rows, only its folder.
A session archived here whose folder went missing is summarised again from the database.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import shutil
import stat
import tempfile
import time as clock
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from live.archive import compare as matching
from live.archive import files
from live.archive.document import BadSummary, archive_meta, looks_like_archive_code, read_summary
from live.archive.writer import (
    _parse_time, folder_name, is_complete, render_summary_fragment, stale_staging, zone_named,
)
from live.activities import registry
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.domain.session import ENDED
from live.offload import Offload, run_here
from live.services import accounts, archive_pages, planning, summary, tokens
from live.services import settings as session_settings
from live.store import repository
from live.store.db import utcnow
from live.store.models import Activity, Answer, Facilitator, LiveSession, Participant, ReactionCount, ShareLink

log = logging.getLogger(__name__)

MAX_COMPARED = 6  # columns side by side; more is unreadable
SHARE_TOKEN_BYTES = 32
MAX_SHARE_DAYS = 5 * 366
# Files an imported folder may bring: plain names, no hidden files, no sub-folders.
IMPORTABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_IMPORT_FILES = 1000
RETENTION_INTERVAL_SECONDS = 3600
# A staging folder this old was left by a writer that died (writing takes seconds);
# a younger one may belong to another process writing right now.
STALE_STAGING_SECONDS = 3600
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # zip has no earlier dates


@dataclass(frozen=True)
class ArchiveEntry:
    """One archived session as the list shows it."""

    code: str
    title: str
    ended_at: datetime
    n_participants: int
    types: list[str]
    fingerprints: list[str]
    imported: bool


@dataclass(frozen=True)
class ImportResult:
    """What happened to one folder given to ``import_archives``."""

    folder: Path
    ok: bool
    message: str
    code: str | None = None


# -- finding archives ---------------------------------------------------------------


def archived_session(sessions: sessionmaker, facilitator_id: int, code: str) -> LiveSession:
    """The ended session ``code`` of ``facilitator_id``; anything else (unknown, not
    ended, another facilitator's) is the same 'not found', never a 'forbidden'."""
    with sessions() as db:
        # Junk (a NUL, say) never reaches the database: PostgreSQL would raise on it.
        row = repository.session_by_code(db, code) if looks_like_archive_code(code) else None
    if row is None or row.facilitator_id != facilitator_id or row.ended_at is None:
        raise DomainError("not_found", "There is no such archived session.")
    return row


def archive_folder(row: LiveSession, archive_dir: Path) -> Path | None:
    """The folder of an archived session, if it is on disk: where it was written, else
    where it would be under ``archive_dir`` (the folder may have been moved with it)."""
    candidates = [Path(row.archive_path)] if row.archive_path else []
    if row.ended_at is not None:
        candidates.append(Path(archive_dir) / f"{row.ended_at.date().isoformat()}-{row.code}")
    for candidate in candidates:
        if candidate.is_dir() and not candidate.is_symlink():
            return candidate
    return None


def inside_archive_dir(folder: Path, archive_dir: Path) -> Path | None:
    """``folder`` resolved, when it is a real folder directly under ``archive_dir``;
    None for a symbolic link or anything elsewhere (never delete outside it)."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return None
    resolved = folder.resolve()
    return resolved if resolved.parent == Path(archive_dir).resolve() else None


def document_of(sessions: sessionmaker, row: LiveSession, archive_dir: Path, server_filter: ProfanityFilter) -> dict:
    """The summary document of an archived session: its ``summary.json``; for a session
    archived here whose folder is gone, the same document made again from the database."""
    folder = archive_folder(row, archive_dir)
    if folder is not None:
        try:
            return read_summary(folder)
        except BadSummary as error:
            log.warning("archive %s: %s", row.code, error)
    return rebuilt_document(sessions, row, server_filter)


def rebuilt_document(sessions: sessionmaker, row: LiveSession, server_filter: ProfanityFilter) -> dict:
    """The summary document of a session archived here, made from the database (its
    folder is missing or unreadable); not_found for an imported session, whose folder
    is all there is."""
    if row.imported:
        raise DomainError("not_found", "The files of this archived session are missing.")
    document, _rows = summary.collect(sessions, row.code, server_filter)
    return document


def downloadable_files(folder: Path, wanted) -> list[str]:
    """The names of the files of ``folder`` that may be downloaded: regular files with
    a single link whose name passes ``wanted`` (links, pipes, hard links are not)."""
    try:
        accepted, _refused = files.inventory(folder, wanted=wanted)
    except OSError:
        return []
    return [entry.name for entry in accepted]


def list_archives(
    sessions: sessionmaker, facilitator_id: int, archive_dir: Path, query: str = "",
    since: date | None = None, until: date | None = None, timezone_name: str = "UTC",
) -> list[ArchiveEntry]:
    """A facilitator's archived sessions, newest first, whose title holds every word
    of ``query`` (case and accents ignored) or whose end date starts with it
    (``2026-11``), ended between ``since`` and ``until`` (both included). Days are
    those of ``timezone_name``, the zone the list shows, so a search finds what is seen."""
    zone = zone_named(timezone_name)
    with sessions() as db:
        rows = list(db.scalars(
            select(LiveSession)
            .where(LiveSession.facilitator_id == facilitator_id, LiveSession.ended_at.is_not(None))
            .order_by(LiveSession.ended_at.desc(), LiveSession.id.desc())
        ))
    words = _folded(query).split()
    entries = []
    for row in rows:
        day = local_day(row.ended_at, zone)
        if (since and day < since) or (until and day > until):
            continue
        title = _folded(row.title)
        if words and not all(word in title or day.isoformat().startswith(word) for word in words):
            continue
        meta = _meta(sessions, row, archive_dir)
        entries.append(ArchiveEntry(
            code=row.code, title=row.title, ended_at=row.ended_at, n_participants=meta["n_participants"],
            types=list(meta["types"]), fingerprints=list(meta["fingerprints"]), imported=row.imported,
        ))
    return entries


def _folded(text: str) -> str:
    """``text`` case-folded without accents, so "soiree" finds "Soirée"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _meta(sessions: sessionmaker, row: LiveSession, archive_dir: Path) -> dict:
    """The stored archive facts of ``row``; worked out from its folder once for a
    session archived before they were kept."""
    if row.archive_meta:
        return row.archive_meta
    folder = archive_folder(row, archive_dir)
    try:
        meta = archive_meta(read_summary(folder)) if folder else None
    except BadSummary:
        meta = None
    if meta is None:
        return {"n_participants": 0, "types": [], "fingerprints": []}
    with sessions.begin() as db:
        stored = db.get(LiveSession, row.id)
        if stored is not None:
            stored.archive_meta = meta
    return meta


def sessions_sharing_activities(entries: list[ArchiveEntry], code: str) -> list[tuple[ArchiveEntry, int]]:
    """The other sessions of ``entries`` that share activities with ``code``, with how
    many, most shared first (then newest)."""
    mine = next((e for e in entries if e.code == code), None)
    if mine is None:
        return []
    prints = set(mine.fingerprints)
    shared = [(e, len(prints & set(e.fingerprints))) for e in entries if e.code != code]
    return sorted((pair for pair in shared if pair[1]), key=lambda pair: -pair[1])


def comparison(
    sessions: sessionmaker, facilitator_id: int, codes: list[str], archive_dir: Path, server_filter: ProfanityFilter,
) -> dict:
    """The comparison of two to six of a facilitator's archived sessions (in the order
    given, duplicates dropped), from their summaries."""
    unique = list(dict.fromkeys(codes))
    if not 2 <= len(unique) <= MAX_COMPARED:
        raise DomainError("invalid_selection", f"Choose 2 to {MAX_COMPARED} sessions to compare.", "code")
    documents = []
    for code in unique:
        row = archived_session(sessions, facilitator_id, code)
        documents.append(document_of(sessions, row, archive_dir, server_filter))
    return matching.compare(documents)


def zip_archive(folder: Path, spool) -> int:
    """Write the regular files of ``folder`` into ``spool`` as a zip under the folder's
    name, each read without following a link; the number of files written (0: no
    zip worth serving). CPU-heavy for a large folder: run it in the pool."""
    accepted, _refused = files.inventory(folder)
    written = 0
    with files.folder(folder) as folder_fd, zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in accepted:
            try:
                descriptor = files.open_regular(folder_fd, entry.name)
            except OSError:
                continue  # changed since it was listed: left out, never followed
            with os.fdopen(descriptor, "rb") as source:
                modified = datetime.fromtimestamp(os.fstat(source.fileno()).st_mtime).timetuple()[:6]
                info = zipfile.ZipInfo(f"{folder.name}/{entry.name}", date_time=max(modified, ZIP_EPOCH))
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                with archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, files.COPY_CHUNK)
            written += 1
    return written


# -- days in the display zone ------------------------------------------------------


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The day in ``zone`` of ``moment``, a naive UTC time as the database holds it."""
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).date()


def local_today(timezone_name: str, now: datetime | None = None) -> date:
    """Today in IANA zone ``timezone_name`` (``now``: naive UTC, default the clock)."""
    return local_day(now or utcnow(), zone_named(timezone_name))


def end_of_local_day(day: date, zone: tzinfo) -> datetime:
    """The naive UTC instant ``day`` ends in ``zone`` (the next day's midnight there)."""
    midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return midnight.astimezone(timezone.utc).replace(tzinfo=None)


# -- share links --------------------------------------------------------------------


def create_share_link(
    sessions: sessionmaker, facilitator_id: int, code: str, expires_on: date | None, show_names: bool,
    today: date | None = None, timezone_name: str = "UTC",
) -> tuple[str, ShareLink]:
    """A new share link for an archived session: its token (shown once, stored only as
    its SHA-256) and the stored link. It expires at the end of day ``expires_on`` in
    ``timezone_name`` (the facilitator's day, not UTC's)."""
    row = archived_session(sessions, facilitator_id, code)
    zone = zone_named(timezone_name)
    today = today or local_day(utcnow(), zone)
    if expires_on is not None and not today <= expires_on <= today + timedelta(days=MAX_SHARE_DAYS):
        raise DomainError("invalid_expiry", "The expiry date must be between today and five years from now.", "expires_on")
    token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
    link = ShareLink(
        session_id=row.id, token_hash=tokens.hash_api_token(token), token_hint=token[:6],
        show_names=bool(show_names), created_at=utcnow(),
        expires_at=end_of_local_day(expires_on, zone) if expires_on else None,
    )
    with sessions.begin() as db:
        db.add(link)
    return token, link


def share_with_participants(sessions: sessionmaker, secret_key: str, code: str) -> str:
    """The path of the summary page the participants of ended session ``code`` are
    given (pseudonymous, no expiry, revocable like any share link); made once."""
    with sessions.begin() as db:
        row = repository.session_by_code(db, code)
        token = tokens.participants_share_token(secret_key, row.code, row.host_salt)
        token_hash = tokens.hash_api_token(token)
        if db.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash)) is None:
            db.add(ShareLink(session_id=row.id, token_hash=token_hash, token_hint=token[:6], show_names=False,
                             created_at=utcnow()))
    return f"/s/{token}"


def participants_summary_path(sessions: sessionmaker, secret_key: str, session: LiveSession) -> str | None:
    """The path of the participants' summary page of an ended session, while its link
    is active (the facilitator may have revoked it), else None."""
    token = tokens.participants_share_token(secret_key, session.code, session.host_salt)
    with sessions() as db:
        link = db.scalar(select(ShareLink).where(ShareLink.token_hash == tokens.hash_api_token(token)))
    return f"/s/{token}" if link is not None and is_active(link) else None


def share_links_of(sessions: sessionmaker, facilitator_id: int, code: str) -> list[ShareLink]:
    """The share links of an archived session, newest first (revoked ones included)."""
    row = archived_session(sessions, facilitator_id, code)
    with sessions() as db:
        query = select(ShareLink).where(ShareLink.session_id == row.id)
        return list(db.scalars(query.order_by(ShareLink.created_at.desc(), ShareLink.id.desc())))


def revoke_share_link(sessions: sessionmaker, facilitator_id: int, code: str, link_id: int) -> None:
    """Revoke one share link of an archived session; its address is a 404 from now on."""
    row = archived_session(sessions, facilitator_id, code)
    with sessions.begin() as db:
        link = db.get(ShareLink, link_id)
        if link is None or link.session_id != row.id:
            raise DomainError("not_found", "There is no such share link.")
        link.revoked_at = link.revoked_at or utcnow()


def last_day(link: ShareLink, timezone_name: str = "UTC") -> date | None:
    """The last day (in ``timezone_name``) a link works, as the facilitator chose it; None
    for a link without expiry. ``expires_at`` is the instant just after that day."""
    if link.expires_at is None:
        return None
    return local_day(link.expires_at - timedelta(microseconds=1), zone_named(timezone_name))


def is_active(link: ShareLink, now: datetime | None = None) -> bool:
    """True while a link is neither revoked nor expired."""
    now = now or utcnow()
    return link.revoked_at is None and (link.expires_at is None or now < link.expires_at)


def shared_session(sessions: sessionmaker, token: object, now: datetime | None = None) -> tuple[LiveSession, ShareLink] | None:
    """The archived session a share token opens, with its link; None for a wrong,
    revoked or expired token (they all look the same to the visitor)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    with sessions() as db:
        link = db.scalar(select(ShareLink).where(ShareLink.token_hash == tokens.hash_api_token(token)))
        row = db.get(LiveSession, link.session_id) if link is not None else None
    if link is None or row is None or row.ended_at is None or not is_active(link, now):
        return None
    return row, link


# -- run again ----------------------------------------------------------------------


def run_again(
    sessions: sessionmaker, secret_key: str, facilitator_id: int, code: str, archive_dir: Path,
    server_filter: ProfanityFilter,
) -> planning.CreatedSession:
    """A new session, in the lobby, with the same title and activities as an archived
    one (read from its summary, so an imported session can be run again too)."""
    row = archived_session(sessions, facilitator_id, code)
    document = document_of(sessions, row, archive_dir, server_filter)
    specs = []
    for activity in sorted(document.get("activities") or [], key=lambda a: a.get("position", 0)):
        try:
            specs.append(registry.parse_spec(activity).as_dict())
        except DomainError:
            continue  # a type this server does not run, or a spec it no longer accepts
    if not specs:
        raise DomainError("nothing_to_run", "None of this session's activities can be run on this server.")
    title = (document.get("title") or row.title or "?")[: planning.MAX_TITLE]
    settings = session_settings.settings_of(row.settings)
    return planning.create_session(
        sessions, secret_key, facilitator_id, title, specs, settings["profanity_filter"], settings["blocked_words"],
        settings.get("expected_participants"), settings["share_with_participants"], reactions=settings["reactions"],
    )


# -- deletion and retention ---------------------------------------------------------


def delete_archive(sessions: sessionmaker, facilitator_id: int, code: str, archive_dir: Path) -> None:
    """Delete an archived session for good: its answers, participants, activities,
    share links, the session and its folder (only inside ``archive_dir``)."""
    row = archived_session(sessions, facilitator_id, code)
    _delete_session(sessions, row, archive_dir)


def _delete_session(sessions: sessionmaker, row: LiveSession, archive_dir: Path) -> None:
    """Delete ``row`` and everything of it; the rows go only if the folder went too."""
    with sessions.begin() as db:
        for model in (Answer, Participant, Activity, ShareLink, ReactionCount):
            db.execute(delete(model).where(model.session_id == row.id))
        db.execute(delete(LiveSession).where(LiveSession.id == row.id))
        db.flush()
        folder = archive_folder(row, archive_dir)
        safe = inside_archive_dir(folder, archive_dir) if folder is not None else None
        if safe is not None:
            shutil.rmtree(safe)  # an error rolls the rows back: nothing half deleted
        elif folder is not None:
            log.warning("session %s deleted; its folder %s is outside LIVE_ARCHIVE_DIR and was left", row.code, folder)
        if folder is not None:
            archive_pages.forget(archive_dir, folder.name)  # the pages drawn from it, names included


def purge_expired(sessions: sessionmaker, archive_dir: Path, days: int, now: datetime | None = None) -> list[str]:
    """Delete every session that ended more than ``days`` days ago (any facilitator's),
    with its files; returns their codes. A failure on one is logged, the rest go on."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    with sessions() as db:
        rows = list(db.scalars(select(LiveSession).where(LiveSession.ended_at.is_not(None), LiveSession.ended_at < cutoff)))
    deleted = []
    for row in rows:
        try:
            _delete_session(sessions, row, archive_dir)
            deleted.append(row.code)
        except Exception:  # noqa: BLE001 - one bad folder must not stop the purge
            log.exception("retention: could not delete session %s", row.code)
    return deleted


def retention_loop(sessions: sessionmaker, archive_dir: Path, days: int, sleep, forget=None) -> None:
    """Purge now, then every hour, for as long as the server runs (a background task);
    ``forget(code)`` drops each deleted session from the running server's cache."""
    while True:
        deleted = purge_expired(sessions, archive_dir, days)
        if deleted:
            log.warning("retention: deleted %d archived session(s) older than %d days", len(deleted), days)
        for code in deleted:
            if forget is not None:
                forget(code)
        sleep(RETENTION_INTERVAL_SECONDS)


# -- portable folders ---------------------------------------------------------------


def export_archive(
    sessions: sessionmaker, code: str, archive_dir: Path, server_filter: ProfanityFilter, to: Path | None = None,
    timezone_name: str | None = None,
) -> Path:
    """The archive folder of ended session ``code``, written again from the database
    when it is missing or incomplete (its times shown in ``timezone_name``); with
    ``to``, a copy in that folder (never over an existing one) of its regular files,
    none read through a link. An imported session's folder cannot be rebuilt: when it
    is missing or its summary.json unreadable, that is an error."""
    code = code.strip()
    with sessions() as db:
        row = repository.session_by_code(db, code) if looks_like_archive_code(code) else None
    if row is None or row.ended_at is None:
        raise DomainError("not_found", f"There is no ended session {code}.")
    folder = archive_folder(row, archive_dir)
    if row.imported:
        if folder is None:
            raise DomainError("not_found", f"The files of imported session {code} are missing; nothing to rebuild them from.")
        try:
            read_summary(folder)
        except BadSummary as error:
            raise DomainError("incomplete", f"The files of imported session {code} are damaged ({error}); "
                                            "nothing to rebuild them from.") from None
    elif folder is None or not is_complete(folder):
        folder = summary.archive_session(sessions, code, archive_dir, server_filter, timezone_name=timezone_name)
    if to is None:
        return folder
    return _copy_out(folder, Path(to))


def _copy_out(folder: Path, to: Path) -> Path:
    """A copy of the archive ``folder`` in ``to`` (staged, then renamed into place)."""
    target = to / folder.name
    if os.path.lexists(target):
        raise DomainError("exists", f"{target} exists already; nothing was overwritten.")
    to.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=to))
    try:
        left_out = files.copy_files(folder, staging)
        os.chmod(staging, 0o755)
        os.rename(staging, target)  # fails if the target appeared meanwhile: nothing overwritten
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for name, reason in left_out:
        log.warning("%s: %s was not copied: it is %s", folder.name, name, reason)
    return target


# -- importing ----------------------------------------------------------------------


def import_archives(
    sessions: sessionmaker, source: Path, archive_dir: Path, facilitator_email: str | None = None,
) -> list[ImportResult]:
    """Index archive folders copied from another server: ``source`` is one archive
    folder or a folder of them. Each is checked, copied under ``archive_dir`` (unless
    it is there already) and listed for the facilitator; a corrupt, foreign or
    duplicate one is skipped with the reason, and nothing existing is overwritten.
    Whatever goes wrong with one folder is reported in its result and the next one
    is imported all the same."""
    source = Path(source)
    if not source.is_dir():
        raise DomainError("not_found", f"{source} is not a folder.")
    owner = _import_owner(sessions, facilitator_email)
    candidates = [source] if os.path.lexists(source / "summary.json") else sorted(
        p for p in source.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )
    if not candidates:
        raise DomainError("not_found", f"{source} holds no archive folder (no summary.json).")
    return [_import_reported(sessions, folder, Path(archive_dir), owner) for folder in candidates]


def _import_owner(sessions: sessionmaker, email: str | None) -> Facilitator:
    with sessions() as db:
        if email:
            owner = repository.facilitator_by_email(db, accounts.normalise_email(email))
            if owner is None:
                raise DomainError("not_found", f"There is no facilitator {email}.")
            return owner
        everyone = list(db.scalars(select(Facilitator).limit(2)))
    if len(everyone) != 1:
        raise DomainError("blank", "Say whose archives these are: --facilitator EMAIL.", "facilitator")
    return everyone[0]


def _import_reported(sessions: sessionmaker, folder: Path, archive_dir: Path, owner: Facilitator) -> ImportResult:
    """``_import_one``, with any failure of this folder turned into its result."""
    try:
        return _import_one(sessions, folder, archive_dir, owner)
    except BadSummary as error:
        return ImportResult(folder, False, f"skipped: {error}")
    except files.UnsafeFile as error:
        return ImportResult(folder, False, f"skipped: {error.name} is {error.reason}; nothing was imported")
    except OSError as error:
        return ImportResult(folder, False, f"skipped: cannot read {error.filename or 'the folder'}: "
                                           f"{error.strerror or type(error).__name__}")
    except Exception as error:  # noqa: BLE001 - one odd folder must not stop the others
        log.exception("import of %s failed", folder)
        return ImportResult(folder, False, f"skipped: unexpected error ({type(error).__name__})")


def _import_one(sessions: sessionmaker, folder: Path, archive_dir: Path, owner: Facilitator) -> ImportResult:
    document = read_summary(folder)
    code = document["code"]
    if _code_taken(sessions, code):
        return ImportResult(folder, False, f"skipped: a session with code {code} exists already", code)
    target = archive_dir / folder_name(document)
    if _same_folder(folder, target):
        return _import_in_place(sessions, document, folder, target, owner)
    if os.path.lexists(target):
        return ImportResult(folder, False, f"skipped: {target} exists already", code)
    return _import_copy(sessions, document, folder, target, owner)


def _code_taken(sessions: sessionmaker, code: str) -> bool:
    with sessions() as db:
        return repository.session_by_code(db, code) is not None


def _same_folder(folder: Path, target: Path) -> bool:
    """True when ``folder`` is ``target`` itself: a real folder (not a link) already in place."""
    try:
        mine, theirs = os.lstat(folder), os.lstat(target)
    except OSError:
        return False
    return stat.S_ISDIR(theirs.st_mode) and os.path.samestat(mine, theirs)


def _import_in_place(sessions: sessionmaker, document: dict, folder: Path, target: Path,
                     owner: Facilitator) -> ImportResult:
    """Index ``folder``, which is already where it belongs (``target``). Its links, hard
    links and special files stay where they are, but no page, download or zip reads them."""
    _check_renders(document)
    _accepted, refused = files.inventory(target, wanted=IMPORTABLE_NAME.fullmatch)
    try:
        _index(sessions, document, target, owner)
    except IntegrityError:
        return ImportResult(folder, False, f"skipped: a session with code {document['code']} exists already",
                            document["code"])
    return ImportResult(folder, True, f"imported in place as {target.name}{_left_out(refused)}", document["code"])


def _import_copy(
    sessions: sessionmaker, document: dict, folder: Path, target: Path, owner: Facilitator,
) -> ImportResult:
    """Copy the folder's plain files next to the others, through a hidden staging
    folder (a half copy is never listed), then index it; either both happen or neither.
    Each file is opened once without following links and copied from that descriptor,
    and the summary indexed is the one copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=target.parent))
    try:
        refused = files.copy_files(folder, staging, wanted=IMPORTABLE_NAME.fullmatch, max_files=MAX_IMPORT_FILES,
                                   max_bytes=MAX_IMPORT_BYTES)
        if read_summary(staging) != document:
            raise BadSummary("summary.json changed while it was being imported")
        _check_renders(document)
        os.chmod(staging, 0o755)  # mkdtemp makes 0700
        try:
            _index(sessions, document, target, owner, staging)
        except IntegrityError:
            return ImportResult(folder, False, f"skipped: a session with code {document['code']} exists already",
                                document["code"])
    except files.TooLarge:
        raise BadSummary(f"the folder is too large (more than {MAX_IMPORT_FILES} files or "
                         f"{MAX_IMPORT_BYTES // 2**20} MB)") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already once renamed into place
    return ImportResult(folder, True, f"imported as {target.name}{_left_out(refused)}", document["code"])


def _left_out(refused: list[tuple[str, str]]) -> str:
    """``; left out: a (a symbolic link), b (...)`` for the import's report, or nothing."""
    if not refused:
        return ""
    return "; left out: " + ", ".join(f"{name} ({reason})" for name, reason in refused)


def _check_renders(document: dict) -> None:
    """Refuse a summary the pages could not show, before it is listed anywhere."""
    try:
        render_summary_fragment(document)
        matching.compare([document, document])
    except Exception as error:  # noqa: BLE001 - whatever breaks, the folder is corrupt
        raise BadSummary(f"summary.json cannot be shown ({type(error).__name__})") from None


def _index(sessions, document: dict, target: Path, owner, staging: Path | None = None) -> None:
    """Add the session row of an imported folder and, for a copy, rename ``staging``
    to ``target`` in the same transaction: either both happen or neither."""
    ended = _naive(document["ended_at"])
    row = LiveSession(
        code=document["code"], title=document["title"] or "?", facilitator_id=owner.id, host_salt=tokens.new_salt(),
        phase=ENDED, created_at=_naive(document.get("created_at")) or ended, started_at=_naive(document.get("started_at")),
        ended_at=ended, archive_path=str(target), imported=True,
        archive_meta=archive_meta(document), settings=dict(session_settings.DEFAULTS),
    )
    with sessions.begin() as db:
        db.add(row)
        db.flush()
        if staging is not None:
            os.rename(staging, target)  # fails if the target appeared meanwhile: nothing overwritten


def _naive(value: object) -> datetime | None:
    """A summary timestamp as the naive UTC the database holds."""
    parsed = _parse_time(value)
    return parsed.replace(tzinfo=None) if parsed else None


# -- repairs at start ---------------------------------------------------------------


def repair_archives(
    sessions: sessionmaker, archive_dir: Path, server_filter: ProfanityFilter, timezone_name: str | None = None,
    offload: Offload = run_here,
) -> list[str]:
    """Write again the archives that a crash or a failure left behind (at start): a
    session that ended here but whose archive was never written (a kill -9 or a full
    disk while ending), or whose folder is incomplete (cut short by an older version);
    remove staging folders that writers killed long ago left, and the kept pages of
    folders removed by hand. The codes written.
    A failure is logged and the others go on; a folder deleted by hand stays deleted
    (its pages come from the database, ``live archive export`` writes it again)."""
    offload(remove_stale_staging, archive_dir)
    offload(archive_pages.forget_orphans, archive_dir)
    with sessions() as db:
        rows = list(db.scalars(
            select(LiveSession).where(LiveSession.ended_at.is_not(None), LiveSession.imported.is_(False))
        ))
    written = [(row.code, archive_folder(row, archive_dir)) for row in rows if row.archive_path is not None]
    incomplete = set(offload(_incomplete, [(code, folder) for code, folder in written if folder is not None]))
    repaired = []
    for row in rows:
        if row.archive_path is not None and row.code not in incomplete:
            continue
        try:
            summary.archive_session(sessions, row.code, archive_dir, server_filter, timezone_name=timezone_name,
                                    offload=offload)
        except Exception:  # noqa: BLE001 - one failure must not stop the others
            log.exception("archive of session %s could not be written again", row.code)
            continue
        repaired.append(row.code)
    if repaired:
        log.warning("archives: wrote %d archive(s) left unwritten or incomplete: %s", len(repaired),
                    ", ".join(repaired))
    return repaired


def _incomplete(folders: list[tuple[str, Path]]) -> list[str]:
    """The codes whose folder is not a complete archive (in the pool: one listing each)."""
    return [code for code, folder in folders if not is_complete(folder)]


def remove_stale_staging(archive_dir: Path, now: float | None = None) -> list[str]:
    """Remove the staging folders (``.<name>.<random>.tmp``, ``.import-*``) under
    ``archive_dir`` that are older than STALE_STAGING_SECONDS: left by a writer that
    was killed. Younger ones may be another process's, writing right now."""
    now = now if now is not None else clock.time()
    removed = []
    for path in [*stale_staging(archive_dir), *_import_staging(archive_dir)]:
        try:
            if now - os.lstat(path).st_mtime < STALE_STAGING_SECONDS:
                continue
            shutil.rmtree(path)
        except OSError:
            continue
        removed.append(path.name)
    return removed


def _import_staging(archive_dir: Path) -> list[Path]:
    """The staging folders of imports (``.import-*``) under ``archive_dir``."""
    try:
        found = list(Path(archive_dir).iterdir())
    except OSError:
        return []
    return [p for p in found if p.name.startswith(".import-") and p.is_dir() and not p.is_symlink()]
