"""The whole loop on a real ``live serve`` process (gevent), with a host and 30
participants on python-socketio's own client, on SQLite and on PostgreSQL: one
server per database for the module, and a fresh one for the restart."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest

from tests.conftest import POLLS
from tests.sockets import host, participant, refused

N_PARTICIPANTS = 30


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.mark.slow
def test_a_whole_session_with_thirty_phones(shared_server):
    created = shared_server.create_session(POLLS)
    code, host_token = created["code"], created["host_token"]
    single, multiple = (activity["id"] for activity in created["activities"])

    async def scenario():
        screen = await host(shared_server.url, code, host_token)
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"Phone {i}") for i in range(N_PARTICIPANTS)))

        welcome = phones[0].last("welcome")
        assert welcome["name"] == "Phone 0"
        assert welcome["state"]["phase"] == "lobby" and welcome["state"]["activity"] is None
        assert len({p.last("welcome")["participant_id"] for p in phones}) == N_PARTICIPANTS
        await screen.wait_for("presence", lambda d: d["n_connected"] == N_PARTICIPANTS)

        # Nothing can be answered before the host opens it, and phones cannot host.
        early = await phones[0].answer(single, 0)
        assert early == {"ok": False, "error": {"code": "not_open", "message": early["error"]["message"], "field": "activity_id"}}
        for event in ("open", "close"):
            forbidden = await phones[0].call(event, {"activity_id": single})
            assert forbidden["ok"] is False and forbidden["error"]["code"] == "forbidden"
        assert (await phones[0].call("end", {}))["error"]["code"] == "forbidden"

        assert await screen.call("open", {"activity_id": single}) == {"ok": True}
        opened = await phones[-1].wait_for("state", lambda s: s["phase"] == "activity")
        assert opened["activity"]["id"] == single
        assert opened["activity"]["options"] == ["Germinal", "Nana", "L'Assommoir"]
        assert opened["activity"]["status"] == "open"

        acks = await asyncio.gather(
            *(phone.answer(single, index % 3, answer_id=f"vote-{index}") for index, phone in enumerate(phones))
        )
        assert acks == [{"ok": True, "remaining": 0}] * N_PARTICIPANTS

        # The same answer_id again is acknowledged again and counted once.
        assert await phones[0].answer(single, 0, answer_id="vote-0") == {"ok": True, "remaining": 0}
        # A second vote in a single-choice poll is refused.
        second = await phones[1].answer(single, 2)
        assert second["ok"] is False and second["error"]["code"] == "already_answered"

        final = await screen.wait_for("results", lambda r: r["activity_id"] == single and r["n_answers"] == N_PARTICIPANTS)
        assert final["counts"] == [10, 10, 10]
        assert final["type"] == "poll" and final["n_participants"] == N_PARTICIPANTS

        # Refusals that must never be counted.
        fresh = await participant(shared_server.url, code, "Late")
        for value, error in ((7, "out_of_range"), (-1, "out_of_range"), ("1", "invalid_value"), (True, "invalid_value"),
                             (None, "invalid_value"), ([0, 1], "invalid_value"), (1.0, "invalid_value")):
            refusal = await fresh.answer(single, value)
            assert refusal["ok"] is False and refusal["error"]["code"] == error, (value, refusal)
        assert (await fresh.answer("no-such-activity", 0))["error"]["code"] == "unknown_activity"
        assert (await fresh.answer(multiple, [0]))["error"]["code"] == "not_open"
        for payload in (None, "vote", 3, [], {"activity_id": single}, {"activity_id": single, "value": 0},
                        {"activity_id": 5, "value": 0, "answer_id": "x"}, {"activity_id": single, "value": 0, "answer_id": ""},
                        {"activity_id": single, "value": 0, "answer_id": "x" * 65}):
            refusal = await fresh.call("answer", payload)
            assert refusal["ok"] is False and refusal["error"]["code"] == "invalid_payload", (payload, refusal)

        # A phone that drops comes back as itself with its vote.
        lost = phones[5]
        before = lost.last("welcome")
        await lost.disconnect()
        back = await participant(shared_server.url, code, token=before["token"])
        again = back.last("welcome")
        assert again["participant_id"] == before["participant_id"]
        assert again["name"] == "Phone 5"
        assert again["answers"] == {single: [5 % 3]}
        assert again["state"]["activity"]["id"] == single
        assert (await back.answer(single, 0))["error"]["code"] == "already_answered"

        assert await screen.call("close", {"activity_id": single}) == {"ok": True}
        assert (await fresh.answer(single, 0))["error"]["code"] == "closed"
        assert (await screen.call("close", {"activity_id": single}))["error"]["code"] == "not_open"
        assert (await screen.call("open", {"activity_id": "nope"}))["error"]["code"] == "unknown_activity"
        assert (await screen.call("open", "nope"))["error"]["code"] == "invalid_payload"

        # A multiple-choice poll: a list of distinct indices, once.
        assert await screen.call("open", {"activity_id": multiple}) == {"ok": True}
        await fresh.wait_for("state", lambda s: s["activity"] and s["activity"]["id"] == multiple)
        assert await fresh.answer(multiple, [2, 0]) == {"ok": True, "remaining": 0}
        assert (await phones[2].answer(multiple, [1, 1]))["error"]["code"] == "invalid_value"
        assert (await phones[2].answer(multiple, []))["error"]["code"] == "invalid_value"
        assert await phones[2].answer(multiple, [1]) == {"ok": True, "remaining": 0}
        assert (await fresh.answer(multiple, [1]))["error"]["code"] == "already_answered"
        await screen.wait_for("results", lambda r: r["activity_id"] == multiple and r["counts"] == [1, 1, 1])

        ended = await screen.call("end", {})
        assert ended["ok"] is True
        # The facilitator opens the summary on the address the host screen uses.
        assert ended["archive_url"] == f"/archives/{code}"
        assert ended["summary_url"].endswith(f"/api/sessions/{code}/summary")
        assert (await fresh.answer(multiple, [0]))["error"]["code"] == "session_ended"
        assert (await screen.call("open", {"activity_id": single}))["error"]["code"] == "session_ended"
        assert (await phones[3].wait_for("state", lambda s: s["phase"] == "ended"))["activity"] is None
        for recorder in [screen, fresh, back, *phones[:5], *phones[6:]]:
            await recorder.disconnect()
        return ended

    ended = run(scenario())
    archive = Path(ended["archive_path"])
    assert archive.parent == shared_server.archive_dir and archive.name.endswith(f"-{code}")
    summary = json.loads((archive / "summary.json").read_text())
    assert summary["schema"] == 1 and summary["code"] == code and summary["title"] == "Atelier lecture"
    assert summary["n_participants"] == N_PARTICIPANTS + 1
    first, second = summary["activities"]
    assert (first["counts"], first["n_answers"]) == ([10, 10, 10], N_PARTICIPANTS)
    assert (second["counts"], second["n_answers"]) == ([1, 1, 1], 2)

    with open(archive / "answers.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == N_PARTICIPANTS + 2
    assert sorted(r["answer_text"] for r in rows if r["activity_id"] == second["id"]) == ["Lundi | Jeudi", "Mardi"]
    assert "<svg" in (archive / "index.html").read_text()

    assert shared_server.summary(code) == summary


def test_wrong_code_or_host_token_is_refused_at_connect(shared_server):
    created = shared_server.create_session(POLLS)

    async def scenario():
        unknown = await refused(shared_server.url, {"code": "ZZZZZZZZ"})
        assert unknown["code"] == "unknown_session"
        assert (await refused(shared_server.url, {"code": created["code"], "host_token": "guess"}))["code"] == "forbidden"
        # Another session's host token does not open this one.
        other = shared_server.create_session(POLLS)
        stolen = await refused(shared_server.url, {"code": created["code"], "host_token": other["host_token"]})
        assert stolen["code"] == "forbidden"
        assert (await refused(shared_server.url, None))["code"] == "unknown_session"
        assert (await refused(shared_server.url, {"code": ["x"]}))["code"] == "unknown_session"
        too_long = await refused(shared_server.url, {"code": created["code"], "name": "n" * 41})
        assert too_long["code"] == "too_long"

    run(scenario())


def test_a_token_from_another_session_gives_a_new_participant(shared_server):
    first = shared_server.create_session(POLLS)
    second = shared_server.create_session(POLLS)

    async def scenario():
        phone = await participant(shared_server.url, first["code"], "Zoé")
        token = phone.last("welcome")["token"]
        elsewhere = await participant(shared_server.url, second["code"], token=token)
        assert elsewhere.last("welcome")["participant_id"] != phone.last("welcome")["participant_id"]
        forged = await participant(shared_server.url, first["code"], token=token[:-2] + "xx")
        assert forged.last("welcome")["participant_id"] != phone.last("welcome")["participant_id"]
        for recorder in (phone, elsewhere, forged):
            await recorder.disconnect()

    run(scenario())


@pytest.mark.slow
def test_acknowledged_answers_and_state_survive_a_restart(live_server):
    created = live_server.create_session(POLLS)
    code, single = created["code"], created["activities"][0]["id"]

    async def before_restart():
        screen = await host(live_server.url, code, created["host_token"])
        await screen.call("open", {"activity_id": single})
        phones = [await participant(live_server.url, code, f"P{i}") for i in range(5)]
        for index, phone in enumerate(phones):
            assert await phone.answer(single, index % 2) == {"ok": True, "remaining": 0}
        tokens = [phone.last("welcome") for phone in phones]
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return tokens

    welcomes = run(before_restart())
    live_server.stop()
    live_server.start()

    async def after_restart():
        back = await participant(live_server.url, code, token=welcomes[1]["token"])
        welcome = back.last("welcome")
        assert welcome["participant_id"] == welcomes[1]["participant_id"]
        assert welcome["state"]["activity"]["id"] == single and welcome["state"]["activity"]["status"] == "open"
        assert welcome["answers"] == {single: [1]}
        screen = await host(live_server.url, code, created["host_token"])
        results = await screen.wait_for("results", lambda r: r["activity_id"] == single)
        assert results["counts"] == [3, 2, 0] and results["n_answers"] == 5
        for recorder in (back, screen):
            await recorder.disconnect()

    run(after_restart())
