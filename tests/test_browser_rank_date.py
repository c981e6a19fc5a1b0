"""A ranking and a date poll in Debian's Chromium, driven by Playwright, against a real
``live serve``: a phone ranks options with the keyboard and buttons only (no drag: the
focus stays on the moved option and each move is announced), and a phone answers a
date poll (yes / maybe / no, its name, a change) while the host shows the grid and the
best slot; the facilitator's console offers the calendar event."""

from __future__ import annotations

import re

import pytest

from tests.conftest import wait_until
from tests.sockets import participant, run_beside_playwright
from tests.test_browser import PASSWORD, Watched, browser, server, shot, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOOKS = ["Germinal", "Nana", "L'Assommoir", "Au Bonheur des Dames"]
SLOTS = [
    {"label": "Sam. 12 déc.", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"},
    {"label": "Dim. 13 déc.", "start": "2026-12-13T14:30", "end": "2026-12-13T17:00"},
    "En semaine, le soir",
    {"label": "Mer. 16 déc.", "start": "2026-12-16T19:00", "end": "2026-12-16T21:00"},
]


def _host(browser, server, created, email, size=(1280, 720)):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-GB")
    host = Watched(context)
    sign_in(host.page, server, email)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    expect(host.page.get_by_test_id("join-code")).to_be_visible()
    return context, host


def _phone(browser, server, code, size, name=None, locale="en-GB"):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale, is_mobile=True, has_touch=True)
    phone = Watched(context)
    phone.page.goto(f"{server.url}/j/{code}")
    if name:
        phone.page.locator("#name").fill(name)
    phone.page.get_by_test_id("join").click()
    return context, phone


def _still(page) -> None:
    """Wait until no transition or animation runs but endless ones (the "open" dot's
    pulse): a still picture for a screenshot."""
    wait_until(lambda: page.evaluate("() => document.getAnimations().every(a => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)"))


def _focused_label(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.getAttribute('aria-label') || document.activeElement.textContent)")


def _order(page) -> list[str]:
    return page.locator("[data-rank-list] .rank-item__text").all_text_contents()


def test_a_phone_ranks_with_buttons_and_keyboard_only_and_the_host_shows_average_ranks(browser, server):
    from playwright.sync_api import expect

    email = "ranking@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({"title": "Club lecture", "activities": [
        {"type": "ranking", "prompt": "Quel livre lire en janvier ?", "options": BOOKS}]}, email=email)
    host_context, host = _host(browser, server, created, email)
    phone_context, phone = _phone(browser, server, created["code"], (320, 640))
    expect(host.page.get_by_test_id("presence")).to_contain_text("1")
    host.page.get_by_test_id("next").click()
    page = phone.page
    expect(page.get_by_test_id("rank-list")).to_be_visible()
    assert _order(page) == BOOKS
    # Every option fits inside the list on a 320 px phone (the send button's edges).
    edge = page.get_by_test_id("rank-send").bounding_box()
    for box in page.locator("[data-rank-list] > li").all():
        placed = box.bounding_box()
        assert placed["x"] >= edge["x"] - 1 and placed["x"] + placed["width"] <= edge["x"] + edge["width"] + 1

    # Move up with the keyboard: at the top "up" is disabled, the focus moves to "down" of the same option.
    page.get_by_role("button", name="Move “Nana” up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-rank-live]")).to_have_text("“Nana”: place 1 of 4.")
    assert _order(page) == ["Nana", "Germinal", "L'Assommoir", "Au Bonheur des Dames"]
    assert _focused_label(page) == "Move “Nana” down"
    # Twice up with the space bar: the focus stays on the moved option's button.
    page.get_by_role("button", name="Move “Au Bonheur des Dames” up").focus()
    page.keyboard.press("Space")
    assert _focused_label(page) == "Move “Au Bonheur des Dames” up"
    page.keyboard.press("Space")
    expect(page.locator("[data-rank-live]")).to_have_text("“Au Bonheur des Dames”: place 2 of 4.")
    assert _order(page) == ["Nana", "Au Bonheur des Dames", "Germinal", "L'Assommoir"]
    # Tap to order, by keyboard: pick one, then the option whose place it takes.
    page.get_by_role("button", name=re.compile(r"^L'Assommoir, place 4 of 4")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-rank-live]")).to_have_text("“L'Assommoir” picked: now tap the option whose place it takes.")
    assert page.get_by_role("button", name=re.compile(r"^L'Assommoir")).get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name=re.compile(r"^Germinal, place 3 of 4")).focus()
    page.keyboard.press("Enter")
    assert _order(page) == ["Nana", "Au Bonheur des Dames", "L'Assommoir", "Germinal"]
    assert _focused_label(page).startswith("L'Assommoir, place 3 of 4")
    shot(page, "phone-ranking")
    page.get_by_test_id("rank-send").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ranking-confirmation")).to_be_visible()
    expect(page.get_by_role("button", name="Move “Nana” up")).to_have_count(0)

    # One ballot: Nana 1st (3 points), Au Bonheur des Dames 2nd, L'Assommoir 3rd, Germinal last.
    expect(host.page.get_by_test_id("rank-average-1")).to_have_text("average rank 1")
    expect(host.page.get_by_test_id("rank-points-1")).to_have_text("3 pts")
    expect(host.page.get_by_test_id("rank-points-0")).to_have_text("0 pts")
    rows = host.page.locator("[data-rank-chart] > li")
    expect(rows.first).to_have_attribute("data-testid", "rank-row-1")
    expect(rows.last).to_have_attribute("data-testid", "rank-row-0")
    # A few more phones (python-socketio): the rows glide to the new order.
    _send_from_sockets(server.url, created["code"], created["activities"][0]["id"], [
        (None, [0, 1, 2, 3]), (None, [1, 0, 3, 2]), (None, [0, 3, 1, 2]), (None, [1, 3, 0, 2]), (None, [3, 1, 0, 2])])
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("6")
    # Places: Nana 1+2+1+3+1+2 = 10 (average 1.67, 8 points), first; Germinal 4+1+2+1+3+3 = 14.
    expect(host.page.get_by_test_id("rank-average-1")).to_have_text("average rank 1.67")
    expect(rows.first).to_have_attribute("data-testid", "rank-row-1")
    _still(host.page)
    shot(host.page, "host-ranking")

    host.page.get_by_test_id("close").click()
    table = page.get_by_test_id("results")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("Nana")
    expect(table.locator("tbody tr").first).to_contain_text("your place: 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # nothing runs off a 320 px screen
    shot(page, "phone-ranking-results")
    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()


def _send_from_sockets(url, code, activity_id, answers):
    """Phones answering through python-socketio (more rows for the host), in a thread of
    their own: Playwright's sync API holds this one. ``answers``: (name, value); a date
    poll's value gets the name."""

    async def run():
        for name, value in answers:
            phone = await participant(url, code, name)
            if name and isinstance(value[0], str):
                value = {"choices": value, "name": name}
            assert (await phone.answer(activity_id, value))["ok"] is True
            await phone.disconnect()

    run_beside_playwright(run)


def test_a_phone_answers_a_date_poll_changes_it_and_the_host_shows_the_grid_and_best_slot(browser, server):
    from playwright.sync_api import expect

    email = "dates@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({"title": "Club lecture", "activities": [
        {"type": "date_poll", "prompt": "Prochaine réunion : quand êtes-vous libres ?", "options": SLOTS}]}, email=email)
    code, dates = created["code"], created["activities"][0]["id"]
    host_context, host = _host(browser, server, created, email)
    phone_context, phone = _phone(browser, server, code, (390, 844), name="Zoé", locale="fr-FR")
    expect(host.page.get_by_test_id("presence")).to_contain_text("1")
    host.page.get_by_test_id("next").click()
    page = phone.page
    expect(page.get_by_test_id("dp-option-0")).to_be_visible()
    expect(page.get_by_test_id("dp-option-0")).to_contain_text("2026-12-12 18:00 – 20:00")
    # Times written without an offset are in the server's zone (LIVE_TIMEZONE), and say so.
    expect(page.get_by_test_id("dp-zone")).to_have_text("Les heures sont celles du fuseau horaire UTC.")
    expect(host.page.get_by_test_id("dp-zone")).to_have_text("Times are in the UTC time zone.")
    expect(page.get_by_test_id("dp-name")).to_have_value("Zoé")  # the nickname, offered

    # Sending with a date left out is refused on the phone, nothing sent.
    for index, choice in ((0, "yes"), (1, "maybe"), (2, "no")):
        page.get_by_test_id(f"dp-{choice}-{index}").click()
    page.get_by_test_id("dp-send").click()
    expect(page.get_by_test_id("error")).to_contain_text("Répondez d’abord pour chaque date")
    page.get_by_test_id("dp-yes-3").click()
    expect(page.get_by_test_id("dp-yes-0")).to_have_class(re.compile(r"\bis-checked\b"))
    shot(page, "phone-date-poll")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # three buttons a row at 320 px
    shot(page, "phone-date-poll-320")
    page.get_by_test_id("dp-send").click()
    expect(page.get_by_test_id("dp-confirmation")).to_be_visible()
    expect(host.page.get_by_test_id("dp-yes-0")).to_have_text("1")
    expect(host.page.locator("[data-dp-grid] thead")).to_contain_text("Zoé")

    _send_from_sockets(server.url, code, dates, [
        ("Ana", ["yes", "yes", "no", "maybe"]), ("Ben", ["maybe", "yes", "no", "yes"]), ("Cléo", ["no", "yes", "maybe", "yes"]),
        (None, ["yes", "no", "no", "yes"]), ("Dieudonné", ["no", "maybe", "yes", "yes"]), (None, ["maybe", "yes", "no", "no"]),
    ])
    # Mercredi: 5 yes (Zoé, Ben, Cléo, one without a name, Dieudonné), the most: the best slot.
    expect(host.page.get_by_test_id("dp-yes-3")).to_have_text("5")
    expect(host.page.get_by_test_id("dp-best")).to_contain_text("Best slot: Mer. 16 déc.")
    expect(host.page.get_by_test_id("dp-row-3")).to_have_class(re.compile(r"\bis-best\b"))

    # Zoé changes her mind for Sunday: the host's figures follow, the best slot moves.
    page.get_by_test_id("dp-change").click()
    page.get_by_test_id("dp-yes-1").click()
    page.get_by_test_id("dp-no-3").click()
    page.get_by_test_id("dp-send").click()
    expect(page.get_by_test_id("dp-confirmation")).to_be_visible()
    expect(host.page.get_by_test_id("dp-yes-1")).to_have_text("5")
    expect(host.page.get_by_test_id("dp-yes-3")).to_have_text("4")
    expect(host.page.get_by_test_id("dp-best")).to_contain_text("Best slot: Dim. 13 déc.")
    expect(host.page.get_by_test_id("dp-row-1")).to_have_class(re.compile(r"\bis-best\b"))
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("7")
    _still(host.page)
    shot(host.page, "date-poll")  # README's docs/screenshots/date-poll.png

    # The facilitator's console offers the best slot as a calendar event.
    console = host_context.new_page()
    console.goto(created["host_url"].replace("localhost", "127.0.0.1") + "/moderate")
    link = console.get_by_test_id("dp-download-calendar-ics")
    expect(link).to_be_visible()
    fetched = console.request.get(server.url + link.get_attribute("href"))
    assert fetched.status == 200 and "DTSTART:20261213T143000Z" in fetched.text()
    expect(console.get_by_test_id("dp-download-grid-csv")).to_be_visible()
    shot(console, "moderate-date-poll")

    host.page.get_by_test_id("close").click()
    expect(page.get_by_test_id("results")).to_be_visible()
    expect(page.locator("[data-dp-phone-best]")).to_contain_text("Dim. 13 déc.")
    expect(page.get_by_test_id("dp-change")).to_be_hidden()
    shot(page, "phone-date-poll-results")

    # Ended: the archived session's page shows the grid and offers the exports.
    host.page.get_by_test_id("end").click()
    host.page.get_by_test_id("end-confirm").click()
    host.page.get_by_test_id("archive-link").click()
    expect(host.page.get_by_test_id("activity-exports")).to_be_visible()
    expect(host.page.locator("table.date-poll-grid")).to_contain_text("Dieudonné")
    shot(host.page, "archive-date-poll")
    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()


def test_a_phone_drags_an_option_by_its_handle(browser, server):
    from playwright.sync_api import expect

    email = "drag@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({"title": "Club", "activities": [
        {"type": "ranking", "prompt": "Quel livre ?", "options": BOOKS}]}, email=email)
    host_context, host = _host(browser, server, created, email)
    phone_context, phone = _phone(browser, server, created["code"], (390, 844))
    expect(host.page.get_by_test_id("presence")).to_contain_text("1")
    host.page.get_by_test_id("next").click()
    page = phone.page
    expect(page.get_by_test_id("rank-list")).to_be_visible()
    handle = page.locator("[data-option='3'] .rank-item__handle").bounding_box()
    top = page.locator("[data-option='0']").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + handle["width"] / 2, top["y"] + 5, steps=8)
    page.mouse.up()
    assert _order(page) == ["Au Bonheur des Dames", "Germinal", "Nana", "L'Assommoir"]
    expect(page.locator("[data-rank-live]")).to_have_text("“Au Bonheur des Dames”: place 1 of 4.")
    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()
