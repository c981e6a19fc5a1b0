"""The chain from open question to poll in Debian's Chromium (Playwright), against a
real ``live serve``: three phones answer and upvote from the wall (one reports an
answer, asked first), the host features an answer full screen and goes back, makes a
poll of the top entries, shows it (with where its options came from), opens it, the
phones vote, and the results are on the host; then the console makes a poll of the
facilitator's own pick. Screenshots: host 1280x720, phones 360x740 (LIVE_SCREENSHOTS)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_server
from tests.test_browser import PASSWORD, Watched, browser, shot, sign_in  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Quel projet pour le quartier ?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = make_server(tmp_path_factory.mktemp("browser-chain"))
    live.start()
    yield live
    live.stop()


def _phone(browser, server, code: str, name: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", is_mobile=True, has_touch=True)
    phone = Watched(context)
    phone.page.goto(f"{server.url}/j/{code}")
    phone.page.get_by_label(re.compile("nom", re.I)).fill(name)
    phone.page.get_by_test_id("join").click()
    return context, phone


def _send(phone, text: str) -> None:
    from playwright.sync_api import expect

    phone.page.get_by_test_id("ot-text").fill(text)
    expect(phone.page.get_by_test_id("ot-counter")).to_contain_text(str(len(text)))
    phone.page.get_by_test_id("ot-send").click()
    expect(phone.page.get_by_test_id("ot-mine")).to_contain_text(text)


def _entry(phone, text: str):
    """The row of the wall on the phone that shows ``text``."""
    return phone.page.get_by_test_id("ot-board").locator("li", has_text=text)


def test_the_chain_from_an_open_question_to_a_poll(browser, server):
    from playwright.sync_api import expect

    email = "chain@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({"title": "Conseil de quartier", "activities": [
        {"type": "open_text", "prompt": QUESTION, "max_entries": 2, "max_length": 80, "upvotes": True},
        {"type": "poll", "prompt": "On se revoit quand ?", "options": ["Mardi", "Jeudi"]},
    ]}, email=email)
    code = created["code"]

    host_context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    host = Watched(host_context)
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    phones = [_phone(browser, server, code, name) for name in ("Ana", "Ben", "Cléo")]
    (_, ana), (_, ben), (_, cleo) = phones
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("3")
    host.page.get_by_test_id("next").click()

    # Answers: the character counter counts, sent answers are listed, similar ones group.
    expect(ana.page.get_by_test_id("ot-text")).to_be_visible()
    ana.page.get_by_test_id("ot-text").fill("x" * 70)
    expect(ana.page.get_by_test_id("ot-counter")).to_have_class(re.compile("is-near"))
    _send(ana, "Un jardin partagé")
    _send(ben, "Des bancs <b>partout</b>")
    cleo.page.get_by_test_id("ot-text").fill("Une boîte à livres")
    shot(cleo.page, "phone-open-text")
    _send(cleo, "Une boîte à livres")
    _send(ben, "un jardin partage !")
    expect(ben.page.get_by_test_id("ot-done")).to_be_visible()
    wall = host.page.get_by_test_id("wall")
    expect(wall.locator("li")).to_have_count(3)
    expect(wall.locator("li", has_text="Un jardin partagé")).to_contain_text("2")  # sent by 2 people
    expect(wall.locator("li", has_text="Des bancs <b>partout</b>")).to_be_visible()  # typed HTML is text

    # Upvotes from the phones' wall: the host's most upvoted list follows.
    for phone, text in ((ana, "Des bancs"), (cleo, "Des bancs"), (ben, "Une boîte"), (cleo, "Un jardin")):
        button = _entry(phone, text).locator(".ot-vote")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    expect(host.page.get_by_test_id("top-entries").locator("li").first).to_contain_text("Des bancs")
    expect(host.page.get_by_test_id("top-entries").locator("li").first).to_contain_text("2")
    # Taking an upvote back.
    taken = _entry(cleo, "Un jardin").locator(".ot-vote")
    taken.click()
    expect(taken).to_have_attribute("aria-pressed", "false")
    expect(_entry(ana, "Des bancs").locator(".ot-vote__count")).to_have_text("2")
    ana.page.get_by_test_id("ot-board").scroll_into_view_if_needed()
    shot(ana.page, "phone-open-text-wall")

    # A report, asked first; the button then says it is done.
    _entry(cleo, "Un jardin").locator(".ot-report").click()
    expect(cleo.page.get_by_test_id("ot-report-confirm")).to_be_visible()
    cleo.page.get_by_test_id("ot-report-confirm").click()
    expect(_entry(cleo, "Un jardin").locator(".ot-report")).to_be_disabled()
    shot(host.page, "host-open-text")
    # New cards glide in, unless the viewer asked for reduced motion.
    animation = "() => { const c = document.querySelector('.ot-card'); c.classList.add('is-new'); " \
                "const name = getComputedStyle(c).animationName; c.classList.remove('is-new'); return name; }"
    assert host.page.evaluate(animation) == "ot-arrive"
    host.page.emulate_media(reduced_motion="reduce")
    assert host.page.evaluate(animation) == "none"
    host.page.emulate_media(reduced_motion="no-preference")

    # The host shows one answer full screen, then goes back with W.
    wall.locator("li", has_text="Une boîte à livres").locator("button").click()
    expect(host.page.get_by_test_id("featured-text")).to_have_text("Une boîte à livres")
    shot(host.page, "host-open-text-featured")
    host.page.keyboard.press("w")
    expect(host.page.get_by_test_id("wall")).to_be_visible()

    # The chain: a poll of the top 3, placed right after the question, shown and opened.
    host.page.keyboard.press("s")
    expect(host.page.get_by_test_id("shortlist-dialog")).to_be_visible()
    host.page.get_by_test_id("shortlist-top").fill("1")
    host.page.get_by_test_id("shortlist-confirm").click()
    expect(host.page.locator("[data-shortlist-error]")).to_be_visible()  # 1 is refused before anything is sent
    host.page.get_by_test_id("shortlist-top").fill("3")
    host.page.get_by_test_id("shortlist-confirm").click()
    expect(host.page.get_by_test_id("shortlist-dialog")).to_be_hidden()
    host.page.get_by_test_id("close").click()
    # Closed, its answers are shown on the phones: a table, the most upvoted first.
    results = ana.page.get_by_test_id("results")
    expect(results.locator("tbody tr")).to_have_count(3)
    expect(results.locator("tbody tr").first).to_contain_text("Des bancs <b>partout</b>")
    expect(results.locator("tbody tr").first).to_contain_text("2")
    host.page.get_by_test_id("next").click()
    expect(host.page.get_by_test_id("prompt")).to_have_text(QUESTION)
    expect(host.page.get_by_test_id("origin")).to_contain_text(QUESTION)
    chart = host.page.get_by_test_id("chart")
    expect(chart.locator("li")).to_have_count(3)
    expect(chart.locator("li").nth(0)).to_contain_text("Des bancs <b>partout</b>")
    expect(host.page.get_by_test_id("status")).to_have_attribute("data-state", "open")
    for index, phone in enumerate((ana, ben, cleo)):
        phone.page.get_by_test_id("option-0" if index < 2 else "option-1").click()
        phone.page.get_by_test_id("vote").click()
        expect(phone.page.get_by_test_id("confirmation")).to_be_visible()
    expect(host.page.get_by_test_id("count-0")).to_have_text(re.compile(r"^\s*2\b"))
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("3")
    shot(host.page, "chain")

    # The console: the facilitator's own pick becomes a poll too.
    console = Watched(host_context)
    console.page.set_viewport_size({"width": 1280, "height": 900})
    console.page.goto(f"{server.url}/host/{code}/moderate")
    host.page.get_by_test_id("previous").click()
    expect(console.page.get_by_test_id("ot-shown").locator("li")).to_have_count(3)
    console.page.get_by_test_id("ot-pick-2").check()
    console.page.get_by_test_id("ot-pick-0").check()
    expect(console.page.get_by_test_id("shortlist-pick-count")).to_contain_text("2")
    shot(console.page, "moderate-open-text")
    console.page.get_by_test_id("shortlist-pick").click()
    expect(console.page.locator("[data-message]")).to_contain_text(re.compile("sondage|poll", re.I))
    host.page.get_by_test_id("next").click()
    expect(host.page.get_by_test_id("origin")).to_contain_text(QUESTION)
    expect(host.page.get_by_test_id("chart").locator("li")).to_have_count(2)
    # The console says where each option came from: its upvotes and senders.
    origins = console.page.get_by_test_id("origin-list").locator("li")
    expect(origins).to_have_count(2)
    expect(origins.first).to_contain_text("Des bancs <b>partout</b>")
    expect(origins.first).to_contain_text("2")

    for watched in (host, console, ana, ben, cleo):
        assert watched.problems == [], watched.problems
    host_context.close()
    for context, _ in phones:
        context.close()
