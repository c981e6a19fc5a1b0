"""Facilitator accounts: creation, password check, API tokens."""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import sessionmaker

from live.domain.errors import DomainError
from live.services.tokens import hash_api_token
from live.store import repository
from live.store.db import utcnow
from live.store.models import ApiToken, Facilitator

MIN_PASSWORD = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    """Emails are compared without case or surrounding spaces."""
    return email.strip().lower()


def add_facilitator(sessions: sessionmaker, email: str, password: str) -> Facilitator:
    """Create a facilitator account; refuses a bad email, a short password or a taken email."""
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise DomainError("invalid_email", "That is not a valid email address.", "email")
    problem = password_problem(password)
    if problem:
        raise DomainError("weak_password", problem, "password")
    with sessions.begin() as db:
        if repository.facilitator_by_email(db, email):
            raise DomainError("exists", f"A facilitator {email} already exists.", "email")
        facilitator = Facilitator(email=email, password_hash=_hasher.hash(password), created_at=utcnow())
        db.add(facilitator)
    return facilitator


def password_problem(password: str) -> str | None:
    """What is wrong with ``password`` as a new facilitator password, or None."""
    if len(password) < MIN_PASSWORD:
        return f"The password needs at least {MIN_PASSWORD} characters."
    return None


def check_login(sessions: sessionmaker, email: str, password: str) -> Facilitator | None:
    """The facilitator if ``password`` is theirs, else None (same answer for unknown emails)."""
    with sessions() as db:
        facilitator = repository.facilitator_by_email(db, normalise_email(email))
    if facilitator is None:
        # Hash anyway so an unknown email takes as long as a wrong password.
        _hasher.hash(password)
        return None
    try:
        _hasher.verify(facilitator.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return facilitator


def create_api_token(sessions: sessionmaker, email: str) -> str:
    """A new API token for ``email``; only its hash is stored, so it is shown once."""
    token = "live_" + secrets.token_urlsafe(32)
    with sessions.begin() as db:
        facilitator = repository.facilitator_by_email(db, normalise_email(email))
        if facilitator is None:
            raise DomainError("unknown_facilitator", f"No facilitator {email}.", "email")
        db.add(ApiToken(facilitator_id=facilitator.id, token_hash=hash_api_token(token), created_at=utcnow()))
    return token


def facilitator_for_token(sessions: sessionmaker, token: str) -> Facilitator | None:
    """The owner of API ``token``, if it is valid."""
    if not token or len(token) > 200:
        return None
    with sessions.begin() as db:
        return repository.facilitator_by_token_hash(db, hash_api_token(token))


def facilitator_by_id(sessions: sessionmaker, facilitator_id: int) -> Facilitator | None:
    """Used by the login manager to reload the logged-in facilitator."""
    with sessions() as db:
        return db.get(Facilitator, facilitator_id)


def has_facilitators(sessions: sessionmaker) -> bool:
    """False on a fresh install, so ``live serve`` can say how to create the first account."""
    with sessions() as db:
        return repository.count_facilitators(db) > 0
