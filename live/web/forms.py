"""Flask-WTF forms (CSRF on every one of them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Stay signed in on this computer"))


class PollForm(Form):
    """One poll of the session editor; a blank one is ignored."""

    prompt = StringField(_l("Question"), validators=[Length(max=300)])
    options = TextAreaField(_l("Options, one per line (2 to 12)"), validators=[Length(max=12 * 130)])
    multiple = BooleanField(_l("Participants may choose several options"))
    remove = BooleanField(_l("Remove this poll"))


class SessionForm(FlaskForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=200)])
    polls = FieldList(FormField(PollForm), min_entries=1, max_entries=100)


class JoinForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only redirects to the join page

    code = StringField(_l("Session code"), validators=[DataRequired(), Length(max=20)])


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token protects a button (log out, end)."""
