"""Every page of live, checked by axe-core in Debian's Chromium against a real ``live
serve``, in English and in French: the WCAG 2 A and AA rules (2.0, 2.1, 2.2) and
axe's best practices must find nothing.

One session holds an activity of every registered kind (``SAMPLES``: a registered
kind without a sample fails here, so a new kind brings its own). Both languages walk
through it side by side: the English host screen drives it with its keys, the French
one follows, and a phone in each language answers every kind with the keyboard only
(Tab, Space, Enter, arrows; a ranking with its move buttons). axe runs at each step:
the login page (and refused), the dashboard, the session editor (new, refused, and
with every kind's fields), the host screen (lobby, its windows, each kind open,
answered and with its results, the Q&A wall over an activity), the phone (join page,
lobby, each kind before and after answering, its results, the Q&A reached from its
bar, the end), the moderation console, the archive's summary, share, comparison and
delete pages, the landing page and the error pages.

Each keyboard stop is checked too: the focus shows (an outline or a ring) and no
sticky bar covers the focused element (WCAG 2.4.7, 2.4.11). Violations are reported
all at once, with axe's rule id, impact, the element and the rule's help. Two more
tests drive the host screen and the moderation console from the keyboard alone and
check what a screen reader hears.

axe-core is vendored in tests/vendor/ (scripts/vendor-js); nothing is downloaded.
Screenshots of each audited state go to LIVE_SCREENSHOTS when set."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from live.activities.registry import KINDS
from tests.conftest import ROOT, WAIT, wait_until
from tests.sockets import host as socket_host
from tests.sockets import run_beside_playwright
from tests.test_browser import PASSWORD, Watched, browser, server, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "tests" / "vendor" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LOCALES = {"en": "en-GB", "fr": "fr-FR"}
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 740}


# -- axe and the keyboard ------------------------------------------------------------------


# No transition or animation runs, but endless ones (the "open" dot's pulse) and a
# countdown's ring, which moves every second while the clock runs.
STILL = """() => document.getAnimations().every(a => a.playState !== 'running'
  || a.effect.getComputedTiming().iterations === Infinity
  || (a.effect.target && a.effect.target.closest && a.effect.target.closest('[data-countdown]')))"""


class Audit:
    """Collects what axe finds on each page state, to report every violation at once."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.states: list[str] = []

    def many(self, *states) -> None:
        """Run axe on several pages at once, each as it is now (``states``: (page,
        where) pairs): each page's own renderer works in parallel."""
        named = list(states)
        for page, where in named:
            self.states.append(where)
            # Colours are judged once transitions end (a button fading in is not its colour).
            wait_until(lambda: page.evaluate(STILL), message=f"{where}: still moving")
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.add_script_tag(path=str(AXE))
            page.evaluate("tags => { window.__axeRun = axe.run(document, "
                          "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); }", TAGS)
        for page, where in named:
            for violation in page.evaluate("() => window.__axeRun")["violations"]:
                for node in violation["nodes"]:
                    self.found.append(
                        f"{where}: {violation['id']} ({violation['impact']}) {' '.join(map(str, node['target']))}: "
                        f"{violation['help']} — {node['failureSummary'].splitlines()[-1].strip()}")
            shot(page, re.sub(r"[^a-z0-9]+", "-", where.lower()).strip("-"))

    def report(self) -> str:
        return f"{len(self.found)} accessibility violations on {len(self.states)} page states:\n" + "\n".join(self.found)


# The focused element, judged as a sighted keyboard user sees it: a visible focus
# indicator (outline or ring, on it, its label or the label around it), and not
# hidden under a sticky bar or a dialog (WCAG 2.4.7, 2.4.11).
FOCUS_PROBLEM = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const name = el.outerHTML.slice(0, 120);
  const rect = el.getBoundingClientRect();
  const shows = node => {
    if (!node) return false;
    const style = getComputedStyle(node);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  };
  const related = [el, ...(el.labels || []), el.closest('label')].filter(Boolean);
  if (!related.some(shows)) return 'no visible focus indicator on ' + name;
  const box = (el.labels && el.labels[0] && rect.width < 2) ? el.labels[0].getBoundingClientRect() : rect;
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
  if (box.bottom <= 0 || box.top >= innerHeight) return 'focused element out of view: ' + name;
  const hit = document.elementFromPoint(x, y);
  if (!hit || related.some(node => node === hit || node.contains(hit) || hit.contains(node))) return null;
  return 'focused element covered by ' + hit.outerHTML.slice(0, 120) + ': ' + name;
}"""


class Keyboard:
    """A keyboard user on ``page``: Tab until an element has the focus, then keys.
    Every element passed on the way must show its focus and not be covered; what is
    wrong goes to ``problems`` (the audit's list), so one run reports everything."""

    def __init__(self, page, problems: list[str], where: str) -> None:
        self.page = page
        self.problems = problems
        self.where = where

    def _check(self) -> None:
        problem = self.page.evaluate(FOCUS_PROBLEM)
        if problem and f"{self.where}: focus: {problem}" not in self.problems:
            self.problems.append(f"{self.where}: focus: {problem}")

    def tab_to(self, target, limit: int = 80) -> None:
        """Press Tab until ``target`` has the focus (fails if it never does)."""
        from playwright.sync_api import expect

        expect(target).to_be_visible()
        for _ in range(limit):
            if target.evaluate("node => node === document.activeElement"):
                self._check()
                return
            self.page.keyboard.press("Tab")
            self._check()
        now = self.page.evaluate("document.activeElement.outerHTML.slice(0, 160)")
        raise AssertionError(f"{self.where}: Tab never reached {target} (the focus is on {now})")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


# -- a sample of every kind ------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """An activity of one kind, and how a phone answers it with the keyboard alone."""

    activity: dict
    answer: Callable  # (page) -> None: answers by keyboard and waits until the phone says it is recorded
    results: tuple[str, ...] = ("c",)  # the host's keys that show its results
    more: tuple[tuple[str, str], ...] = ()  # further host states: (key, name)
    phone_results: str = "results"  # the test id a phone shows once the results are
    heard: str | None = None  # what the first phone hears once another phone answered


def _answer_poll(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("option-0").locator("input"))
    kb.press("ArrowDown")  # a radio group: the arrows choose
    expect(page.get_by_test_id("option-1").locator("input")).to_be_checked()
    kb.tab_to(page.get_by_test_id("vote"))
    kb.press("Enter")
    expect(page.get_by_test_id("confirmation")).to_be_visible()


def _answer_wordcloud(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("entry"))
    kb.type("Lecture")
    kb.press("Enter")
    expect(page.get_by_test_id("my-entries")).to_contain_text("Lecture")


def _answer_quiz(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("option-1"))
    kb.press("Enter")
    expect(page.get_by_test_id("locked")).to_be_visible()


def _answer_open_text(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("ot-text"))
    kb.type("Un jardin partagé")
    kb.tab_to(page.get_by_test_id("ot-send"))
    kb.press("Enter")
    expect(page.get_by_test_id("ot-mine")).to_contain_text("Un jardin partagé")
    vote = page.get_by_test_id("ot-vote-0")
    kb.tab_to(vote)
    kb.press("Space")
    expect(vote).to_have_attribute("aria-pressed", "true")


def _answer_scale(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("scale-value-4"))
    kb.press("Space")
    expect(page.get_by_test_id("scale-confirmation")).to_be_visible()


def _answer_ranking(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("move-up-1"))
    kb.press("Enter")
    expect(page.locator("[data-rank-list] .rank-item__text").first).to_have_text("Nana")
    kb.tab_to(page.get_by_test_id("rank-send"))
    kb.press("Enter")
    expect(page.get_by_test_id("ranking-confirmation")).to_be_visible()


def _answer_date_poll(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.locator("#dp-0-yes"))
    kb.press("Space")
    kb.tab_to(page.locator("#dp-1-yes"))
    kb.press("ArrowRight")  # yes, then maybe
    expect(page.locator("#dp-1-maybe")).to_be_checked()
    kb.tab_to(page.get_by_test_id("dp-send"))
    kb.press("Enter")
    expect(page.get_by_test_id("dp-confirmation")).to_be_visible()


def _answer_qa(kb):
    from playwright.sync_api import expect

    page = kb.page

    kb.tab_to(page.get_by_test_id("qa-text"))
    kb.type("Quand vote-t-on le budget ?")
    kb.tab_to(page.get_by_test_id("qa-send"))
    kb.press("Enter")
    expect(page.get_by_test_id("qa-questions")).to_contain_text("Quand vote-t-on le budget ?")


BOOKS = ["Germinal", "Nana", "L'Assommoir"]
SAMPLES: dict[str, Sample] = {
    "poll": Sample({"type": "poll", "prompt": "Quel livre lire ensuite ?", "options": BOOKS}, _answer_poll),
    "wordcloud": Sample({"type": "wordcloud", "prompt": "Un mot pour ce soir ?", "max_entries": 2}, _answer_wordcloud),
    "quiz": Sample({"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola", "Balzac"],
                    "correct": [1], "seconds": 120}, _answer_quiz, results=("r",), more=(("k", "podium"),)),
    "open_text": Sample({"type": "open_text", "prompt": "Une idée pour le club ?", "upvotes": True}, _answer_open_text),
    "scale": Sample({"type": "scale", "prompt": "Avez-vous aimé la séance ?", "min": 1, "max": 5,
                     "min_label": "Pas du tout", "max_label": "Beaucoup"}, _answer_scale),
    "ranking": Sample({"type": "ranking", "prompt": "Quel livre en premier ?", "options": BOOKS}, _answer_ranking),
    "date_poll": Sample({"type": "date_poll", "prompt": "Prochaine réunion ?", "options": [
        {"label": "Sam. 12 déc.", "start": "2026-12-12T18:00", "end": "2026-12-12T20:00"}, "En semaine, le soir"]},
        _answer_date_poll),
    "qa": Sample({"type": "qa", "prompt": "Vos questions sur le budget"}, _answer_qa, phone_results="closed",
                 heard="2 questions on the wall."),
}


def sample(name: str) -> Sample:
    """The sample of kind ``name``: a registered kind without one fails the module."""
    if name not in SAMPLES:
        raise AssertionError(
            f"the activity kind {name!r} has no accessibility sample: add one to SAMPLES in tests/test_accessibility.py "
            "(an activity of the kind and how a phone answers it with the keyboard; docs/ACTIVITY_KINDS.md)")
    return SAMPLES[name]


def test_every_registered_kind_has_an_accessibility_sample():
    missing = [name for name in KINDS.names() if name not in SAMPLES]
    assert missing == [], f"kinds without a sample in tests/test_accessibility.py: {missing}"


# -- the walk through every page ------------------------------------------------------------


def _context(browser, locale: str, phone: bool = False):
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": PROJECTOR}
    # bypass_csp: axe is injected as an inline script, which live's CSP rightly refuses.
    # Reduced motion, which live honours: colours are judged at rest, with no transition
    # to wait for (the end of one is the same colours).
    return browser.new_context(locale=LOCALES[locale], bypass_csp=True, reduced_motion="reduce", **options)


def _end_without_answers(url: str, code: str, host_token: str) -> None:
    """End a session from a host socket (python-socketio in a thread of its own:
    Playwright's sync API holds this one)."""

    async def run():
        screen = await socket_host(url, code, host_token)
        ended = await screen.call("end", {}, timeout=120)
        assert ended["ok"] is True, ended
        await screen.disconnect()

    run_beside_playwright(run)


def _forget_refusals(watched) -> None:
    """A form refused on purpose (400) leaves a line in the console: not a problem."""
    watched.problems[:] = [line for line in watched.problems if "status of 400" not in line]


@dataclass
class Locale:
    """One language's pages: the facilitator's (host screen, console) and a phone's."""

    name: str
    facilitator: object  # their browser contexts
    phones: object
    screen: Watched
    phone: Watched
    console: object = None
    desk: Keyboard = None
    kb: Keyboard = None

    @property
    def host(self):
        return self.screen.page

    @property
    def page(self):
        return self.phone.page


def test_every_page_passes_axe_in_english_and_french_and_every_kind_is_answered_by_keyboard(browser, server):
    """Both languages walk through the same session side by side: the English host
    screen drives it, the French one follows, and a phone in each language answers."""
    from playwright.sync_api import expect

    audit = Audit()
    email = "a11y@example.org"
    server.facilitator(email, PASSWORD)
    kinds = KINDS.names()
    samples = [sample(name) for name in kinds]
    beside = [name for name in kinds if KINDS.get(name).capabilities.beside]
    plain = next(name for name in kinds if not KINDS.get(name).capabilities.beside)
    # Every kind once, then each kind that stays open beside, with another activity after it.
    activities = [s.activity for s in samples]
    activities += [a for name in beside for a in (SAMPLES[name].activity, SAMPLES[plain].activity)]
    created = server.create_session({"title": "Club lecture", "activities": activities}, email=email)
    again = server.create_session({"title": "Club lecture", "activities": activities}, email=email)
    code, host_url = created["code"], created["host_url"].replace("localhost", "127.0.0.1")
    sides = []
    for name in LOCALES:
        facilitator, phones = _context(browser, name), _context(browser, name, phone=True)
        sides.append(Locale(name, facilitator, phones, Watched(facilitator), Watched(phones)))
    lead = sides[0]

    def every(what: str, page=lambda side: side.host):
        """The (page, where) of each language, for Audit.many."""
        return [(page(side), f"[{side.name}] {what}") for side in sides]

    # Signing in, refused first, then the dashboard and the editor (refused too).
    for side in sides:
        side.host.goto(server.url + "/login")
    audit.many(*every("login"))
    for side in sides:
        side.desk = Keyboard(side.host, audit.found, f"[{side.name}] facilitator")
        side.desk.tab_to(side.host.get_by_test_id("login"))
        side.desk.press("Enter")  # nothing typed: refused, each field says why
        expect(side.host.locator("#email")).to_have_attribute("aria-invalid", "true")
    audit.many(*every("login, refused"))
    for side in sides:
        _forget_refusals(side.screen)
        side.desk.tab_to(side.host.locator("#email"))
        side.desk.type(email)
        side.desk.tab_to(side.host.locator("#password"))
        side.desk.type(PASSWORD)
        side.desk.press("Enter")
        side.host.wait_for_url(re.compile(r"/dashboard$"))
    audit.many(*every("dashboard"))
    for side in sides:
        side.host.goto(server.url + "/sessions/new")
    audit.many(*every("editor, new session"))
    for side in sides:
        side.desk.tab_to(side.host.get_by_test_id("save"))
        side.desk.press("Enter")  # no title, no activity: refused
        expect(side.host.get_by_test_id("form-error")).to_be_visible()
    audit.many(*every("editor, refused"))
    for side in sides:
        _forget_refusals(side.screen)
        side.host.goto(f"{server.url}/sessions/{code}/edit")
    audit.many(*every("editor, every kind"))

    # The host screen's lobby and its windows, the console, a phone joining.
    for side in sides:
        side.host.goto(host_url)
        expect(side.host.get_by_test_id("join-code")).to_be_visible()
        side.console = side.facilitator.new_page()
        side.console.goto(host_url + "/moderate")
        side.page.goto(f"{server.url}/j/{code}")
    audit.many(*every("host, lobby"), *every("console, lobby", lambda side: side.console),
               *every("phone, join page", lambda side: side.page))
    for side in sides:
        side.kb = Keyboard(side.page, audit.found, f"[{side.name}] phone")
        side.kb.tab_to(side.page.get_by_test_id("join"))
        side.kb.press("Enter")
        expect(side.page.get_by_test_id("lobby")).to_be_visible()
    expect(lead.host.get_by_test_id("presence")).to_contain_text("2")
    for side in sides:  # a reaction, by keyboard: the projector counts it (reduced motion)
        side.kb.tab_to(side.page.get_by_test_id("react-0"))
        side.kb.press("Enter")
        expect(side.host.get_by_test_id("reaction-tally")).to_be_visible()
    audit.many(*every("host, lobby with reactions"), *every("phone, lobby", lambda side: side.page))
    for key, window, name in (("q", "[data-qr-dialog]", "QR code"), ("?", "[data-help-dialog]", "keyboard shortcuts")):
        for side in sides:
            _key(side.host, key)
            expect(side.host.locator(window)).to_be_visible()
        audit.many(*every(f"host, {name}"))
        for side in sides:
            side.host.keyboard.press("Escape")
            expect(side.host.locator(window)).to_be_hidden()

    def on_screen(prompt: str) -> None:
        for side in sides:
            expect(side.host.get_by_test_id("prompt")).to_have_text(prompt)

    # Every kind: open, answered by keyboard on each phone, its results, its further states.
    for name, kind_sample in zip(kinds, samples):
        kind, prompt = KINDS.get(name), kind_sample.activity["prompt"]
        _key(lead.host, "n")
        on_screen(prompt)
        for side in sides:
            expect(side.page.get_by_test_id("prompt")).to_have_text(prompt)
        audit.many(*every(f"host, {name} open"), *every(f"phone, {name} open", lambda side: side.page))
        for side in sides:
            kind_sample.answer(side.kb)
        if kind_sample.heard:  # the English phone's screen reader, once the French phone answered
            expect(lead.page.get_by_test_id("announcer")).to_have_text(kind_sample.heard)
        audit.many(*every(f"host, {name} answered"), *every(f"phone, {name} answered", lambda side: side.page),
                   *every(f"console, {name}", lambda side: side.console))
        if lead.host.get_by_test_id("shortlist").is_visible():  # the chain's window (S)
            _key(lead.host, "s")
            expect(lead.host.get_by_test_id("shortlist-dialog")).to_be_visible()
            audit.many((lead.host, f"[{lead.name}] host, {name} shortlist window"))
            lead.host.keyboard.press("Escape")
            expect(lead.host.get_by_test_id("shortlist-dialog")).to_be_hidden()
        for key in kind_sample.results:
            _key(lead.host, key)
        for side in sides:
            expect(side.host.get_by_test_id("status")).not_to_have_attribute("data-state", "open")
            if kind.capabilities.results_on_phones:
                expect(side.page.get_by_test_id(kind_sample.phone_results)).to_be_visible()
        audit.many(*every(f"host, {name} results"), *every(f"phone, {name} results", lambda side: side.page))
        for key, state in kind_sample.more:
            _key(lead.host, key)
            audit.many(*every(f"host, {name} {state}"), *every(f"phone, {name} {state}", lambda side: side.page))

    # Each kind that stays open beside: the wall over the next activity (B), the phone's way to it.
    for name in beside:
        _key(lead.host, "n")
        on_screen(SAMPLES[name].activity["prompt"])
        for side in sides:
            SAMPLES[name].answer(side.kb)
        _key(lead.host, "n")
        on_screen(SAMPLES[plain].activity["prompt"])
        for side in sides:
            expect(side.host.get_by_test_id("side-chip")).to_be_visible()
        audit.many(*every(f"host, {name} beside"), *every(f"phone, {name} beside", lambda side: side.page))
        for side in sides:  # B is each screen's own: a second screen shows the wall too
            _key(side.host, "b")
            expect(side.host.get_by_test_id("side-over")).to_be_visible()
            side.kb.tab_to(side.page.get_by_test_id("side-switch"))
            side.kb.press("Enter")
            expect(side.page.get_by_test_id("side-switch")).to_have_attribute("data-state", "back")
        audit.many(*every(f"host, {name} wall over an activity"),
                   *every(f"phone, {name} from its bar", lambda side: side.page),
                   *every(f"console, {name} beside", lambda side: side.console))
        for side in sides:
            _key(side.host, "b")
            expect(side.host.get_by_test_id("side-over")).to_be_hidden()

    # The end, and the archive's pages.
    _key(lead.host, "e")
    expect(lead.host.get_by_test_id("end-confirm")).to_be_visible()
    audit.many((lead.host, f"[{lead.name}] host, end window"))
    lead.host.get_by_test_id("share-summary").check()
    lead.desk.tab_to(lead.host.get_by_test_id("end-confirm"))
    lead.desk.press("Enter")
    for side in sides:
        expect(side.host.get_by_test_id("ended")).to_be_visible()
        expect(side.page.get_by_test_id("summary-link")).to_be_visible()
    audit.many(*every("host, ended"), *every("phone, ended", lambda side: side.page),
               *every("console, ended", lambda side: side.console))
    _end_without_answers(server.url, again["code"], again["host_token"])
    for path, what in (("/archives", "archives"), (f"/archives/{code}", "archive, every kind")):
        for side in sides:
            side.host.goto(server.url + path)
        audit.many(*every(what))
    for side in sides:
        side.host.get_by_test_id("create-share").click()
        expect(side.host.get_by_test_id("new-share-link")).to_be_visible()
    audit.many(*every("archive, a new share link"))
    for side in sides:
        side.page.goto(side.host.get_by_test_id("new-share-url").input_value())
    audit.many(*every("share page", lambda side: side.page))
    for path, what in (("/archives/compare", "comparison, picker"),
                       (f"/archives/compare?code={code}&code={again['code']}", "comparison"),
                       (f"/archives/{again['code']}/delete", "archive, delete")):
        for side in sides:
            side.host.goto(server.url + path)
        audit.many(*every(what))
    problems = [line for side in sides for line in side.screen.problems + side.phone.problems]

    # The pages of someone lost: errors (404 on purpose) and the landing page.
    for side in sides:
        side.host.goto(f"{server.url}/no-such-page")
        side.page.goto(f"{server.url}/j/ZZZZ9999")
    audit.many(*every("error 404"), *every("phone, unknown code", lambda side: side.page))
    for side in sides:
        side.page.goto(server.url + "/")
        side.host.goto(server.url + "/join?code=ZZZZ9999")  # a code typed wrong
    audit.many(*every("landing page", lambda side: side.page), *every("landing page, unknown code"))

    for side in sides:
        side.facilitator.close()
        side.phones.close()
    assert audit.found == [], audit.report()
    assert problems == []


# -- the facilitator's keyboard ---------------------------------------------------------------


def _signed_in(browser, server, email: str, locale: str = "en"):
    """A facilitator's browser, signed in with the keyboard (``email`` has ``PASSWORD``)."""
    from playwright.sync_api import expect

    context = _context(browser, locale)
    watched = Watched(context)
    page = watched.page
    page.goto(server.url + "/login")
    expect(page.locator("#email")).to_be_focused()  # the form's first field waits
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard$"))
    return context, watched


def _key(page, key: str) -> None:
    """Press a host screen's shortcut once its button can act (a key pressed before
    the screen is connected does nothing, as its button says)."""
    from playwright.sync_api import expect

    button = page.locator(f"[aria-keyshortcuts~='{key.upper() if len(key) == 1 else key}']").first
    expect(button).not_to_have_attribute("aria-disabled", "true")
    page.keyboard.press(key)


def test_the_host_drives_the_session_from_the_keyboard_and_hears_what_changes(browser, server):
    from playwright.sync_api import expect

    from tests.test_browser_moderate import Phone

    server.facilitator("keys@example.org", PASSWORD)
    created = server.create_session({"title": "Assemblée", "activities": [
        SAMPLES["qa"].activity,
        {"type": "poll", "prompt": "Faut-il augmenter la cotisation ?", "options": ["Oui", "Non"]},
        {"type": "poll", "prompt": "Quel jour ?", "options": ["Lundi", "Jeudi"]},
    ]}, email="keys@example.org")
    qa, first, second = (a["id"] for a in created["activities"])
    context, screen = _signed_in(browser, server, "keys@example.org")
    host = screen.page
    host.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    heard = host.locator("[data-announcer]")
    ada = Phone(server.url, created["code"], "Ada")
    try:
        _key(host, "n")  # the Q&A opens, then stays open beside the next activity
        expect(host.get_by_test_id("prompt")).to_have_text(SAMPLES["qa"].activity["prompt"])
        assert ada.client.call("ask", {"activity_id": qa, "text": "Et le budget ?", "answer_id": "q1"}, timeout=WAIT)["ok"]
        _key(host, "n")
        expect(host.get_by_test_id("prompt")).to_have_text("Faut-il augmenter la cotisation ?")
        expect(host.get_by_test_id("status")).to_have_attribute("data-state", "open")
        expect(heard).to_have_text("Voting is open: Faut-il augmenter la cotisation ?")

        # An answer comes: the count moves, and a screen reader hears it (once, not per vote).
        assert ada.answer(first, 0)["ok"] is True
        expect(host.get_by_test_id("n-answers")).to_have_text("1")
        expect(heard).to_have_text("1 answer")

        # B shows the Q&A over the activity on screen, B again goes back.
        _key(host, "b")
        expect(host.get_by_test_id("side-over")).to_be_visible()
        expect(host.get_by_test_id("qa-list")).to_contain_text("Et le budget ?")
        expect(heard).to_contain_text(SAMPLES["qa"].activity["prompt"])
        _key(host, "b")
        expect(host.get_by_test_id("side-over")).to_be_hidden()
        expect(host.get_by_test_id("prompt")).to_have_text("Faut-il augmenter la cotisation ?")

        # C closes, O opens again, → and ← (or N and P) move along the programme.
        _key(host, "c")
        expect(host.get_by_test_id("status")).to_have_attribute("data-state", "closed")
        expect(heard).to_have_text("Voting is closed.")
        _key(host, "o")
        expect(host.get_by_test_id("status")).to_have_attribute("data-state", "open")
        _key(host, "ArrowRight")
        expect(host.get_by_test_id("prompt")).to_have_text("Quel jour ?")
        _key(host, "p")
        expect(host.get_by_test_id("prompt")).to_have_text("Faut-il augmenter la cotisation ?")

        # The facilitator's bar by Tab: each button shows its focus; Enter presses it.
        keys = Keyboard(host, [], "host")
        keys.tab_to(host.get_by_test_id("next"))
        keys.press("Enter")
        expect(host.get_by_test_id("prompt")).to_have_text("Quel jour ?")
        keys.tab_to(host.get_by_test_id("close-side"))
        keys.press("Enter")
        expect(host.get_by_test_id("side-chip")).to_be_hidden()
        assert keys.problems == []

        # ? opens the shortcuts, Esc closes them and gives the keys back.
        _key(host, "?")
        expect(host.get_by_test_id("shortcuts")).to_be_visible()
        host.keyboard.press("Escape")
        expect(host.get_by_test_id("shortcuts")).to_be_hidden()
        _key(host, "p")
        expect(host.get_by_test_id("prompt")).to_have_text("Faut-il augmenter la cotisation ?")
        assert screen.problems == []
    finally:
        ada.close()
        context.close()


def test_the_moderation_console_works_from_the_keyboard(browser, server):
    from playwright.sync_api import expect

    from tests.test_browser_moderate import Phone

    server.facilitator("console@example.org", PASSWORD)
    created = server.create_session({"title": "Soirée", "activities": [
        SAMPLES["wordcloud"].activity, SAMPLES["open_text"].activity, SAMPLES["qa"].activity,
    ]}, email="console@example.org")
    cloud, ideas, qa = (a["id"] for a in created["activities"])
    context, screen = _signed_in(browser, server, "console@example.org")
    projector = screen.page
    projector.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    console = Watched(context)
    con = console.page
    con.goto(created["host_url"].replace("localhost", "127.0.0.1") + "/moderate")
    keys = Keyboard(con, [], "console")
    ada, bob = Phone(server.url, created["code"], "Ada"), Phone(server.url, created["code"], "Bob")
    try:
        # The remote control: Next, by Tab and Enter; the projector follows.
        keys.tab_to(con.get_by_test_id("next"))
        expect(con.get_by_test_id("next")).to_have_attribute("aria-disabled", "false")
        keys.press("Enter")
        expect(projector.get_by_test_id("prompt")).to_have_text(SAMPLES["wordcloud"].activity["prompt"])
        for phone, word in ((ada, "Lecture"), (bob, "café")):
            assert phone.answer(cloud, word)["ok"] is True
        expect(projector.locator("[data-word-list]")).to_contain_text("café")

        # Hide a word: it leaves the projector.
        row = con.locator("[data-group-list] li", has_text="café")
        keys.tab_to(row.get_by_role("button", name=re.compile("hide", re.I)))
        keys.press("Enter")
        expect(row).to_have_attribute("data-status", "hidden")
        expect(projector.locator("[data-word-list]")).not_to_contain_text("café")

        # Next (the open question): show one answer full screen on the projector.
        keys.tab_to(con.get_by_test_id("next"))
        keys.press("Enter")
        expect(projector.get_by_test_id("prompt")).to_have_text(SAMPLES["open_text"].activity["prompt"])
        assert ada.answer(ideas, "Un jardin partagé")["ok"] is True
        feature = con.locator("[data-ot-do='feature']").first
        keys.tab_to(feature)
        keys.press("Enter")
        expect(projector.get_by_test_id("featured-text")).to_have_text("Un jardin partagé")

        # Next (the Q&A): pin a question, the projector shows it as being answered.
        keys.tab_to(con.get_by_test_id("next"))
        keys.press("Enter")
        expect(projector.get_by_test_id("prompt")).to_have_text(SAMPLES["qa"].activity["prompt"])
        assert bob.client.call("ask", {"activity_id": qa, "text": "Et le budget ?", "answer_id": "q2"}, timeout=WAIT)["ok"]
        keys.tab_to(con.get_by_test_id("qa-do-pin").first)
        keys.press("Enter")
        expect(projector.get_by_test_id("qa-pinned")).to_have_text("Et le budget ?")
        assert keys.problems == []
        assert console.problems == [] and screen.problems == []
    finally:
        ada.close()
        bob.close()
        context.close()
