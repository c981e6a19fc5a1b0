"""HTTP: the JSON API exactly as in the contract, its errors, and page access."""

from __future__ import annotations

import re

import pytest

from live.services import accounts
from tests.conftest import POLLS


def token_for(app, email="host@example.org") -> str:
    sessions = app.extensions["live"].sessions
    if not accounts.has_facilitators(sessions) or accounts.check_login(sessions, email, "password123") is None:
        accounts.add_facilitator(sessions, email, "password123")
    return accounts.create_api_token(sessions, email)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is False and set(body["error"]) >= {"code", "message"}
    if code:
        assert body["error"]["code"] == code
    if field:
        assert body["error"]["field"] == field


def test_create_session_answers_as_the_contract_says(app, client):
    response = client.post("/api/sessions", json=POLLS, headers=bearer(token_for(app)))
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"code", "host_token", "join_url", "qr_url", "host_url", "activities"}
    code = body["code"]
    assert len(code) >= 8 and not set(code) & set("0O1IL")
    assert body["join_url"] == f"http://localhost/j/{code}"
    assert body["qr_url"] == f"http://localhost/qr/{code}.svg"
    assert body["host_url"] == f"http://localhost/host/{code}"
    assert [a["type"] for a in body["activities"]] == ["poll", "poll"]
    assert len({a["id"] for a in body["activities"]}) == 2

    qr = client.get(f"/qr/{code}.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data

    summary = client.get(f"/api/sessions/{code}/summary", headers=bearer(token_for(app)))
    assert summary.status_code == 200
    document = summary.get_json()
    assert document["code"] == code and document["ended_at"] is None
    assert [a["counts"] for a in document["activities"]] == [[0, 0, 0], [0, 0, 0]]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"activities": POLLS["activities"]}, "invalid_type", "title"),
        ({"title": "  ", "activities": POLLS["activities"]}, "blank", "title"),
        ({"title": "T" * 201, "activities": POLLS["activities"]}, "too_long", "title"),
        ({"title": "T"}, "invalid_type", "activities"),
        ({"title": "T", "activities": []}, "blank", "activities"),
        ({"title": "T", "activities": {"type": "poll"}}, "invalid_type", "activities"),
        ({"title": "T", "activities": [None]}, "invalid_type", "activities[0]"),
        ({"title": "T", "activities": [{"type": "karaoke"}]}, "unknown_type", "activities[0].type"),
        ({"title": "T", "activities": [{"type": "poll", "prompt": "Q", "options": ["A"]}]}, "invalid_options", "activities[0].options"),
        ({"title": "T", "activities": [{"type": "poll", "prompt": "Q", "options": ["A", {"x": 1}]}]}, "invalid_type", "activities[0].options[1]"),
        ({"title": "T", "activities": [{"type": "poll", "prompt": "Q", "options": ["A", "B"], "multiple": 1}]}, "invalid_type", "activities[0].multiple"),
        ({"title": ["T"], "activities": POLLS["activities"]}, "invalid_type", "title"),
    ],
)
def test_bad_session_bodies_get_a_400_naming_the_field(app, client, body, code, field):
    assert_error(client.post("/api/sessions", json=body, headers=bearer(token_for(app))), 400, code, field)


def test_bad_requests_never_give_a_500(app, client):
    headers = bearer(token_for(app))
    assert_error(client.post("/api/sessions", data="not json", headers=headers), 400, "invalid_body")
    assert_error(client.post("/api/sessions", data="{broken", headers=headers, content_type="application/json"), 400)
    assert_error(client.post("/api/sessions", json=[1, 2], headers=headers), 400, "invalid_body")
    assert_error(client.post("/api/sessions", json="text", headers=headers), 400, "invalid_body")
    assert_error(client.post("/api/sessions", data="x" * 300_000, headers=headers, content_type="application/json"), 413)
    assert_error(client.get("/api/sessions", headers=headers), 405)
    assert_error(client.get("/api/nothing-here"), 404)


def test_the_api_needs_a_valid_token(app, client):
    assert_error(client.post("/api/sessions", json=POLLS), 401, "unauthorized")
    assert_error(client.post("/api/sessions", json=POLLS, headers=bearer("live_guess")), 401, "unauthorized")
    assert_error(client.post("/api/sessions", json=POLLS, headers={"Authorization": "Basic abc"}), 401, "unauthorized")
    assert_error(client.post("/api/sessions", json=POLLS, headers=bearer("x" * 5000)), 401, "unauthorized")


def test_another_facilitators_session_is_not_found(app, client):
    code = client.post("/api/sessions", json=POLLS, headers=bearer(token_for(app))).get_json()["code"]
    other = token_for(app, "other@example.org")
    assert_error(client.get(f"/api/sessions/{code}/summary", headers=bearer(other)), 404, "not_found")
    assert_error(client.get("/api/sessions/ZZZZZZZZ/summary", headers=bearer(other)), 404, "not_found")
    assert_error(client.get(f"/api/sessions/{code}/summary"), 401)


def test_unknown_codes_give_404_pages(app, client):
    for path in ("/j/ZZZZZZZZ", "/qr/ZZZZZZZZ.svg", "/j/" + "Z" * 300, "/archives/ZZZZZZZZ", "/nothing"):
        response = client.get(path)
        assert response.status_code in (404, 302), path  # archives redirect to login first
        assert b"Traceback" not in response.data


def test_facilitator_pages_need_a_login(app, client):
    code = client.post("/api/sessions", json=POLLS, headers=bearer(token_for(app))).get_json()["code"]
    for path in ("/dashboard", f"/host/{code}", f"/sessions/{code}/edit", "/sessions/new", "/archives"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_security_headers(app, client):
    response = client.get("/api/nothing")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_api_tokens_are_stored_hashed(app):
    token = token_for(app)
    from sqlalchemy import select

    from live.store.models import ApiToken

    with app.extensions["live"].sessions() as db:
        stored = list(db.scalars(select(ApiToken.token_hash)))
    assert token not in stored and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in stored)
