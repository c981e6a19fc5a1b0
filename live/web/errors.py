"""Errors: JSON documents under /api/, friendly pages elsewhere; never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, TooManyRequests

from live.domain.errors import DomainError

log = logging.getLogger(__name__)

STATUS_OF = {
    "not_found": 404, "unknown_session": 404, "forbidden": 403, "unauthorized": 401,
    "already_started": 409, "exists": 409, "unavailable": 503,
}


def json_error(code: str, message: str, status: int, field: str | None = None, problems: list | None = None):
    """The contract's JSON error document; ``problems`` lists every refusal when
    several inputs were wrong at once (the first is the error itself)."""
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    if problems and len(problems) > 1:
        error["problems"] = [problem.as_dict() for problem in problems]
    return jsonify({"ok": False, "error": error}), status


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        status = STATUS_OF.get(error.code, 400)
        if _wants_json():
            return json_error(error.code, error.message, status, error.field, error.problems)
        return render_template("error.html", status=status, message=error.message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Your form expired. Please reload the page and try again.")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(TooManyRequests)
    def rate_limited(error: TooManyRequests):
        from live.web.limits import retry_after

        seconds = retry_after()
        if _wants_json():
            response, status = json_error(
                "rate_limited", f"Too many requests: try again in {seconds} seconds.", 429
            )
        else:
            message = _("Too many attempts from your network. Please wait %(seconds)s seconds and try again.",
                        seconds=seconds)
            response = app.make_response((render_template("error.html", status=429, message=message), 429))
            status = 429
        response.headers["Retry-After"] = str(seconds)
        return response, status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        if _wants_json():
            return json_error(code, error.description or error.name, status)
        messages = {
            404: _("There is nothing at this address. Check the code or the link."),
            405: _("This address does not take that kind of request."),
            413: _("What you sent is too large."),
        }
        return render_template("error.html", status=status, message=messages.get(status, error.name)), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s", request.path)
        if _wants_json():
            return json_error("internal", "Something went wrong on the server.", 500)
        return render_template("error.html", status=500, message=_("Something went wrong on the server.")), 500
