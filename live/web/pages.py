"""HTML pages: landing and join, QR code, host screen, dashboard, session editor
(archive pages are in live/web/archives.py)."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from live.config import LOCALES
from live.extensions import services
from live.urls import public_base_url
from live.domain.session import MAX_ACTIVITIES
from live.domain.codes import looks_like_join_code, normalise_join_code
from live.domain.errors import DomainError
from live.activities.registry import KINDS
from live.domain.joins import JoinSettings
from live.domain.reactions import CURATED as CURATED_REACTIONS
from live.domain.reactions import DEFAULT_SET as DEFAULT_REACTIONS
from live.services import planning, summary
from live.services import settings as session_settings
from live.web import editor, limits
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


@bp.get("/kinds/<name>.js")
def kind_script(name: str):
    """The browser module of a kind added from outside live (its ``script`` is a file
    of its own package): only a registered kind's own file, never a path taken from
    the request; live's own kinds' modules are under /static."""
    kind = KINDS.get(name, None) if name in KINDS else None
    if kind is None or not isinstance(kind.script, Path):
        abort(404)
    return send_file(kind.script, mimetype="text/javascript")  # cached as live's own static files


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


def _settings_of(form: SessionForm) -> tuple[bool, list[str], int | None, bool, list[str]]:
    """The session settings of the editor: the word filter on or off, the session's own
    words, the expected size, whether participants get the summary at the end, the
    reactions participants may send."""
    words = [line.strip() for line in (form.blocked_words.data or "").splitlines() if line.strip()]
    return (
        bool(form.profanity_filter.data), words, form.expected_participants.data, bool(form.share_with_participants.data),
        form.chosen_reactions(),
    )


def _stored_form(session) -> SessionForm:
    """The editor's session fields filled from the database, never from the request
    (an upload is not an edit)."""
    stored = session_settings.settings_of(session.settings)
    data = {
        "title": session.title, "profanity_filter": stored["profanity_filter"],
        "blocked_words": "\n".join(stored["blocked_words"]), "share_with_participants": stored["share_with_participants"],
        "expected_participants": JoinSettings.from_stored(session.settings).expected_participants,
        **_reactions_form(stored["reactions"]),
    }
    return SessionForm(formdata=None, data=data)


def _reactions_form(chosen: list[str]) -> dict:
    """The editor's reaction fields for a stored set: the curated ones ticked, the
    others typed; a session without reactions shows them off, the default ticked."""
    if not chosen:
        return {"reactions_on": False, "reactions": list(DEFAULT_REACTIONS), "reactions_other": ""}
    return {
        "reactions_on": True, "reactions": [emoji for emoji in chosen if emoji in CURATED_REACTIONS],
        "reactions_other": " ".join(emoji for emoji in chosen if emoji not in CURATED_REACTIONS),
    }


def _plan_activities(session) -> list[editor.EditorActivity]:
    return editor.from_plan(planning.plan_of(services().sessions, session.id))


def _editor(form: SessionForm, activities: list, session=None, errors=(), status: int = 200, import_report=None,
            locked: bool = False):
    """The editor page: the session's fields, each activity with every refusal beside
    its field (and all of them listed at the top), and one blank activity to fill in.
    ``locked``: the session has started (or ended): everything is shown, read-only,
    with the reason, and nothing can be saved or imported."""
    activities = list(activities) if locked else editor.with_blank(list(activities))
    importers = [] if locked else [kind for kind in KINDS if kind.importer is not None]
    return render_template(
        "session_edit.html", form=form, session=session, activities=activities, errors=list(errors),
        import_form=ImportForm(formdata=None), import_report=import_report, importers=importers,
        locked=locked, max_activities=MAX_ACTIVITIES,
    ), status


# The editor's own fields, by the name the API gives them in a refusal's ``field``.
_SESSION_FIELDS = {"title": "title", "expected_participants": "expected_participants",
                   "blocked_words": "blocked_words", "reactions": "reactions_other"}


def _session_problem(problem: editor.Problem) -> str:
    """A refusal of one of the session's own fields, in the page's language (worded from
    its code and field; the server's English message is never shown)."""
    if problem.name == "blocked_words":
        if problem.code == "too_long" and problem.line:
            return _("Word %(line)s is too long: 100 characters at most.", line=problem.line)
        if problem.code == "too_many":
            return _("At most 500 words.")
    if problem.name == "reactions" and problem.code in ("not_an_emoji", "blank", "invalid_type"):
        return _("Each reaction must be one emoji.")
    if problem.name == "reactions" and problem.code == "duplicate":
        return _("An emoji is chosen twice.")
    if problem.name == "reactions" and problem.code == "too_many":
        return _("At most 8 emoji.")
    if problem.code == "blank":
        return _("This field must not be empty.")
    if problem.code == "too_long":
        return _("This text is too long.")
    if problem.code in ("out_of_range", "invalid_type") and problem.name == "expected_participants":
        return _("Give a whole number from 1 to 100000, or leave it empty.")
    return _("This value cannot be used here.")


def _place_session_problems(form: SessionForm, problems: list[editor.Problem]) -> None:
    """Each refusal of the session's own fields beside that field, unless the form's
    own checks already refused that field (the same problem is said once)."""
    refused = {name for name, field in form._fields.items() if field.errors}
    for problem in problems:
        name = _SESSION_FIELDS.get(problem.name)
        if name is None or name in refused:
            continue
        field = form[name]
        field.errors = [*field.errors, _session_problem(problem)]


def _save(form: SessionForm, activities: list, save, session=None):
    """Validate and save the editor's activities with ``save(title, specs, *settings)``;
    the page again, with every refusal of every field at once (the form's own checks,
    the session's settings and every activity), when something is wrong."""
    raw, kept = editor.specs(activities)
    form_ok = form.validate_on_submit()
    try:
        if form_ok:
            save(form.title.data, raw, *_settings_of(form))
            return None
        # The form's own fields refused something: check the rest too, so that the page
        # shows every problem now, not one round at a time (nothing is saved).
        planning.check_session(form.title.data or "-", raw, *_checkable_settings(form))
        return _editor(form, activities, session=session, status=400)
    except DomainError as error:
        if error.code == "already_started":
            return _locked(session, status=409)
        own, general = editor.place_errors(error, kept)
        _place_session_problems(form, own)
        return _editor(form, activities, session=session, errors=general, status=400)


def _checkable_settings(form: SessionForm) -> tuple:
    """The settings of a form whose own checks failed, for the session's checks: a
    value the form already refused is left to its default (said once, by the form)."""
    words, expected, share, reactions = _settings_of(form)[1:]
    return (bool(form.profanity_filter.data), words, None if form.expected_participants.errors else expected, share,
            session_settings.UNSET if form.reactions_other.errors else reactions)


def _locked(session, status: int = 200):
    """The editor of a session that has started or ended: read-only, saying why."""
    return _editor(_stored_form(session), _plan_activities(session), session=session, status=status, locked=True)


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    """The session editor, empty; saving creates the session."""
    form = SessionForm()
    if request.method == "GET":
        return _editor(form, [])
    activities = editor.read(request.form)
    created = []

    def save(title, raw, *settings):
        created.append(planning.create_session(
            services().sessions, services().settings.secret_key, current_user.id, title, raw, *settings,
        ))

    refused = _save(form, activities, save)
    return refused or redirect(url_for("pages.dashboard", created=created[0].code))


@bp.route("/sessions/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_session(code: str):
    """Edit the title and activities of a session that has not started."""
    session = _owned_or_404(code)
    if planning.has_started(services().sessions, session):
        # Read-only, saying why; a form posted from a page opened before the start
        # changes nothing (409), and what is stored stays as it is.
        return _locked(session, status=200 if request.method == "GET" else 409)
    if request.method == "GET":
        imported = request.args.get("imported", "")
        report = {"added": int(imported), "problems": []} if imported.isdigit() else None
        return _editor(_stored_form(session), _plan_activities(session), session=session, import_report=report)
    form = SessionForm()
    activities = editor.read(request.form)

    def save(title, raw, *settings):
        planning.update_plan(services().sessions, current_user.id, code, title, raw, *settings)

    refused = _save(form, activities, save, session=session)
    if refused:
        return refused
    services().screens.deliver(services().runtime.reload_plan(code))
    return redirect(url_for("pages.dashboard", saved=code))


@bp.post("/sessions/<code>/import")
@login_required
def import_activities(code: str):
    """Add activities from a file (a kind's importer: quiz questions from a Kahoot!-style
    spreadsheet) to a session not yet started: all of them, or none with a row-by-row
    report."""
    session = _owned_or_404(code)
    if planning.has_started(services().sessions, session):
        return _locked(session, status=409)
    importer = _importer(request.args.get("kind"))
    if importer is None:
        abort(404)
    # The importer reports files over its own limit; let them reach it.
    request.max_content_length = importer.importer.MAX_BYTES + 64 * 1024
    form = ImportForm()
    plan = planning.plan_of(services().sessions, session.id)
    existing = [{k: v for k, v in a.items() if k not in ("id", "position", "status")} for a in plan]

    def again(problems: list[str], status: int):
        report = {"added": 0, "problems": problems}
        return _editor(_stored_form(session), _plan_activities(session), session=session, status=status,
                       import_report=report)

    if not form.validate_on_submit():
        return again([_("Choose a .csv or .xlsx file to import.")], 400)
    data = form.file.data.stream.read(importer.importer.MAX_BYTES + 1)
    result = importer.importer.read(form.file.data.filename or "", data, max(0, MAX_ACTIVITIES - len(existing)))
    if not result.ok:
        return again([_(problem.template, **problem.params) for problem in result.problems], 400)
    stored = session_settings.settings_of(session.settings)
    try:
        planning.update_plan(services().sessions, current_user.id, code, session.title, existing + result.activities,
                             stored["profanity_filter"], stored["blocked_words"],
                             JoinSettings.from_stored(session.settings).expected_participants,
                             stored["share_with_participants"], stored["reactions"])
    except DomainError as error:
        if error.code == "already_started":
            return _locked(session, status=409)
        return again([_("These activities cannot be added to the session: check them in the file.")], 400)
    services().screens.deliver(services().runtime.reload_plan(code))
    # Redirect, so a reload does not post the file again.
    return redirect(url_for("pages.edit_session", code=code, imported=len(result.activities)))


def _importer(name: str | None):
    """The kind whose importer reads an uploaded file: the one named, else the only one."""
    importers = [kind for kind in KINDS if kind.importer is not None]
    if name:
        return next((kind for kind in importers if kind.name == name), None)
    return importers[0] if len(importers) == 1 else None


def _host_context(code: str) -> dict:
    session = _owned_or_404(code)
    url = join_url(code)
    return {
        "session": session, "host_token": planning.host_token_of(services().settings.secret_key, session),
        # The end dialog's box "give participants a link to the summary", ticked as the session's setting says.
        "share_summary": session_settings.settings_of(session.settings)["share_with_participants"],
        # The projector page holds only what phones may see (never a correct answer before its reveal).
        "activities": planning.public_plan(services().sessions, session.id),
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
