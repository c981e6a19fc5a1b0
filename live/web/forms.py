"""Flask-WTF forms (CSRF on every one of them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, EmailField, FieldList, Form, FormField, IntegerField, PasswordField, SelectField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Stay signed in on this computer"))


class ActivityForm(Form):
    """One activity of the session editor (poll, word cloud or quiz question); a blank one is ignored."""

    type = SelectField(
        _l("Type"), choices=[("poll", _l("Poll")), ("wordcloud", _l("Word cloud")), ("quiz", _l("Quiz question"))],
        default="poll",
    )
    prompt = StringField(_l("Question"), validators=[Length(max=300)])
    options = TextAreaField(_l("Options, one per line (2 to 12)"), validators=[Length(max=12 * 130)])
    multiple = BooleanField(_l("Participants may choose several options"))
    max_entries = IntegerField(
        _l("Words per participant (1 to 10)"), default=3, validators=[Optional(), NumberRange(min=1, max=10)]
    )
    max_length = IntegerField(
        _l("Longest entry, in characters (1 to 100)"), default=40, validators=[Optional(), NumberRange(min=1, max=100)]
    )
    single_word = BooleanField(_l("One word per entry"))
    correct = StringField(_l("Number(s) of the correct option(s), e.g. 2 or 1, 3"), validators=[Length(max=40)])
    seconds = IntegerField(_l("Seconds to answer (5 to 120)"), default=20, validators=[Optional(), NumberRange(min=5, max=120)])
    points = IntegerField(_l("Points (0 to 10000)"), default=1000, validators=[Optional(), NumberRange(min=0, max=10000)])
    remove = BooleanField(_l("Remove this activity"))


class SessionForm(FlaskForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=200)])
    expected_participants = IntegerField(
        _l("Expected participants (optional)"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    profanity_filter = BooleanField(_l("Hide rude words from the screen (French and English)"), default=True)
    blocked_words = TextAreaField(_l("Other words to hold, one per line"), validators=[Length(max=20000)])
    activities = FieldList(FormField(ActivityForm), min_entries=1, max_entries=100)


class ImportForm(FlaskForm):
    """Upload of quiz questions laid out like Kahoot!'s spreadsheet template."""

    file = FileField(_l("Spreadsheet (.csv or .xlsx)"), validators=[FileRequired()])


class JoinForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only redirects to the join page

    code = StringField(_l("Session code"), validators=[DataRequired(), Length(max=20)])


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token protects a button (log out, end)."""
