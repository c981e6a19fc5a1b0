"""Quizzes on a real ``live serve``: server timing, secrecy, scoring by speed,
reveal, standings across a restart, late joiners, removal, podium, archive; bad
quiz specs through the API (test client)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from tests.sockets import host, participant, refused
from tests.web import api_token, bearer

QUIZ = {
    "title": "Quiz Zola",
    "activities": [
        {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola", "Balzac"], "correct": [1], "seconds": 30},
        {"type": "quiz", "prompt": "Romans de Zola ?", "options": ["Nana", "Bel-Ami", "L'Assommoir", "Candide"],
         "correct": [0, 2], "seconds": 5},
    ],
}


def leaks_secret(events) -> list:
    """Every participant event whose JSON mentions the correct answer."""
    leaks = []
    for name, data in events:
        text = json.dumps(data).replace('"n_correct"', "")
        if '"correct"' in text:
            leaks.append((name, data))
    return leaks


def since_ms(start: float) -> float:
    """Milliseconds since ``start`` (time.monotonic()), as this client saw them: at least
    as long as the server saw between the two moments, however busy the machine is."""
    return (time.monotonic() - start) * 1000


@pytest.mark.slow
def test_a_quiz_from_first_question_to_podium(live_server):
    created = live_server.create_session(QUIZ)
    code, host_token = created["code"], created["host_token"]
    first, second = (a["id"] for a in created["activities"])

    async def first_half():
        screen = await host(live_server.url, code, host_token)
        zoe = await participant(live_server.url, code, "Zoé")
        zoe2 = await participant(live_server.url, code, "zoé")
        assert zoe2.last("welcome")["name"] == "zoé 2"  # nicknames are unique in a session
        assert (await refused(live_server.url, {"code": code, "name": "connard"}))["code"] == "name_not_allowed"
        slow = await participant(live_server.url, code, "Slow")
        wrong = await participant(live_server.url, code, "Wrong")
        silent = await participant(live_server.url, code, "Silent")
        phones = [zoe, zoe2, slow, wrong, silent]

        opening = time.monotonic()
        assert await screen.call("open", {"activity_id": first}) == {"ok": True}
        state = await zoe.wait_for("state", lambda s: s["phase"] == "activity")
        question = state["activity"]
        assert "correct" not in question and question["n_correct"] == 1 and question["multiple"] is False
        # The timer shows the 30 s less what went by since the opening, however long that took.
        assert 30_000 - since_ms(opening) <= question["remaining_ms"] <= 30_000 and question["duration_ms"] == 30_000

        # Time goes by between the answers (not a wait for anything): faster is worth more.
        assert (await zoe.answer(first, 1))["ok"] is True
        await asyncio.sleep(0.3)
        assert (await zoe2.answer(first, 1))["ok"] is True
        await asyncio.sleep(1.2)
        assert (await slow.answer(first, 1))["ok"] is True
        assert (await wrong.answer(first, 0))["ok"] is True
        assert (await wrong.answer(first, 1))["error"]["code"] == "already_answered"
        for value, error in ((3, "out_of_range"), ([1], "invalid_value"), ("1", "invalid_value"), (None, "invalid_value")):
            assert (await silent.answer(first, value))["error"]["code"] == error
        assert (await silent.answer(second, [0]))["error"]["code"] == "not_open"

        results = await screen.wait_for("results", lambda r: r["activity_id"] == first and r["n_answers"] == 4)
        assert results["counts"] == [1, 3, 0]
        assert "correct" not in results and all(row["score"] == 0 for row in results["leaderboard"])
        assert all(leaks_secret(phone.events) == [] for phone in phones)  # nothing told before the reveal

        assert (await zoe.call("reveal", {"activity_id": first}))["error"]["code"] == "forbidden"
        assert await screen.call("reveal", {"activity_id": first}) == {"ok": True}
        revealed = await zoe.wait_for("state", lambda s: s["activity"] and s["activity"]["status"] == "revealed")
        assert revealed["activity"]["correct"] == [1] and revealed["activity"]["counts"] == [1, 3, 0]
        mine = {p.last("welcome")["name"]: await p.wait_for("quiz_result") for p in phones}
        assert mine["Zoé"]["correct"] and mine["Zoé"]["rank"] == 1
        assert mine["Zoé"]["points"] > mine["zoé 2"]["points"] > mine["Slow"]["points"] >= 500
        assert mine["Wrong"] == dict(mine["Wrong"], correct=False, points=0, answered=True)
        assert mine["Silent"]["answered"] is False and mine["Silent"]["points"] == 0
        assert [mine[n]["rank"] for n in ("Zoé", "zoé 2", "Slow")] == [1, 2, 3]
        board = (await screen.wait_for("results", lambda r: r["activity_id"] == first and "correct" in r))["leaderboard"]
        # Each player's number is their place in join order, whatever their rank ("Player N" when unnamed).
        assert {row["name"]: row["number"] for row in board} == {"Zoé": 1, "zoé 2": 2, "Slow": 3, "Wrong": 4, "Silent": 5}
        assert [row["name"] for row in board[:3]] == ["Zoé", "zoé 2", "Slow"]
        assert board == sorted(board, key=lambda row: -row["score"])
        assert (await slow.answer(first, 1))["error"]["code"] == "closed"
        assert (await screen.call("open", {"activity_id": first}))["error"]["code"] == "revealed"

        # The host removes a player: out of the standings, and out of the session.
        assert await screen.call("remove", {"participant_id": wrong.last("welcome")["participant_id"]}) == {"ok": True}
        await wrong.wait_for("removed")
        again = await refused(live_server.url, {"code": code, "token": wrong.last("welcome")["token"]})
        assert again["code"] == "removed"
        assert (await screen.call("remove", {"participant_id": "nobody"}))["error"]["code"] == "unknown_participant"

        tokens = {p.last("welcome")["name"]: p.last("welcome")["token"] for p in phones}
        for recorder in (screen, *phones):
            if recorder.client.connected:
                await recorder.disconnect()
        return tokens, {n: r["score"] for n, r in mine.items()}

    tokens, scores = asyncio.run(first_half())
    live_server.stop()
    live_server.start()  # a restart between two questions loses no score

    async def second_half():
        screen = await host(live_server.url, code, host_token)
        zoe = await participant(live_server.url, code, token=tokens["Zoé"])
        slow = await participant(live_server.url, code, token=tokens["Slow"])
        late = await participant(live_server.url, code, "Late")  # joins mid-quiz and plays on
        opening = time.monotonic()
        assert await screen.call("open", {"activity_id": second}) == {"ok": True}
        state = await late.wait_for("state", lambda s: s["activity"] and s["activity"]["id"] == second)
        assert state["activity"]["multiple"] is True and "correct" not in state["activity"]
        assert await screen.call("add_time", {"activity_id": second, "seconds": 2}) == {"ok": True}
        longer = await late.wait_for("state", lambda s: s["activity"] and s["activity"].get("duration_ms") == 7000)
        # The 2 s added show on the timer: 5 + 2 s less what went by since the opening.
        assert longer["activity"]["remaining_ms"] >= 7000 - since_ms(opening)
        assert (await screen.call("add_time", {"activity_id": second, "seconds": 0}))["error"]["code"] == "invalid_payload"
        assert (await zoe.answer(second, [0, 2]))["ok"] is True
        assert (await late.answer(second, [2, 0]))["ok"] is True
        # After the deadline and its grace, the server closes the question by itself.
        closed = await late.wait_for("state", lambda s: s["activity"]["id"] == second and s["activity"]["status"] == "closed")
        assert closed["activity"]["remaining_ms"] == 0
        assert (await slow.answer(second, [0]))["error"]["code"] in ("time_up", "closed")
        assert await screen.call("reveal", {"activity_id": second}) == {"ok": True}
        zoe_result = await zoe.wait_for("quiz_result", lambda r: r["activity_id"] == second)
        assert zoe_result["correct"] is True and zoe_result["score"] == scores["Zoé"] + zoe_result["points"] + 100  # streak bonus
        slow_result = await slow.wait_for("quiz_result", lambda r: r["activity_id"] == second)
        assert slow_result["score"] == scores["Slow"]  # kept across the restart, nothing added
        # A phone reloaded after the reveal gets its result back in its welcome, not at the next reveal.
        reloaded = await participant(live_server.url, code, token=tokens["Slow"])
        assert reloaded.last("welcome")["quiz_result"] == slow_result
        await reloaded.disconnect()
        # Late joined while question 1 was still revealed on screen: it was told it had not answered it.
        assert late.last("welcome")["quiz_result"] == dict(late.last("welcome")["quiz_result"], activity_id=first,
                                                           answered=False, points=0, score=0)

        board = (await screen.wait_for("results", lambda r: r["activity_id"] == second and "correct" in r))["leaderboard"]
        assert {row["name"]: row["number"] for row in board} == {"Zoé": 1, "zoé 2": 2, "Slow": 3, "Silent": 5, "Late": 6}
        assert board[0]["name"] == "Zoé" and len(board) == 5  # the removed player is out
        assert await screen.call("podium", {}) == {"ok": True}
        podium = await screen.wait_for("podium")
        assert podium["podium"] == board[:3] and podium["n_players"] == 5
        late_rank = [row["name"] for row in board].index("Late") + 1
        final = await late.wait_for("final_rank")
        assert final["rank"] == late_rank and final["podium"] == board[:3]
        # ... and while the podium is up, a reloaded phone gets its final rank again.
        reloaded = await participant(live_server.url, code, token=late.last("welcome")["token"])
        assert reloaded.last("welcome")["final_rank"] == final
        await reloaded.disconnect()
        ended = await screen.call("end", {})
        for recorder in (screen, zoe, slow, late):
            await recorder.disconnect()
        return ended, board

    ended, board = asyncio.run(second_half())
    summary = json.loads((Path(ended["archive_path"]) / "summary.json").read_text())
    assert [row["name"] for row in summary["leaderboard"]] == [row["name"] for row in board]
    # The archive's "Participant N" is the screen's "Player N".
    assert {r["participant_id"]: r["participant_number"] for r in summary["leaderboard"]} == {
        r["participant_id"]: r["number"] for r in board}
    first_doc, second_doc = summary["activities"]
    assert first_doc["correct"] == [1] and first_doc["n_correct"] == 3 and first_doc["correct_rate"] == 0.75
    assert first_doc["average_ms"] > 0
    assert second_doc["n_correct"] == 2


def test_bad_quiz_specs_are_refused(app, client):
    token = api_token(app)
    bad = [
        ({"type": "quiz", "prompt": "Q", "options": ["A", "B"], "correct": []}, "invalid_correct", "activities[0].correct"),
        ({"type": "quiz", "prompt": "Q", "options": ["A", "B"], "correct": [2]}, "out_of_range", "activities[0].correct[0]"),
        ({"type": "quiz", "prompt": "Q", "options": ["A", "B"]}, "invalid_type", "activities[0].correct"),
        ({"type": "quiz", "prompt": "Q", "options": ["A"] * 7, "correct": [0]}, "invalid_options", "activities[0].options"),
        ({"type": "quiz", "prompt": "Q", "options": ["A", "B"], "correct": [0], "seconds": 4}, "out_of_range", "activities[0].seconds"),
    ]
    for activity, code, field in bad:
        response = client.post("/api/sessions", json={"title": "T", "activities": [activity]}, headers=bearer(token))
        assert response.status_code == 400, activity
        assert (response.get_json()["error"]["code"], response.get_json()["error"]["field"]) == (code, field)
