"""The facilitator's moderation console (/host/<code>/moderate) in Debian's
Chromium, next to the projector page, against a real ``live serve``.

Phones are python-socketio clients. On the console the facilitator sees the
word the profanity filter holds, hides a word, merges two, releases the held
word and undoes; the projector shows only what it should, and every word
typed by a participant (hostile HTML included) appears as text. The console
also drives the session (close, next) and removes a quiz player."""

from __future__ import annotations

import re
import threading

import pytest
import socketio

from tests.conftest import WAIT
from tests.test_browser import PASSWORD, Watched, browser, server, shot, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=2</script>"]
WORDS = {
    "Ada": ["Lecture", "merde", "livre"],      # "merde": held by the French profanity filter
    "Bob": [*HOSTILE, "bouquin"],
    "Cy": ["lecture", "café"],
}


class Phone:
    """A participant on a python-socketio client (long polling: no websocket-client needed)."""

    def __init__(self, url: str, code: str, name: str) -> None:
        self.events: list[tuple[str, object]] = []
        self.heard = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(url, auth={"code": code, "name": name}, transports=["polling"], wait_timeout=WAIT)
        self.wait_for("welcome")

    def _record(self, event, data=None):
        with self.heard:
            self.events.append((event, data))
            self.heard.notify_all()

    def wait_for(self, event: str, predicate=lambda data: True, timeout: float = WAIT):
        """The first ``event`` heard (or coming) whose data satisfies ``predicate``."""
        def found():
            return next((data for name, data in self.events if name == event and predicate(data)), None)

        with self.heard:
            if not self.heard.wait_for(lambda: found() is not None, timeout):
                raise AssertionError(f"no {event} within {timeout}s; heard {self.events[-5:]}")
            return found()

    def answer(self, activity_id: str, value) -> dict:
        import uuid

        return self.client.call("answer", {"activity_id": activity_id, "value": value, "answer_id": uuid.uuid4().hex}, timeout=WAIT)

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def projector_words(page) -> list[str]:
    return [text.strip() for text in page.locator("[data-word-list] .word-list__word").all_text_contents()]


def test_the_console_moderates_a_cloud_and_drives_the_projector(browser, server):
    from playwright.sync_api import expect

    email = "host@example.org"
    server.facilitator(email, PASSWORD)
    created = server.create_session({
        "title": "Soirée <b>lecture</b>",
        "activities": [
            {"type": "wordcloud", "prompt": "Un mot <i>pour</i> ce soir ?", "max_entries": 3, "max_length": 60},
            {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 60},
        ],
    }, email=email)
    code = created["code"]
    cloud_id, quiz_id = (activity["id"] for activity in created["activities"])

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    dialogs: list[str] = []
    context.on("page", lambda page: page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    projector = Watched(context)
    sign_in(projector.page, server, email)
    projector.page.goto(created["host_url"].replace("localhost", "127.0.0.1"))
    console = Watched(context)
    console.page.goto(f"{server.url}/host/{code}/moderate")
    con, pro = console.page, projector.page
    expect(con.get_by_test_id("session-title")).to_have_text("Soirée <b>lecture</b>")  # as text
    expect(con.locator("html")).to_have_attribute("lang", "en")

    phones = {name: Phone(server.url, code, name) for name in WORDS}
    try:
        expect(con.get_by_test_id("n-connected")).to_have_text("3")

        # The console opens the word cloud; the projector follows.
        con.get_by_test_id("next").click()
        expect(con.get_by_test_id("status")).to_have_attribute("data-state", "open")
        expect(pro.get_by_test_id("prompt")).to_have_text("Un mot <i>pour</i> ce soir ?")
        expect(pro.locator("[data-status]")).to_have_attribute("data-state", "open")
        for name, words in WORDS.items():
            for word in words:
                assert phones[name].answer(cloud_id, word)["ok"] is True, (name, word)

        # The filter holds "merde": on the console, never on the projector.
        held = con.get_by_test_id("held")
        expect(held.locator("li")).to_have_count(1)
        expect(held.locator("li")).to_contain_text("merde")
        expect(con.get_by_test_id("n-held")).to_have_text("1")
        expect(con.get_by_test_id("n-answers")).to_have_text("8")
        expect(pro.get_by_test_id("n-answers")).to_contain_text("8")
        expect(pro.locator("[data-testid^='word-']")).to_have_count(6)
        assert "merde" not in projector_words(pro)
        for word in HOSTILE:  # shown literally on both screens
            expect(con.locator("[data-group-list] .mod-row__word", has_text=word)).to_have_count(1)
            expect(pro.locator("svg text", has_text=word)).to_have_count(1)
            assert word in projector_words(pro)
        shot(con, "moderate-cloud")

        # Hide "café": gone from the projector, listed as hidden on the console.
        cafe = con.locator("[data-group-list] li", has_text="café")
        cafe.get_by_role("button", name=re.compile("hide", re.I)).click()
        expect(cafe).to_have_attribute("data-status", "hidden")
        expect(con.get_by_test_id("n-hidden")).to_have_text("1")
        expect(pro.locator("[data-testid^='word-']")).to_have_count(5)
        assert "café" not in projector_words(pro)
        expect(pro.locator("svg text", has_text="café")).to_have_count(0)

        # Merge "bouquin" into "livre": one word of 2 on the projector.
        con.get_by_test_id("merge-from").select_option(label="bouquin (1)")
        con.get_by_test_id("merge-into").select_option(label="livre (1)")
        con.get_by_test_id("merge").click()
        expect(con.locator("[data-group-list] li", has_text="livre")).to_contain_text("×2")
        expect(pro.locator("[data-testid^='word-']")).to_have_count(4)
        expect(pro.locator("[data-word-list] li", has_text="livre")).to_contain_text("2")
        assert "bouquin" not in projector_words(pro)

        # Release the held word: it reaches the projector; undo puts it back on hold.
        held.get_by_role("button", name=re.compile("release", re.I)).click()
        expect(held.locator("li")).to_have_count(0)
        expect(pro.locator("[data-word-list] li", has_text="merde")).to_have_count(1)
        con.get_by_test_id("undo").click()
        expect(held.locator("li")).to_contain_text("merde")
        expect(pro.locator("[data-word-list] li", has_text="merde")).to_have_count(0)
        expect(pro.locator("svg text", has_text="merde")).to_have_count(0)
        assert "café" not in projector_words(pro) and "bouquin" not in projector_words(pro)  # earlier actions stand

        # Remote control: close the cloud, then open the quiz; the projector follows.
        con.get_by_test_id("close").click()
        expect(pro.locator("[data-status]")).to_have_attribute("data-state", "closed")
        expect(con.get_by_test_id("status")).to_have_attribute("data-state", "closed")
        con.get_by_test_id("next").click()
        expect(pro.get_by_test_id("prompt")).to_have_text("Qui a écrit Germinal ?")
        expect(pro.get_by_test_id("countdown")).to_be_visible()
        expect(con.get_by_test_id("reveal")).to_be_visible()
        assert phones["Ada"].answer(quiz_id, 1)["ok"] is True
        assert phones["Bob"].answer(quiz_id, 0)["ok"] is True
        expect(con.get_by_test_id("quiz-row-0")).to_contain_text("1")
        con.get_by_test_id("reveal").click()
        expect(pro.get_by_test_id("leader-0")).to_contain_text("Ada")
        expect(con.get_by_test_id("podium-button")).to_be_visible()

        # Remove Bob from the console: he hears it, and leaves both standings.
        players = con.get_by_test_id("players")
        expect(players.locator("li", has_text="Bob")).to_have_count(1)
        players.locator("li", has_text="Bob").get_by_role("button", name=re.compile("remove", re.I)).click()
        con.get_by_test_id("remove-cancel").click()  # a change of mind keeps him
        expect(players.locator("li", has_text="Bob")).to_have_count(1)
        players.locator("li", has_text="Bob").get_by_role("button", name=re.compile("remove", re.I)).click()
        con.get_by_test_id("remove-confirm").click()
        phones["Bob"].wait_for("removed")
        expect(players.locator("li", has_text="Bob")).to_have_count(0)
        expect(players.locator("li", has_text="Ada")).to_have_count(1)

        # The podium from the console reaches the projector, without Bob.
        con.get_by_test_id("podium-button").click()
        expect(pro.get_by_test_id("podium")).to_contain_text("Ada")
        expect(pro.get_by_test_id("podium")).not_to_contain_text("Bob")
        shot(con, "moderate-quiz")

        # The projector's own keys still work beside the console (Q: the QR code, twice).
        pro.keyboard.press("q")
        expect(pro.locator("[data-qr-dialog]")).to_be_visible()
        pro.keyboard.press("q")
        expect(pro.locator("[data-qr-dialog]")).to_be_hidden()

        # The console ends the session: both pages say so and link to the summary.
        con.get_by_test_id("end").click()
        con.get_by_test_id("end-confirm").click()
        expect(con.get_by_test_id("ended")).to_be_visible()
        expect(pro.get_by_test_id("ended")).to_be_visible()
        expect(con.get_by_test_id("archive-link")).to_have_attribute("href", re.compile(code))
        expect(con.get_by_test_id("next")).to_have_attribute("aria-disabled", "true")

        for page in (con, pro):
            assert page.locator("img[src='x']").count() == 0
            assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        assert console.problems == [] and projector.problems == []
    finally:
        for phone in phones.values():
            phone.close()
        context.close()
