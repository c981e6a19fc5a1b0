"""Phones see results, for every kind (issue 13): when an activity closes (or a quiz
question is revealed) and its results are shown, the phones hear ``results`` once; a
setting per activity hides them; at the end, phones get a link to the group's summary
when the facilitator shares it with them."""

from __future__ import annotations

import asyncio

import requests

from tests.sockets import host, participant

PLAN = {
    "title": "Résultats",
    "activities": [
        {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana"]},
        {"type": "poll", "prompt": "En secret ?", "options": ["Oui", "Non"], "show_results": False},
        {"type": "wordcloud", "prompt": "Un mot ?"},
        {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 30},
    ],
}


def test_phones_hear_results_once_shown_and_the_shared_summary_at_the_end(live_server):
    created = live_server.create_session(PLAN)
    poll, secret, cloud, question = (a["id"] for a in created["activities"])

    async def scenario():
        screen = await host(live_server.url, created["code"], created["host_token"])
        zoe = await participant(live_server.url, created["code"], "Zoé")
        max_ = await participant(live_server.url, created["code"], "Max")

        async def vote_then_close(activity_id, values):
            assert await screen.call("open", {"activity_id": activity_id}) == {"ok": True}
            for phone, value in zip((zoe, max_), values):
                assert (await phone.answer(activity_id, value))["ok"] is True
            await screen.wait_for("results", lambda r: r["activity_id"] == activity_id and r["n_answers"] == 2)
            mark = zoe.mark()
            assert await screen.call("close", {"activity_id": activity_id}) == {"ok": True}
            await zoe.wait_for("state", lambda s: s["activity"]["id"] == activity_id and s["activity"]["status"] == "closed", after=mark)
            return mark

        mark = await vote_then_close(poll, (1, 1))
        shown = await zoe.wait_for("results", lambda r: r["activity_id"] == poll, after=mark)
        assert shown["counts"] == [0, 2] and shown["status"] == "closed" and shown["n_answers"] == 2
        reloaded = await participant(live_server.url, created["code"], token=zoe.last("welcome")["token"])
        assert reloaded.last("welcome")["results"] == shown  # a phone reloaded while they are shown
        await reloaded.disconnect()
        # The host's own results are not replaced by the phones' (they hold the same counts here).
        assert all(r["activity_id"] != poll or r["type"] == "poll" for r in screen.all("results"))

        mark = await vote_then_close(secret, (0, 1))
        mark_cloud = await vote_then_close(cloud, ("Lecture", "lecture"))
        assert not [r for r in zoe.all("results") if r["activity_id"] == secret]  # hidden by the facilitator
        words = await max_.wait_for("results", lambda r: r["activity_id"] == cloud, after=mark_cloud)
        assert words["words"] == [["Lecture", 2]]

        assert await screen.call("open", {"activity_id": question}) == {"ok": True}
        assert (await zoe.answer(question, 1))["ok"] is True
        mark = zoe.mark()
        assert await screen.call("close", {"activity_id": question}) == {"ok": True}
        await zoe.wait_for("state", lambda s: s["activity"]["status"] == "closed", after=mark)
        assert [r for r in zoe.all("results") if r["activity_id"] == question] == []  # a quiz shows them with its reveal
        assert await screen.call("reveal", {"activity_id": question}) == {"ok": True}
        revealed = await zoe.wait_for("results", lambda r: r["activity_id"] == question, after=mark)
        assert revealed["counts"] == [0, 1] and revealed["correct"] == [1] and "leaderboard" not in revealed

        assert (await screen.call("end", {"share_with_participants": "yes"}))["error"]["code"] == "invalid_payload"
        ended = await screen.call("end", {"share_with_participants": True})
        assert ended["ok"] is True
        final = await max_.wait_for("state", lambda s: s["phase"] == "ended" and s.get("summary_url"))
        back = await participant(live_server.url, created["code"], token=(zoe.last("welcome") or {}).get("token"))
        assert back.last("welcome")["state"]["summary_url"] == final["summary_url"]
        for recorder in (screen, zoe, max_, back):
            await recorder.disconnect()
        return final["summary_url"]

    path = asyncio.run(scenario())
    page = requests.get(live_server.url + path, timeout=10)
    assert page.status_code == 200 and "Résultats" in page.text
    assert "Zoé" not in page.text and "Max" not in page.text  # pseudonymous
