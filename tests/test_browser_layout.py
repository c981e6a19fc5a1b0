"""Layouts a new-user trial found broken, in Debian's Chromium against one real
``live serve`` for the module: the projector at 1280x720 (and 1920x1080), phones at
320x640 and 375x667, pages in French. Each test asserts what a person notices:
boxes that overlap or hide each other, a page that scrolls sideways, a button that
should not be there.

Screenshots go to LIVE_SCREENSHOTS when it is set."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.test_browser import PASSWORD, Watched, browser, server, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "layout@example.org"
PHONES = [(320, 640), (375, 667)]

QA_BESIDE_A_POLL = {
    "title": "Assemblée du club",
    "activities": [
        {"type": "qa", "prompt": "Vos questions sur le budget"},
        {"type": "poll", "prompt": "Faut-il augmenter la cotisation annuelle de l'association ?",
         "options": ["Oui, de 5 euros", "Oui, de 10 euros", "Non, pas cette année", "Je ne sais pas encore",
                     "Abstention"]},
    ],
}

# -- what the eye sees: boxes in the viewport ------------------------------------------

# The boxes of the elements matching a selector, as the page lays them out.
BOXES = """selector => Array.from(document.querySelectorAll(selector))
  .filter(node => node.getClientRects().length)
  .map(node => { const r = node.getBoundingClientRect();
                 return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                         width: r.width, height: r.height, text: node.textContent.trim().slice(0, 40)}; })"""


def boxes(page, selector: str) -> list[dict]:
    return page.evaluate(BOXES, selector)


def box(page, selector: str) -> dict:
    found = boxes(page, selector)
    assert len(found) == 1, f"{selector}: {len(found)} visible"
    return found[0]


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def wait_true(page, script: str, arg=None, message: str = "") -> None:
    """Wait until ``script(arg)`` is true in the page (layouts settle after a frame
    or two: fonts, a fit, a transition), or fail saying what was expected."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(script, arg=arg)
    except Timeout as error:
        raise AssertionError(message or script) from error


def no_sideways_scroll(page) -> None:
    """Nothing makes the page wider than the screen: no horizontal scroll bar."""
    wait_true(page, "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth",
              message=f"{page.url} scrolls sideways: " + page.evaluate(
                  "() => document.documentElement.scrollWidth + ' > ' + document.documentElement.clientWidth"))


# -- pages --------------------------------------------------------------------------------


def sign_in(page, server) -> None:
    """Sign in, whatever the page's language."""
    page.goto(server.url + "/login")
    page.locator("input[autocomplete='username']").fill(EMAIL)
    page.locator("input[autocomplete='current-password']").fill(PASSWORD)
    page.locator("input[autocomplete='current-password']").press("Enter")
    page.wait_for_url(re.compile(r"/dashboard"))


def open_host(browser, server, code: str, size=(1280, 720), locale: str = "fr-FR") -> Watched:
    host = Watched(browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale))
    sign_in(host.page, server)
    host.page.goto(f"{server.url}/host/{code}")
    return host


def open_phone(browser, server, code: str, size=(320, 640), locale: str = "fr-FR") -> Watched:
    from playwright.sync_api import expect

    phone = Watched(browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale,
                                        is_mobile=True, has_touch=True))
    phone.page.goto(f"{server.url}/j/{code}")
    phone.page.get_by_test_id("join").click()
    expect(phone.page.get_by_test_id("lobby")).to_be_visible()
    return phone


def press(host, key: str, button: str) -> None:
    """Press ``key`` on the host screen once its button can act."""
    from playwright.sync_api import expect

    expect(host.get_by_test_id(button)).to_have_attribute("aria-disabled", "false")
    host.keyboard.press(key)


def close_all(*watched: Watched) -> None:
    for each in watched:
        assert each.problems == [], each.problems
        each.page.context.close()


@pytest.fixture(scope="module")
def host_account(server):
    server.facilitator(EMAIL, PASSWORD)
    return EMAIL


# -- 1. the projector: a Q&A open beside the activity on screen ---------------------------

# Every poll bar (label, figures and track) lies between the prompt and the facilitator's
# bar: nothing of the activity on screen is hidden under the bar or cut off.
BARS_ON_SCREEN = """() => {
  const bars = Array.from(document.querySelectorAll("[data-screen='activity'] .bar"));
  const prompt = document.querySelector("[data-prompt]").getBoundingClientRect();
  const bar = document.querySelector(".host-bar").getBoundingClientRect();
  return bars.length === 5 && bars.every(node => {
    const r = node.getBoundingClientRect();
    return r.top >= prompt.bottom - 1 && r.bottom <= bar.top + 1 && r.height > 0;
  });
}"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_qa_open_beside_leaves_the_activity_on_screen_whole(browser, server, host_account, size):
    from playwright.sync_api import expect

    code = server.create_session(QA_BESIDE_A_POLL, email=EMAIL)["code"]
    host = open_host(browser, server, code, size)
    page = host.page
    press(page, "n", "next")
    expect(page.get_by_test_id("status")).to_have_attribute("data-state", "open")
    press(page, "n", "next")
    expect(page.get_by_test_id("prompt")).to_contain_text("cotisation")
    expect(page.get_by_test_id("side-chip")).to_be_visible()

    wait_true(page, BARS_ON_SCREEN, message=f"a poll option is hidden under the bar at {size}: "
              + repr(boxes(page, "[data-screen='activity'] .bar")) + repr(box(page, ".host-bar")))
    # The chip shares the people's line: the bar takes two lines, as without it.
    chip, presence, controls = box(page, "[data-side-chip]"), box(page, "[data-testid='presence']"), box(page, ".controls")
    assert chip["top"] < presence["bottom"] and presence["top"] < chip["bottom"], (chip, presence)
    assert not overlap(chip, controls) and not overlap(chip, presence)
    shot(page, f"layout-beside-{size[0]}")

    # B: the wall over it, with what it covers and the key back, in type read from afar.
    page.keyboard.press("b")
    over = page.get_by_test_id("side-over")
    expect(over).to_contain_text("cotisation")
    expect(over.locator("kbd")).to_have_text("B")
    root_size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    over_size = over.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert over_size >= 1.25 * root_size, (over_size, root_size)
    assert not overlap(box(page, "[data-side-over]"), box(page, "[data-prompt]"))
    shot(page, f"layout-beside-over-{size[0]}")
    page.keyboard.press("b")
    expect(over).to_be_hidden()
    wait_true(page, BARS_ON_SCREEN, message="back from the wall, a poll option is hidden")
    close_all(host)


# -- 2. the phone: the way to the Q&A above the reactions, neither covering the other -----


def _dock_is_clear(page, submit_test_id: str) -> None:
    """The Questions bar and the reactions are both whole, with thumb-sized targets, and
    scrolled to the end the form's submit button shows above them."""
    from playwright.sync_api import expect

    switch = box(page, "[data-testid='side-switch']")
    bar = box(page, "[data-testid='reaction-bar']")
    reactions = boxes(page, "[data-testid='reaction-bar'] button")
    assert not overlap(switch, bar), (switch, bar)
    assert switch["bottom"] <= bar["top"] + 1
    assert switch["height"] >= 48 and switch["width"] >= 200, switch
    assert len(reactions) == 5
    for button in reactions:
        assert button["height"] >= 48 and button["width"] >= 44, button
        assert not overlap(button, switch)
    viewport = page.viewport_size
    assert bar["bottom"] <= viewport["height"] + 1 and bar["right"] <= viewport["width"] + 1

    submit = page.get_by_test_id(submit_test_id)
    expect(submit).to_be_visible()
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    wait_true(page, """([id]) => {
      const submit = document.querySelector(`[data-testid='${id}']`).getBoundingClientRect();
      const dock = document.querySelector("[data-testid='side-switch']").getBoundingClientRect();
      return submit.bottom <= dock.top;
    }""", [submit_test_id], message=f"{submit_test_id} stays under the dock scrolled to the end")
    no_sideways_scroll(page)


def test_phones_keep_the_questions_bar_above_the_reactions(browser, server, host_account):
    from playwright.sync_api import expect

    code = server.create_session(QA_BESIDE_A_POLL, email=EMAIL)["code"]
    host = open_host(browser, server, code)
    phones = [open_phone(browser, server, code, size) for size in PHONES]
    press(host.page, "n", "next")
    press(host.page, "n", "next")
    for (width, _height), phone in zip(PHONES, phones):
        page = phone.page
        expect(page.get_by_test_id("prompt")).to_contain_text("cotisation")
        expect(page.get_by_test_id("side-switch")).to_contain_text("(0)")
        expect(page.get_by_test_id("reaction-bar")).to_be_visible()
        _dock_is_clear(page, "vote")
        shot(page, f"layout-dock-poll-{width}")
        page.get_by_test_id("side-switch").click()
        expect(page.get_by_test_id("qa-text")).to_be_visible()
        _dock_is_clear(page, "qa-send")
        shot(page, f"layout-dock-qa-{width}")
        # Both work: a reaction is sent, and the bar goes back.
        page.get_by_test_id("reaction-bar").locator("button").first.click()
        page.get_by_test_id("side-switch").click()
        expect(page.get_by_test_id("prompt")).to_contain_text("cotisation")
    close_all(host, *phones)


# -- 3 and 8. the archive's summary and its share page on a 320 px phone, in French -------

LONG = "anticonstitutionnellement"
ARCHIVED = {
    "title": "Rencontre intercommunale des associations culturelles et sportives",
    "activities": [
        {"type": "poll", "prompt": "Quelle orientation privilégier pour l'intercommunalité ?",
         "options": [f"Décentralisation administrative {LONG}", "Professionnalisation",
                     "Internationalisation des échanges interassociatifs"]},
        {"type": "ranking", "prompt": "Classez les priorités",
         "options": ["Intergénérationnalité", "Communication", "Financement participatif"]},
        {"type": "qa", "prompt": "Vos questions"},
        {"type": "date_poll", "prompt": "Prochaine assemblée générale extraordinaire ?", "options": [
            {"label": "Samedi 12 décembre 2026", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"},
            "Dimanche après-midi", "Mardi 15 décembre en soirée", "Mercredi 16 décembre", "Jeudi 17 décembre"]},
    ],
}
# Who answers the date poll: Zoé gives her name, the others none (they are Participant 2 and 3).
DATE_ANSWERS = [("Zoé", {"choices": ["yes", "maybe", "no", "yes", "no"], "name": "Zoé"}),
                (None, ["no", "yes", "yes", "maybe", "no"]),
                (None, {"choices": ["maybe", "no", "yes", "no", "yes"], "name": ""})]


def _archived_session(server) -> str:
    """A session with long French words played by three phones and ended: its code."""
    import asyncio
    import uuid

    from tests.sockets import host, participant

    created = server.create_session(ARCHIVED, email=EMAIL)
    poll, ranking, qa, dates = (a["id"] for a in created["activities"])

    async def play():
        screen = await host(server.url, created["code"], created["host_token"])
        phones = [await participant(server.url, created["code"], name) for name, _value in DATE_ANSWERS]
        for activity_id in (poll, ranking, qa, dates):
            assert (await screen.call("open", {"activity_id": activity_id}))["ok"]
            for index, phone in enumerate(phones):
                if activity_id == poll:
                    sent = await phone.answer(poll, index)
                elif activity_id == ranking:
                    sent = await phone.answer(ranking, [index, (index + 1) % 3, (index + 2) % 3])
                elif activity_id == qa:
                    sent = await phone.call("ask", {"activity_id": qa, "text": f"Pourquoi {LONG} {index} ?",
                                                    "answer_id": uuid.uuid4().hex})
                else:
                    sent = await phone.answer(dates, DATE_ANSWERS[index][1])
                assert sent["ok"], sent
        assert (await screen.call("end", {}))["ok"]
        for each in (*phones, screen):
            await each.disconnect()

    # Playwright's own loop runs in this thread: the phones play in another.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(play())).result()
    return created["code"]


# Every table lies within the screen, or scrolls inside a box that does.
TABLES_INSIDE = """() => Array.from(document.querySelectorAll("table, .table-scroll"))
  .filter(node => node.getClientRects().length && !node.parentElement.closest(".table-scroll"))
  .every(node => node.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)"""


def test_the_summary_and_its_share_page_never_scroll_sideways_on_a_small_phone(browser, server, host_account):
    from playwright.sync_api import expect

    code = _archived_session(server)
    for width, height in PHONES:
        owner = Watched(browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                            is_mobile=True, has_touch=True))
        sign_in(owner.page, server)
        owner.page.goto(f"{server.url}/archives/{code}")
        expect(owner.page.locator("html")).to_have_attribute("lang", "fr")
        owner.page.get_by_test_id("create-share").click()
        link = owner.page.get_by_test_id("new-share-url").input_value()
        for page in (owner.page,):
            no_sideways_scroll(page)
            wait_true(page, TABLES_INSIDE, message="a table runs off the summary page")
        # The owner's page names Zoé; the others by their pseudonym, not as "without a name".
        grid = owner.page.locator(".date-poll-grid")
        expect(grid).to_contain_text("Zoé")
        expect(grid).to_contain_text("Participant 2")
        expect(grid).to_contain_text("Participant 3")
        shot(owner.page, f"layout-archive-{width}")

        visitor = Watched(browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                              is_mobile=True, has_touch=True))
        visitor.page.goto(link)
        expect(visitor.page.get_by_role("heading", level=1)).to_contain_text("Rencontre intercommunale")
        no_sideways_scroll(visitor.page)
        wait_true(visitor.page, TABLES_INSIDE, message="a table runs off the share page")
        # A figure and its option stay readable side by side: the poll's table shows its numbers on screen.
        first_row = visitor.page.locator("table.reflow").first.locator("tbody tr").first
        for cell in first_row.locator("td").all():
            cell_box = cell.bounding_box()
            assert cell_box["x"] >= 0 and cell_box["x"] + cell_box["width"] <= width + 1, cell_box
        # Who said what: every participant as "Participant n", the same n as elsewhere; no name.
        grid = visitor.page.locator(".date-poll-grid")
        for n in (1, 2, 3):
            expect(grid.get_by_role("rowheader", name=f"Participant {n}", exact=True)).to_be_visible()
        expect(visitor.page.locator("main")).not_to_contain_text("Zoé")
        expect(visitor.page.locator("main")).not_to_contain_text("sans nom")
        shot(visitor.page, f"layout-share-{width}")
        close_all(owner, visitor)


# -- 4. the host screen: the podium only for a scored kind, the lobby's count, the help ----

QUIZ_THEN_POLL = {
    "title": "Club quiz",
    "activities": [
        {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 30},
        {"type": "poll", "prompt": "Un café ?", "options": ["Oui", "Non"]},
    ],
}
# The help names keys as they are printed on keyboards.
KEY_NAMES = {"ArrowRight": "→", "ArrowLeft": "←"}


def test_the_host_screen_counts_the_lobby_in_words_and_helps_with_every_key(browser, server, host_account):
    from playwright.sync_api import expect

    code = server.create_session(QUIZ_THEN_POLL, email=EMAIL)["code"]
    host = open_host(browser, server, code)
    page = host.page
    count = page.get_by_test_id("lobby-count")
    # Nobody yet: words, not "0 participant".
    expect(count).to_have_text("Personne n’est encore connecté", use_inner_text=True)
    expect(page.locator("[data-lobby-count]")).to_be_hidden()
    phones = [open_phone(browser, server, code)]
    expect(count).to_have_text(re.compile(r"^\s*1\s+participant connecté\s*$"), use_inner_text=True)
    phones.append(open_phone(browser, server, code))
    expect(count).to_have_text(re.compile(r"^\s*2\s+participants connectés\s*$"), use_inner_text=True)
    shot(page, "layout-lobby")

    # The help: opened with ?, its title and its way out in view, every key a button
    # declares listed, and Escape closes it.
    page.keyboard.press("?")
    dialog = page.get_by_test_id("help-dialog")
    expect(dialog).to_be_visible()
    viewport = page.viewport_size
    for test_id in ("help-close",):
        found = page.get_by_test_id(test_id).bounding_box()
        assert 0 <= found["y"] and found["y"] + found["height"] <= viewport["height"], found
    expect(page.locator("#help-title")).to_be_in_viewport()
    listed = set(page.get_by_test_id("shortcuts").locator("kbd").all_text_contents())
    declared = page.evaluate("""() => Array.from(document.querySelectorAll("[aria-keyshortcuts]"))
        .flatMap(node => node.getAttribute("aria-keyshortcuts").split(" "))""")
    missing = {KEY_NAMES.get(key, key) for key in declared} - listed
    assert not missing, f"shortcuts that work but the help does not list: {missing}"
    size = page.get_by_test_id("shortcuts").locator("dd").first.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert size >= 16, size
    shot(page, "layout-help")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The podium: after a quiz question's answer, on the quiz; never over the poll.
    podium = page.get_by_test_id("podium-button")
    press(page, "n", "next")
    expect(page.get_by_test_id("status")).to_have_attribute("data-state", "open")
    expect(podium).to_be_hidden()
    press(page, "r", "reveal")
    expect(podium).to_be_visible()
    press(page, "n", "next")
    expect(page.get_by_test_id("prompt")).to_have_text("Un café ?")
    expect(podium).to_be_hidden()
    page.keyboard.press("k")
    expect(page.get_by_test_id("podium")).to_be_hidden()
    expect(page.get_by_test_id("prompt")).to_be_visible()
    close_all(host, *phones)


# -- 5 and 6. the moderation console's open-question rows, and the chain ------------------

IDEAS = {
    "title": "Fête du quartier",
    "activities": [
        {"type": "open_text", "prompt": "Une idée pour la fête ?", "upvotes": True},
        {"type": "qa", "prompt": "Vos questions"},
    ],
}
ANSWERS = ["Organiser un grand repas partagé dans le parc avec toutes les associations du quartier et leurs familles",
           "Un concert", "Une brocante intergénérationnelle", "Des jeux pour les enfants"]


def _send_answers(server, code: str, activity_id: str) -> None:
    import asyncio

    from tests.sockets import participant

    async def send():
        for index, text in enumerate(ANSWERS):
            phone = await participant(server.url, code, f"Voisin {index}")
            assert (await phone.answer(activity_id, text))["ok"]
            await phone.disconnect()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(send())).result()


def test_the_console_rows_are_readable_and_the_chain_stays_out_of_the_remote(browser, server, host_account):
    from playwright.sync_api import expect

    created = server.create_session(IDEAS, email=EMAIL)
    code = created["code"]
    host = open_host(browser, server, code)
    press(host.page, "n", "next")
    expect(host.page.get_by_test_id("status")).to_have_attribute("data-state", "open")
    _send_answers(server, code, created["activities"][0]["id"])

    for width, height in [(1280, 800), (768, 1024), (375, 667)]:
        console = Watched(host.page.context)
        page = console.page
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{server.url}/host/{code}/moderate")
        rows = page.get_by_test_id("ot-shown").locator("li")
        expect(rows).to_have_count(4)
        no_sideways_scroll(page)
        # Each answer reads as a sentence: its text as wide as its row's text column,
        # its buttons beside or under it, never on top of it.
        for index in range(4):
            row = rows.nth(index)
            text = row.locator(".mod-row__word").bounding_box()
            whole = row.bounding_box()
            assert text["width"] >= min(0.6 * whole["width"], 280) or text["height"] <= 40, (width, text, whole)
            for button in row.locator("button:visible").all():
                found = button.bounding_box()
                assert not overlap({"left": found["x"], "right": found["x"] + found["width"], "top": found["y"],
                                    "bottom": found["y"] + found["height"]},
                                   {"left": text["x"], "right": text["x"] + text["width"], "top": text["y"],
                                    "bottom": text["y"] + text["height"]}), (width, index)
                assert found["height"] >= 44
        # The chain's bar: absent until an entry is ticked, then saying how many, and
        # never over the remote control's buttons, wherever the page is scrolled.
        bar = page.get_by_test_id("shortlist-pick-bar")
        expect(bar).to_be_hidden()
        page.get_by_test_id("ot-pick-0").check()
        expect(bar).to_be_visible()
        expect(page.get_by_test_id("shortlist-pick-count")).to_have_text("1 réponse choisie")
        for scroll in ("0", "document.documentElement.scrollHeight"):
            page.evaluate(f"() => window.scrollTo(0, {scroll})")
            page.wait_for_function(f"() => Math.abs(window.scrollY - Math.min({scroll}, "
                                   "document.documentElement.scrollHeight - innerHeight)) < 2")
            if bar.is_visible():
                for test_id in ("next", "previous", "close", "end"):
                    assert not overlap(box(page, "[data-testid='shortlist-pick-bar']"),
                                       box(page, f".mod-remote [data-testid='{test_id}']")), (width, scroll, test_id)
        shot(page, f"layout-console-{width}")
        page.get_by_test_id("ot-pick-0").uncheck()
        expect(bar).to_be_hidden()
        expect(page.get_by_test_id("shortlist-pick-count")).not_to_contain_text("1")
        console.page.close()
        assert console.problems == [], console.problems

    # The host's chain dialog: Escape cancels; Enter in the field makes the poll.
    page = host.page
    page.keyboard.press("s")
    dialog = page.get_by_test_id("shortlist-dialog")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-activity-number]")).to_contain_text("sur 2")
    page.keyboard.press("s")
    expect(dialog).to_be_visible()
    page.get_by_test_id("shortlist-top").fill("2")
    page.get_by_test_id("shortlist-top").press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-activity-number]")).to_contain_text("sur 3")
    expect(page.locator("[data-message]")).to_contain_text("prêt")

    # A Q&A on screen: its console makes its poll of the top N, no bar to tick for.
    press(page, "n", "next")
    press(page, "n", "next")
    expect(page.get_by_test_id("prompt")).to_have_text("Vos questions")
    console = Watched(host.page.context)
    console.page.goto(f"{server.url}/host/{code}/moderate")
    expect(console.page.get_by_test_id("prompt")).to_have_text("Vos questions")
    expect(console.page.get_by_test_id("shortlist-pick-bar")).to_be_hidden()
    close_all(console, host)
