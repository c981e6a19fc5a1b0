"""Host and participant tokens: HMACs of the server's secret key.

Neither is stored: a token is checked by recomputing it, so a copied database
gives no way in, and tokens survive a restart as long as the key does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def _mac(secret_key: str, message: str) -> str:
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_salt() -> str:
    """A fresh random salt (one per session for its host token)."""
    return secrets.token_hex(16)


def host_token(secret_key: str, code: str, salt: str) -> str:
    """The host token of session ``code``."""
    return _mac(secret_key, f"host:{code}:{salt}")


def is_host_token(secret_key: str, code: str, salt: str, candidate: object) -> bool:
    """True when ``candidate`` is the host token of session ``code``."""
    return isinstance(candidate, str) and hmac.compare_digest(host_token(secret_key, code, salt), candidate)


def participant_token(secret_key: str, code: str, participant_id: str) -> str:
    """The token a phone keeps to come back as ``participant_id``."""
    return f"{participant_id}.{_mac(secret_key, f'participant:{code}:{participant_id}')}"


def participant_from_token(secret_key: str, code: str, token: object) -> str | None:
    """The participant id inside a valid token for session ``code``, else None."""
    if not isinstance(token, str) or len(token) > 200 or "." not in token:
        return None
    participant_id = token.split(".", 1)[0]
    if hmac.compare_digest(participant_token(secret_key, code, participant_id), token):
        return participant_id
    return None


def participants_share_token(secret_key: str, code: str, salt: str) -> str:
    """The token of the share link a session's participants get at the end (when the
    facilitator shares the summary with them): recomputed, never stored, so every
    phone coming back to the ended session is given it again. Only its SHA-256 is in
    the share links table, like any other link, and it is revoked like any other."""
    return _mac(secret_key, f"participants-share:{code}:{salt}")


def hash_api_token(token: str) -> str:
    """The stored form of an API token (SHA-256 hex)."""
    return hashlib.sha256(token.encode()).hexdigest()
