"""Flask-WTF forms (CSRF on every one of them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Stay signed in on this computer"))


class SessionForm(FlaskForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=200)])
    expected_participants = IntegerField(
        _l("Expected participants (optional)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    profanity_filter = BooleanField(_l("Hide rude words from the screen (French and English)"), default=True)
    blocked_words = TextAreaField(_l("Other words to hold, one per line"), validators=[Length(max=20000)])
    share_with_participants = BooleanField(_l("At the end, give participants a link to the summary (no nicknames shown)"))
    # The activities are read by live/web/editor.py: each kind renders its own fields.


class ImportForm(FlaskForm):
    """Upload of quiz questions laid out like Kahoot!'s spreadsheet template."""

    file = FileField(_l("Spreadsheet (.csv or .xlsx)"), validators=[FileRequired()])


class JoinForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only redirects to the join page

    code = StringField(_l("Session code"), validators=[DataRequired(), Length(max=20)])


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token protects a button (log out, end)."""
