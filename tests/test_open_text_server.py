"""Open questions and the chain on a real ``live serve`` (one per database, shared by
the module): 24 phones answer, their answers group, they upvote and report from the
wall; the facilitator moderates, features an entry and turns the top entries (then
their own pick) into polls that the room votes on; the archive holds it all. Then
every bad input of issue 14 is refused with its code and changes nothing."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from live.domain.normalise import normalise_word
from tests.sockets import Recorder, host, participant

QUESTION = {"type": "open_text", "prompt": "Quel projet pour le quartier ?", "max_entries": 2, "max_length": 80,
            "upvotes": True}
SESSION = {
    "title": "Conseil de quartier",
    "blocked_words": ["spoiler"],
    "activities": [QUESTION, {"type": "poll", "prompt": "On continue ?", "options": ["Oui", "Non"]}],
}
HYPERLINK = '=HYPERLINK("http://x","clic")'
# What each phone sends (cycled over 24 phones, so three times each).
ANSWERS = [
    ["Un jardin partagé", "Des bancs"],
    ["un jardin partage !"],
    ["UN JARDIN PARTAGÉ", "Une boîte à livres"],
    ["Une boite a livres", "<script>alert(1)</script>"],
    [HYPERLINK],
    ["Pas de spoiler", "Des bancs"],
    ["C'est de la merde"],
    ["Des jeux pour enfants", "Un jardin partagé"],
]
N_PHONES = 24


def ident(text: str) -> str:
    """An entry's id, as every process computes it: a short hash of its grouping key."""
    return hashlib.sha256(normalise_word(text).encode("utf-8")).hexdigest()[:12]


def by_text(entries: list[dict]) -> dict[str, dict]:
    return {entry["text"]: entry for entry in entries}


def is_about(activity_id: str):
    return lambda payload: payload["activity_id"] == activity_id


def _open(state, activity_id):
    return state["activity"] and state["activity"]["id"] == activity_id and state["activity"]["status"] == "open"


@pytest.mark.slow
def test_twenty_four_phones_answer_upvote_and_report_and_the_chain_makes_polls(shared_server):
    created = shared_server.create_session(SESSION)
    code, host_token = created["code"], created["host_token"]
    question, follow_up = (a["id"] for a in created["activities"])
    jardin, bancs, jeux, boite = (ident(t) for t in ("Un jardin partagé", "Des bancs", "Des jeux pour enfants", "Une boîte à livres"))
    script, link, spoiler = ident("<script>alert(1)</script>"), ident(HYPERLINK), ident("Pas de spoiler")

    async def scenario():
        screen = await host(shared_server.url, code, host_token)
        console = await Recorder(shared_server.url, {"code": code, "host_token": host_token, "view": "moderator"}).connect()
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"P{i}") for i in range(N_PHONES)))
        plan = screen.last("host_state")["activities"]
        assert "shortlist" in plan[0]["commands"] and "shortlist" not in plan[1]["commands"]
        assert await screen.call("open", {"activity_id": question}) == {"ok": True}
        view = (await phones[0].wait_for("state", lambda s: _open(s, question)))["activity"]
        assert view == {"id": question, "position": 0, "type": "open_text", "prompt": "Quel projet pour le quartier ?",
                        "max_entries": 2, "max_length": 80, "upvotes": True, "status": "open"}

        # Answers: several per phone, acknowledged once stored (held ones too: nobody can probe the filter).
        async def send_all(index, phone):
            return [await phone.answer(question, text) for text in ANSWERS[index % len(ANSWERS)]]

        for index, acks in enumerate(await asyncio.gather(*(send_all(i, p) for i, p in enumerate(phones)))):
            sent = len(ANSWERS[index % len(ANSWERS)])
            assert acks == [{"ok": True, "remaining": 2 - k - 1} for k in range(sent)], (index, acks)
        total = 3 * sum(len(texts) for texts in ANSWERS)
        results = await screen.wait_for("results", lambda r: r["activity_id"] == question and r["n_answers"] == total)
        shown = by_text(results["entries"])
        # Answers that say the same thing are one entry, in its most common spelling, with a stable id.
        assert shown["Un jardin partagé"] == {"id": jardin, "text": "Un jardin partagé", "count": 12,
                                              "newest": shown["Un jardin partagé"]["newest"], "votes": 0}
        assert shown["Des bancs"]["count"] == 6 and shown["Des bancs"]["id"] == bancs
        assert {"Une boîte à livres", "Une boite a livres"} & set(shown)
        assert shown["<script>alert(1)</script>"]["count"] == 3  # stored and shown as text, never dropped
        assert shown[HYPERLINK]["id"] == link
        assert len(results["entries"]) == results["n_entries"] == 6  # held ones are not on the wall
        assert [e["newest"] for e in results["entries"]] == sorted((e["newest"] for e in results["entries"]), reverse=True)
        moderation = await console.wait_for("moderation", lambda m: m["activity_id"] == question and m["n_answers"] == total)
        assert {row["text"]: row["count"] for row in moderation["held"]} == {"Pas de spoiler": 3, "C'est de la merde": 3}
        assert not any(name == "moderation" for name, _ in screen.events)  # the projector never hears it
        # Phones see the wall (upvotes are on): the visible entries with their upvotes, nothing private.
        wall = await phones[5].wait_for("wall", lambda w: w["activity_id"] == question and w["n_entries"] == 6)
        assert wall["type"] == "open_text" and set(by_text(wall["entries"])) == set(shown)
        assert all(set(entry) == {"id", "text", "count", "newest", "votes"} for entry in wall["entries"])

        # A phone already at its limit, or sending the same idea again, is refused.
        assert (await phones[0].answer(question, "Encore une idée"))["error"]["code"] == "limit_reached"
        assert (await phones[1].answer(question, "Un jardin partagé"))["error"]["code"] == "already_sent"

        # Upvotes from the wall: 15 phones for the games, 10 for the benches.
        async def vote(index, phone):
            acks = []
            if index < 15:
                acks.append(await phone.call("upvote", {"activity_id": question, "question_id": jeux, "up": True}))
            if index < 10:
                acks.append(await phone.call("upvote", {"activity_id": question, "entry_id": bancs}))
            return acks

        for acks in await asyncio.gather(*(vote(i, p) for i, p in enumerate(phones))):
            assert all(ack == {"ok": True} for ack in acks), acks
        results = await screen.wait_for("results", lambda r: r["activity_id"] == question and len(r["top"]) > 1
                                        and r["top"][0]["votes"] == 15 and r["top"][1]["votes"] == 10)
        assert [e["text"] for e in results["top"][:3]] == ["Des jeux pour enfants", "Des bancs", "Un jardin partagé"]
        assert (await phones[0].call("upvote", {"activity_id": question, "question_id": jeux}))["error"]["code"] == "already_upvoted"
        assert await phones[0].call("upvote", {"activity_id": question, "question_id": jeux, "up": False}) == {"ok": True}
        assert (await phones[0].call("upvote", {"activity_id": question, "question_id": jeux, "up": False}))["error"]["code"] == "not_upvoted"
        await phones[9].wait_for("wall", lambda w: by_text(w["entries"]).get("Des jeux pour enfants", {}).get("votes") == 14)

        # Reports reach the console with a count, never with who.
        for phone in phones[:3]:
            assert await phone.call("report", {"activity_id": question, "entry_id": link}) == {"ok": True}
        assert (await phones[0].call("report", {"activity_id": question, "entry_id": link}))["error"]["code"] == "already_reported"
        moderation = await console.wait_for("moderation", lambda m: m["reported"] and m["reported"][0]["reports"] == 3)
        assert moderation["reported"][0]["id"] == link
        assert not any(p.last("welcome")["participant_id"] in json.dumps(moderation) for p in phones)

        # Moderation: hide, hold, release, merge, undo; the wall follows; votes on hidden entries are refused.
        assert (await phones[0].call("moderate", {"activity_id": question, "action": "hide", "entry_id": script}))["error"]["code"] == "forbidden"
        assert await console.call("moderate", {"activity_id": question, "action": "hide", "entry_id": script}) == {"ok": True}
        await phones[3].wait_for("wall", lambda w: script not in {e["id"] for e in w["entries"]} and w["n_entries"] == 5)
        assert (await phones[3].call("upvote", {"activity_id": question, "question_id": script}))["error"]["code"] == "unknown_entry"
        assert (await phones[4].call("report", {"activity_id": question, "entry_id": script}))["error"]["code"] == "unknown_entry"
        assert await console.call("moderate", {"activity_id": question, "action": "hold", "entry_id": link}) == {"ok": True}
        held = await console.wait_for("moderation", lambda m: link in {row["id"] for row in m["held"]})
        assert link not in {row["id"] for row in held["entries"]}
        assert await console.call("moderate", {"activity_id": question, "action": "release", "entry_id": spoiler}) == {"ok": True}
        mark = screen.mark()
        assert await console.call("moderate", {"activity_id": question, "action": "merge", "from": boite, "into": jardin}) == {"ok": True}
        merged = await screen.wait_for("results", is_about(question), after=mark)
        assert by_text(merged["entries"])["Un jardin partagé"]["count"] == 18 and boite not in {e["id"] for e in merged["entries"]}
        assert "Pas de spoiler" in by_text(merged["entries"])
        mark = screen.mark()
        assert await console.call("undo", {"activity_id": question}) == {"ok": True}
        undone = await screen.wait_for("results", is_about(question), after=mark)
        assert by_text(undone["entries"])["Un jardin partagé"]["count"] == 12 and boite in {e["id"] for e in undone["entries"]}

        # The host features one entry full screen, then none.
        mark = screen.mark()
        assert await screen.call("feature", {"activity_id": question, "entry_id": jardin}) == {"ok": True}
        featured = await screen.wait_for("results", is_about(question), after=mark)
        assert featured["featured"]["text"] == "Un jardin partagé"
        assert (await phones[0].call("feature", {"activity_id": question, "entry_id": jardin}))["error"]["code"] == "forbidden"
        mark = screen.mark()
        assert await screen.call("feature", {"activity_id": question, "entry_id": None}) == {"ok": True}
        assert (await screen.wait_for("results", is_about(question), after=mark))["featured"] is None

        # A phone coming back finds its answers and its upvotes.
        back = await participant(shared_server.url, code, token=phones[7].last("welcome")["token"])
        welcome = back.last("welcome")
        assert welcome["answers"][question] == ["Des jeux pour enfants", "Un jardin partagé", {"vote": jeux}, {"vote": bancs}]
        assert welcome["walls"][0]["activity_id"] == question

        # The chain: a poll of the top 3, right after the question, not yet open.
        assert (await phones[0].call("shortlist", {"activity_id": question, "top": 3}))["error"]["code"] == "forbidden"
        made = await screen.call("shortlist", {"activity_id": question, "top": 3})
        assert made["ok"] is True
        plan = await screen.wait_for("host_state", lambda v: len(v["activities"]) == 3)
        assert [a["id"] for a in plan["activities"]] == [question, made["activity_id"], follow_up]
        poll = plan["activities"][1]
        assert poll["type"] == "poll" and poll["status"] == "pending"
        assert poll["options"] == ["Des jeux pour enfants", "Des bancs", "Un jardin partagé"]
        assert poll["prompt"] == QUESTION["prompt"]
        assert poll["origin"]["activity_id"] == question and poll["origin"]["options"][0] == {"votes": 14, "senders": 3, "entries": [jeux]}
        # Its facilitator's pick, from the console.
        picked = await console.call("shortlist", {"activity_id": question, "entries": [spoiler, boite]})
        assert picked["ok"] is True
        plan = await screen.wait_for("host_state", lambda v: len(v["activities"]) == 4)
        assert [a["id"] for a in plan["activities"]] == [question, picked["activity_id"], made["activity_id"], follow_up]
        assert plan["activities"][1]["options"][0] == "Pas de spoiler"

        # The room votes on the top 3.
        assert await screen.call("open", {"activity_id": made["activity_id"]}) == {"ok": True}
        await phones[0].wait_for("state", lambda s: _open(s, made["activity_id"]))
        votes = await asyncio.gather(*(phone.answer(made["activity_id"], index % 3) for index, phone in enumerate(phones)))
        assert all(vote["ok"] for vote in votes)
        counted = await screen.wait_for("results", lambda r: r["activity_id"] == made["activity_id"] and r["n_answers"] == N_PHONES)
        assert counted["counts"] == [8, 8, 8]
        ended = await screen.call("end", {})
        for recorder in (screen, console, back, *phones):
            await recorder.disconnect()
        return ended, made["activity_id"]

    ended, made = asyncio.run(scenario())
    folder = Path(ended["archive_path"])
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    activity = summary["activities"][0]
    table = {row["id"]: row for row in activity["table"]}
    assert table[script]["status"] == "hidden" and table[link]["status"] == "held" and table[link]["reports"] == 3
    assert table[jeux]["votes"] == 14 and table[spoiler]["status"] == "shown"
    assert table[ident("C'est de la merde")]["status"] == "held"
    assert [a["action"] for a in activity["moderation"]] == ["hide", "hold", "release"]
    assert {e["id"] for e in activity["entries"]} == {jardin, bancs, jeux, boite, spoiler}
    with open(folder / "open-text-1.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows[link]["entry"] == "'" + HYPERLINK  # a spreadsheet shows it, never runs it
    assert (rows[link]["status"], rows[link]["reports"]) == ("held", "3")
    assert (rows[jeux]["upvotes"], rows[jardin]["count"], rows[jardin]["senders"]) == ("14", "12", "12")
    with open(folder / "answers.csv", encoding="utf-8-sig", newline="") as handle:
        answered = [row for row in csv.DictReader(handle) if row["activity_id"] == activity["id"]]
    # Texts only: upvotes are counted in open-text-1.csv, and nothing says who reported what.
    assert len(answered) == 3 * sum(len(texts) for texts in ANSWERS)
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "merde" not in page
    assert "Des jeux pour enfants" in page and "Quel projet pour le quartier ?" in page
    chained = next(a for a in summary["activities"] if a["id"] == made)
    assert chained["origin"]["activity_id"] == activity["id"] and chained["counts"] == [8, 8, 8]
    assert "Where each option came from" in page
    assert shared_server.summary(code) == summary


def _no_change(before: dict, after: dict) -> None:
    for key in ("n_answers", "entries", "top", "featured", "n_entries"):
        assert after[key] == before[key], key


def test_every_bad_input_is_refused_with_its_code_and_changes_nothing(shared_server):
    created = shared_server.create_session({"title": "Entrées", "blocked_words": ["spoiler"], "activities": [
        {"type": "open_text", "prompt": "Une idée ?", "max_length": 20, "upvotes": True},
        {"type": "open_text", "prompt": "Sans votes ?"},
        {"type": "poll", "prompt": "Oui ?", "options": ["Oui", "Non"]},
    ]})
    code, host_token = created["code"], created["host_token"]
    question, quiet, poll = (a["id"] for a in created["activities"])

    async def scenario():
        screen = await host(shared_server.url, code, host_token)
        console = await Recorder(shared_server.url, {"code": code, "host_token": host_token, "view": "moderator"}).connect()
        ana, ben, cleo = [await participant(shared_server.url, code, name) for name in ("Ana", "Ben", "Cléo")]
        assert (await ana.answer(question, "Trop tôt"))["error"]["code"] == "not_open"
        assert (await ana.call("upvote", {"activity_id": question, "question_id": "x"}))["error"]["code"] == "not_open"
        assert await screen.call("open", {"activity_id": question}) == {"ok": True}
        await ana.wait_for("state", lambda s: _open(s, question))
        assert (await ana.answer(question, "Une idée"))["ok"] is True
        assert (await ben.answer(question, "Pas de spoiler"))["ok"] is True
        assert (await cleo.answer(question, "Cachée"))["ok"] is True
        idea, held, hidden = ident("Une idée"), ident("Pas de spoiler"), ident("Cachée")
        assert await console.call("moderate", {"activity_id": question, "action": "hide", "entry_id": hidden}) == {"ok": True}
        assert await ben.call("upvote", {"activity_id": question, "question_id": idea}) == {"ok": True}
        assert await ben.call("report", {"activity_id": question, "entry_id": idea}) == {"ok": True}
        before = await screen.wait_for("results", lambda r: r["activity_id"] == question and r["n_answers"] == 3
                                       and r["top"] and r["top"][0]["votes"] == 1 and r["n_entries"] == 1)
        # Who takes "upvote" and "shortlist" decides the code: the one kind's, or not_supported once several do.
        not_taken = ("not_open_text", "not_supported")
        participant_refusals = [
            ("answer", {"activity_id": question, "value": "x" * 21, "answer_id": "a1"}, "too_long"),
            ("answer", {"activity_id": question, "value": "x" * 10_000, "answer_id": "a2"}, "too_long"),
            ("answer", {"activity_id": question, "value": " \u200b ", "answer_id": "a3"}, "blank"),
            ("answer", {"activity_id": question, "value": 42, "answer_id": "a4"}, "invalid_value"),
            ("answer", {"activity_id": question, "value": ["Une idée"], "answer_id": "a5"}, "invalid_value"),
            ("answer", {"activity_id": question, "value": None, "answer_id": "a6"}, "invalid_value"),
            ("answer", {"activity_id": question, "value": "Autre"}, "invalid_payload"),
            ("answer", {"activity_id": "nope", "value": "Autre", "answer_id": "a7"}, "unknown_activity"),
            ("upvote", {"activity_id": question, "question_id": "nope"}, "unknown_entry"),
            ("upvote", {"activity_id": question, "question_id": hidden}, "unknown_entry"),
            ("upvote", {"activity_id": question, "question_id": held}, "unknown_entry"),
            ("upvote", {"activity_id": question, "question_id": idea, "up": "yes"}, "invalid_payload"),
            ("upvote", {"activity_id": question, "question_id": 7}, "invalid_payload"),
            ("upvote", {"activity_id": question}, "invalid_payload"),
            ("upvote", {"activity_id": question, "question_id": idea, "entry_id": held}, "invalid_payload"),
            ("upvote", {"activity_id": "x" * 65, "question_id": idea}, "invalid_payload"),
            ("upvote", {"activity_id": "nope", "question_id": idea}, "unknown_activity"),
            ("upvote", ["not", "an", "object"], "invalid_payload"),
            ("upvote", {"activity_id": question, "question_id": idea, "answer_id": ""}, "invalid_payload"),
            ("report", {"activity_id": question, "entry_id": "nope"}, "unknown_entry"),
            ("report", {"activity_id": question, "entry_id": hidden}, "unknown_entry"),
            ("report", {"activity_id": question}, "invalid_payload"),
            ("report", "idea", "invalid_payload"),
            ("moderate", {"activity_id": question, "action": "hide", "entry_id": idea}, "forbidden"),
            ("undo", {"activity_id": question}, "forbidden"),
            ("feature", {"activity_id": question, "entry_id": idea}, "forbidden"),
            ("shortlist", {"activity_id": question, "top": 2}, "forbidden"),
        ]
        for event, payload, expected in participant_refusals:
            refusal = await cleo.call(event, payload)
            assert refusal["ok"] is False and refusal["error"]["code"] == expected, (event, payload, refusal)
        assert (await ben.call("upvote", {"activity_id": question, "question_id": idea}))["error"]["code"] == "already_upvoted"
        assert (await cleo.call("upvote", {"activity_id": question, "question_id": idea, "up": False}))["error"]["code"] == "not_upvoted"
        assert (await ben.call("report", {"activity_id": question, "entry_id": idea}))["error"]["code"] == "already_reported"
        assert (await ana.answer(question, "une idee !"))["error"]["code"] == "already_answered"
        assert (await screen.call("upvote", {"activity_id": question, "question_id": idea}))["error"]["code"] == "forbidden"
        assert (await screen.call("report", {"activity_id": question, "entry_id": idea}))["error"]["code"] == "forbidden"

        host_refusals = [
            ("moderate", {"activity_id": question, "action": "hide", "entry_id": "nope"}, "unknown_entry"),
            ("moderate", {"activity_id": question, "action": "show", "entry_id": idea}, "invalid_payload"),
            ("moderate", {"activity_id": question, "action": "hide", "entry_id": hidden}, "invalid_payload"),
            ("moderate", {"activity_id": question, "action": "release", "entry_id": idea}, "invalid_payload"),
            ("moderate", {"activity_id": question, "action": "explode", "entry_id": idea}, "invalid_payload"),
            ("moderate", {"activity_id": question, "action": "merge", "from": idea, "into": idea}, "invalid_payload"),
            ("moderate", {"activity_id": question, "action": "merge", "from": idea, "into": "nope"}, "unknown_entry"),
            ("moderate", {"activity_id": question, "action": "hide"}, "invalid_payload"),
            ("moderate", {"activity_id": poll, "action": "hide", "entry_id": idea}, "not_supported"),
            ("feature", {"activity_id": question, "entry_id": hidden}, "unknown_entry"),
            ("feature", {"activity_id": question, "entry_id": 3}, "invalid_payload"),
            ("shortlist", {"activity_id": question, "top": 1}, "out_of_range"),
            ("shortlist", {"activity_id": question, "top": 13}, "out_of_range"),
            ("shortlist", {"activity_id": question, "top": "3"}, "out_of_range"),
            ("shortlist", {"activity_id": question}, "invalid_payload"),
            ("shortlist", {"activity_id": question, "top": 3, "entries": [idea]}, "invalid_payload"),
            ("shortlist", {"activity_id": question, "entries": [idea, idea]}, "invalid_payload"),
            ("shortlist", {"activity_id": question, "entries": [idea, hidden]}, "unknown_entry"),
            ("shortlist", {"activity_id": question, "entries": [idea, held]}, "unknown_entry"),
            ("shortlist", {"activity_id": question, "top": 3}, "too_few"),  # one visible entry
            ("shortlist", {"activity_id": "nope", "top": 3}, "unknown_activity"),
            ("shortlist", "top", "invalid_payload"),
        ]
        for event, payload, expected in host_refusals:
            refusal = await console.call(event, payload)
            assert refusal["ok"] is False and refusal["error"]["code"] == expected, (event, payload, refusal)
        for event, payload in (("shortlist", {"activity_id": poll, "top": 3}), ("feature", {"activity_id": poll})):
            assert (await console.call(event, payload))["error"]["code"] in not_taken
        assert (await cleo.call("upvote", {"activity_id": poll, "question_id": idea}))["error"]["code"] == "not_open"

        # Nothing changed: a host screen connecting now hears the same results, the plan is the same.
        again = await host(shared_server.url, code, host_token)
        after = await again.wait_for("results", is_about(question))
        _no_change(before, after)
        assert len(again.last("host_state")["activities"]) == 3
        assert (await console.call("undo", {"activity_id": question})) == {"ok": True}  # the hide, the only action
        assert (await console.call("undo", {"activity_id": question}))["error"]["code"] == "nothing_to_undo"

        # No upvotes on a question without them; nothing after closing or the end.
        assert await screen.call("open", {"activity_id": quiet}) == {"ok": True}
        await ana.wait_for("state", lambda s: _open(s, quiet))
        assert (await ana.answer(quiet, "Une idée"))["ok"] is True
        quiet_idea = ident("Une idée")
        assert (await ben.call("upvote", {"activity_id": quiet, "question_id": quiet_idea}))["error"]["code"] == "upvotes_off"
        assert await screen.call("close", {"activity_id": quiet}) == {"ok": True}
        assert (await ben.answer(quiet, "Trop tard"))["error"]["code"] == "closed"
        assert (await ben.call("report", {"activity_id": quiet, "entry_id": quiet_idea}))["error"]["code"] == "closed"
        assert (await screen.call("end", {}))["ok"] is True
        for event, payload in (("feature", {"activity_id": question, "entry_id": idea}),
                               ("shortlist", {"activity_id": question, "top": 2}),
                               ("moderate", {"activity_id": question, "action": "hide", "entry_id": idea})):
            assert (await console.call(event, payload))["error"]["code"] == "session_ended"
        assert (await ana.call("upvote", {"activity_id": question, "question_id": idea}))["error"]["code"] == "session_ended"
        for recorder in (screen, console, again, ana, ben, cleo):
            await recorder.disconnect()

    asyncio.run(scenario())
    summary = shared_server.summary(code)
    first = summary["activities"][0]
    assert first["n_answers"] == 3 and [e["text"] for e in first["entries"]] == ["Cachée", "Une idée"]
    assert {row["text"]: (row["votes"], row["reports"]) for row in first["table"]}["Une idée"] == (1, 1)
    assert len(summary["activities"]) == 3
