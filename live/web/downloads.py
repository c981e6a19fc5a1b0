"""Downloads of one activity for its facilitator (a date poll's chosen slot as an
``.ics`` calendar event, its grid as CSV): from their pages (signed in) and from the
API (Bearer token), while the session runs and after it ended. Another facilitator's
session is a 404, as everywhere."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from live.archive.document import looks_like_archive_code
from live.archive.writer import zone_named
from live.domain.errors import DomainError
from live.extensions import services
from live.services import downloads
from live.web import limits
from live.web.api import _facilitator

bp = Blueprint("downloads", __name__)
MAX_NAME = 40


def _download(facilitator_id: int, code: str, activity_id: str, name: str) -> Response:
    if not looks_like_archive_code(code) or len(activity_id) > 64 or len(name) > MAX_NAME:
        raise DomainError("not_found", "This activity has no such file.")
    live = services()
    made = downloads.activity_download(
        live.sessions, live.settings.archive_dir, live.runtime.server_filter, facilitator_id, code, activity_id, name,
        request.args, zone_named(live.settings.timezone), translate=gettext,
    )
    # CSV keeps the BOM that tells spreadsheets it is UTF-8, as in the archive; a calendar none.
    body = made.text.encode("utf-8-sig" if made.mimetype == "text/csv" else "utf-8")
    response = Response(body, mimetype=made.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{code}-{made.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Refusals the facilitator's pages explain in their language (the API keeps the contract's English).
def _page_message(error: DomainError) -> str:
    messages = {
        "no_times": _("This option has no start and end: a calendar event needs both. Add them in the editor before the session, or choose a time slot."),
        "no_best_slot": _("No slot has a yes or a maybe yet, so there is no best slot to export."),
        "unknown_option": _("This date poll has no such option."),
    }
    return messages.get(error.code, _("There is nothing at this address. Check the code or the link."))


@bp.get("/sessions/<code>/activities/<activity_id>/<name>")
@login_required
def page_download(code: str, activity_id: str, name: str):
    """A file of one activity of the signed-in facilitator's session."""
    try:
        return _download(current_user.id, code, activity_id, name)
    except DomainError as error:
        status = 404 if error.code == "not_found" else 400
        return render_template("error.html", status=status, message=_page_message(error)), status


@bp.get("/api/sessions/<code>/activities/<activity_id>/<name>")
@limits.api_calls
def api_download(code: str, activity_id: str, name: str):
    """A file of one activity of the caller's session (Bearer API token)."""
    # Refusals become the contract's JSON error (404 not_found, 400 for the rest).
    return _download(_facilitator().id, code, activity_id, name)
