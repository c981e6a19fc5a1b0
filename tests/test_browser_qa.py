"""A Q&A beside the other activities, in Debian's Chromium, against a real ``live
serve`` (issue 14's browser test): with the Q&A open, the host opens and closes two
other activities in turn; throughout, two phones keep asking and upvoting beside the
activity on screen (the bar at the bottom of the phone and back), the host shows the
wall over the activity with one key (B) and returns, and the Q&A stays open until
the host closes it. Also: the moderation console approves a question held by the
word filter, a phone reports a question after confirming, and every question typed
(hostile HTML included) appears as text.

Screenshots (host 1280x720, phones 360x740) go to LIVE_SCREENSHOTS when set."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import PASSWORD, Watched, browser, server, shot, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '<img src=x onerror="window.__pwned=1"> ?'


def _phone(browser, server, code: str, name: str | None) -> Watched:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    phone = Watched(context)
    phone.page.goto(f"{server.url}/j/{code}")
    if name:
        phone.page.get_by_label(re.compile("name", re.I)).fill(name)
    phone.page.get_by_test_id("join").click()
    return phone


def _ask(page, text: str, as_name: bool = False) -> None:
    page.get_by_test_id("qa-text").fill(text)
    if as_name:
        page.get_by_test_id("qa-as-name").check()
    page.get_by_test_id("qa-send").click()


def _question(page, text: str):
    """A question on the phone's wall, found by its text."""
    return page.get_by_test_id("qa-questions").get_by_test_id("qa-question").filter(has_text=text)


def _upvote(page, text: str, pressed: str):
    """Tap the upvote toggle of question ``text`` and wait until it shows ``pressed``."""
    from playwright.sync_api import expect

    button = _question(page, text).get_by_test_id("qa-vote")
    button.click()
    expect(button).to_have_attribute("aria-pressed", pressed)


def _press(host, key: str, button: str) -> None:
    """Press ``key`` on the host screen once its button (``next``, ``close``) can act."""
    from playwright.sync_api import expect

    expect(host.get_by_test_id(button)).to_have_attribute("aria-disabled", "false")
    host.keyboard.press(key)


def _host_row(host, text: str):
    return host.get_by_test_id("qa-list").get_by_test_id("qa-row").filter(has_text=text)


def test_a_qa_stays_open_beside_two_activities_while_phones_ask_and_upvote(browser, server):
    from playwright.sync_api import expect

    email = "qa-host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({
        "title": "Assemblée du club",
        "blocked_words": ["spoiler"],
        "activities": [
            {"type": "qa", "prompt": "Vos questions sur le budget"},
            {"type": "poll", "prompt": "Faut-il augmenter la cotisation ?", "options": ["Oui", "Non"]},
            {"type": "wordcloud", "prompt": "Un mot pour l'année ?"},
        ],
    }, email=email)
    code = created["code"]

    screen = Watched(browser.new_context(viewport={"width": 1280, "height": 720}))
    host = screen.page
    sign_in(host, server, email)
    host.goto(f"{server.url}/host/{code}")
    chip = host.get_by_test_id("side-chip")
    ana, ben = _phone(browser, server, code, "Ana"), _phone(browser, server, code, None)
    for phone in (ana, ben):
        expect(phone.page.get_by_test_id("lobby")).to_be_visible()

    # The Q&A on screen: Ana asks with her name, Ben anonymously; Ben upvotes Ana's question.
    _press(host, "n", "next")
    expect(host.get_by_test_id("status")).to_have_attribute("data-state", "open")
    _ask(ana.page, "Quand vote-t-on le budget ?", as_name=True)
    _ask(ben.page, HOSTILE)
    expect(_question(ben.page, "Quand vote-t-on le budget ?")).to_contain_text("Ana")
    _upvote(ben.page, "Quand vote-t-on le budget ?", "true")
    expect(_host_row(host, "Quand vote-t-on le budget ?").locator(".qa-row__count")).to_have_text("1")
    expect(_host_row(host, HOSTILE)).to_be_visible()  # as text, never as an image
    expect(_question(ana.page, HOSTILE)).to_contain_text("Anonymous")
    shot(host, "qa-host")
    shot(ana.page, "qa-phone")

    # A report asks first, then is taken once.
    _question(ana.page, HOSTILE).get_by_test_id("qa-report").click()
    ana.page.get_by_test_id("qa-report-confirm").click()
    expect(_question(ana.page, HOSTILE).get_by_test_id("qa-report")).to_have_attribute("aria-disabled", "true")

    activities = [("Faut-il augmenter la cotisation ?", "poll"), ("Un mot pour l'année ?", "wordcloud")]
    for round_, (prompt, kind) in enumerate(activities):
        # Another activity on screen: the Q&A stays open beside it.
        _press(host, "n", "next")
        expect(host.get_by_test_id("prompt")).to_have_text(prompt)
        expect(host.get_by_test_id("side-over")).to_be_hidden()  # a new activity on screen: shown, not covered
        expect(host.get_by_test_id("status")).to_have_attribute("data-state", "open")
        expect(chip).to_be_visible()
        expect(chip).to_contain_text("Vos questions sur le budget")
        for phone in (ana, ben):
            expect(phone.page.get_by_test_id("prompt")).to_have_text(prompt)
            expect(phone.page.get_by_test_id("side-switch")).to_contain_text(re.compile(r"\(\d+\)"))
        if kind == "poll":
            ana.page.get_by_test_id("option-0").click()
            ana.page.get_by_test_id("vote").click()
            expect(ana.page.get_by_test_id("confirmation")).to_be_visible()
        shot(ana.page, f"qa-phone-beside-{kind}")

        # Each phone goes to the questions, asks and upvotes, and comes back.
        asked = {ana: f"Question d'Ana pendant le {kind} ?", ben: f"Question de Ben pendant le {kind} ?"}
        for phone in (ana, ben):
            phone.page.get_by_test_id("side-switch").click()
            expect(phone.page.get_by_test_id("qa-text")).to_be_visible()
            _ask(phone.page, asked[phone])
            expect(_question(phone.page, asked[phone])).to_be_visible()
        _upvote(ana.page, asked[ben], "true")
        _upvote(ben.page, asked[ana], "true")
        _upvote(ben.page, asked[ana], "false")  # taken back
        _upvote(ben.page, asked[ana], "true")
        if round_ == 0:
            shot(ben.page, "qa-phone-side")
        for phone in (ana, ben):
            phone.page.get_by_test_id("side-switch").click()
            expect(phone.page.get_by_test_id("prompt")).to_have_text(prompt)

        # B shows the wall over the activity on screen, with what was just asked; B again goes back.
        host.keyboard.press("b")
        expect(host.get_by_test_id("side-over")).to_contain_text(prompt)
        expect(host.get_by_test_id("prompt")).to_have_text("Vos questions sur le budget")
        expect(host.get_by_test_id("qa-list")).to_be_visible()
        expect(host.get_by_test_id("show-side")).to_have_attribute("aria-pressed", "true")
        for text in asked.values():
            expect(_host_row(host, text).locator(".qa-row__count")).to_have_text("1")
        if round_ == 0:
            shot(host, "qa-host-over")
        host.keyboard.press("b")
        expect(host.get_by_test_id("side-over")).to_be_hidden()
        expect(host.get_by_test_id("prompt")).to_have_text(prompt)
        expect(host.get_by_test_id("show-side")).to_have_attribute("aria-pressed", "false")
        if round_ == 0:
            shot(host, "qa-host-beside")

        # Closed: the Q&A is still open beside it.
        _press(host, "c", "close")
        expect(host.get_by_test_id("status")).to_have_attribute("data-state", "closed")
        expect(chip).to_be_visible()
        ben.page.get_by_test_id("side-switch").click()
        _ask(ben.page, f"Encore une après le {kind} ?")
        expect(_question(ben.page, f"Encore une après le {kind} ?")).to_be_visible()
        ben.page.get_by_test_id("side-switch").click()
        if round_ == 0:
            host.keyboard.press("b")  # left over the closed poll: the next activity still shows
            expect(host.get_by_test_id("side-over")).to_be_visible()

    # The button does what B does.
    host.get_by_test_id("show-side").click()
    expect(host.get_by_test_id("side-over")).to_be_visible()
    host.get_by_test_id("show-side").click()
    expect(host.get_by_test_id("side-over")).to_be_hidden()

    # The console: a question the word filter held is approved; reports are counted.
    console = Watched(host.context)
    console.page.goto(f"{server.url}/host/{code}/moderate")
    _ask_beside = ana.page
    _ask_beside.get_by_test_id("side-switch").click()
    _ask(_ask_beside, "Pas de spoiler sur le budget ?")
    expect(ana.page.get_by_test_id("qa-mine")).to_contain_text("Pas de spoiler sur le budget ?")
    waiting = console.page.get_by_test_id("qa-waiting")
    expect(waiting).to_contain_text("Pas de spoiler sur le budget ?")
    expect(console.page.get_by_test_id("qa-reported")).to_contain_text(HOSTILE)
    expect(console.page.get_by_test_id("qa-reported")).to_contain_text("1 report")
    ben.page.get_by_test_id("side-switch").click()
    expect(ben.page.get_by_test_id("qa-questions")).to_contain_text(asked[ana])
    expect(_question(ben.page, "Pas de spoiler")).to_have_count(0)
    waiting.get_by_test_id("qa-do-approve").click()
    expect(_question(ben.page, "Pas de spoiler sur le budget ?")).to_be_visible()
    expect(ana.page.get_by_test_id("qa-mine")).to_be_hidden()

    # The host closes the Q&A: the phones' way to it goes away.
    host.get_by_test_id("close-side").click()
    expect(chip).to_be_hidden()
    for phone in (ana, ben):
        expect(phone.page.get_by_test_id("side-switch")).to_be_hidden()
    assert host.evaluate("window.__pwned") is None
    for phone in (ana, ben):
        assert phone.page.evaluate("window.__pwned") is None
    for watched in (screen, ana, ben, console):
        assert watched.problems == [], watched.problems
    for watched in (ana, ben):
        watched.page.context.close()
    host.context.close()

    summary = server.summary(code, email=email)
    questions = {q["text"]: q for q in summary["activities"][0]["questions"]}
    assert len(questions) == 9
    assert questions["Quand vote-t-on le budget ?"]["name"] == "Ana" and questions[HOSTILE]["reports"] == 1
    assert questions["Question d'Ana pendant le poll ?"]["votes"] == 1
    assert summary["activities"][0]["closed_at"] is not None
