"""Facilitator pages through the Flask test client: login with CSRF, the session
editor, ownership, language choice."""

from __future__ import annotations

import re
from pathlib import Path


from live.services import accounts, planning

from tests.web import PASSWORD, csrf_of as csrf, sign_in


def editor_data(page: str, title: str, polls: list[tuple[str, str, bool]], **extra) -> dict:
    data = {"csrf_token": csrf(page), "title": title, "profanity_filter": "y", **extra}
    for index, (prompt, options, multiple) in enumerate(polls):
        data[f"activities-{index}-type"] = "poll"
        data[f"activities-{index}-prompt"] = prompt
        data[f"activities-{index}-options"] = options
        if multiple:
            data[f"activities-{index}-multiple"] = "y"
    return data


def test_login_needs_the_right_password_and_a_csrf_token(app, client):
    accounts.add_facilitator(app.extensions["live"].sessions, "host@example.org", PASSWORD)
    page = client.get("/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    no_token = client.post("/login", data={"email": "host@example.org", "password": PASSWORD})
    assert no_token.status_code == 400
    wrong = client.post("/login", data={"email": "host@example.org", "password": "nope", "csrf_token": csrf(page.get_data(as_text=True))})
    assert wrong.status_code == 401
    assert client.get("/dashboard").status_code == 302
    sign_in(client, app)
    assert client.get("/dashboard").status_code == 200


def test_first_run_login_page_says_how_to_create_an_account(app, client):
    assert "live facilitator add" in client.get("/login").get_data(as_text=True)


def test_create_and_edit_a_session_in_the_editor(app, client):
    sign_in(client, app)
    page = client.get("/sessions/new").get_data(as_text=True)
    created = client.post("/sessions/new", data=editor_data(page, "Club <lecture>", [
        ("Quel livre ?", "Germinal\nNana\n\n", False), ("Quels jours ?", "Lundi\nMardi\nJeudi", True), ("", "", False),
    ]))
    assert created.status_code == 302
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)
    session = planning.owned_session(app.extensions["live"].sessions, 1, code)
    plan = planning.plan_of(app.extensions["live"].sessions, session.id)
    assert [(p["prompt"], p["options"], p["multiple"]) for p in plan] == [
        ("Quel livre ?", ["Germinal", "Nana"], False), ("Quels jours ?", ["Lundi", "Mardi", "Jeudi"], True)]
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Club &lt;lecture&gt;" in dashboard and "Club <lecture>" not in dashboard

    edit_page = client.get(f"/sessions/{code}/edit").get_data(as_text=True)
    assert "Germinal" in edit_page
    saved = client.post(f"/sessions/{code}/edit", data=editor_data(edit_page, "Club lecture", [("Un seul ?", "Oui\nNon", False)]))
    assert saved.status_code == 302
    assert [p["prompt"] for p in planning.plan_of(app.extensions["live"].sessions, session.id)] == ["Un seul ?"]

    bad = client.post(f"/sessions/{code}/edit", data=editor_data(edit_page, "Club", [("Q", "Only one", False)]))
    assert bad.status_code == 400 and "polls 2 to 12" in bad.get_data(as_text=True)
    empty = client.post("/sessions/new", data=editor_data(page, "Nothing", []))
    assert empty.status_code == 400 and "at least one activity" in empty.get_data(as_text=True)
    assert [p["prompt"] for p in planning.plan_of(app.extensions["live"].sessions, session.id)] == ["Un seul ?"]


def test_a_started_session_cannot_be_edited(app, client):
    sign_in(client, app)
    sessions = app.extensions["live"].sessions
    created = planning.create_session(sessions, "test-key", 1, "T", [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    runtime = app.extensions["live"].runtime
    runtime.open_activity(runtime.state(created.code), created.activities[0]["id"])
    page = client.get(f"/sessions/{created.code}/edit").get_data(as_text=True)
    refused = client.post(f"/sessions/{created.code}/edit", data=editor_data(page, "T2", [("Q2", "A\nB", False)]))
    assert refused.status_code == 409
    assert [p["prompt"] for p in planning.plan_of(sessions, runtime.state(created.code).session_id)] == ["Q"]


def test_other_facilitators_sessions_are_not_found(app, client):
    sessions = app.extensions["live"].sessions
    accounts.add_facilitator(sessions, "owner@example.org", PASSWORD)
    created = planning.create_session(sessions, "test-key", 1, "Mine", [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    sign_in(client, app, "intruder@example.org")
    for path in (f"/host/{created.code}", f"/sessions/{created.code}/edit", f"/archives/{created.code}",
                 f"/archives/{created.code}/answers.csv"):
        assert client.get(path).status_code == 404, path
    assert "Mine" not in client.get("/dashboard").get_data(as_text=True)


def test_host_page_for_the_owner_holds_the_host_token_and_the_join_address(app, client):
    sign_in(client, app)
    created = planning.create_session(app.extensions["live"].sessions, "test-key", 1, "T",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    page = client.get(f"/host/{created.code}").get_data(as_text=True)
    assert created.host_token in page
    quiz = planning.create_session(app.extensions["live"].sessions, "test-key", 1, "Q",
                                   [{"type": "quiz", "prompt": "Q", "options": ["Hugo", "Zola"], "correct": [1]}])
    assert '"correct": [' not in client.get(f"/host/{quiz.code}").get_data(as_text=True)  # no correct options in the page
    assert f"/j/{created.code}" in page and f"/qr/{created.code}.svg" in page


def test_language_follows_the_browser_and_the_switch(app, client):
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert 'lang="fr"' in french and "Rejoindre" in french
    switched = client.get("/lang/en?next=/login", headers={"Accept-Language": "fr"})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/login")
    assert 'lang="en"' in client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example").headers["Location"] == "/"


def test_typed_codes_lead_to_the_join_page(app, client):
    created = planning.create_session(app.extensions["live"].sessions, "test-key",
                                      accounts.add_facilitator(app.extensions["live"].sessions, "h@example.org", PASSWORD).id,
                                      "T", [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    typed = f"{created.code[:4].lower()} {created.code[4:].lower()}"
    response = client.get("/join", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/j/{created.code}")
    assert client.get("/join", query_string={"code": "NOPE2345"}).status_code == 404
    assert client.get(f"/j/{created.code.lower()}").status_code == 302
    assert client.get(f"/j/{created.code}").status_code == 200


def test_archives_list_and_files_for_the_owner(app, client):
    sign_in(client, app)
    sessions = app.extensions["live"].sessions
    created = planning.create_session(sessions, "test-key", 1, "Soirée <lecture>",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]},
                                       {"type": "wordcloud", "prompt": "Un mot ?"}])
    runtime = app.extensions["live"].runtime
    state = runtime.state(created.code)
    runtime.open_activity(state, created.activities[0]["id"])
    ack, _messages = runtime.end_session(state)
    # The ack's addresses are made by the end handler (tests/test_live_server.py checks them).
    assert ack["code"] == created.code and Path(ack["archive_path"]).is_dir()

    listing = client.get("/archives").get_data(as_text=True)
    assert created.code in listing and "Soirée &lt;lecture&gt;" in listing
    page = client.get(f"/archives/{created.code}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    offline = client.get(f"/archives/{created.code}/index.html")
    assert "script-src" not in offline.headers["Content-Security-Policy"]  # the archived page runs no script at all
    assert "&lt;lecture&gt;" in page.get_data(as_text=True)
    csv_file = client.get(f"/archives/{created.code}/answers.csv")
    assert csv_file.status_code == 200 and "attachment" in csv_file.headers["Content-Disposition"]
    assert client.get(f"/archives/{created.code}/summary.json").get_json()["code"] == created.code
    cloud_csv = client.get(f"/archives/{created.code}/wordcloud-2.csv")
    assert cloud_csv.status_code == 200 and cloud_csv.mimetype == "text/csv"
    for bad in ("../../etc/passwd", "secret_key", "index.htm", "wordcloud-1.csv", "wordcloud-0.csv", "wordcloud-2.csv.bak"):
        assert client.get(f"/archives/{created.code}/{bad}").status_code == 404


def test_the_editor_makes_word_clouds_and_quiz_questions(app, client):
    sign_in(client, app)
    page = client.get("/sessions/new").get_data(as_text=True)
    data = {
        "csrf_token": csrf(page), "title": "Mixte", "blocked_words": "spoiler\n\n",
        "activities-0-type": "wordcloud", "activities-0-prompt": "Un mot ?", "activities-0-max_entries": "2",
        "activities-0-max_length": "30", "activities-0-single_word": "y",
        "activities-1-type": "quiz", "activities-1-prompt": "Qui ?", "activities-1-options": "Hugo\nZola\nBalzac",
        "activities-1-correct": "2", "activities-1-seconds": "15", "activities-1-points": "500",
    }
    created = client.post("/sessions/new", data=data)
    assert created.status_code == 302, created.get_data(as_text=True)
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)
    session = planning.owned_session(app.extensions["live"].sessions, 1, code)
    assert session.settings["profanity_filter"] is False and session.settings["blocked_words"] == ["spoiler"]
    plan = planning.plan_of(app.extensions["live"].sessions, session.id)
    assert plan[0]["type"] == "wordcloud" and (plan[0]["max_entries"], plan[0]["max_length"], plan[0]["single_word"]) == (2, 30, True)
    assert plan[1]["type"] == "quiz" and (plan[1]["correct"], plan[1]["seconds"], plan[1]["points"]) == ([1], 15, 500)
    edit_page = client.get(f"/sessions/{code}/edit").get_data(as_text=True)
    assert "spoiler" in edit_page and "Balzac" in edit_page

    bad = dict(data, **{"activities-1-correct": "4"})
    refused = client.post("/sessions/new", data=bad)
    assert refused.status_code == 400 and "Activity 2" in refused.get_data(as_text=True)


KAHOOT_CSV = (
    "Quiz template,,,,,,,\n"
    ",Question - max 120 characters,Answer 1 - max 75 characters,Answer 2 - max 75 characters,"
    "Answer 3 - max 75 characters,Answer 4 - max 75 characters,Time limit (sec),Correct answer(s) - choose at least one\n"
    "1,Qui a écrit Germinal ?,Hugo,Zola,Balzac,,20,2\n"
    "2,Romans de Zola ?,Nana,Bel-Ami,L'Assommoir,Candide,30,\"1,3\"\n"
)


def test_quiz_questions_are_imported_all_or_nothing(app, client):
    import io

    sign_in(client, app)
    sessions = app.extensions["live"].sessions
    created = planning.create_session(sessions, "test-key", 1, "Quiz", [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    session_id = planning.owned_session(sessions, 1, created.code).id
    page = client.get(f"/sessions/{created.code}/edit").get_data(as_text=True)

    def upload(name: str, content: bytes):
        return client.post(f"/sessions/{created.code}/import", content_type="multipart/form-data",
                           data={"csrf_token": csrf(page), "file": (io.BytesIO(content), name)})

    broken = KAHOOT_CSV.replace("Balzac,,20,2", "Balzac,,240,2").replace('30,"1,3"', '30,"1,7"')
    refused = upload("quiz.csv", broken.encode())
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Row 3" in text and "240" in text and "Row 4" in text
    assert "Quiz" in text and 'value="Q"' in text  # the editor still shows the stored session
    assert [a["type"] for a in planning.plan_of(sessions, session_id)] == ["poll"]  # nothing half-imported
    assert upload("quiz.txt", b"hello").status_code == 400
    assert client.post(f"/sessions/{created.code}/import", data={"csrf_token": csrf(page)}).status_code == 400
    assert client.post(f"/sessions/{created.code}/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(KAHOOT_CSV.encode()), "quiz.csv")}).status_code == 400  # no CSRF token

    added = upload("quiz.csv", KAHOOT_CSV.encode("utf-8-sig"))
    assert added.status_code == 302 and "imported=2" in added.headers["Location"]
    editor = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "Qui a écrit Germinal ?" in editor and 'data-testid="import-added"' in editor
    plan = planning.plan_of(sessions, session_id)
    assert [a["type"] for a in plan] == ["poll", "quiz", "quiz"]
    assert (plan[1]["prompt"], plan[1]["options"], plan[1]["correct"], plan[1]["seconds"]) == (
        "Qui a écrit Germinal ?", ["Hugo", "Zola", "Balzac"], [1], 20)
    assert plan[2]["correct"] == [0, 2]


def test_the_pages_load_each_kinds_module_partials_texts_and_capabilities(app, client):
    sign_in(client, app)
    created = planning.create_session(app.extensions["live"].sessions, "test-key", 1, "T",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    pages = {
        "host": client.get(f"/host/{created.code}").get_data(as_text=True),
        "phone": client.get(f"/j/{created.code}").get_data(as_text=True),
        "console": client.get(f"/host/{created.code}/moderate").get_data(as_text=True),
    }
    for name, page in pages.items():
        for kind in ("poll", "wordcloud", "quiz"):
            assert f'src="/static/js/kinds/{kind}.js"' in page, (name, kind)
            assert f'data-kind-strings="{kind}"' in page, (name, kind)
        assert '<script type="application/json" id="live-kinds">' in page
        assert '"timed": true' in page and '"moderated": true' in page  # the quiz's and the cloud's capabilities
        assert page.index('src="/static/js/kinds.js"') < page.index('src="/static/js/kinds/poll.js"')
    assert 'data-chart' in pages["host"] and 'data-screen="quiz-result"' in pages["phone"]
    assert 'data-panel="wordcloud"' in pages["console"]


def test_the_end_dialog_offers_the_summary_link_as_the_session_setting_says(app, client):
    sign_in(client, app)
    poll = [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}]
    shared = planning.create_session(app.extensions["live"].sessions, "test-key", 1, "T", poll, share_with_participants=True)
    kept = planning.create_session(app.extensions["live"].sessions, "test-key", 1, "T", poll)
    box = re.compile(r'<input[^>]*data-share-summary[^>]*>')
    for path in ("/host/{}", "/host/{}/moderate"):
        assert " checked" in box.search(client.get(path.format(shared.code)).get_data(as_text=True)).group(0)
        assert " checked" not in box.search(client.get(path.format(kept.code)).get_data(as_text=True)).group(0)


def test_only_a_registered_kind_added_from_outside_has_its_module_served(tmp_path, monkeypatch):
    from live.activities import registry
    from tests.conftest import make_app

    # The counter kind is registered for this app only (the registry is restored afterwards).
    monkeypatch.setattr(registry.KINDS, "_kinds", dict(registry.KINDS._kinds))
    app = make_app(tmp_path, activity_kinds=("tests.kinds.counter:KIND",))
    client = app.test_client()
    served = client.get("/kinds/counter.js")
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert 'LiveKinds.register("counter"' in served.get_data(as_text=True)
    for name in ("nope", "poll", "..%2Fconftest", "counter.js%00"):
        assert client.get(f"/kinds/{name}.js").status_code == 404, name  # unknown, built in (under /static), or a path
    sign_in(client, app)
    created = planning.create_session(app.extensions["live"].sessions, "test-key", 1, "T",
                                      [{"type": "counter", "prompt": "Combien ?"}])
    assert 'src="/kinds/counter.js"' in client.get(f"/j/{created.code}").get_data(as_text=True)
