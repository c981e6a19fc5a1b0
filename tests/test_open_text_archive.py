"""An open question and the poll the chain made of it in the archive: the folder's
files, the summary page (visible entries only, the poll's origin), the comparison of
two sessions, in English and French. No server: summaries as the server writes them."""

from __future__ import annotations

import csv
import io
import json

from live.archive.compare import compare
from live.archive.writer import render_comparison, render_summary_page, write_archive


def _question(position: int = 0, entries=None) -> dict:
    table = entries or [
        {"id": "a1", "text": "Un jardin partagé", "count": 12, "senders": 12, "votes": 3, "reports": 0, "status": "shown",
         "merged": [], "spellings": [["Un jardin partagé", 6], ["un jardin partage !", 3]]},
        {"id": "b2", "text": "Des jeux <b>pour</b> enfants", "count": 3, "senders": 3, "votes": 14, "reports": 1,
         "status": "shown", "merged": [], "spellings": [["Des jeux <b>pour</b> enfants", 3]]},
        {"id": "c3", "text": "Un secret caché", "count": 1, "senders": 1, "votes": 0, "reports": 0, "status": "hidden",
         "merged": [], "spellings": [["Un secret caché", 1]]},
        {"id": "d4", "text": "-grossièreté", "count": 2, "senders": 2, "votes": 0, "reports": 4, "status": "held",
         "merged": [], "spellings": [["-grossièreté", 2]]},
    ]
    return {
        "id": f"q{position}", "position": position, "type": "open_text", "prompt": "Quel projet pour le quartier ?",
        "max_entries": 2, "max_length": 80, "upvotes": True, "n_answers": 18,
        "entries": [{"id": row["id"], "text": row["text"], "count": row["count"], "newest": 1, "votes": row["votes"]}
                    for row in table if row["status"] == "shown"],
        "table": table, "moderation": [{"action": "hide", "key": "c3"}], "featured": None,
        "opened_at": "2026-11-23T19:01:00Z", "closed_at": "2026-11-23T19:05:00Z",
    }


def _chained_poll(position: int = 1) -> dict:
    return {
        "id": f"p{position}", "position": position, "type": "poll", "prompt": "Quel projet pour le quartier ?",
        "options": ["Des jeux <b>pour</b> enfants", "Un jardin partagé"], "multiple": False, "n_answers": 20,
        "counts": [12, 8], "opened_at": "2026-11-23T19:06:00Z", "closed_at": "2026-11-23T19:08:00Z",
        "origin": {"activity_id": "q0", "type": "open_text", "prompt": "Quel projet pour le quartier ?", "options": [
            {"votes": 14, "senders": 3, "entries": ["b2"]}, {"votes": 3, "senders": 12, "entries": ["a1"]}]},
    }


def _summary(code: str = "K7Q2M9XD", activities=None) -> dict:
    return {
        "schema": 1, "code": code, "title": "Conseil de quartier", "created_at": "2026-11-23T18:50:00Z",
        "started_at": "2026-11-23T19:00:00Z", "ended_at": "2026-11-23T19:40:00Z", "n_participants": 24,
        "activities": activities if activities is not None else [_question(), _chained_poll()],
    }


def test_the_folder_holds_every_entry_for_the_facilitator_and_the_page_only_the_visible_ones(tmp_path):
    folder = write_archive(tmp_path, _summary(), [])
    assert sorted(path.name for path in folder.iterdir()) == [
        "answers.csv", "index.html", "open-text-1.csv", "poll-2.csv", "summary.json"]
    with open(folder / "open-text-1.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["entry"], row["upvotes"], row["status"]) for row in rows] == [
        ("Des jeux <b>pour</b> enfants", "14", "shown"), ("Un jardin partagé", "3", "shown"),
        ("'-grossièreté", "0", "held"), ("Un secret caché", "0", "hidden")]
    assert rows[1]["spellings"] == "Un jardin partagé (6); un jardin partage ! (3)" and rows[2]["reports"] == "4"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Des jeux &lt;b&gt;pour&lt;/b&gt; enfants" in page and "<b>pour</b>" not in page
    assert "Un secret caché" not in page and "grossièreté" not in page
    assert "1 answer was hidden by the facilitator." in page and "1 answer was held back." in page
    assert "Open-ended question with upvotes" in page and "most upvoted first" in page
    # The poll the chain made says where its options came from.
    assert "The options of this poll came from “Quel projet pour le quartier ?”" in page
    assert "Where each option came from" in page
    assert json.loads((folder / "summary.json").read_text())["activities"][1]["origin"]["activity_id"] == "q0"


def test_the_page_speaks_french_and_an_older_or_empty_question_still_draws():
    page = render_summary_page(_summary(), "fr")
    assert "Question ouverte avec soutiens" in page and "Réponse" in page
    empty = render_summary_page(_summary(activities=[{**_question(), "entries": [], "table": []}]), "en")
    assert "No answers to show." in empty
    older = {key: value for key, value in _question().items() if key != "table"}
    assert "Des jeux &lt;b&gt;pour&lt;/b&gt; enfants" in render_summary_page(_summary(activities=[older]), "en")


def test_two_sessions_asking_the_same_question_are_compared_side_by_side():
    other = _question(entries=[{"id": "z", "text": "Une piscine", "count": 5, "senders": 5, "votes": 9, "reports": 0,
                                "status": "shown", "merged": [], "spellings": [["Une piscine", 5]]}])
    comparison = compare([_summary(activities=[_question()]), _summary("AAAA2222", [dict(other, max_entries=1)])])
    assert len(comparison["matched"]) == 1
    html = render_comparison(comparison)
    assert "Une piscine" in html and "Des jeux &lt;b&gt;pour&lt;/b&gt; enfants" in html and "14 upvotes" in html
    assert "Un secret caché" not in html
    assert io.StringIO(html).read().count('class="entries"') == 2
