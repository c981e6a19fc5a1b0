"""Flask-WTF forms (CSRF on every one of them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from live.domain.errors import DomainError
from live.domain.reactions import CURATED, DEFAULT_SET, MAX_EMOJI, MAX_LENGTH
from live.services.settings import parse_reactions, typed_reactions


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
    # Reactions (issue 14): on or off, the emoji picked from the curated list, and others typed.
    reactions_on = BooleanField(_l("Participants can send reactions at any time"), default=True)
    reactions = SelectMultipleField(
        _l("Emoji to offer"), choices=list(CURATED), default=list(DEFAULT_SET),
        validate_choice=True,
    )
    reactions_other = StringField(_l("Other emoji (type or paste them, separated by spaces)"), validators=[Length(max=200)])
    # The activities are read by live/web/editor.py: each kind renders its own fields.

    def chosen_reactions(self) -> list[str]:
        """The emoji the facilitator chose, picked then typed, not yet checked; none when off."""
        if not self.reactions_on.data:
            return []
        return list(self.reactions.data or []) + typed_reactions(self.reactions_other.data or "")

    def validate_reactions_other(self, field) -> None:
        """Every problem with the chosen emoji, each its own message beside the field."""
        chosen = self.chosen_reactions()
        if self.reactions_on.data and not chosen:
            field.errors.append(_l("Pick at least one emoji, or switch reactions off."))
            return
        try:
            parse_reactions(chosen)
        except DomainError as error:
            field.errors.extend(reaction_problem(problem, chosen) for problem in error.problems or [error])


def reaction_problem(problem: DomainError, chosen: list[str]) -> str:
    """A refusal of ``parse_reactions`` in the facilitator's language."""
    index = problem.field.rpartition("[")[2].rstrip("]") if problem.field and "[" in problem.field else ""
    item = chosen[int(index)] if index.isdigit() and int(index) < len(chosen) else ""
    if problem.code == "too_many":
        return _l("At most %(max)d emoji: %(n)d are chosen.", max=MAX_EMOJI, n=len(chosen))
    if problem.code == "duplicate":
        return _l("%(emoji)s is chosen twice.", emoji=item)
    return _l("“%(text)s” is not a single emoji.", text=str(item)[:MAX_LENGTH])


class ImportForm(FlaskForm):
    """Upload of quiz questions laid out like Kahoot!'s spreadsheet template."""

    file = FileField(_l("Spreadsheet (.csv or .xlsx)"), validators=[FileRequired()])


class JoinForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only redirects to the join page

    code = StringField(_l("Session code"), validators=[DataRequired(), Length(max=20)])


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token protects a button (log out, end)."""
