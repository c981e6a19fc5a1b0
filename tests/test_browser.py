"""A phone and a host screen in Debian's Chromium, driven by Playwright, against
a real ``live serve``: the phone joins by the join address, taps an option, and
the host's count moves."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, WAIT, make_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery"
SCREENSHOTS = os.environ.get("LIVE_SCREENSHOTS")  # a folder: save screenshots there


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if REQUIRE_SERVICES:
            pytest.fail("Chromium is missing at /usr/bin/chromium (scripts/test installs it as root)")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Playwright's expect gives up after 5 s by default: too short on a busy machine.
    expect.set_options(timeout=WAIT * 1000)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module (SQLite): each test makes its own session."""
    live = make_server(tmp_path_factory.mktemp("browser"))
    live.start()
    yield live
    live.stop()


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, context):
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def sign_in(page, server: LiveServer, email: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label(re.compile("email", re.I)).fill(email)
    page.get_by_label(re.compile("password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_url(re.compile(r"/dashboard"))


def test_a_phone_votes_and_the_host_count_moves(browser, server):
    from playwright.sync_api import expect

    email = "host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({
        "title": "Club <lecture>",
        "activities": [{"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "<b>Nana</b>", "Zola & co"]}],
    }, email=email)
    code = created["code"]

    host_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    host = Watched(host_context)
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    expect(host.page.get_by_text(code[:4], exact=False).first).to_be_visible()
    expect(host.page.locator("html")).to_have_attribute("lang", "en")
    shot(host.page, "host-lobby")

    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True)
    phone = Watched(phone_context)
    phone.page.goto(f"{server.url}/j/{code}")
    expect(phone.page.locator("html")).to_have_attribute("lang", "fr")
    phone.page.get_by_test_id("join").click()
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")

    host.page.get_by_test_id("next").click()
    option = phone.page.get_by_test_id("option-1")
    expect(option).to_contain_text("<b>Nana</b>")  # typed HTML is shown as text
    shot(phone.page, "phone-poll")
    option.click()
    phone.page.get_by_test_id("vote").click()
    expect(phone.page.get_by_test_id("confirmation")).to_be_visible()
    shot(phone.page, "phone-voted")

    expect(host.page.get_by_test_id("count-1")).to_have_text(re.compile(r"^\s*1\b"))
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("1")
    expect(host.page.get_by_test_id("count-0")).to_have_text(re.compile(r"^\s*0\b"))
    shot(host.page, "host-poll")

    # The phone sleeps and comes back: same participant, vote still shown as recorded.
    phone.page.reload()
    expect(phone.page.get_by_test_id("confirmation")).to_be_visible()
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("1")

    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()


HOSTILE = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=2</script>"]


def test_hostile_words_from_a_phone_are_shown_as_text_on_the_host(browser, server):
    from playwright.sync_api import expect

    email = "host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({
        "title": "Nuage",
        "activities": [{"type": "wordcloud", "prompt": "Un mot ?", "max_entries": 3, "max_length": 60}],
    }, email=email)
    host_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    host = Watched(host_context)
    dialogs: list[str] = []
    host.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    host.page.get_by_test_id("next").click()

    phone_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    phone = Watched(phone_context)
    phone.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    phone.page.goto(f"{server.url}/j/{created['code']}")
    phone.page.get_by_test_id("join").click()
    for word in [*HOSTILE, "Lecture"]:
        phone.page.get_by_test_id("entry").fill(word)
        phone.page.get_by_test_id("send").click()
        expect(phone.page.get_by_test_id("my-entries")).to_contain_text(word)
    expect(phone.page.get_by_test_id("remaining")).to_contain_text("0")

    expect(host.page.get_by_test_id("n-answers")).to_contain_text("3")
    listed = host.page.locator("[data-testid^='word-']")
    expect(listed).to_have_count(3)
    texts = " ".join(listed.all_text_contents())
    for word in HOSTILE:
        assert word in texts  # shown literally, as text
        expect(host.page.locator("svg text", has_text=word)).to_have_count(1)
    assert host.page.locator("img[src='x']").count() == 0
    assert host.page.evaluate("window.__pwned") is None and phone.page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()


def test_a_short_quiz_on_two_phones_to_the_podium(browser, server):
    from playwright.sync_api import expect

    email = "host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({
        "title": "Quiz Zola",
        "activities": [
            {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola", "Balzac", "Sand"], "correct": [1], "seconds": 60},
            {"type": "quiz", "prompt": "Romans de Zola ?", "options": ["Nana", "Bel-Ami", "L'Assommoir"], "correct": [0, 2], "seconds": 60},
        ],
    }, email=email)
    host_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    host = Watched(host_context)
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))

    phones = []
    for name in ("Ada", "Bob"):
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB", is_mobile=True, has_touch=True)
        phone = Watched(context)
        phone.page.goto(f"{server.url}/j/{created['code']}")
        phone.page.get_by_label(re.compile("name", re.I)).fill(name)
        phone.page.get_by_test_id("join").click()
        phones.append((context, phone))
    (_, ada), (_, bob) = phones
    # A third phone joins without a nickname and never answers: "Player 3" (third to join) on every screen.
    shy_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB", is_mobile=True, has_touch=True)
    shy = Watched(shy_context)
    shy.page.goto(f"{server.url}/j/{created['code']}")
    shy.page.get_by_test_id("join").click()
    phones.append((shy_context, shy))
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("3")

    # Question 1: Ada answers right first, Bob wrong.
    host.page.get_by_test_id("next").click()
    expect(host.page.get_by_test_id("countdown")).to_be_visible()
    shot(host.page, "host-quiz-question")
    ada.page.get_by_test_id("option-1").click()
    expect(ada.page.get_by_test_id("locked")).to_be_visible()
    shot(ada.page, "phone-quiz")
    bob.page.get_by_test_id("option-0").click()
    expect(bob.page.get_by_test_id("locked")).to_be_visible()
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("2")
    host.page.get_by_test_id("reveal").click()
    expect(ada.page.get_by_test_id("quiz-result")).to_have_attribute("data-correct", "true")
    expect(bob.page.get_by_test_id("quiz-result")).to_have_attribute("data-correct", "false")
    shot(ada.page, "phone-quiz-result")
    ada.page.reload()  # a reload after the reveal: her result and rank come back at once
    expect(ada.page.get_by_test_id("quiz-result")).to_have_attribute("data-correct", "true")
    expect(ada.page.get_by_test_id("rank")).to_be_visible()  # only the server's result holds the rank
    expect(ada.page.get_by_test_id("rank")).to_contain_text("1 of 3")
    expect(host.page.get_by_test_id("leader-0")).to_contain_text("Ada")
    shot(host.page, "host-quiz-leaderboard")

    # Question 2 (two correct options): both get it; Ada's streak keeps her first.
    host.page.get_by_test_id("next").click()
    bob.page.get_by_test_id("option-0").click()
    bob.page.get_by_test_id("option-2").click()
    bob.page.get_by_test_id("vote").click()
    expect(bob.page.get_by_test_id("locked")).to_be_visible()
    ada.page.get_by_test_id("option-0").click()
    ada.page.get_by_test_id("option-2").click()
    ada.page.get_by_test_id("vote").click()
    expect(ada.page.get_by_test_id("locked")).to_be_visible()
    host.page.get_by_test_id("reveal").click()
    expect(bob.page.get_by_test_id("quiz-result")).to_have_attribute("data-correct", "true")

    host.page.get_by_test_id("podium-button").click()
    expect(host.page.get_by_test_id("podium")).to_contain_text("Ada")
    expect(host.page.get_by_test_id("podium")).to_contain_text("Bob")
    expect(host.page.get_by_test_id("podium")).to_contain_text("Player 3")
    shot(host.page, "host-podium")
    expect(ada.page.get_by_test_id("final-rank")).to_contain_text("1")
    expect(bob.page.get_by_test_id("final-rank")).to_contain_text("2")
    bob.page.reload()  # and while the podium is up, so does the final rank
    expect(bob.page.get_by_test_id("final-rank")).to_contain_text("2")
    assert host.problems == [] and ada.problems == [] and bob.problems == [] and shy.problems == []
    for context, _phone in phones:
        context.close()
    host_context.close()
