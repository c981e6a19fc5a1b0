"""French texts and typed texts in Debian's Chromium (Playwright), against a real
``live serve``: counts in French take the singular for 0 and 1 with their number; a
phone never cuts a pasted answer but says by how much it is too long and refuses to
send it until it is shortened; the chain says which poll options it had to shorten,
before and after the poll is made. Screenshots (LIVE_SCREENSHOTS): phones 320x640."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_server
from tests.test_browser import PASSWORD, Watched, browser, shot, sign_in  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_IDEA = ("Un grand repas partagé dans le parc du quartier avec des jeux pour les enfants, de la musique "
             "l'après-midi, un concours de gâteaux pour tous les âges et une buvette tenue par les parents")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = make_server(tmp_path_factory.mktemp("browser-texts"))
    live.start()
    yield live
    live.stop()


def _host(browser, server, created, email):
    """The host screen, in French (the language switcher's cookie, set after signing in)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    host = Watched(context)
    sign_in(host.page, server, email)
    context.add_cookies([{"name": "lang", "value": "fr", "url": server.url}])
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    return context, host


def _phone(browser, server, code, size=(320, 640)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR", is_mobile=True,
                                  has_touch=True)
    phone = Watched(context)
    phone.page.goto(f"{server.url}/j/{code}")
    phone.page.get_by_test_id("join").click()
    return context, phone


def test_french_counts_take_the_singular_for_zero_and_one_with_or_without_intl(browser, server):
    from playwright.sync_api import expect

    created = server.create_session({"title": "Club", "activities": [{"type": "poll", "prompt": "Q ?", "options": ["A", "B"]}]})
    context, phone = _phone(browser, server, created["code"])
    expect(phone.page.locator("html")).to_have_attribute("lang", "fr")
    counted = """(lang) => {
        const T = window.LiveCommon.texts({x_one: "{n} réponse", x_other: "{n} réponses"}, lang);
        return [0, 1, 2].map((n) => T.counted("x", n));
    }"""
    assert phone.page.evaluate(counted, "fr") == ["0 réponse", "1 réponse", "2 réponses"]
    assert phone.page.evaluate(counted, "en") == ["0 réponses", "1 réponse", "2 réponses"]
    # An old phone without Intl.PluralRules applies the same rules.
    phone.page.evaluate("() => { delete Intl.PluralRules; }")
    assert phone.page.evaluate(counted, "fr") == ["0 réponse", "1 réponse", "2 réponses"]
    assert phone.page.evaluate(counted, "en") == ["0 réponses", "1 réponse", "2 réponses"]
    assert phone.problems == []
    context.close()


def test_a_pasted_answer_is_never_cut_and_the_phone_says_by_how_much(browser, server):
    from playwright.sync_api import expect

    email = "texts@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({"title": "Fête de quartier", "activities": [
        {"type": "open_text", "prompt": "Une idée pour la fête ?", "max_length": 120},
        {"type": "wordcloud", "prompt": "Un mot ?", "max_length": 12},
    ]}, email=email)
    host_context, host = _host(browser, server, created, email)
    phone_context, phone = _phone(browser, server, created["code"])
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")
    host.page.get_by_test_id("next").click()

    box = phone.page.get_by_test_id("ot-text")
    box.fill(LONG_IDEA)  # what a paste does: the whole text arrives at once
    assert box.input_value() == LONG_IDEA  # nothing was cut
    over = len(LONG_IDEA) - 120
    counter = phone.page.get_by_test_id("ot-counter")
    expect(counter).to_have_text(f"{len(LONG_IDEA)} / 120 caractères\u00a0: {over} en trop. Raccourcissez votre réponse pour l’envoyer.")
    expect(counter).to_have_class(re.compile("is-over"))
    expect(box).to_have_attribute("aria-invalid", "true")
    phone.page.get_by_test_id("ot-send").click()
    error = phone.page.locator("[data-ot-error]")
    expect(error).to_have_text(f"Votre réponse dépasse de {over} (120 caractères au plus)\u00a0: raccourcissez-la, puis touchez Envoyer.")
    shot(phone.page, "phone-open-text-too-long")
    assert box.input_value() == LONG_IDEA
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("0")  # nothing was sent

    shorter = LONG_IDEA[:110]
    box.fill(shorter)
    expect(counter).to_have_text("110 / 120 caractères")
    expect(box).not_to_have_attribute("aria-invalid", "true")
    phone.page.get_by_test_id("ot-send").click()
    expect(phone.page.get_by_test_id("ot-mine")).to_contain_text(shorter)
    expect(host.page.get_by_test_id("n-answers")).to_contain_text("1")

    host.page.get_by_test_id("next").click()
    entry = phone.page.get_by_test_id("entry")
    entry.fill("anticonstitutionnellement")
    assert entry.input_value() == "anticonstitutionnellement"
    expect(phone.page.get_by_test_id("wc-counter")).to_contain_text("25 / 12 caractères\u00a0: 13 en trop.")
    phone.page.get_by_test_id("send").click()
    expect(phone.page.locator("[data-wc-error]")).to_contain_text("C’est trop long de 13 (12 caractères au plus)")
    shot(phone.page, "phone-wordcloud-too-long")
    entry.fill("fête")
    expect(phone.page.get_by_test_id("wc-counter")).to_have_text("4 / 12 caractères")
    phone.page.get_by_test_id("send").click()
    expect(phone.page.get_by_test_id("my-entries")).to_contain_text("fête")

    assert host.problems == [] and phone.problems == []
    host_context.close()
    phone_context.close()


def test_the_chain_says_which_options_it_shortened_before_and_after_the_poll_is_made(browser, server):
    from playwright.sync_api import expect

    email = "chain-texts@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({"title": "Conseil de quartier", "activities": [
        {"type": "open_text", "prompt": "Quel projet ?", "max_entries": 2, "max_length": 300, "upvotes": True}]}, email=email)
    host_context, host = _host(browser, server, created, email)
    phone_context, phone = _phone(browser, server, created["code"], size=(375, 667))
    expect(host.page.get_by_test_id("n-connected")).to_contain_text("1")
    host.page.get_by_test_id("next").click()
    for text in ("Un jardin partagé", LONG_IDEA):
        phone.page.get_by_test_id("ot-text").fill(text)
        phone.page.get_by_test_id("ot-send").click()
        expect(phone.page.get_by_test_id("ot-mine")).to_contain_text(text[:40])

    console = Watched(host_context)
    console.page.set_viewport_size({"width": 1280, "height": 900})
    console.page.goto(f"{server.url}/host/{created['code']}/moderate")
    expect(console.page.get_by_test_id("ot-shown").locator("li")).to_have_count(2)
    console.page.get_by_test_id("ot-pick-0").check()
    console.page.get_by_test_id("ot-pick-1").check()
    warning = console.page.get_by_test_id("shortlist-long")
    expect(warning).to_contain_text("1 réponse cochée est plus longue qu’une option de sondage (120 caractères)")
    console.page.get_by_test_id("ot-pick-0").uncheck()
    console.page.get_by_test_id("ot-pick-1").uncheck()
    expect(warning).to_be_hidden()
    console.page.get_by_test_id("ot-pick-0").check()
    console.page.get_by_test_id("ot-pick-1").check()
    console.page.get_by_test_id("shortlist-pick").click()
    expect(console.page.locator("[data-message]")).to_contain_text(re.compile("sondage", re.I))

    host.page.get_by_test_id("next").click()
    expect(host.page.get_by_test_id("origin")).to_contain_text("1 option a été raccourcie pour tenir dans un sondage.")
    chart = host.page.get_by_test_id("chart")
    expect(chart.locator("li")).to_have_count(2)
    expect(chart).to_contain_text("…")
    shortened = console.page.get_by_test_id("origin-list").locator("[data-testid^='origin-shortened-']")
    expect(shortened).to_have_count(1)
    expect(shortened).to_contain_text("raccourcie")
    expect(shortened).to_contain_text(LONG_IDEA)
    shot(console.page, "moderate-chain-shortened")

    for watched in (host, console, phone):
        assert watched.problems == [], watched.problems
    host_context.close()
    phone_context.close()
