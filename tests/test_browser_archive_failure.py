"""An archive that cannot be written, in Debian's Chromium: the host ends the session,
the phone is told it has ended all the same, and the host screen says what went
wrong (issue 12, item 3). The archive folder is a file here, so nothing can be
written under it, whoever runs the test (root included)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import LiveServer, free_port, server_env
from tests.test_browser import PASSWORD, Watched, browser, sign_in  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(tmp_path):
    blocked = tmp_path / "sessions"
    blocked.write_text("not a folder")
    live = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_ARCHIVE_DIR=str(blocked)),
        port=free_port(), archive_dir=blocked, log_path=tmp_path / "server.log",
    )
    live.start()
    yield live
    live.stop()


def test_the_host_is_told_when_the_archive_fails_and_the_phone_still_sees_the_end(browser, server):
    from playwright.sync_api import expect

    email = "host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session(
        {"title": "Disque plein", "activities": [{"type": "poll", "prompt": "Q ?", "options": ["A", "B"]}]}, email=email)
    host_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    host = Watched(host_context)
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True)
    phone = Watched(phone_context)
    phone.page.goto(f"{server.url}/j/{created['code']}")
    phone.page.get_by_test_id("join").click()
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")

    host.page.get_by_test_id("end").click()
    host.page.get_by_test_id("end-confirm").click()

    expect(host.page.get_by_test_id("ended")).to_be_visible()
    warning = host.page.get_by_test_id("archive-failed")
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_contain_text("archive files could not be written")
    expect(warning).to_contain_text(re.compile("File exists|Not a directory"))  # what the server said
    expect(phone.page.get_by_test_id("ended")).to_be_visible()
    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()
