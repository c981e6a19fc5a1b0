"""Word clouds on a real ``live serve`` (one per database, shared by the module):
grouping of what 40 phones send, the profanity filter, limits, moderation, and the
archive, on SQLite and PostgreSQL; bad settings through the API (test client)."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest

from tests.sockets import Recorder, host, participant
from tests.web import api_token, bearer

CLOUD = {
    "title": "Soirée lecture",
    "blocked_words": ["spoiler"],
    "activities": [
        {"type": "wordcloud", "prompt": "Un mot pour cette soirée ?", "max_entries": 3},
        {"type": "wordcloud", "prompt": "Un seul mot ?", "max_entries": 1, "single_word": True, "max_length": 12},
        {"type": "poll", "prompt": "Encore ?", "options": ["Oui", "Non"]},
    ],
}

# What each of 40 phones sends (cycled): spellings that must group together.
ENTRIES = [
    ["Lecture", "café", "🎉"],
    ["lecture ", "cafe"],
    ["LECTURE", "CAFÉ", "« Amitié ! »"],
    ["lectures", "amitié", "livre"],
    ["<script>alert(1)</script>", "café"],
    ["merde"],
    ["spoiler", "Lecture"],
    ["Livres", "bouquin"],
]


def expected_counts(n_phones: int) -> dict:
    counts: dict[str, int] = {}
    for index in range(n_phones):
        for entry in ENTRIES[index % len(ENTRIES)]:
            counts[entry] = counts.get(entry, 0) + 1
    return counts


def words(results) -> dict:
    return {word: count for word, count in results["words"]}


@pytest.mark.slow
def test_forty_phones_fill_a_cloud_that_groups_filters_and_moderates(shared_server):
    created = shared_server.create_session(CLOUD)
    code, host_token = created["code"], created["host_token"]
    cloud, single, poll = (activity["id"] for activity in created["activities"])
    n = 40

    async def scenario():
        screen = await host(shared_server.url, code, host_token)
        console = await Recorder(shared_server.url, {"code": code, "host_token": host_token, "view": "moderator"}).connect()
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"P{i}") for i in range(n)))
        assert await screen.call("open", {"activity_id": cloud}) == {"ok": True}
        view = (await phones[0].wait_for("state", lambda s: s["phase"] == "activity"))["activity"]
        assert view == {"id": cloud, "position": 0, "type": "wordcloud", "prompt": "Un mot pour cette soirée ?",
                        "max_entries": 3, "max_length": 40, "single_word": False, "status": "open"}

        async def send_all(index, phone):
            acks = []
            for entry in ENTRIES[index % len(ENTRIES)]:
                acks.append(await phone.answer(cloud, entry))
            return acks

        all_acks = await asyncio.gather(*(send_all(i, p) for i, p in enumerate(phones)))
        for index, acks in enumerate(all_acks):
            sent = len(ENTRIES[index % len(ENTRIES)])
            # A held word is acknowledged like any other: nobody can game the filter.
            assert acks == [{"ok": True, "remaining": 3 - k - 1} for k in range(sent)], (index, acks)

        total = sum(expected_counts(n).values())
        results = await screen.wait_for("results", lambda r: r["activity_id"] == cloud and r["n_answers"] == total)
        shown = words(results)
        # The most frequent spelling is shown: Lecture x10, lecture␠ / LECTURE / lectures x5 each.
        assert shown["Lecture"] == 25
        assert shown["café"] == 20  # café x10, cafe / CAFÉ x5 each
        assert shown.get("amitié", shown.get("Amitié")) == 5 * 2  # « Amitié ! » / amitié
        assert shown["🎉"] == 5
        assert shown["<script>alert(1)</script>"] == 5  # stored and shown as text, never dropped
        assert shown.get("livre", shown.get("Livres")) == 10  # Livres / livre
        assert "merde" not in shown and "spoiler" not in shown  # held: never on the projector
        assert results["words"] == sorted(results["words"], key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))
        assert results["n_words"] == len(results["words"])

        moderation = await console.wait_for("moderation", lambda m: m["n_answers"] == total)
        assert {row["display"]: row["count"] for row in moderation["held"]} == {"merde": 5, "spoiler": 5}
        assert not any(name == "moderation" for name, _ in screen.events)  # the projector never hears it

        # Limits and bad entries are refused with a clear code and never counted.
        checks = [
            (phones[1], "   ", "blank"), (phones[1], "x" * 41, "too_long"), (phones[1], 5, "invalid_value"),
            (phones[1], ["a"], "invalid_value"), (phones[1], None, "invalid_value"),
            (phones[1], "Lectures", "already_sent"), (phones[0], "encore", "limit_reached"),
        ]
        for phone, value, code_ in checks:
            refusal = await phone.answer(cloud, value)
            assert refusal["ok"] is False and refusal["error"]["code"] == code_, (value, refusal)

        # Moderation: hide, merge, undo, release; participants cannot moderate.
        assert (await phones[0].call("moderate", {"activity_id": cloud, "action": "hide", "key": "café"}))["error"]["code"] == "forbidden"
        mark = screen.mark()
        assert await console.call("moderate", {"activity_id": cloud, "action": "hide", "key": "café"}) == {"ok": True}
        hidden = await screen.wait_for("results", lambda r: r["activity_id"] == cloud, after=mark)
        assert "café" not in words(hidden)
        assert words(hidden)["Lecture"] == 25
        mark = screen.mark()
        assert await screen.call("moderate", {"activity_id": cloud, "action": "merge", "from": "🎉", "into": "Lecture"}) == {"ok": True}
        merged = await screen.wait_for("results", lambda r: r["activity_id"] == cloud, after=mark)
        assert "🎉" not in words(merged) and "café" not in words(merged)
        assert words(merged)["Lecture"] == 30
        mark = screen.mark()
        assert await console.call("undo", {"activity_id": cloud}) == {"ok": True}
        undone = await screen.wait_for("results", lambda r: r["activity_id"] == cloud, after=mark)
        assert words(undone).get("🎉") == 5
        assert words(undone)["Lecture"] == 25 and "café" not in words(undone)
        mark = screen.mark()
        assert await console.call("moderate", {"activity_id": cloud, "action": "release", "key": "spoiler"}) == {"ok": True}
        released = await screen.wait_for("results", lambda r: r["activity_id"] == cloud, after=mark)
        assert words(released).get("spoiler") == 5
        assert "merde" not in words(released)

        bad = [
            ({"activity_id": cloud, "action": "hide", "key": "nope"}, "unknown_word"),
            ({"activity_id": cloud, "action": "explode", "key": "café"}, "invalid_payload"),
            ({"activity_id": cloud, "action": ["hide"], "key": "café"}, "invalid_payload"),
            ({"activity_id": cloud, "action": "hide", "key": "café"}, "invalid_payload"),  # already hidden
            ({"activity_id": cloud, "action": "merge", "from": "Lecture", "into": "Lecture"}, "invalid_payload"),
            ({"activity_id": cloud, "action": "hide"}, "invalid_payload"),
            # Word clouds and Q&As take "moderate": for a poll it is not_supported (docs/PROTOCOL.md).
            ({"activity_id": poll, "action": "hide", "key": "Oui"}, "not_supported"),
            ({"activity_id": "nope", "action": "hide", "key": "x"}, "unknown_activity"),
            ("hide", "invalid_payload"),
        ]
        for payload, code_ in bad:
            refusal = await console.call("moderate", payload)
            assert refusal["ok"] is False and refusal["error"]["code"] == code_, (payload, refusal)
        # A refused action changed nothing.
        mark = screen.mark()
        assert (await console.call("undo", {"activity_id": cloud}))["ok"] is True  # undoes the release
        assert "spoiler" not in words(await screen.wait_for("results", lambda r: r["activity_id"] == cloud, after=mark))
        assert (await console.call("undo", {"activity_id": cloud}))["ok"] is True  # undoes the hide
        assert (await console.call("undo", {"activity_id": cloud}))["error"]["code"] == "nothing_to_undo"
        assert await console.call("moderate", {"activity_id": cloud, "action": "hide", "key": "cafe"}) == {"ok": True}

        # A single-word cloud with one entry each.
        assert await screen.call("open", {"activity_id": single}) == {"ok": True}
        await phones[0].wait_for("state", lambda s: s["activity"]["id"] == single)
        assert (await phones[0].answer(single, "deux mots"))["error"]["code"] == "not_single_word"
        assert (await phones[0].answer(single, "anticonstitutionnel"))["error"]["code"] == "too_long"
        assert await phones[0].answer(single, "Bravo!") == {"ok": True, "remaining": 0}
        assert (await phones[0].answer(single, "encore"))["error"]["code"] == "already_answered"

        # A phone that reconnects gets its own entries back.
        back = await participant(shared_server.url, code, token=phones[2].last("welcome")["token"])
        assert back.last("welcome")["answers"][cloud] == ["LECTURE", "CAFÉ", "« Amitié ! »"]

        ended = await screen.call("end", {})
        for recorder in (screen, console, back, *phones):
            await recorder.disconnect()
        return ended

    ended = asyncio.run(scenario())
    archive = Path(ended["archive_path"])
    summary = json.loads((archive / "summary.json").read_text())
    activity = summary["activities"][0]
    table = {row["display"]: row for row in activity["table"]}
    assert table["café"]["status"] == "hidden" and table["café"]["count"] == 20
    assert table["merde"]["status"] == "held"
    assert table["Lecture"]["count"] == 25 and dict(map(tuple, table["Lecture"]["spellings"]))["lectures"] == 5
    assert activity["moderation"] == [{"action": "hide", "key": "cafe"}]
    assert "café" not in dict(map(tuple, activity["words"])) and "merde" not in dict(map(tuple, activity["words"]))
    assert summary["activities"][1]["words"] == [["Bravo!", 1]] or summary["activities"][1]["words"] == [["Bravo", 1]]
    with open(archive / "answers.csv", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if row["activity_id"] == activity["id"]]
    assert len(rows) == sum(expected_counts(n).values())
    page = (archive / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page

    assert shared_server.summary(code) == summary


@pytest.mark.parametrize(
    ("extra", "code", "field"),
    [
        ({"profanity_filter": "yes"}, "invalid_type", "profanity_filter"),
        ({"profanity_filter": None}, "invalid_type", "profanity_filter"),
        ({"blocked_words": "merde"}, "invalid_type", "blocked_words"),
        ({"blocked_words": ["ok", 3]}, "invalid_type", "blocked_words[1]"),
        ({"blocked_words": ["x" * 101]}, "too_long", "blocked_words[0]"),
        ({"activities": [{"type": "wordcloud", "prompt": "Q", "max_entries": 11}]}, "out_of_range", "activities[0].max_entries"),
        ({"activities": [{"type": "wordcloud", "prompt": "Q", "max_entries": True}]}, "invalid_type", "activities[0].max_entries"),
        ({"activities": [{"type": "wordcloud", "prompt": "Q", "max_length": 0}]}, "out_of_range", "activities[0].max_length"),
        ({"activities": [{"type": "wordcloud", "prompt": " "}]}, "blank", "activities[0].prompt"),
        ({"activities": [{"type": "wordcloud", "prompt": "Q", "single_word": "no"}]}, "invalid_type", "activities[0].single_word"),
    ],
)
def test_bad_word_cloud_settings_are_refused(app, client, extra, code, field):
    response = client.post("/api/sessions", json=dict(CLOUD, **extra), headers=bearer(api_token(app)))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["field"] == field


def test_the_filter_can_be_switched_off_per_session(shared_server):
    created = shared_server.create_session(dict(CLOUD, profanity_filter=False, blocked_words=[]))
    cloud = created["activities"][0]["id"]

    async def scenario():
        screen = await host(shared_server.url, created["code"], created["host_token"])
        await screen.call("open", {"activity_id": cloud})
        phone = await participant(shared_server.url, created["code"])
        assert (await phone.answer(cloud, "merde"))["ok"] is True
        results = await screen.wait_for("results", lambda r: r["activity_id"] == cloud and r["n_answers"] == 1)
        assert results["words"] == [["merde", 1]]
        for recorder in (screen, phone):
            await recorder.disconnect()

    asyncio.run(scenario())
