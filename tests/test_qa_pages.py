"""The Q&A in the facilitator's pages, through Flask's test client: the session editor
(theme, questions shown at once or after approval, refusals beside their field), and
the archive (its page, qa-<n>.csv served to the owner, a share page without names)."""

from __future__ import annotations

import csv
import io
import re

from live.archive.writer import render_summary_fragment
from live.services import planning
from tests.web import csrf_of as csrf, sign_in


def test_the_editor_makes_a_qa_with_questions_waiting_for_approval(app, client):
    sign_in(client, app)
    page = client.get("/sessions/new").get_data(as_text=True)
    data = {
        "csrf_token": csrf(page), "title": "Assemblée",
        "activities-0-type": "qa", "activities-0-qa-prompt": "Vos questions ?", "activities-0-qa-moderation": "pre",
        "activities-1-type": "poll", "activities-1-poll-prompt": "Oui ?", "activities-1-poll-options": "Oui\nNon",
    }
    created = client.post("/sessions/new", data=data)
    assert created.status_code == 302, created.get_data(as_text=True)
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)
    sessions = app.extensions["live"].sessions
    plan = planning.plan_of(sessions, planning.owned_session(sessions, 1, code).id)
    assert plan[0]["type"] == "qa" and (plan[0]["prompt"], plan[0]["moderation"]) == ("Vos questions ?", "pre")
    editor = client.get(f"/sessions/{code}/edit").get_data(as_text=True)
    assert re.search(r'id="activities-0-qa-moderation-pre"[^>]*checked', editor)
    assert not re.search(r'id="activities-0-qa-moderation-post"[^>]*checked', editor)

    refused = client.post("/sessions/new", data=dict(data, **{"activities-0-qa-prompt": "", "activities-0-qa-moderation": "later"}))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'data-testid="error-0-prompt"' in text and 'data-testid="error-0-moderation"' in text


def _archived_qa(app):
    """A session whose Q&A got three questions (one hidden, one named) and a vote, ended."""
    sessions = app.extensions["live"].sessions
    created = planning.create_session(sessions, "test-key", 1, "Club", [{"type": "qa", "prompt": "Vos questions ?"}])
    qa = created.activities[0]["id"]
    runtime = app.extensions["live"].runtime
    state = runtime.state(created.code)
    runtime.open_activity(state, qa)
    _state, zoe, _ = runtime.join(created.code, None, "Zoé")
    _state, other, _ = runtime.join(created.code, None, None)
    asked = {}
    for who, text, answer_id, named in ((zoe, "=SUM(A1) <b>?</b>", "a", True), (other, "Cachée ?", "b", False),
                                          (other, "Anonyme ?", "c", False)):
        ack, _ = runtime.participate(created.code, who["participant_id"], "ask",
                                     {"activity_id": qa, "text": text, "answer_id": answer_id, "as_name": named})
        asked[text] = ack["question_id"]
    runtime.participate(created.code, other["participant_id"], "upvote",
                        {"activity_id": qa, "question_id": asked["=SUM(A1) <b>?</b>"], "up": True})
    runtime.command(state, "moderate", {"activity_id": qa, "question_id": asked["Cachée ?"], "action": "hide"}, qa)
    runtime.end_session(state)
    return created.code


def test_the_archive_shows_the_questions_the_room_saw_and_serves_the_csv(app, client):
    sign_in(client, app)
    code = _archived_qa(app)
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    assert "=SUM(A1) &lt;b&gt;?&lt;/b&gt;" in page and "Anonyme ?" in page and "Zoé" in page
    assert "Cachée ?" not in page and "1 question was hidden by the facilitator." in page
    assert "qa-1.csv" in page
    served = client.get(f"/archives/{code}/qa-1.csv")
    assert served.status_code == 200 and served.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(served.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["question"], r["votes"], r["status"], r["name"]) for r in rows] == [
        ("'=SUM(A1) <b>?</b>", "1", "visible", "Zoé"), ("Anonyme ?", "0", "visible", ""), ("Cachée ?", "0", "hidden", ""),
    ]
    for bad in ("qa-0.csv", "qa-2.csv", "qaa-1.csv", "nope-1.csv"):
        assert client.get(f"/archives/{code}/{bad}").status_code == 404

    french = client.get(f"/archives/{code}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Questions-réponses" in french and "Questions, les plus soutenues d’abord" in french


def test_a_page_without_names_shows_no_nickname_next_to_a_question(app, client):
    sign_in(client, app)
    code = _archived_qa(app)
    summary = client.get(f"/archives/{code}/summary.json").get_json()
    assert "Zoé" in render_summary_fragment(summary)
    hidden = render_summary_fragment(summary, pseudonymise=True)
    assert "Zoé" not in hidden and "Anonyme ?" in hidden
