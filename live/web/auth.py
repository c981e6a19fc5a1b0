"""Facilitator login and logout (Flask-Login, argon2 hashes, CSRF)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from live.extensions import services
from live.extensions import login_manager
from live.services import accounts
from live.web import limits
from live.web.forms import ConfirmForm, LoginForm
from live.web.inputs import same_site_path

bp = Blueprint("auth", __name__)


class FacilitatorUser(UserMixin):
    """The logged-in facilitator as Flask-Login sees it."""

    def __init__(self, facilitator_id: int, email: str) -> None:
        self.id = facilitator_id
        self.email = email


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    facilitator = accounts.facilitator_by_id(services().sessions, int(user_id))
    return FacilitatorUser(facilitator.id, facilitator.email) if facilitator else None


login_manager.login_view = "auth.login"
login_manager.login_message = None


def _safe_next(target: str | None) -> str:
    """Only redirect back inside this site after login."""
    return same_site_path(target) or url_for("pages.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limits.login_attempts
def login():
    """The facilitator login form."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        facilitator = accounts.check_login(services().sessions, form.email.data, form.password.data)
        if facilitator:
            login_user(FacilitatorUser(facilitator.id, facilitator.email), remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    first_run = not accounts.has_facilitators(services().sessions)
    return render_template("login.html", form=form, first_run=first_run), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out (a POST with a CSRF token, so no link can sign someone out)."""
    if ConfirmForm().validate_on_submit():
        logout_user()
    return redirect(url_for("auth.login"))
