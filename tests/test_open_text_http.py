"""Open questions over plain HTTP (Flask's test client): every wrong setting refused by
the API with its code and field, and the session editor's fields."""

from __future__ import annotations

import re

import pytest

from live.services import planning
from tests.web import api_token, bearer, csrf_of, sign_in


def _session(**question) -> dict:
    return {"title": "Idées", "activities": [{"type": "open_text", "prompt": "Une idée ?", **question}]}


def test_an_open_question_is_created_with_the_contracts_defaults(app, client):
    response = client.post("/api/sessions", json=_session(), headers=bearer(api_token(app)))
    assert response.status_code == 201
    session = planning.owned_session(app.extensions["live"].sessions, 1, response.get_json()["code"])
    plan = planning.plan_of(app.extensions["live"].sessions, session.id)
    spec = {key: plan[0][key] for key in ("type", "prompt", "max_entries", "max_length", "upvotes")}
    assert spec == {"type": "open_text", "prompt": "Une idée ?", "max_entries": 1, "max_length": 200, "upvotes": False}


@pytest.mark.parametrize(("question", "code", "field"), [
    ({"max_entries": 0}, "out_of_range", "activities[0].max_entries"),
    ({"max_entries": 11}, "out_of_range", "activities[0].max_entries"),
    ({"max_entries": "2"}, "invalid_type", "activities[0].max_entries"),
    ({"max_length": 501}, "out_of_range", "activities[0].max_length"),
    ({"max_length": 0}, "out_of_range", "activities[0].max_length"),
    ({"max_length": 2.5}, "invalid_type", "activities[0].max_length"),
    ({"upvotes": "yes"}, "invalid_type", "activities[0].upvotes"),
    ({"upvotes": None}, "invalid_type", "activities[0].upvotes"),
    ({"prompt": " "}, "blank", "activities[0].prompt"),
    ({"prompt": "x" * 301}, "too_long", "activities[0].prompt"),
    ({"prompt": 3}, "invalid_type", "activities[0].prompt"),
    ({"origin": {"activity_id": 3}}, "invalid_type", "activities[0].origin"),
])
def test_a_wrong_open_question_is_refused_with_its_field(app, client, question, code, field):
    response = client.post("/api/sessions", json=_session(**question), headers=bearer(api_token(app)))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)


def test_the_editor_makes_an_open_question_and_shows_each_refusal_beside_its_field(app, client):
    sign_in(client, app)
    page = client.get("/sessions/new").get_data(as_text=True)
    assert "For an open question" in page
    data = {
        "csrf_token": csrf_of(page), "title": "Club",
        "activities-0-type": "open_text", "activities-0-open_text-prompt": "Quel livre ensuite ?",
        "activities-0-open_text-max_entries": "3", "activities-0-open_text-max_length": "120",
        "activities-0-open_text-upvotes": "y",
    }
    created = client.post("/sessions/new", data=data)
    assert created.status_code == 302, created.get_data(as_text=True)
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)
    sessions = app.extensions["live"].sessions
    plan = planning.plan_of(sessions, planning.owned_session(sessions, 1, code).id)
    assert len(plan) == 1 and {key: plan[0][key] for key in ("type", "prompt", "max_entries", "max_length", "upvotes")} == {
        "type": "open_text", "prompt": "Quel livre ensuite ?", "max_entries": 3, "max_length": 120, "upvotes": True}
    edit_page = client.get(f"/sessions/{code}/edit").get_data(as_text=True)
    assert 'value="120"' in edit_page and "Quel livre ensuite ?" in edit_page

    bad = dict(data, **{"activities-0-open_text-max_length": "900", "activities-0-open_text-max_entries": "deux"})
    refused = client.post("/sessions/new", data=bad)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'data-testid="error-0-max_length"' in text and 'data-testid="error-0-max_entries"' in text
