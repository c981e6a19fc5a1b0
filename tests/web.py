"""Facilitator pages and the API in tests through Flask's test client: a form's
CSRF token, signing in, the facilitator's id, an API token."""

from __future__ import annotations

import re

from live.services import accounts

PASSWORD = "password123"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the (first) form in ``html``."""
    return _CSRF.search(html).group(1)


def sign_in(client, app, email: str = "host@example.org"):
    """Sign ``email`` in (creating the account once), as the login form does;
    returns the login response (a redirect to the dashboard)."""
    sessions = app.extensions["live"].sessions
    if accounts.check_login(sessions, email, PASSWORD) is None:
        accounts.add_facilitator(sessions, email, PASSWORD)
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    return response


def owner_id(app, email: str = "host@example.org") -> int:
    """The id of facilitator ``email`` (created once)."""
    sessions = app.extensions["live"].sessions
    found = accounts.check_login(sessions, email, PASSWORD)
    return (found or accounts.add_facilitator(sessions, email, PASSWORD)).id


def api_token(app, email: str = "host@example.org") -> str:
    """A new API token of facilitator ``email`` (created once), as ``live token create`` makes."""
    owner_id(app, email)
    return accounts.create_api_token(app.extensions["live"].sessions, email)


def bearer(token: str) -> dict:
    """The Authorization header of an API call."""
    return {"Authorization": f"Bearer {token}"}
