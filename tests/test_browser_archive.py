"""Archived sessions in Debian's Chromium: a facilitator opens an archived summary and
compares two runs of the same workshop. Both come from folders imported with
`live archive import`, so the pages work from summary.json alone.

With LIVE_SCREENSHOTS=docs/screenshots the screenshots in the README are refreshed
(archive-summary.png, archive-compare.png)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from live.archive.writer import write_archive
from tests.conftest import ROOT, LiveServer, free_port, server_env
from tests.test_archive_writer import make_group, make_player, make_poll, make_quiz, make_summary, make_wordcloud
from tests.test_browser import ARGS, CHROMIUM, PASSWORD, Watched, browser, shot, sign_in  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '"><img src=x onerror=alert(1)>'


def workshop(code: str, title: str, ended: str, counts: list[int], words: list[tuple[str, int]], rate: float, names):
    """The same evening (a poll, a word cloud, a quiz question) with one group."""
    poll = make_poll(0, prompt="Quel livre lire le mois prochain ?", options=["Germinal", "Bel-Ami", "Nana", HOSTILE],
                     counts=counts, n_answers=sum(counts))
    cloud = make_wordcloud(1, prompt="Un mot pour cette soirée ?", table=[make_group(w, n) for w, n in words])
    n_answers = sum(counts)
    quiz = make_quiz(2, n_answers=n_answers, counts=[n_answers - round(rate * n_answers), round(rate * n_answers), 0],
                     n_correct=round(rate * n_answers), correct_rate=rate)
    board = [make_player(rank, name, 2600 - rank * 310, 4000 + rank * 900) for rank, name in enumerate(names, start=1)]
    started = ended.replace("T21:", "T19:")
    return make_summary([poll, cloud, quiz], code=code, title=title, created_at=started, started_at=started, ended_at=ended,
                        n_participants=sum(counts), leaderboard=board)


MARCH = workshop(
    "MARS2026", "Club lecture · mars", "2026-03-12T21:00:00Z", [9, 5, 3, 1],
    [("Lecture", 11), ("partage", 8), ("café", 6), ("rire", 5), ("Zola", 4), ("découverte", 3), ("amitié", 3),
     ("calme", 2), ("🎉", 2), ("soirée géniale", 2)],
    0.72, ["Zoé", "Marc", None, "Inès", HOSTILE],
)
NOVEMBER = workshop(
    "NOV20261", "Club lecture · novembre", "2026-11-19T21:00:00Z", [4, 10, 7, 2],
    [("partage", 12), ("Maupassant", 9), ("Lecture", 7), ("bienveillance", 5), ("thé", 4), ("écoute", 3),
     ("curiosité", 3), ("☕", 2), ("merci", 2)],
    0.87, ["Camille", "Léo", "Zoé", None],
)


@pytest.fixture
def server(tmp_path):
    live = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}"), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    live.facilitator("host@example.org", PASSWORD)
    for summary in (MARCH, NOVEMBER):
        write_archive(tmp_path / "copied", summary, [])
    imported = subprocess.run([sys.executable, "-m", "live", "archive", "import", str(tmp_path / "copied")],
                              env=live.env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    live.start()
    yield live
    live.stop()


def test_an_archived_summary_and_a_comparison_in_the_browser(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    watched = Watched(context)
    page = watched.page
    sign_in(page, server, "host@example.org")

    page.goto(server.url + "/archives")
    expect(page.get_by_test_id("archive-list")).to_contain_text("Club lecture · novembre")
    page.get_by_test_id("archive-search").fill("mars")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("archive-NOV20261")).to_have_count(0)
    page.get_by_role("link", name=re.compile("View summary")).first.click()

    page.wait_for_url(re.compile(r"/archives/MARS2026$"))
    expect(page.locator(".summary h1")).to_have_text("Club lecture · mars")
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.locator("svg.cloud")).to_be_visible()
    expect(page.locator(".podium")).to_contain_text("Zoé")
    expect(page.locator(".summary table").first).to_contain_text(HOSTILE)  # shown as text
    assert page.locator(".summary img").count() == 0
    page.set_viewport_size({"width": 1280, "height": 1600})
    shot(page, "archive-summary")

    page.get_by_test_id("compare").click()
    page.wait_for_url(re.compile(r"/archives/compare\?"))
    expect(page.locator(".summary .columns")).to_have_count(3)
    expect(page.locator("svg.cloud")).to_have_count(2)
    expect(page.locator(".summary table").first).to_contain_text("9 (50%)")
    expect(page.locator(".summary table").first).to_contain_text("10 (43%)")
    shot(page, "archive-compare")
    assert watched.problems == []
    context.close()
