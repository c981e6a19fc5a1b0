"""Archived sessions after the event: the folder of a real session, the facilitator's
pages (list and search, session page, zip, run again, deletion, comparison), share
links for the group, access between facilitators, retention, and pages built from
summary.json alone (imported sessions)."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from live.domain.errors import DomainError
from live.archive import compare as matching
from live.archive.writer import write_archive
from live.services import archives, planning
from live.store.models import Activity, Answer, LiveSession, Participant, ShareLink
from tests.conftest import WAIT
from tests.sockets import host, participant
from tests.test_archive_writer import make_group, make_player, make_poll, make_quiz, make_summary, make_wordcloud

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'
from tests.web import csrf_of, owner_id, sign_in

SESSION = {
    "title": "Atelier <b>lecture</b>",
    "activities": [
        {"type": "poll", "prompt": "Quel livre lire ensuite ?", "options": ["Germinal", HOSTILE_IMG, "Nana"]},
        {"type": "wordcloud", "prompt": "Un mot pour cette soirée ?", "max_entries": 3},
        {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 30},
    ],
}


def assert_no_external_reference(page: str) -> None:
    """No script, and nothing that a browser would fetch: no src or href attribute, no
    http(s) address anywhere, no url() or @import."""
    assert "<script" not in page.lower()
    assert not re.search(r"<[^>]*\b(src|href)\s*=", page, re.I)  # in a tag, not in escaped text
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"url\(", page, re.I) and "@import" not in page


def assert_hostile_text_is_text(page: str) -> None:
    assert HOSTILE_SCRIPT not in page and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


# -- a real session through the server ------------------------------------------------


def web_login(server, email: str) -> requests.Session:
    """A signed-in browser-like session on a real server (CSRF token from the form)."""
    password = "correct horse"  # LiveServer.facilitator's
    server.facilitator(email, password)
    web = requests.Session()
    page = web.get(server.url + "/login", timeout=WAIT).text
    token = csrf_of(page)
    signed = web.post(server.url + "/login", data={"email": email, "password": password, "csrf_token": token}, timeout=WAIT)
    assert signed.status_code == 200 and "/dashboard" in signed.url
    return web


@pytest.mark.slow
def test_a_real_session_leaves_a_complete_folder_and_shareable_pages(shared_server):
    created = shared_server.create_session(SESSION)
    code, poll, cloud, quiz = created["code"], *(a["id"] for a in created["activities"])

    async def scenario():
        screen = await host(shared_server.url, created["code"], created["host_token"])
        zoe = await participant(shared_server.url, code, "Zoé")
        hostile = await participant(shared_server.url, code, HOSTILE_SCRIPT)
        anonymous = await participant(shared_server.url, code)
        phones = [zoe, hostile, anonymous]
        acks = []
        assert await screen.call("open", {"activity_id": poll}) == {"ok": True}
        for phone, value in zip(phones, (0, 1, 1)):
            acks.append(await phone.answer(poll, value))
        assert await screen.call("open", {"activity_id": cloud}) == {"ok": True}
        for phone, words in zip(phones, (["Lecture", "café"], [HOSTILE_IMG, "lecture"], ["lectures"])):
            for word in words:
                acks.append(await phone.answer(cloud, word))
        assert await screen.call("open", {"activity_id": quiz}) == {"ok": True}
        for phone, value in zip(phones, (1, 1, 0)):
            acks.append(await phone.answer(quiz, value))
        assert all(ack["ok"] for ack in acks), acks
        ended = await screen.call("end", {})
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return ended, len(acks)

    ended, n_answers = asyncio.run(scenario())
    folder = Path(ended["archive_path"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "answers.csv", "index.html", "poll-1.csv", "quiz-3.csv", "quiz-leaderboard.csv", "quiz-questions.csv",
        "summary.json", "wordcloud-2.csv",
    ]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["schema"] == 1 and summary["n_participants"] == 3 and summary["title"] == SESSION["title"]
    poll_doc, cloud_doc, quiz_doc = summary["activities"]
    assert poll_doc["counts"] == [1, 2, 0] and cloud_doc["words"][0] == ["Lecture", 3]
    assert quiz_doc["correct_rate"] == pytest.approx(2 / 3, abs=0.001)
    players = {row["name"]: row for row in summary["leaderboard"]}
    assert players["Zoé"]["participant_number"] == 1 and players[HOSTILE_SCRIPT]["participant_number"] == 2

    with open(folder / "answers.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == n_answers  # every acknowledged answer, once
    assert {r["participant_pseudonym"] for r in rows} == {"Participant 1", "Participant 2", "Participant 3"}
    assert {r["activity_type"] for r in rows} == {"poll", "wordcloud", "quiz"}
    assert all(r["ms_since_open"].isdigit() for r in rows)
    assert [r["answer_text"] for r in rows if r["participant_name"] == HOSTILE_SCRIPT][0] == HOSTILE_IMG
    with open(folder / "poll-1.csv", encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["option", "count", "share"], ["Germinal", "1", "0.3333"],
                                            [HOSTILE_IMG, "2", "0.6667"], ["Nana", "0", "0.0"]]
    with open(folder / "quiz-3.csv", encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1:] == [["Hugo", "1", "0.3333", "no"], ["Zola", "2", "0.6667", "yes"]]

    offline = (folder / "index.html").read_text(encoding="utf-8")
    assert_no_external_reference(offline)
    assert_hostile_text_is_text(offline)
    assert offline.count('<svg class="chart"') == 2 and offline.count('<svg class="cloud"') == 1
    assert "@media print" in offline and "Final leaderboard" in offline

    # The facilitator's page and a share link, through the real server.
    web = web_login(shared_server, "host@example.org")
    page = web.get(f"{shared_server.url}/archives/{code}", timeout=WAIT)
    assert page.status_code == 200
    assert_hostile_text_is_text(page.text)
    made = web.post(f"{shared_server.url}/archives/{code}/shares", data={"csrf_token": csrf_of(page.text)}, timeout=WAIT)
    assert made.status_code == 201
    link = re.search(r'data-testid="new-share-url" value="([^"]+)"', made.text).group(1)
    shared = requests.get(link, timeout=WAIT)
    assert shared.status_code == 200 and shared.headers["Referrer-Policy"] == "no-referrer"
    assert "Zoé" not in shared.text and "alert(1)</" not in shared.text  # pseudonymised by default
    assert "Participant 1" in shared.text and "Participant 2" in shared.text
    assert "<img" not in shared.text.lower() and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in shared.text
    named = web.post(f"{shared_server.url}/archives/{code}/shares", data={"csrf_token": csrf_of(page.text), "show_names": "y"},
                     timeout=WAIT)
    link = re.search(r'data-testid="new-share-url" value="([^"]+)"', named.text).group(1)
    with_names = requests.get(link, timeout=WAIT).text
    assert_hostile_text_is_text(with_names)
    assert "Zoé" in with_names


# -- pages, with archives built from summary.json alone ---------------------------------


def workshop(code, title="Atelier lecture", ended="2026-11-23T19:40:00Z", counts=(10, 15, 5), words=None, names=("Zoé", "Marc")):
    """A summary with a poll, a word cloud and a quiz (the same questions each time)."""
    table = [make_group(word, count) for word, count in (words or [("Lecture", 12), ("café", 7)])]
    players = [make_player(rank, name, 2000 - rank * 100) for rank, name in enumerate(names, start=1)]
    for number, row in enumerate(players, start=1):
        row["participant_number"] = number
    return make_summary(
        [make_poll(0, counts=list(counts), n_answers=sum(counts)), make_wordcloud(1, table=table), make_quiz(2)],
        code=code, title=title, ended_at=ended, leaderboard=players,
    )


def add_archive(app, tmp_path, summary, email="host@example.org") -> str:
    """Index ``summary`` as an archive of ``email``, as `live archive import` does."""
    source = tmp_path / "elsewhere" / summary["code"]
    write_archive(source.parent, summary, [])
    (source.parent / f"{summary['ended_at'][:10]}-{summary['code']}").rename(source)
    live = app.extensions["live"]
    owner_id(app, email)
    [result] = archives.import_archives(live.sessions, source, live.settings.archive_dir, email)
    assert result.ok, result.message
    return summary["code"]


def test_the_list_shows_title_date_participants_and_types_newest_first_and_searches(app, client, tmp_path):
    sign_in(client, app)
    add_archive(app, tmp_path, workshop("OLDER001", title="Soirée lecture", ended="2025-03-02T20:00:00Z"))
    add_archive(app, tmp_path, workshop("NEWER001", title="Club <jeux>", ended="2026-11-23T19:40:00Z"))

    listing = client.get("/archives").get_data(as_text=True)
    assert listing.index("NEWER001") < listing.index("OLDER001")  # newest first
    assert "Club &lt;jeux&gt;" in listing and 'data-testid="participants-NEWER001">31<' in listing
    assert "Poll" in listing and "Word cloud" in listing and "Quiz" in listing
    assert "Download (.zip)" in listing

    def found(**query):
        page = client.get("/archives", query_string=query).get_data(as_text=True)
        return [code for code in ("NEWER001", "OLDER001") if f'data-code="{code}"' in page]

    assert found(q="soiree") == ["OLDER001"]  # accents and case ignored
    assert found(q="2026-11") == ["NEWER001"]
    assert found(q="nothing like it") == []
    assert found(**{"from": "2026-01-01"}) == ["NEWER001"]
    assert found(to="2025-12-31") == ["OLDER001"]
    assert found(**{"from": "not a date"}) == ["NEWER001", "OLDER001"]  # ignored, not an error


def test_the_session_page_shows_the_charts_from_summary_json_and_escapes_everything(app, client, tmp_path):
    sign_in(client, app)
    hostile = workshop("HOSTILE1", title=HOSTILE_SCRIPT, names=(HOSTILE_IMG, "Zoé"),
                       words=[(HOSTILE_SCRIPT, 5), (HOSTILE_IMG, 3)])
    hostile["activities"][0]["prompt"] = HOSTILE_IMG
    code = add_archive(app, tmp_path, hostile)

    response = client.get(f"/archives/{code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert_hostile_text_is_text(page)
    assert page.count('<svg class="chart"') == 2 and page.count('<svg class="cloud"') == 1
    assert "/archive.css" in page and "script-src 'self'" in response.headers["Content-Security-Policy"]
    for action in ("download-zip", "run-again", "create-share", 'data-testid="delete"'):
        assert action in page
    css = client.get("/archive.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and ".summary .chart" in css.get_data(as_text=True)


def test_the_zip_holds_every_file_of_the_folder(app, client, tmp_path):
    sign_in(client, app)
    code = add_archive(app, tmp_path, workshop("ZIPPED01"))

    response = client.get(f"/archives/{code}/download.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert sorted(names) == sorted(f"2026-11-23-{code}/{name}" for name in (
        "answers.csv", "index.html", "poll-1.csv", "quiz-3.csv", "quiz-leaderboard.csv", "quiz-questions.csv",
        "summary.json", "wordcloud-2.csv"))


def create_link(client, code, **form) -> str:
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    response = client.post(f"/archives/{code}/shares", data={"csrf_token": csrf_of(page), **form})
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    url = re.search(r'data-testid="new-share-url" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    return "/s/" + url.rsplit("/s/", 1)[1]


def test_a_share_link_shows_the_summary_pseudonymised_without_login_until_revoked(app, client, tmp_path):
    sign_in(client, app)
    code = add_archive(app, tmp_path, workshop("SHARED01", names=(HOSTILE_SCRIPT, "Zoé")))
    path = create_link(client, code)
    token = path.rsplit("/", 1)[1]
    assert len(token) >= 43  # token_urlsafe(32)
    with app.extensions["live"].sessions() as db:
        stored = db.scalar(select(ShareLink))
    assert token not in (stored.token_hash, stored.token_hint) and len(stored.token_hash) == 64  # only its hash

    visitor = app.test_client()
    response = visitor.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer" and "noindex" in response.headers["X-Robots-Tag"]
    assert "Zoé" not in page and "alert(1)" not in page
    assert "Participant 1" in page and "Participant 2" in page
    assert "/archives" not in page and "/dashboard" not in page and "/login" not in page  # no way into the facilitator area
    assert '<svg class="chart"' in page

    listed = client.get(f"/archives/{code}").get_data(as_text=True)
    assert "Pseudonymised" in listed and "Active" in listed and token not in listed
    revoke = client.post(f"/archives/{code}/shares/{stored.id}/revoke", data={"csrf_token": csrf_of(listed)})
    assert revoke.status_code == 302
    assert visitor.get(path).status_code == 404
    assert "Revoked" in client.get(f"/archives/{code}").get_data(as_text=True)


def test_a_share_link_may_show_names_and_expires_at_the_end_of_its_day(app, client, tmp_path):
    sign_in(client, app)
    code = add_archive(app, tmp_path, workshop("NAMED001", names=(HOSTILE_SCRIPT, "Zoé")))
    path = create_link(client, code, show_names="y", expires_on=date.today().isoformat())
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Zoé" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and HOSTILE_SCRIPT not in page

    sessions = app.extensions["live"].sessions
    found = archives.shared_session(sessions, path.rsplit("/", 1)[1])
    assert found is not None
    tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time())
    assert archives.shared_session(sessions, path.rsplit("/", 1)[1], now=tomorrow) is None  # expired
    with sessions.begin() as db:
        db.scalar(select(ShareLink)).expires_at = datetime(2000, 1, 1)
    assert app.test_client().get(path).status_code == 404


def test_wrong_share_links_and_bad_expiry_dates(app, client, tmp_path):
    sign_in(client, app)
    code = add_archive(app, tmp_path, workshop("BADLINK1"))
    visitor = app.test_client()
    for path in ("/s/nope", "/s/" + "A" * 43, "/s/" + "x" * 500, "/s/%00"):
        assert visitor.get(path).status_code == 404, path
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    for typed in ("yesterday", "2001-01-01", "2999-01-01"):
        response = client.post(f"/archives/{code}/shares", data={"csrf_token": csrf_of(page), "expires_on": typed})
        assert response.status_code == 400 and 'data-testid="archive-error"' in response.get_data(as_text=True)
    assert client.post(f"/archives/{code}/shares", data={}).status_code == 400  # no CSRF token
    with app.extensions["live"].sessions() as db:
        assert db.scalar(select(func.count(ShareLink.id))) == 0


def test_another_facilitators_archive_is_not_found_anywhere(app, client, tmp_path):
    code = add_archive(app, tmp_path, workshop("NOTYOURS"), email="owner@example.org")
    sign_in(client, app, "owner@example.org")
    path = create_link(client, code)
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/dashboard").get_data(as_text=True))})

    intruder = app.test_client()
    sign_in(intruder, app, "intruder@example.org")
    mine = add_archive(app, tmp_path, workshop("MINE0001"), email="intruder@example.org")
    token = csrf_of(intruder.get(f"/archives/{mine}").get_data(as_text=True))
    for url in (f"/archives/{code}", f"/archives/{code}/summary.json", f"/archives/{code}/index.html",
                f"/archives/{code}/download.zip", f"/archives/{code}/delete", f"/archives/compare?code={mine}&code={code}"):
        assert intruder.get(url).status_code == 404, url
    for url in (f"/archives/{code}/shares", f"/archives/{code}/shares/1/revoke", f"/archives/{code}/again",
                f"/archives/{code}/delete"):
        assert intruder.post(url, data={"csrf_token": token}).status_code == 404, url
    assert "NOTYOURS" not in intruder.get("/archives").get_data(as_text=True)
    assert app.test_client().get(path).status_code == 200  # still there, still shared
    assert app.test_client().get(f"/archives/{code}").status_code == 302  # signed out: to the login page


def test_deletion_asks_then_removes_rows_files_and_links(app, client, tmp_path):
    sign_in(client, app)
    live = app.extensions["live"]
    created = planning.create_session(live.sessions, "test-key", owner_id(app), "À supprimer",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])
    state = live.runtime.state(created.code)
    _state, welcome, _notices = live.runtime.join(created.code, None, "Zoé")
    activity_id = created.activities[0]["id"]
    live.runtime.open_activity(state, activity_id)
    with live.sessions.begin() as db:  # an answer as the committer stores it
        db.add(Answer(session_id=state.session_id, activity_id=activity_id, participant_id=welcome["participant_id"],
                      answer_id="a1", value=1, created_at=datetime.utcnow(), ms_since_open=1200))
    ack, _ = live.runtime.end_session(state)
    with open(Path(ack["archive_path"]) / "answers.csv", encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 2
    folder = Path(ack["archive_path"])
    path = create_link(client, created.code)

    confirm = client.get(f"/archives/{created.code}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.get_data(as_text=True)
    assert client.post(f"/archives/{created.code}/delete", data={}).status_code == 400  # CSRF
    assert folder.is_dir()
    done = client.post(f"/archives/{created.code}/delete", data={"csrf_token": csrf_of(confirm.get_data(as_text=True))})
    assert done.status_code == 302 and "/archives" in done.headers["Location"]
    assert not folder.exists() and live.settings.archive_dir.is_dir()
    with live.sessions() as db:
        for model in (LiveSession, Activity, Participant, Answer, ShareLink):
            assert db.scalar(select(func.count()).select_from(model)) == 0, model
    assert client.get(f"/archives/{created.code}").status_code == 404
    assert app.test_client().get(path).status_code == 404
    # A phone coming back with the old code finds no session, not a cached ghost of it.
    with pytest.raises(DomainError) as refused:
        live.runtime.join(created.code, welcome["token"], "Zoé")
    assert refused.value.code == "unknown_session"


def test_deletion_never_touches_a_folder_outside_the_archive_dir(app, client, tmp_path):
    sign_in(client, app)
    code = add_archive(app, tmp_path, workshop("OUTSIDE1"))
    live = app.extensions["live"]
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "summary.json").write_text("{}")
    with live.sessions.begin() as db:
        row = db.scalar(select(LiveSession).where(LiveSession.code == code))
        archive = Path(row.archive_path)
        row.archive_path = str(outside)
    # A link planted where the folder should be is not followed either.
    import shutil

    shutil.rmtree(archive)
    archive.symlink_to(outside, target_is_directory=True)
    archives.delete_archive(live.sessions, owner_id(app), code, live.settings.archive_dir)
    assert (outside / "summary.json").exists()
    with live.sessions() as db:
        assert db.scalar(select(LiveSession).where(LiveSession.code == code)) is None


def test_retention_deletes_sessions_that_ended_too_long_ago(app, tmp_path):
    live = app.extensions["live"]
    old = add_archive(app, tmp_path, workshop("OLDONE01", ended="2020-01-01T10:00:00Z"))
    recent = add_archive(app, tmp_path, workshop("RECENT01", ended=datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")))
    running = planning.create_session(live.sessions, "test-key", owner_id(app), "Not ended",
                                      [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}])

    assert archives.purge_expired(live.sessions, live.settings.archive_dir, days=30) == [old]
    remaining = {p.name for p in live.settings.archive_dir.iterdir()}
    assert not any(name.endswith(old) for name in remaining) and any(name.endswith(recent) for name in remaining)
    with live.sessions() as db:
        assert set(db.scalars(select(LiveSession.code))) == {recent, running.code}
    assert archives.purge_expired(live.sessions, live.settings.archive_dir, days=30) == []


def test_the_retention_task_purges_then_sleeps_an_hour_and_forgets_what_it_deleted(app, tmp_path):
    live = app.extensions["live"]
    old = add_archive(app, tmp_path, workshop("OLDTWO01", ended="2020-01-01T10:00:00Z"))
    forgotten, naps = [], []

    class Stop(Exception):
        pass

    def sleep(seconds):
        naps.append(seconds)
        raise Stop  # one round is enough to see what the task does

    with pytest.raises(Stop):
        archives.retention_loop(live.sessions, live.settings.archive_dir, 30, sleep, forgotten.append)
    assert forgotten == [old] and naps == [3600]
    with live.sessions() as db:
        assert db.scalar(select(func.count()).select_from(LiveSession).where(LiveSession.code == old)) == 0


def test_compare_lines_up_the_same_activities_and_lists_the_others(app, client, tmp_path):
    sign_in(client, app)
    first = add_archive(app, tmp_path, workshop("GROUPA01", title="Groupe A", counts=(10, 15, 5)))
    second_summary = workshop("GROUPB01", title="Groupe B", ended="2026-12-01T19:00:00Z", counts=(2, 3, 20),
                              words=[("Partage", 9), ("rire", 4)])
    second_summary["activities"][0]["prompt"] = "  QUEL livre lire   ensuite ? "  # same question, typed differently
    second_summary["activities"].append(make_poll(3, prompt="Une question en plus ?", options=["Oui", "Non"]))
    second = add_archive(app, tmp_path, second_summary)
    add_archive(app, tmp_path, workshop("OTHERS01", title="Autre").copy() | {"activities": [make_poll(0, prompt="Autre chose ?")]})

    picker = client.get("/archives/compare", query_string={"code": first}).get_data(as_text=True)
    assert "3 activities in common" in picker  # GROUPB01 suggested, OTHERS01 not
    assert picker.count("activities in common") == 1

    response = client.get("/archives/compare", query_string=[("code", first), ("code", second)])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="columns"') == 3  # poll, word cloud, quiz
    assert page.count('<svg class="chart"') == 4 and page.count('<svg class="cloud"') == 2
    assert "10 (33%)" in page and "20 (80%)" in page  # the same option in both sessions
    assert "Une question en plus ?" in page[page.index("In one session only"):]
    assert "Groupe A" in page and "Groupe B" in page

    for bad in ([("code", first)], [("code", c) for c in [first] * 3], [("code", f"X{i}") for i in range(8)]):
        assert client.get("/archives/compare", query_string=bad).status_code in (400, 404)
    assert client.get("/archives/compare", query_string=[("code", first), ("code", "NOPE1234")]).status_code == 404


def test_fingerprints_ignore_case_and_spaces_but_not_options():
    poll = make_poll(0)
    assert matching.fingerprint(poll) == matching.fingerprint(dict(poll, prompt=" quel LIVRE lire ensuite ? "))
    assert matching.fingerprint(poll) != matching.fingerprint(dict(poll, options=["Germinal", "Nana"]))
    assert matching.fingerprint(poll) != matching.fingerprint(dict(poll, type="quiz"))
    twice = make_summary([make_poll(0), make_poll(1)])
    result = matching.compare([twice, make_summary([make_poll(0)])])
    assert len(result["matched"]) == 1 and len(result["unmatched"]) == 1  # the second ask has no partner


def test_run_again_makes_a_new_session_with_the_same_activities(app, client, tmp_path):
    sign_in(client, app)
    code = add_archive(app, tmp_path, workshop("AGAIN001", title="Atelier lecture"))
    page = client.get(f"/archives/{code}").get_data(as_text=True)
    response = client.post(f"/archives/{code}/again", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    new_code = response.headers["Location"].split("/")[-2]
    live = app.extensions["live"]
    row = planning.owned_session(live.sessions, owner_id(app), new_code)
    plan = planning.plan_of(live.sessions, row.id)
    assert row.title == "Atelier lecture" and row.phase == "lobby"
    assert [a["type"] for a in plan] == ["poll", "wordcloud", "quiz"]
    assert plan[2]["correct"] == [1] and plan[0]["options"] == ["Germinal", "Les Misérables", "Bel-Ami"]
    assert "counts" not in plan[0] and "table" not in plan[1]  # results are not part of the plan


def _scale_session(code: str, ended: str, values=None) -> dict:
    """A summary holding a poll and, when ``values`` is given, a rating scale answered with them."""
    from live.activities.registry import parse_spec
    from live.activities.scale import rules as scale_rules

    activities = [make_poll(0)]
    if values is not None:
        spec = {"type": "scale", "prompt": "Êtes-vous satisfaits ?", "min": 1, "max": 5}
        tally = scale_rules.Tally(parse_spec(spec).spec)
        for value in values:
            tally.add(value)
        activities.append({**spec, "id": f"{code}-s", "position": 1, "n_answers": len(values), **tally.results()})
    return make_summary(activities) | {"code": code, "title": "Atelier lecture", "ended_at": ended}


def test_sessions_of_one_day_are_told_apart_by_their_time_and_a_missing_question_is_said_not_dashed():
    from live.archive.compare import compare
    from live.archive.writer import render_comparison

    morning = _scale_session("MATIN001", "2026-11-23T09:15:00Z", [4, 5])
    evening = _scale_session("SOIR0001", "2026-11-23T19:40:00Z", [2, 3, 3])
    other_day = _scale_session("AUTRE001", "2026-11-30T19:40:00Z")  # no scale
    page = html.unescape(render_comparison(compare([morning, evening, other_day]), "en"))
    # Same day: the time tells them apart, in the headers and the tables' columns.
    assert "Nov 23, 2026 at 9:15" in page and "Nov 23, 2026 at 7:40" in page
    assert "Nov 30, 2026" in page and "Nov 30, 2026 at" not in page
    table = page[page.index("Êtes-vous satisfaits ?"):]
    table = table[table.index("<table"):table.index("</table>")]
    assert table.count('<th scope="col" class="n">') == 2 and "Nov 30" not in table and "—" not in table
    assert "Asked in 2 of the 3 sessions; no counterpart in Nov 30, 2026." in page
    assert "No counterpart in this session" in page
    french = html.unescape(render_comparison(compare([morning, evening]), "fr"))
    assert "23 nov. 2026 à 09:15" in french and "23 nov. 2026 à 19:40" in french
    # Two sessions that ended in the same minute: their codes.
    twin = _scale_session("JUMEAU01", "2026-11-23T19:40:20Z", [1])
    both = html.unescape(render_comparison(compare([evening, twin]), "en")).replace("\u202f", " ")
    assert "at 7:40 PM · SOIR0001" in both and "at 7:40 PM · JUMEAU01" in both
