"""The session editor and the session API as a facilitator meets them, through Flask's
test client: every refusal at once, each beside its field and worded in the page's
language; a session that has started is shown read-only with the reason, and the API
refuses to change it (409) without touching what is stored."""

from __future__ import annotations

import re

from live.services import planning
from live.services.runtime import AnswerInput
from tests.web import api_token, bearer, csrf_of, sign_in

# Sentences the server writes in English for API clients: never on a French page.
ENGLISH_SERVER_MESSAGES = ("must not be empty", "needs between", "must be between", "is longer than",
                           "must be a whole number", "is not a date and time", "must end after")


def _form(page: str, title: str, activities: list[dict], **extra) -> dict:
    data = {"csrf_token": csrf_of(page), "title": title, "profanity_filter": "y", "reactions_on": "y",
            "reactions": ["👏", "❤️"], **extra}
    for index, fields in enumerate(activities):
        data.update({f"activities-{index}-{key}": value for key, value in fields.items()})
    return data


def _flat(html: str) -> str:
    return html.replace("\u00a0", " ").replace("&#39;", "'")


BROKEN = [
    {"type": "poll", "poll-prompt": "", "poll-options": "Oui"},                    # no question, one option
    {"type": "wordcloud", "wordcloud-prompt": "Un mot ?", "wordcloud-max_entries": "50"},
    {"type": "date_poll", "date_poll-prompt": "Quand ?",
     "date_poll-options": "Sam. | 2026-12-12 18:00 | 17:00\nDimanche\nLundi | demain | 20:00"},
]


def test_every_problem_shows_at_once_beside_its_field_in_french(app, client):
    sign_in(client, app)
    client.set_cookie("lang", "fr")
    page = client.get("/sessions/new").get_data(as_text=True)
    words = "ok\n" + "x" * 101  # the second word is over 100 characters
    refused = client.post("/sessions/new", data=_form(page, "", BROKEN, blocked_words=words))
    html = refused.get_data(as_text=True)
    text = _flat(html)
    assert refused.status_code == 400
    # One submit shows them all: the title (the form's own check), every activity's
    # fields, both bad lines of the date poll, and the filtered word.
    for testid in ("error-0-prompt", "error-0-options", "error-1-max_entries", "error-2-options"):
        assert f'data-testid="{testid}"' in html, testid
    assert "Titre de la session : Ce champ est requis." in text
    assert "Écrivez la question." in text
    assert "Ce sondage demande plus d’options, ou moins : de 2 à 12." in text
    assert "Indiquez un nombre entier de 1 à 10." in text
    assert "Ligne 1 : la fin doit venir après le début." in text
    assert "Ligne 3 : écrivez les dates et heures ainsi : 2026-12-12 18:00." in text
    assert "Le mot 2 est trop long : 100 caractères au plus." in text
    # The list at the top repeats each sentence, linked to its field.
    summary = text[text.index('data-testid="form-error"'):text.index("</ul>", text.index('data-testid="form-error"'))]
    assert 'href="#activities-2-date_poll-options">Activité 3 : Ligne 1 : la fin doit venir après le début.' in summary
    assert 'href="#activities-2-date_poll-options">Activité 3 : Ligne 3 :' in summary
    assert 'href="#activities-1-wordcloud-max_entries">Activité 2 : Indiquez un nombre entier de 1 à 10.' in summary
    assert not [sentence for sentence in ENGLISH_SERVER_MESSAGES if sentence in text]
    # What was typed is still there, to fix it.
    assert "Sam. | 2026-12-12 18:00 | 17:00" in html and 'value="50"' in html


def test_a_session_level_problem_shows_with_the_activities_problems(app, client):
    sign_in(client, app)
    page = client.get("/sessions/new").get_data(as_text=True)
    refused = client.post("/sessions/new", data=_form(page, "Soirée", BROKEN[:1], blocked_words="x" * 101))
    text = _flat(refused.get_data(as_text=True))
    assert refused.status_code == 400
    assert "Word 1 is too long: 100 characters at most." in text and "Write the question." in text
    assert "A poll needs between" not in text  # the server's sentence for API clients


def test_the_date_poll_field_says_its_format_and_time_zone(tmp_path, client, app):
    sign_in(client, app)
    client.set_cookie("lang", "fr")
    page = _flat(client.get("/sessions/new").get_data(as_text=True))
    zone = app.extensions["live"].settings.timezone
    assert "(année-mois-jour, puis heures:minutes sur 24 heures)" in page
    assert f"Les heures sont celles du fuseau horaire {zone}" in page


def _started(app, with_answer: bool = True):
    """A session whose first activity was opened (and answered once)."""
    sessions = app.extensions["live"].sessions
    created = planning.create_session(sessions, "test-key", 1, "Club", [
        {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana"]},
        {"type": "wordcloud", "prompt": "Un mot ?"},
    ])
    runtime = app.extensions["live"].runtime
    host = runtime.connect_host(created.code, created.host_token)
    runtime.open_activity(host, created.activities[0]["id"])
    if with_answer:
        phone = runtime.join(created.code, None, "Zoé")[1]
        runtime.submit_answer(created.code, phone["participant_id"], AnswerInput(created.activities[0]["id"], "a1", 1))
    return created


def _plan(app, code: str) -> list[tuple]:
    sessions = app.extensions["live"].sessions
    plan = planning.plan_of(sessions, planning.owned_session(sessions, 1, code).id)
    return [(a["id"], a["type"], a["prompt"], a.get("options")) for a in plan]


def test_a_started_session_shows_read_only_saying_why_and_keeps_everything(app, client):
    sign_in(client, app)
    client.set_cookie("lang", "fr")
    created = _started(app)
    before = _plan(app, created.code)
    page = client.get(f"/sessions/{created.code}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cette session a commencé : elle ne peut plus être modifiée." in _flat(html)
    assert re.search(r'<fieldset class="editor__fields"[^>]*\bdisabled\b', html)
    assert 'data-testid="save"' not in html and 'data-testid="add-activity"' not in html
    assert "Quel livre ?" in html and "Germinal" in html  # the plan is shown as it is
    # A form posted from a page opened before the start changes nothing.
    posted = client.post(f"/sessions/{created.code}/edit", data=_form(
        html, "Autre", [{"type": "poll", "poll-prompt": "Autre ?", "poll-options": "A\nB"}]))
    assert posted.status_code == 409 and 'data-testid="editor-locked"' in posted.get_data(as_text=True)
    imported = client.post(f"/sessions/{created.code}/import", data={"csrf_token": csrf_of(html)})
    assert imported.status_code == 409
    assert _plan(app, created.code) == before
    assert app.extensions["live"].runtime.results(
        app.extensions["live"].runtime.state(created.code), created.activities[0]["id"])["counts"] == [0, 1]


def test_the_api_replaces_a_session_in_the_lobby_and_refuses_once_it_started(app, client):
    token = api_token(app)
    made = client.post("/api/sessions", json={"title": "Club", "activities": [
        {"type": "poll", "prompt": "Q ?", "options": ["A", "B"]}]}, headers=bearer(token)).get_json()
    replaced = client.put(f"/api/sessions/{made['code']}", json={"title": "Club lecture", "activities": [
        {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana"]}, {"type": "wordcloud", "prompt": "Un mot ?"}]},
        headers=bearer(token))
    assert replaced.status_code == 200
    assert [a["type"] for a in replaced.get_json()["activities"]] == ["poll", "wordcloud"]
    assert [a[2] for a in _plan(app, made["code"])] == ["Quel livre ?", "Un mot ?"]

    created = _started(app)
    before = _plan(app, created.code)
    refused = client.put(f"/api/sessions/{created.code}", json={"title": "X", "activities": [
        {"type": "poll", "prompt": "Autre ?", "options": ["A", "B"]}]}, headers=bearer(token))
    body = refused.get_json()
    assert refused.status_code == 409 and body["ok"] is False
    assert body["error"]["code"] == "already_started" and body["error"]["message"]
    assert _plan(app, created.code) == before
    # Even a body that would be refused for itself is told first that nothing can change.
    assert client.put(f"/api/sessions/{created.code}", json={"activities": []}, headers=bearer(token)).status_code == 409
    other = client.put("/api/sessions/ZZZZZZZZ", json={"title": "X", "activities": []}, headers=bearer(token))
    assert other.status_code == 404


def test_the_api_lists_every_problem_of_a_session_at_once(app, client):
    token = api_token(app)
    refused = client.post("/api/sessions", json={"title": "", "activities": [
        {"type": "poll", "prompt": "", "options": ["A"]}], "reactions": ["abc"], "expected_participants": 0},
        headers=bearer(token))
    error = refused.get_json()["error"]
    assert refused.status_code == 400
    assert {(p["code"], p["field"]) for p in error["problems"]} == {
        ("blank", "title"), ("blank", "activities[0].prompt"), ("invalid_options", "activities[0].options"),
        ("not_an_emoji", "reactions[0]"), ("out_of_range", "expected_participants")}
