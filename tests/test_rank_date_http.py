"""Rankings and date polls through Flask's test client: the editor (one slot per line,
a refusal naming its line, in French too), the API's refusals, and the facilitator's
downloads of a date poll (signed in, their own session only, refusals explained)."""

from __future__ import annotations

import re

from icalendar import Calendar

from live.services import planning
from tests.web import api_token, bearer, csrf_of, sign_in

DATES = {"type": "date_poll", "prompt": "Quand ?", "options": [
    {"label": "Sam. 12", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"}, "Dimanche"]}


def _editor(client, title, activities):
    page = client.get("/sessions/new").get_data(as_text=True)
    data = {"csrf_token": csrf_of(page), "title": title, "profanity_filter": "y"}
    for index, fields in enumerate(activities):
        data.update({f"activities-{index}-{key}": value for key, value in fields.items()})
    return client.post("/sessions/new", data=data)


def test_the_editor_makes_rankings_and_date_polls_from_one_slot_per_line(app, client):
    sign_in(client, app)
    created = _editor(client, "Club", [
        {"type": "ranking", "prompt": "Quel livre ?", "options": "Germinal\nNana\n"},
        {"type": "date_poll", "prompt": "Quand ?", "options": "Sam. 12 | 2026-12-12 18:00 | 20:00\nDimanche\n"},
    ])
    assert created.status_code == 302, created.get_data(as_text=True)
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)
    sessions = app.extensions["live"].sessions
    plan = planning.plan_of(sessions, planning.owned_session(sessions, 1, code).id)
    assert (plan[0]["type"], plan[0]["options"]) == ("ranking", ["Germinal", "Nana"])
    assert (plan[1]["type"], plan[1]["options"]) == ("date_poll", DATES["options"])
    edit_page = client.get(f"/sessions/{code}/edit").get_data(as_text=True)
    assert "Sam. 12 | 2026-12-12 18:00 | 20:00" in edit_page and "Pour un sondage de dates" not in edit_page


def test_a_bad_slot_is_refused_beside_its_field_naming_its_line_in_both_languages(app, client):
    sign_in(client, app)
    bad = [{"type": "date_poll", "prompt": "Quand ?", "options": "Dimanche\nSam. | 2026-12-12 18:00 | 17:00"}]
    refused = _editor(client, "Club", bad)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Line 2: the end must come after the start." in page
    assert 'aria-invalid="true"' in page
    client.set_cookie("lang", "fr")
    page = _editor(client, "Club", bad).get_data(as_text=True).replace("\u00a0", " ")
    assert "Ligne 2 : la fin doit venir après le début." in page
    page = _editor(client, "Club", [{"type": "date_poll", "prompt": "Q", "options": "A | demain | 20:00\nB"}]).get_data(as_text=True)
    page = page.replace("\u00a0", " ")
    assert "Ligne 1 : écrivez les dates et heures ainsi : 2026-12-12 18:00." in page


def test_the_api_refuses_bad_specs_naming_the_field(app, client):
    token = api_token(app)
    for activity, code, field in (
        ({"type": "ranking", "prompt": "Q", "options": ["A"]}, "invalid_options", "activities[0].options"),
        ({"type": "ranking", "prompt": "Q", "options": [str(n) for n in range(11)]}, "invalid_options", "activities[0].options"),
        ({**DATES, "options": [{"label": "A", "start": "2026-12-12T18:00"}, "B"]}, "missing_time", "activities[0].options[0].end"),
        ({**DATES, "options": [{"label": "A", "start": "12/12/2026 18h", "end": "2026-12-12T20:00"}, "B"]}, "invalid_time",
         "activities[0].options[0].start"),
    ):
        response = client.post("/api/sessions", json={"title": "x", "activities": [activity]}, headers=bearer(token))
        assert response.status_code == 400, response.get_data(as_text=True)
        assert (response.json["error"]["code"], response.json["error"]["field"]) == (code, field)


def test_the_facilitator_downloads_a_slot_of_their_own_date_poll_only(app, client):
    token = api_token(app)
    created = client.post("/api/sessions", json={"title": "Club", "activities": [DATES]}, headers=bearer(token)).json
    code, dates = created["code"], created["activities"][0]["id"]
    path = f"/sessions/{code}/activities/{dates}"

    assert client.get(f"{path}/calendar.ics?option=0").status_code == 302  # signed out: to the login page
    sign_in(client, app)
    made = client.get(f"{path}/calendar.ics?option=0")
    assert made.status_code == 200 and made.mimetype == "text/calendar"
    assert made.headers["Content-Disposition"] == f'attachment; filename="{code}-date-poll-1.ics"'
    event = Calendar.from_ical(made.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Club" and event.decoded("dtend").isoformat() == "2026-12-12T20:00:00+00:00"
    grid = client.get(f"{path}/grid.csv")
    assert grid.status_code == 200 and grid.data.startswith("\ufeffparticipant,Sam. 12,Dimanche\r\n".encode())

    # Nobody answered yet: no best slot; a text option has no times; unknown things are 404s.
    no_best = client.get(f"{path}/calendar.ics")
    assert no_best.status_code == 400 and "no best slot" in no_best.get_data(as_text=True)
    client.set_cookie("lang", "fr")
    text_option = client.get(f"{path}/calendar.ics?option=1")
    assert text_option.status_code == 400 and "un événement de calendrier a besoin des deux" in text_option.get_data(as_text=True)
    for wrong in (f"{path}/other.txt", f"/sessions/{code}/activities/nope/calendar.ics", f"/sessions/NOPE1234/activities/{dates}/grid.csv"):
        assert client.get(wrong).status_code == 404

    # The event's description is in the facilitator's language and says the slot's zone.
    assert "When: 2026-12-12 18:00 – 20:00 (UTC)" in str(event["description"])
    french = client.get(f"{path}/calendar.ics?option=0")
    described = str(Calendar.from_ical(french.data).walk("VEVENT")[0]["description"])
    assert "Quand\u00a0: 2026-12-12 18:00 – 20:00 (UTC)" in described and "Oui\u00a0: 0 · Peut-être\u00a0: 0 · Non\u00a0: 0" in described

    api = f"/api{path}"
    assert client.get(f"{api}/calendar.ics?option=0").status_code == 401
    from_api = client.get(f"{api}/calendar.ics?option=0", headers=bearer(token)).data
    # The same file, but for the moment it was made (DTSTAMP, to the second).
    assert from_api == french.data.replace(_line(french.data, b"DTSTAMP"), _line(from_api, b"DTSTAMP"))
    refused = client.get(f"{api}/calendar.ics?option=1", headers=bearer(token))
    assert refused.status_code == 400 and refused.json["error"]["code"] == "no_times"
    stranger = api_token(app, "other@example.org")
    assert client.get(f"{api}/grid.csv", headers=bearer(stranger)).status_code == 404
    other = app.test_client()
    sign_in(other, app, "other@example.org")
    assert other.get(f"{path}/grid.csv").status_code == 404


def _line(text: bytes, name: bytes) -> bytes:
    return next(line for line in text.split(b"\r\n") if line.startswith(name))
