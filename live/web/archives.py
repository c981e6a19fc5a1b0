"""Archive pages: the facilitator's archived sessions (list and search, one page per
session, files and zip, share links, run again, deletion, comparison) and the
read-only share page the group opens without an account.

Every page is built from the archived summary document, so an imported session (no
answer rows here) works like any other. Another facilitator's archive is a 404.
"""

from __future__ import annotations

import logging
import re
import tempfile
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from live.activities.registry import KINDS
from live.extensions import services
from live.archive import files
from live.archive.document import BadSummary
from live.archive.writer import STYLESHEET, render_comparison
from live.domain.errors import DomainError
from live.services import archives, planning
from live.services.downloads import offered as offered_downloads
from live.services.archive_pages import Variant
from live.web.limits import share_views

bp = Blueprint("archives", __name__)
log = logging.getLogger(__name__)

ARCHIVE_FILES = {
    "summary.json": "application/json", "answers.csv": "text/csv", "index.html": "text/html",
    "quiz-leaderboard.csv": "text/csv", "quiz-questions.csv": "text/csv", "reactions.csv": "text/csv",
}
# A kind's file of one activity: ``<kind>-<number>.csv``, the kind's name written with
# "-" or "_" (``date-poll-3.csv``, ``open-text-1.csv``); checked against the registry.
ACTIVITY_CSV = re.compile(r"([a-z]+(?:[-_][a-z]+)*)-[1-9][0-9]{0,2}\.csv")
# The archived index.html holds inline CSS only (no script): allow that, nothing else.
ARCHIVED_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
ZIP_SPOOL_BYTES = 8 * 1024 * 1024  # larger zips spill to a temporary file


def archive_mimetype(filename: str) -> str | None:
    """The type of an archive file that may be downloaded, or None (anything else is a 404)."""
    activity_file = ACTIVITY_CSV.fullmatch(filename)
    if activity_file and activity_file.group(1).replace("-", "_") in KINDS:
        return "text/csv"
    return ARCHIVE_FILES.get(filename)


def _locale() -> str:
    return str(get_locale() or "en")


def _archived_or_404(code: str):
    try:
        return archives.archived_session(services().sessions, current_user.id, code)
    except DomainError:
        abort(404)


def _zone() -> str:
    """LIVE_TIMEZONE: the zone every date and time of these pages is shown in."""
    return services().settings.timezone


def _summary(row, names: bool) -> Markup:
    """The summary of an archived session for a page, in the visitor's language, with
    the players' names or not: the page kept for it, or drawn once in the worker pool
    (live/services/archive_pages.py). From the database when its folder is gone."""
    live = services()
    variant = Variant(_locale(), names)
    folder = archives.archive_folder(row, live.settings.archive_dir)
    if folder is not None:
        try:
            # Autoescaped by the archive's Jinja environment: safe to insert as is.
            return Markup(live.pages.fragment(folder, variant))
        except BadSummary as error:
            log.warning("archive %s: %s", row.code, error)
    document = archives.rebuilt_document(live.sessions, row, live.runtime.server_filter)
    return Markup(live.pages.draw(document, variant))


def _day(field: str) -> date | None:
    """A ``YYYY-MM-DD`` query argument, or None when blank or not a date."""
    try:
        return date.fromisoformat(request.args.get(field, "").strip())
    except ValueError:
        return None


@bp.get("/archive.css")
def summary_stylesheet():
    """The summary's style (the same as inlined in every index.html), for the app's pages."""
    response = send_file(STYLESHEET, mimetype="text/css", max_age=3600)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/archives")
@login_required
def index():
    """The facilitator's archived sessions, newest first, searchable by title and date."""
    live = services()
    query = request.args.get("q", "")[:200]
    since, until = _day("from"), _day("to")
    entries = archives.list_archives(live.sessions, current_user.id, live.settings.archive_dir, query, since, until,
                                     timezone_name=_zone())
    searching = bool(query.strip() or since or until)
    return render_template("archives.html", entries=entries, query=query, since=since, until=until, searching=searching)


@bp.get("/archives/compare")
@login_required
def compare():
    """Two or more archived sessions side by side: the picker, and the comparison once chosen."""
    live = services()
    codes = [code for code in request.args.getlist("code") if code][: archives.MAX_COMPARED + 1]
    entries = archives.list_archives(live.sessions, current_user.id, live.settings.archive_dir, timezone_name=_zone())
    fragment, error = None, None
    if codes:
        try:
            result = archives.comparison(live.sessions, current_user.id, codes, live.settings.archive_dir,
                                         live.runtime.server_filter)
            # Laying out the clouds takes a while: in the worker process. Autoescaped by
            # the archive's Jinja environment: safe to insert as is.
            fragment = Markup(live.offload.compute(render_comparison, result, _locale(), timezone_name=_zone()))
        except DomainError as failure:
            if failure.code == "not_found":
                abort(404)
            error = _("Choose 2 to %(num)d sessions to compare.", num=archives.MAX_COMPARED)
    suggested = archives.sessions_sharing_activities(entries, codes[0]) if codes else []
    status = 400 if error else 200
    return render_template("archive_compare.html", entries=entries, chosen=codes, fragment=fragment, error=error,
                           suggested={entry.code: n for entry, n in suggested}), status


def activity_exports(row) -> list[dict]:
    """The files kinds offer of each activity of session ``row`` (a date poll's calendar
    event and grid), with their addresses, for the facilitator's own pages."""
    offered = offered_downloads(planning.public_plan(services().sessions, row.id))
    return [
        {"number": item.number, "prompt": item.prompt, "template": item.template,
         "urls": {name: url_for("downloads.page_download", code=row.code, activity_id=item.activity_id, name=name)
                  for name in item.names}}
        for item in offered
    ]


def _session_page(code: str, new_link: str | None = None, error: str | None = None, status: int = 200):
    live = services()
    row = _archived_or_404(code)
    summary = _summary(row, names=True)
    folder = archives.archive_folder(row, live.settings.archive_dir)
    downloads = archives.downloadable_files(folder, archive_mimetype) if folder else []
    exports = activity_exports(row)
    entries = archives.list_archives(live.sessions, current_user.id, live.settings.archive_dir, timezone_name=_zone())
    return render_template(
        "archive_session.html", session=row, files=downloads, exports=exports, new_link=new_link, error=error, summary=summary,
        links=archives.share_links_of(live.sessions, current_user.id, code), is_active=archives.is_active,
        last_day=lambda link: archives.last_day(link, _zone()), timezone=_zone(),
        similar=archives.sessions_sharing_activities(entries, code), today=archives.local_today(_zone()).isoformat(),
    ), status


@bp.get("/archives/<code>")
@login_required
def session_page(code: str):
    """One archived session: its charts and figures, files, share links and actions."""
    return _session_page(code)


@bp.get("/archives/<code>/download.zip")
@login_required
def download_zip(code: str):
    """The session's archive folder as one zip file."""
    live = services()
    row = _archived_or_404(code)
    folder = archives.archive_folder(row, live.settings.archive_dir)
    if folder is None:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES)
    # Compressing a large folder takes a while: in the worker pool.
    if not live.offload(archives.zip_archive, folder, spool):
        spool.close()
        abort(404)  # nothing there worth a zip: never an empty one
    spool.seek(0)
    return send_file(spool, mimetype="application/zip", as_attachment=True, download_name=f"{folder.name}.zip")


@bp.get("/archives/<code>/<filename>")
@login_required
def archive_file(code: str, filename: str):
    """One file of an archived session: index.html, summary.json or a CSV."""
    row = _archived_or_404(code)
    mimetype = archive_mimetype(filename)
    folder = archives.archive_folder(row, services().settings.archive_dir)
    if mimetype is None or folder is None:
        abort(404)
    try:
        # A link, a hard link, a pipe or a device in its place is never read.
        opened = files.open_file(folder, filename)
    except OSError:
        abort(404)
    response = send_file(opened, mimetype=mimetype, as_attachment=filename != "index.html",
                         download_name=f"{code}-{filename}")
    if filename == "index.html":
        response.headers["Content-Security-Policy"] = ARCHIVED_PAGE_CSP
    return response


@bp.post("/archives/<code>/shares")
@login_required
def create_share(code: str):
    """A new share link (shown once, on the page this answers)."""
    _archived_or_404(code)
    typed = request.form.get("expires_on", "").strip()
    expires_on = None
    if typed:
        try:
            expires_on = date.fromisoformat(typed)
        except ValueError:
            return _session_page(code, error=_("Give the expiry date as a date, or leave it empty."), status=400)
    try:
        token, _link = archives.create_share_link(services().sessions, current_user.id, code, expires_on,
                                                  request.form.get("show_names") == "y", timezone_name=_zone())
    except DomainError:
        return _session_page(code, error=_("The expiry date must be between today and five years from now."), status=400)
    return _session_page(code, new_link=url_for("archives.shared_summary", token=token, _external=True), status=201)


@bp.post("/archives/<code>/shares/<int:link_id>/revoke")
@login_required
def revoke_share(code: str, link_id: int):
    """Revoke a share link: its address shows nothing any more."""
    _archived_or_404(code)
    try:
        archives.revoke_share_link(services().sessions, current_user.id, code, link_id)
    except DomainError:
        abort(404)
    return redirect(url_for("archives.session_page", code=code, _anchor="share"))


@bp.post("/archives/<code>/again")
@login_required
def run_again(code: str):
    """A new session with the same activities, opened in the editor."""
    live = services()
    _archived_or_404(code)
    try:
        created = archives.run_again(live.sessions, live.settings.secret_key, current_user.id, code,
                                     live.settings.archive_dir, live.runtime.server_filter)
    except DomainError:
        return _session_page(code, error=_("None of this session's activities can be run on this server."), status=409)
    return redirect(url_for("pages.edit_session", code=created.code))


@bp.route("/archives/<code>/delete", methods=["GET", "POST"])
@login_required
def delete(code: str):
    """Ask, then delete an archived session with its answers and files."""
    row = _archived_or_404(code)
    if request.method == "GET":
        return render_template("archive_delete.html", session=row)
    archives.delete_archive(services().sessions, current_user.id, code, services().settings.archive_dir)
    services().runtime.forget(row.code)
    return redirect(url_for("archives.index", deleted=row.title))


@bp.get("/s/<token>")
@share_views
def shared_summary(token: str):
    """The read-only summary behind a share link, for anyone who has the link; names are
    pseudonymised unless the facilitator chose to show them. A wrong, revoked or
    expired link is a 404. Rate limited per address (LIVE_RATE_SHARE)."""
    found = archives.shared_session(services().sessions, token)
    if found is None:
        abort(404)
    row, link = found
    return render_template("share.html", title=row.title, summary=_summary(row, names=link.show_names))


@bp.after_app_request
def share_page_headers(response):
    """The share page's address is a secret: never sent on as a referrer, never indexed.

    An app-wide hook, registered before live.web.security's, so it runs after it and
    its Referrer-Policy is the one that stays."""
    if request.endpoint == "archives.shared_summary":
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
