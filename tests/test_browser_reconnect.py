"""A server restart in the middle of a poll, seen from Chromium: a host screen and
a phone lose the server (SIGKILL), say so, and come back by themselves once it
restarts on the same port and database; the phone is still the same participant
(its vote still shown, counted once), and a new vote after the restart counts."""

from __future__ import annotations

import re
import signal

import pytest
import requests

from tests.conftest import WAIT, LiveServer, free_port, server_env
from tests.test_browser import PASSWORD, Watched, browser, sign_in  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(tmp_path):
    live = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}"), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    live.start()
    yield live
    live.stop()


def test_host_and_phone_recover_by_themselves_after_a_server_kill(browser, server):
    from playwright.sync_api import expect

    email = "host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({
        "title": "Club lecture",
        "activities": [
            {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]},
            {"type": "poll", "prompt": "Quel jour ?", "options": ["Lundi", "Mardi"]},
        ],
    }, email=email)
    code = created["code"]

    host_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    host = Watched(host_context)
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))

    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True)
    phone = Watched(phone_context)
    phone.page.goto(f"{server.url}/j/{code}")
    phone.page.get_by_label(re.compile("nom", re.I)).fill("Zoé")
    phone.page.get_by_test_id("join").click()
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")

    host.page.get_by_test_id("next").click()
    phone.page.get_by_test_id("option-1").click()
    phone.page.get_by_test_id("vote").click()
    expect(phone.page.get_by_test_id("confirmation")).to_be_visible()
    expect(host.page.get_by_test_id("count-1")).to_have_text(re.compile(r"^\s*1\b"))

    # The server dies without a word: both screens say they are offline, out loud too.
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)
    expect(host.page.get_by_test_id("offline")).to_be_visible(timeout=WAIT * 1000)
    expect(phone.page.get_by_test_id("connection")).to_be_visible(timeout=WAIT * 1000)
    expect(phone.page.get_by_test_id("connection")).to_contain_text(re.compile("reconnexion", re.I))
    expect(phone.page.get_by_test_id("announcer")).to_contain_text(re.compile("reconnexion", re.I))

    # It comes back on the same port and database: nobody touches either page.
    server.start()
    expect(host.page.get_by_test_id("offline")).to_be_hidden(timeout=WAIT * 1000)
    expect(phone.page.get_by_test_id("connection")).not_to_contain_text(re.compile("reconnexion", re.I), timeout=WAIT * 1000)
    expect(phone.page.get_by_test_id("my-name")).to_have_text("Zoé")  # the same participant, not a new one
    expect(phone.page.get_by_test_id("confirmation")).to_be_visible()  # its vote, as given
    expect(phone.page.get_by_test_id("confirmation")).to_contain_text("Nana")
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("1")  # counted once
    expect(host.page.get_by_test_id("count-1")).to_have_text(re.compile(r"^\s*1\b"))
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")

    # Life goes on: the next poll, and the phone's vote counts.
    host.page.get_by_test_id("next").click()
    phone.page.get_by_test_id("option-0").click()
    phone.page.get_by_test_id("vote").click()
    expect(phone.page.get_by_test_id("confirmation")).to_be_visible()
    expect(phone.page.get_by_test_id("confirmation")).to_contain_text("Lundi")
    expect(host.page.get_by_test_id("count-0")).to_have_text(re.compile(r"^\s*1\b"))
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("1")

    token = server.facilitator(email)
    document = requests.get(f"{server.url}/api/sessions/{code}/summary", headers={"Authorization": f"Bearer {token}"},
                            timeout=WAIT).json()
    assert [a["counts"] for a in document["activities"]] == [[0, 1, 0], [1, 0]]
    assert document["n_participants"] == 1

    # The only console errors allowed are the failed reconnection attempts while the server was down.
    for watched in (host, phone):
        unexpected = [p for p in watched.problems if "socket.io" not in p and "ERR_CONNECTION_REFUSED" not in p]
        assert unexpected == [], unexpected
    host_context.close()
    phone_context.close()
