"""What phones see once the facilitator shows results (issue 13, item 7), in Debian's
Chromium against one real ``live serve`` for the module: a poll's options with their
votes and share as a table (not when the facilitator keeps them), a word cloud's
words with their counts, a quiz question's distribution with the correct option said
in words; at the end, the link to the group's summary when the host ticks the box,
and none when they untick it. The module's server also runs the kind defined under
tests/ (its browser module is served; host and phone show its prompt alone).

The phone is 320 px wide, the projector 1280x720; screenshots go to LIVE_SCREENSHOTS
when it is set."""

from __future__ import annotations

import re

import pytest
import requests

from tests.conftest import WAIT, make_server
from tests.test_browser import PASSWORD, Watched, browser, shot, sign_in  # noqa: F401 - fixtures
from tests.test_browser_moderate import Phone

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "host@example.org"
COUNTER = "tests.kinds.counter:KIND"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server for the module, with the test kind registered: each test makes its own session."""
    live = make_server(tmp_path_factory.mktemp("results"), LIVE_ACTIVITY_KINDS=COUNTER)
    live.start()
    yield live
    live.stop()


def open_host(browser, server, created):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    host = Watched(context)
    sign_in(host.page, server, EMAIL)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    return context, host


def open_phone(browser, server, created, name=""):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB", is_mobile=True, has_touch=True)
    phone = Watched(context)
    phone.page.goto(f"{server.url}/j/{created['code']}")
    if name:
        phone.page.get_by_label(re.compile("name", re.I)).fill(name)
    phone.page.get_by_test_id("join").click()
    return context, phone


def cells(row) -> list[str]:
    return [text.strip() for text in row.locator("td").all_text_contents()]


def test_phones_see_each_kinds_results_once_the_host_shows_them(browser, server):
    from playwright.sync_api import expect

    server.facilitator(EMAIL, PASSWORD)
    created = server.create_session({
        "title": "Soirée lecture",
        "activities": [
            {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]},
            {"type": "poll", "prompt": "En secret ?", "options": ["Oui", "Non"], "show_results": False},
            {"type": "wordcloud", "prompt": "Un mot ?", "max_entries": 2},
            {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 60},
        ],
    }, email=EMAIL)
    poll, secret, cloud, question = (a["id"] for a in created["activities"])
    host_context, host = open_host(browser, server, created)
    phone_context, phone = open_phone(browser, server, created, "Ada")
    zoe = Phone(server.url, created["code"], "Zoé")
    hp, pp = host.page, phone.page
    try:
        expect(hp.get_by_test_id("n-connected")).to_contain_text("2")

        # A poll: once closed, every option with its votes and share, the phone's own vote in words.
        hp.get_by_test_id("next").click()
        pp.get_by_test_id("option-1").click()
        pp.get_by_test_id("vote").click()
        expect(pp.get_by_test_id("confirmation")).to_be_visible()
        assert zoe.answer(poll, 0)["ok"] is True
        expect(hp.get_by_test_id("n-answers")).to_contain_text("2")
        expect(pp.get_by_test_id("results")).to_be_hidden()  # not while voting is open
        hp.get_by_test_id("close").click()
        results = pp.get_by_test_id("results")
        expect(results).to_be_visible()
        expect(results.locator("thead th")).to_have_text(["Answer", "Votes", "Share"])
        rows = results.locator("tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0).locator("th")).to_contain_text("Germinal")
        assert cells(rows.nth(0)) == ["1", "50%"]
        expect(rows.nth(1).locator("th")).to_contain_text("your vote")
        assert cells(rows.nth(1)) == ["1", "50%"] and cells(rows.nth(2)) == ["0", "0%"]
        expect(rows.nth(0).locator("th")).not_to_contain_text("your vote")
        shot(pp, "results-phone-320-poll")
        shot(hp, "results-host-1280-poll-closed")
        pp.reload()  # a phone reloaded while they are shown gets them back at once
        expect(pp.get_by_test_id("results").locator("tbody tr")).to_have_count(3)

        # A poll whose results the facilitator keeps: closed, and no table (a reload proves none came).
        hp.get_by_test_id("next").click()
        pp.get_by_test_id("option-0").click()
        pp.get_by_test_id("vote").click()
        expect(pp.get_by_test_id("confirmation")).to_be_visible()
        hp.get_by_test_id("close").click()
        expect(hp.get_by_test_id("status")).to_have_attribute("data-state", "closed")
        pp.reload()
        expect(pp.get_by_test_id("confirmation")).to_contain_text("Oui")
        expect(pp.get_by_test_id("results")).to_be_hidden()

        # A word cloud: the group's words with how many sent each, the most sent first.
        hp.get_by_test_id("next").click()
        pp.get_by_test_id("entry").fill("Lecture")
        pp.get_by_test_id("send").click()
        expect(pp.get_by_test_id("my-entries")).to_contain_text("Lecture")
        assert zoe.answer(cloud, "lecture")["ok"] is True and zoe.answer(cloud, "livre")["ok"] is True
        expect(hp.get_by_test_id("n-answers")).to_contain_text("3")
        hp.get_by_test_id("close").click()
        results = pp.get_by_test_id("results")
        expect(results.locator("tbody tr")).to_have_count(2)
        expect(results.locator("thead th")).to_have_text(["Word", "Entries"])
        words = results.locator("tbody tr")
        expect(words.nth(0).locator("th")).to_have_text("Lecture")
        assert cells(words.nth(0)) == ["2"] and cells(words.nth(1)) == ["1"]
        expect(words.nth(1).locator("th")).to_have_text("livre")
        shot(pp, "results-phone-320-cloud")

        # A quiz question: at the reveal, beside the phone's own result, how the group answered.
        hp.get_by_test_id("next").click()
        pp.get_by_test_id("option-1").click()
        expect(pp.get_by_test_id("locked")).to_be_visible()
        assert zoe.answer(question, 0)["ok"] is True
        expect(hp.get_by_test_id("n-answers")).to_contain_text("2")
        hp.get_by_test_id("reveal").click()
        expect(pp.get_by_test_id("quiz-result")).to_have_attribute("data-correct", "true")
        group = pp.get_by_test_id("results").locator("tbody tr")
        expect(group).to_have_count(2)
        expect(group.nth(1).locator("th")).to_contain_text("correct")
        expect(group.nth(1).locator("th")).to_contain_text("your answer")
        expect(group.nth(0).locator("th")).not_to_contain_text("correct")
        assert cells(group.nth(0)) == ["1"] and cells(group.nth(1)) == ["1"]
        shot(pp, "results-phone-320-quiz")
        pp.get_by_test_id("results").scroll_into_view_if_needed()
        shot(pp, "results-phone-320-quiz-table")

        # The end: the host ticks the box, the phone links to the group's summary, without nicknames.
        hp.get_by_test_id("end").click()
        share = hp.get_by_test_id("share-summary")
        expect(share).not_to_be_checked()  # the session's setting: not shared
        shot(hp, "results-host-1280-end-dialog")
        share.check()
        hp.get_by_test_id("end-confirm").click()
        link = pp.get_by_test_id("summary-link")
        expect(link).to_be_visible()
        shot(pp, "results-phone-320-ended")
        href = link.get_attribute("href")
        assert href.startswith("/")
        page = requests.get(server.url + href, timeout=WAIT)
        assert page.status_code == 200 and "Soirée lecture" in page.text
        assert "Ada" not in page.text and "Zoé" not in page.text  # pseudonymous
        assert host.problems == [] and phone.problems == []
    finally:
        zoe.close()
        phone_context.close()
        host_context.close()


def test_no_summary_link_when_the_host_unticks_the_box(browser, server):
    from playwright.sync_api import expect

    server.facilitator(EMAIL, PASSWORD)
    created = server.create_session({
        "title": "Club", "share_with_participants": True,
        "activities": [{"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana"]}],
    }, email=EMAIL)
    host_context, host = open_host(browser, server, created)
    phone_context, phone = open_phone(browser, server, created)
    try:
        expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")
        host.page.get_by_test_id("end").click()
        share = host.page.get_by_test_id("share-summary")
        expect(share).to_be_checked()  # the session's setting: shared
        share.uncheck()
        host.page.get_by_test_id("end-confirm").click()
        expect(phone.page.get_by_test_id("ended")).to_be_visible()
        phone.page.reload()  # the welcome of an ended session holds the link when there is one
        expect(phone.page.get_by_test_id("ended")).to_be_visible()
        expect(phone.page.get_by_test_id("summary-link")).to_be_hidden()
        assert host.problems == [] and phone.problems == []
    finally:
        phone_context.close()
        host_context.close()


def test_a_kind_from_outside_has_its_module_served_and_its_prompt_shown(browser, server):
    from playwright.sync_api import expect

    assert requests.get(f"{server.url}/kinds/counter.js", timeout=WAIT).status_code == 200
    assert requests.get(f"{server.url}/kinds/nope.js", timeout=WAIT).status_code == 404
    server.facilitator(EMAIL, PASSWORD)
    created = server.create_session({
        "title": "Compteur", "activities": [{"type": "counter", "prompt": "Combien de livres lus ?", "most": 5}],
    }, email=EMAIL)
    host_context, host = open_host(browser, server, created)
    phone_context, phone = open_phone(browser, server, created)
    try:
        expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")
        host.page.get_by_test_id("next").click()
        expect(host.page.get_by_test_id("prompt")).to_have_text("Combien de livres lus ?")
        expect(host.page.get_by_test_id("status")).to_have_attribute("data-state", "open")
        expect(phone.page.get_by_test_id("prompt")).to_have_text("Combien de livres lus ?")
        shot(phone.page, "results-phone-320-unknown-kind")
        assert host.problems == [] and phone.problems == []
    finally:
        phone_context.close()
        host_context.close()
