"""The rating scale in Debian's Chromium against a real server (issue 13, item 8):
a phone answers with one tap, the projector shows the average in large type and
the count of each value, and once the host closes it the phone shows the
distribution as a table with numbers, its own answer said in words.

The phone is 320 px wide, the projector 1280x720; screenshots go to LIVE_SCREENSHOTS
when it is set."""

from __future__ import annotations

import pytest

from tests.conftest import make_server
from tests.test_browser import PASSWORD, browser, shot  # noqa: F401 - fixtures
from tests.test_browser_moderate import Phone
from tests.test_browser_results import EMAIL, cells, open_host, open_phone

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = make_server(tmp_path_factory.mktemp("scale"))
    live.start()
    yield live
    live.stop()


def test_one_tap_on_a_phone_the_average_on_the_host_the_distribution_on_the_phone(browser, server):
    from playwright.sync_api import expect

    server.facilitator(EMAIL, PASSWORD)
    created = server.create_session({
        "title": "Bilan de l'atelier",
        "activities": [{"type": "scale", "prompt": "Avez-vous aimé la séance ?", "min": 1, "max": 5,
                        "min_label": "Pas du tout", "max_label": "Beaucoup"}],
    }, email=EMAIL)
    (scale,) = (a["id"] for a in created["activities"])
    host_context, host = open_host(browser, server, created)
    phone_context, phone = open_phone(browser, server, created, "Ada")
    zoe = Phone(server.url, created["code"], "Zoé")
    hp, pp = host.page, phone.page
    hp.emulate_media(reduced_motion="reduce")  # columns drawn at once: the screenshot shows their height
    try:
        expect(hp.get_by_test_id("n-connected")).to_contain_text("2")
        hp.get_by_test_id("next").click()
        expect(pp.get_by_test_id("prompt")).to_have_text("Avez-vous aimé la séance ?")
        five = pp.get_by_test_id("scale-value-5")
        expect(five).to_have_attribute("aria-label", "5 out of 5: Beaucoup")
        box = five.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48  # a thumb's target on a 320 px phone

        pp.get_by_test_id("scale-value-4").click()  # one tap answers
        expect(pp.get_by_test_id("scale-confirmation")).to_contain_text("Your answer: 4")
        expect(pp.get_by_test_id("scale-value-4")).to_have_attribute("aria-pressed", "true")
        expect(pp.get_by_test_id("scale-value-2")).to_be_disabled()
        assert zoe.answer(scale, 2)["ok"] is True
        expect(hp.get_by_test_id("n-answers")).to_contain_text("2")
        expect(hp.get_by_test_id("scale-average")).to_contain_text("3.0")
        expect(hp.get_by_test_id("scale-column-4")).to_contain_text("1")
        expect(hp.get_by_test_id("scale-column-3")).to_contain_text("0")
        shot(hp, "scale-host-1280-open")
        shot(pp, "scale-phone-320-answered")
        expect(pp.get_by_test_id("results")).to_be_hidden()  # not while it is open

        hp.get_by_test_id("close").click()
        results = pp.get_by_test_id("results")
        expect(results).to_be_visible()
        expect(results).to_contain_text("Average: 3.0 out of 5, from 2 answers.")
        expect(results.locator("thead th")).to_have_text(["Value", "People", "Share"])
        rows = results.locator("tbody tr")
        expect(rows).to_have_count(5)
        assert [cells(rows.nth(i)) for i in range(5)] == [["0", "0%"], ["1", "50%"], ["0", "0%"], ["1", "50%"], ["0", "0%"]]
        expect(rows.nth(3).locator("th")).to_contain_text("your answer")
        expect(rows.nth(1).locator("th")).not_to_contain_text("your answer")
        shot(pp, "scale-phone-320-results")
        pp.reload()  # a phone reloaded while they are shown gets them back at once
        expect(pp.get_by_test_id("results").locator("tbody tr")).to_have_count(5)
    finally:
        zoe.client.disconnect()
        host_context.close()
        phone_context.close()
