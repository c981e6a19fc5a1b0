"""The JSON API: create a session, read its summary. Bearer API tokens."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from live.extensions import services
from live.urls import public_base_url
from live.archive.document import looks_like_archive_code
from live.domain.codes import looks_like_join_code
from live.domain.errors import DomainError
from live.services import accounts, archives, planning, summary
from live.services import settings as session_settings
from live.web import limits

bp = Blueprint("api", __name__, url_prefix="/api")


def _facilitator():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    facilitator = None
    if scheme.lower() == "bearer" and token.strip():
        facilitator = accounts.facilitator_for_token(services().sessions, token.strip())
    if facilitator is None:
        raise DomainError("unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'.")
    return facilitator


def _json_body() -> dict:
    if not request.is_json:
        raise DomainError("invalid_body", "Send a JSON object with Content-Type: application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("invalid_body", "The body must be a JSON object.")
    return body


def session_links(code: str) -> dict:
    """The addresses of a session, as phones and host screens reach them."""
    base = public_base_url()
    return {
        "join_url": f"{base}{url_for('pages.join_page', code=code)}",
        "qr_url": f"{base}{url_for('pages.qr_code', code=code)}",
        "host_url": f"{base}{url_for('pages.host_screen', code=code)}",
    }


@bp.post("/sessions")
@limits.api_calls
def create_session():
    """Create a session from a title and a list of activities."""
    facilitator = _facilitator()
    body = _json_body()
    created = planning.create_session(
        services().sessions, services().settings.secret_key, facilitator.id, body.get("title"), body.get("activities"),
        body.get("profanity_filter", True), body.get("blocked_words"), body.get("expected_participants"),
        body.get("share_with_participants", False), reactions=body.get("reactions", session_settings.UNSET),
    )
    document = {"code": created.code, "host_token": created.host_token, **session_links(created.code)}
    document["activities"] = created.activities
    return jsonify(document), 201


@bp.put("/sessions/<code>")
@limits.api_calls
def update_session(code: str):
    """Replace the title, activities and settings of one of the caller's sessions that
    has not started yet (the body of ``POST /api/sessions``). Once an activity has been
    opened (or the session ended) the plan is frozen: ``409 already_started``, and
    nothing stored changes."""
    facilitator = _facilitator()
    body = _json_body()
    if not looks_like_join_code(code):  # junk never reaches the database
        raise DomainError("not_found", "There is no such session.")
    live = services()
    planning.update_plan(
        live.sessions, facilitator.id, code, body.get("title"), body.get("activities"),
        body.get("profanity_filter", True), body.get("blocked_words"), body.get("expected_participants"),
        body.get("share_with_participants", False), reactions=body.get("reactions", session_settings.UNSET),
    )
    live.screens.deliver(live.runtime.reload_plan(code))
    row = planning.owned_session(live.sessions, facilitator.id, code)
    activities = [{"id": a["id"], "type": a["type"]} for a in planning.plan_of(live.sessions, row.id)]
    return jsonify({"code": code, **session_links(code), "activities": activities})


@bp.get("/sessions/<code>/summary")
@limits.api_calls
def session_summary(code: str):
    """The summary document of one of the caller's sessions (the archived summary.json)."""
    facilitator = _facilitator()
    if not looks_like_archive_code(code):  # junk never reaches the database
        raise DomainError("not_found", "There is no such session.")
    row = planning.owned_session(services().sessions, facilitator.id, code)
    live = services()
    if row.imported:
        # Copied from another server: its answers are in its folder, not in our tables.
        document = archives.document_of(live.sessions, row, live.settings.archive_dir, live.runtime.server_filter)
    else:
        document, _rows = summary.collect(live.sessions, code, live.runtime.server_filter)
        # As in its summary.json: the zone this server shows times in (the times stay UTC).
        document = {**document, "timezone": live.settings.timezone}
    return jsonify(document)
