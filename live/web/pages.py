"""HTML pages: landing and join, QR code, host screen, dashboard, session editor
(archive pages are in live/web/archives.py)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from live.app import LOCALES, public_base_url, services
from live.domain.activities import MAX_ACTIVITIES
from live.domain.codes import looks_like_join_code, normalise_join_code
from live.domain.errors import DomainError
from live.domain.joins import JoinSettings
from live.services import planning, quiz_import, summary
from live.web import limits
from live.web.forms import ImportForm, JoinForm, SessionForm
from live.web.inputs import same_site_path

bp = Blueprint("pages", __name__)


def _session_or_404(code: str):
    # Junk never reaches the database (PostgreSQL refuses a NUL in text with an error).
    row = summary.session_row(services().sessions, code) if looks_like_join_code(code) else None
    if row is None:
        abort(404)
    return row


def _owned_or_404(code: str):
    if not looks_like_join_code(code):
        abort(404)
    try:
        return planning.owned_session(services().sessions, current_user.id, code)
    except DomainError:
        abort(404)


def join_url(code: str) -> str:
    """The address printed in the QR code."""
    return f"{public_base_url()}{url_for('pages.join_page', code=code)}"


def spaced(code: str) -> str:
    """A join code in groups of four, easier to read from the back of a room."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@bp.get("/")
def index():
    """Facilitators go to their dashboard; everyone else can type a join code."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    return render_template("index.html", form=JoinForm(request.args))


@bp.get("/join")
@limits.join_attempts
def join_by_code():
    """The typed-code form of the landing page."""
    form = JoinForm(request.args)
    code = normalise_join_code(form.code.data or "")
    if not code:
        return render_template("index.html", form=form)
    if looks_like_join_code(code) and summary.session_row(services().sessions, code):
        limits.opened(code)
        return redirect(url_for("pages.join_page", code=code))
    return render_template("index.html", form=form, not_found=True), 404


@bp.get("/j/<code>")
@limits.join_attempts
def join_page(code: str):
    """The participant page, opened from the QR code."""
    normalised = normalise_join_code(code)
    if normalised != code:
        return redirect(url_for("pages.join_page", code=normalised))
    session = _session_or_404(code)
    limits.opened(code)
    return render_template("join.html", session=session, code=code)


@bp.get("/qr/<code>.svg")
@limits.join_attempts
def qr_code(code: str):
    """The QR code of a session's join address, as SVG."""
    _session_or_404(code)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=10)
    qr.add_data(join_url(code))
    image = qr.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    buffer = io.BytesIO()
    image.save(buffer)
    response = send_file(io.BytesIO(buffer.getvalue()), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/lang/<locale>")
def switch_language(locale: str):
    """Remember the chosen interface language and go back where the person was."""
    response = redirect(same_site_path(request.args.get("next")) or "/")
    if locale in LOCALES:
        response.set_cookie("lang", locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/dashboard")
@login_required
def dashboard():
    """A facilitator's sessions, newest first, and a button to create one."""
    sessions = planning.sessions_of(services().sessions, current_user.id)
    return render_template("dashboard.html", sessions=sessions)


def _raw_activities(form: SessionForm) -> list[dict]:
    """The activities of the editor as API-style specs; blank and removed ones are skipped."""
    raw = []
    for entry in form.activities.entries:
        activity = entry.form
        lines = [line.strip() for line in (activity.options.data or "").splitlines() if line.strip()]
        prompt = activity.prompt.data or ""
        if activity.remove.data or (not prompt.strip() and not lines):
            continue
        if activity.type.data == "quiz":
            raw.append({
                "type": "quiz", "prompt": prompt, "options": lines, "correct": _option_numbers(activity.correct.data),
                "seconds": activity.seconds.data or 20,
                "points": 1000 if activity.points.data is None else activity.points.data,
            })
        elif activity.type.data == "wordcloud":
            raw.append({
                "type": "wordcloud", "prompt": prompt, "single_word": bool(activity.single_word.data),
                "max_entries": activity.max_entries.data or 3, "max_length": activity.max_length.data or 40,
            })
        else:
            raw.append({"type": "poll", "prompt": prompt, "options": lines, "multiple": bool(activity.multiple.data)})
    return raw


def _option_numbers(typed: str | None) -> list:
    """"2" or "1, 3" (options numbered from 1, as people count) as 0-based indices;
    anything that is not a number is passed on for the domain to refuse by name."""
    tokens = (typed or "").replace(";", ",").replace(" ", ",").split(",")
    return [int(t) - 1 if t.strip().isdigit() else t.strip() for t in tokens if t.strip()]


def _filter_settings(form: SessionForm) -> tuple[bool, list[str]]:
    words = [line.strip() for line in (form.blocked_words.data or "").splitlines() if line.strip()]
    return bool(form.profanity_filter.data), words


def _expected_of(session) -> int | None:
    """The expected size the facilitator set for a stored session."""
    return JoinSettings.from_stored(session.settings).expected_participants


def _form_data(session, plan: list[dict]) -> dict:
    """What the editor shows for a stored session."""
    return {
        "title": session.title,
        "expected_participants": _expected_of(session),
        "profanity_filter": session.profanity_filter,
        "blocked_words": "\n".join(session.blocked_words or []),
        "activities": [
            {
                "type": a["type"], "prompt": a["prompt"], "options": "\n".join(a.get("options", [])),
                "multiple": a.get("multiple", False), "max_entries": a.get("max_entries", 3),
                "max_length": a.get("max_length", 40), "single_word": a.get("single_word", False),
                "correct": ", ".join(str(index + 1) for index in a.get("correct", [])),
                "seconds": a.get("seconds", 20), "points": a.get("points", 1000),
            }
            for a in plan
        ],
    }


def describe_error(error: DomainError) -> str:
    """A planning error in the interface language, naming the poll at fault."""
    messages = {
        "blank": _("This field must not be empty."),
        "too_long": _("This text is too long."),
        "invalid_options": _("This activity needs more options, or fewer (polls 2 to 12, quiz questions 2 to 6)."),
        "invalid_correct": _("Give the number of at least one correct option, each once."),
        "out_of_range": _("This number is out of the allowed range."),
        "already_started": _("This session has started: it can no longer be edited."),
    }
    message = messages.get(error.code, error.message)
    if error.field and error.field.startswith("activities["):
        number = int(error.field[len("activities[") : error.field.index("]")]) + 1
        return _("Activity %(number)d: %(message)s", number=number, message=message)
    if error.code == "blank" and error.field == "activities":
        return _("Add at least one activity.")
    return message


def _editor(form: SessionForm, session=None, error: str | None = None, status: int = 200, import_report=None):
    if not form.activities.entries or (form.activities.entries[-1].form.prompt.data or "").strip():
        form.activities.append_entry()  # always one blank activity to fill in
    return render_template(
        "session_edit.html", form=form, session=session, error=error,
        import_form=ImportForm(formdata=None), import_report=import_report,
    ), status


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    """The session editor, empty; saving creates the session."""
    form = SessionForm()
    if form.validate_on_submit():
        try:
            created = planning.create_session(
                services().sessions, services().settings.secret_key, current_user.id, form.title.data,
                _raw_activities(form), *_filter_settings(form), form.expected_participants.data,
            )
            return redirect(url_for("pages.dashboard", created=created.code))
        except DomainError as error:
            return _editor(form, error=describe_error(error), status=400)
    return _editor(form, status=400 if request.method == "POST" else 200)


@bp.route("/sessions/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_session(code: str):
    """Edit the title and polls of a session that has not started."""
    session = _owned_or_404(code)
    if request.method == "GET":
        plan = planning.plan_of(services().sessions, session.id)
        imported = request.args.get("imported", "")
        report = {"added": int(imported), "problems": []} if imported.isdigit() else None
        return _editor(_stored_form(session, plan), session=session, import_report=report)
    form = SessionForm()
    if not form.validate_on_submit():
        return _editor(form, session=session, status=400)
    try:
        planning.update_plan(
            services().sessions, current_user.id, code, form.title.data, _raw_activities(form), *_filter_settings(form),
            form.expected_participants.data,
        )
    except DomainError as error:
        return _editor(form, session=session, error=describe_error(error), status=409 if error.code == "already_started" else 400)
    from live.realtime.outbound import deliver

    deliver(services().runtime.reload_plan(code))
    return redirect(url_for("pages.dashboard", saved=code))


@bp.post("/sessions/<code>/import")
@login_required
def import_quiz(code: str):
    """Add quiz questions from a Kahoot!-style spreadsheet to a session not yet started:
    all of them, or none with a row-by-row report."""
    session = _owned_or_404(code)
    # The importer reports files over its own limit; let them reach it.
    request.max_content_length = quiz_import.MAX_BYTES + 64 * 1024
    form = ImportForm()
    plan = planning.plan_of(services().sessions, session.id)
    existing = [{k: v for k, v in a.items() if k not in ("id", "position", "status")} for a in plan]
    if not form.validate_on_submit():
        report = {"added": 0, "problems": [_("Choose a .csv or .xlsx file to import.")]}
        return _editor(_stored_form(session, plan), session=session, status=400, import_report=report)
    data = form.file.data.stream.read(quiz_import.MAX_BYTES + 1)
    result = quiz_import.read_quiz_file(form.file.data.filename or "", data,
                                        max_questions=max(0, MAX_ACTIVITIES - len(existing)))
    if not result.ok:
        problems = [_(problem.template, **problem.params) for problem in result.problems]
        report = {"added": 0, "problems": problems}
        return _editor(_stored_form(session, plan), session=session, status=400, import_report=report)
    try:
        planning.update_plan(services().sessions, current_user.id, code, session.title, existing + result.activities,
                             session.profanity_filter, session.blocked_words, _expected_of(session))
    except DomainError as error:
        report = {"added": 0, "problems": [describe_error(error)]}
        status = 409 if error.code == "already_started" else 400
        return _editor(_stored_form(session, plan), session=session, status=status, import_report=report)
    from live.realtime.outbound import deliver

    deliver(services().runtime.reload_plan(code))
    # Redirect, so a reload does not post the file again.
    return redirect(url_for("pages.edit_session", code=code, imported=len(result.activities)))


def _stored_form(session, plan: list[dict]) -> SessionForm:
    """The editor filled from the database, never from the request (an upload is not an edit)."""
    return SessionForm(formdata=None, data=_form_data(session, plan))


def _host_context(code: str) -> dict:
    session = _owned_or_404(code)
    url = join_url(code)
    return {
        "session": session, "host_token": planning.host_token_of(services().settings.secret_key, session),
        # The projector page never holds a quiz's correct options: they come with the reveal.
        "activities": [{k: v for k, v in a.items() if k != "correct"} for a in planning.plan_of(services().sessions, session.id)],
        "join_url": url,
        "join_url_short": url.split("://", 1)[-1], "spaced_code": spaced(code),
        "host_url": url_for("pages.host_screen", code=code), "moderate_url": url_for("pages.moderate", code=code),
    }


@bp.get("/host/<code>")
@login_required
def host_screen(code: str):
    """The projector screen of a session: QR code, join address, live results, controls."""
    return render_template("host.html", **_host_context(code))


@bp.get("/host/<code>/moderate")
@login_required
def moderate(code: str):
    """The facilitator's own screen (laptop or phone, never the projector): word-cloud
    moderation, entries held by the filter, and remote controls."""
    return render_template("moderate.html", **_host_context(code))
