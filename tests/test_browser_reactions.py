"""Reactions in Debian's Chromium (Playwright) against a real ``live serve``: phones
in French and English tap the bar at the bottom (lobby and activity), the emoji float
up the host screen, the host hides them with H, a phone tapping too fast is told to
slow down, a host asking for less motion gets a counter instead, and the editor
picks, types and refuses emoji. ``LIVE_SCREENSHOTS=<folder>`` saves screenshots."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_server
from tests.test_browser import SCREENSHOTS, PASSWORD, Watched, browser, shot, sign_in  # noqa: F401 - browser is the fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "host@example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = make_server(tmp_path_factory.mktemp("reactions-browser"), LIVE_RATE_LIMITS="off")
    live.start()
    live.facilitator(EMAIL, PASSWORD)
    yield live
    live.stop()


def open_host(browser, server, created, **options):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB", **options)
    host = Watched(context)
    sign_in(host.page, server, EMAIL)
    host.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    return context, host


def open_phone(browser, server, code, locale="fr-FR", size=(320, 640)):  # noqa: F811
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale, is_mobile=True, has_touch=True)
    phone = Watched(context)
    phone.page.goto(f"{server.url}/j/{code}")
    phone.page.get_by_test_id("join").click()
    return context, phone


def test_phones_tap_and_the_emoji_float_up_the_host_screen(browser, server):  # noqa: F811
    from playwright.sync_api import expect

    created = server.create_session({
        "title": "Club lecture",
        "activities": [{"type": "poll", "prompt": "Quel livre lire ensuite ?", "options": ["Germinal", "Nana", "L'Assommoir"]}],
    }, email=EMAIL)
    host_context, host = open_host(browser, server, created)
    fr_context, ana = open_phone(browser, server, created["code"])
    en_context, ben = open_phone(browser, server, created["code"], "en-GB", (390, 844))

    # The bar is there in the lobby, its buttons named in each phone's language.
    bar = ana.page.get_by_test_id("reaction-bar")
    expect(bar).to_be_visible()
    expect(ana.page.get_by_role("group", name="Envoyer une réaction")).to_be_visible()
    expect(ana.page.get_by_role("button", name="Applaudissements")).to_be_visible()
    expect(ben.page.get_by_role("button", name="Applause")).to_be_visible()
    assert ana.page.get_by_test_id("reaction-bar").locator("button").count() == 5
    shot(ana.page, "reactions-phone-lobby-320")

    ana.page.get_by_role("button", name="Applaudissements").click()
    ben.page.get_by_role("button", name="Celebrate").click()
    floating = host.page.locator("[data-testid='reaction-layer'] .reaction-float")
    expect(floating.first).to_be_attached()
    expect(host.page.get_by_test_id("toggle-reactions")).to_be_visible()

    # During an activity too; the bar never hides the options.
    host.page.get_by_test_id("next").click()
    expect(ana.page.get_by_test_id("option-2")).to_be_visible()
    expect(bar).to_be_visible()
    ana.page.get_by_test_id("option-2").scroll_into_view_if_needed()
    option_box, bar_box = ana.page.get_by_test_id("option-2").bounding_box(), bar.bounding_box()
    assert option_box["y"] + option_box["height"] <= bar_box["y"]
    ana.page.get_by_test_id("option-0").click()
    ana.page.get_by_test_id("vote").click()
    for name in ("Love it", "Agree", "Applause"):
        ben.page.get_by_role("button", name=name).click()
    expect(floating.nth(2)).to_be_attached()
    shot(ben.page, "reactions-phone-poll-390")
    # A roomful at once (within each phone's burst), for the screenshot of the README.
    for phone in (ana, ben):
        phone.page.locator("[data-reaction-buttons]").evaluate(
            "bar => [0, 1, 2, 3, 4, 0].forEach(i => bar.children[i].click())")
    expect(floating.nth(8)).to_be_attached()
    if SCREENSHOTS:  # once they have risen a little
        host.page.wait_for_function("""() => Array.from(document.querySelectorAll('.reaction-float'))
            .filter(node => node.getBoundingClientRect().top < window.innerHeight * 0.75).length >= 6""")
        shot(host.page, "reactions-host")

    # H hides them on the projector: nothing floats any more, the phones still send.
    host.page.keyboard.press("h")
    expect(host.page.get_by_test_id("toggle-reactions")).to_have_attribute("aria-pressed", "true")
    expect(host.page.get_by_test_id("reaction-layer")).to_be_hidden()
    ana.page.get_by_role("button", name="D’accord").click()
    host.page.keyboard.press("h")
    expect(host.page.get_by_test_id("reaction-layer")).to_be_visible()

    # Tapping far too fast (twelve taps at once): the bar rests a moment and says so.
    ana.page.get_by_role("button", name="Bravo").evaluate("button => { for (let i = 0; i < 12; i++) button.click(); }")
    note = ana.page.get_by_test_id("reaction-note")
    ana.page.wait_for_function("""() => {
        const note = document.querySelector("[data-testid='reaction-note']");
        return !note.hidden && note.textContent.includes("Doucement")
            && document.querySelector("[data-emoji='🎉']").getAttribute("aria-disabled") === "true";
    }""")
    shot(ana.page, "reactions-phone-slow-down")
    expect(note).to_be_hidden()
    expect(ana.page.get_by_role("button", name="Bravo")).not_to_have_attribute("aria-disabled", "true")

    # The end: no bar any more.
    host.page.get_by_test_id("end").click()
    host.page.get_by_test_id("end-confirm").click()
    expect(ana.page.get_by_test_id("ended")).to_be_visible()
    expect(bar).to_be_hidden()
    expect(host.page.get_by_test_id("toggle-reactions")).to_be_hidden()

    assert host.problems == [] and ana.problems == [] and ben.problems == []
    for context in (host_context, fr_context, en_context):
        context.close()


def test_less_motion_gives_a_counter_and_a_session_without_reactions_shows_no_bar(browser, server):  # noqa: F811
    from playwright.sync_api import expect

    created = server.create_session({
        "title": "Conseil", "reactions": ["✋", "❓", "🌱"],
        "activities": [{"type": "poll", "prompt": "Pour ?", "options": ["Pour", "Contre"]}],
    }, email=EMAIL)
    host_context, host = open_host(browser, server, created, reduced_motion="reduce")
    phone_context, phone = open_phone(browser, server, created["code"], "en-GB")
    expect(phone.page.get_by_role("button", name="Raise a hand")).to_be_visible()
    expect(phone.page.get_by_role("button", name="🌱")).to_be_visible()  # typed by the facilitator: read out as itself
    phone.page.get_by_role("button", name="Raise a hand").click()
    phone.page.get_by_role("button", name="Raise a hand").click()
    tally = host.page.get_by_test_id("reaction-tally")
    expect(tally).to_be_visible()
    expect(tally).to_contain_text("✋")
    expect(tally).to_contain_text("2")
    expect(host.page.get_by_test_id("reaction-layer")).to_be_hidden()
    shot(host.page, "reactions-host-reduced-motion")

    quiet = server.create_session({"title": "Examen", "reactions": [], "activities": created_activities()}, email=EMAIL)
    other_context, other = open_phone(browser, server, quiet["code"])
    expect(other.page.get_by_test_id("lobby")).to_be_visible()
    expect(other.page.get_by_test_id("reaction-bar")).to_be_hidden()

    assert host.problems == [] and phone.problems == [] and other.problems == []
    for context in (host_context, phone_context, other_context):
        context.close()


def created_activities():
    return [{"type": "poll", "prompt": "Prêts ?", "options": ["Oui", "Non"]}]


def test_the_editor_picks_types_and_refuses_emoji(browser, server):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-GB")
    page = Watched(context).page
    sign_in(page, server, EMAIL)
    page.goto(server.url + "/lang/fr?next=/sessions/new")  # the editor in French
    page.get_by_label("Titre de la session").fill("Atelier")
    page.locator("#activities-0-poll-prompt").fill("Café ou thé ?")
    page.locator("#activities-0-poll-options").fill("Café\nThé")
    settings = page.get_by_test_id("reaction-settings")
    expect(settings.get_by_label("Applaudissements")).to_be_checked()
    settings.get_by_label("Je réfléchis").uncheck()
    settings.get_by_label("Idée").check()
    other = settings.get_by_label(re.compile("^Autres emoji"))
    other.fill("🌱 ok 🌱")
    page.get_by_test_id("save").click()
    errors = page.locator("#reactions-errors li")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("« ok » n’est pas un emoji unique")
    expect(errors.nth(1)).to_contain_text("🌱 est choisi deux fois")
    expect(other).to_have_attribute("aria-invalid", "true")
    if SCREENSHOTS:
        settings.screenshot(path=f"{SCREENSHOTS}/reactions-editor-errors.png")

    other.fill("🌱🎶")
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/dashboard"))
    code = re.search(r"created=([A-Z0-9]+)", page.url).group(1)
    page.goto(f"{server.url}/sessions/{code}/edit")
    settings = page.get_by_test_id("reaction-settings")
    ticked = [box.get_attribute("value") for box in settings.locator("input[type=checkbox][name=reactions]:checked").all()]
    assert ticked == ["👏", "❤️", "👍", "🎉", "💡"]
    expect(settings.get_by_label(re.compile("^Autres emoji"))).to_have_value("🌱 🎶")

    # Off: no emoji at all, whatever is ticked.
    settings.get_by_label("Les participants peuvent envoyer des réactions à tout moment").uncheck()
    page.get_by_test_id("save").click()
    page.wait_for_url(re.compile(r"/dashboard"))
    phone_context, phone = open_phone(browser, server, code)
    from playwright.sync_api import expect as expect_phone

    expect_phone(phone.page.get_by_test_id("lobby")).to_be_visible()
    expect_phone(phone.page.get_by_test_id("reaction-bar")).to_be_hidden()
    phone_context.close()
    context.close()
