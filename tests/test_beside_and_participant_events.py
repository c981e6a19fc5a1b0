"""What a Q&A needs from shared code, proven with a kind defined only under tests/
(``tests/kinds/board``), through a real server: an activity that stays open *beside*
the others (``state.side``), participant events beyond ``answer`` (acked once
durable, resent ones stored once, double taps refused, wrong roles refused), the
phones' live ``wall``, and a host command that inserts a poll after it (the chain)."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from pathlib import Path

import pytest

from tests.conftest import LiveServer, free_port, server_env
from tests.sockets import host, participant

KIND = "tests.kinds.board:KIND"


@pytest.fixture
def board_server(tmp_path, database_url):
    server = LiveServer(
        env=server_env(tmp_path, database_url, LIVE_ACTIVITY_KINDS=KIND), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    server.start()
    yield server
    server.stop()


def _open(state, activity_id):
    return state["activity"] and state["activity"]["id"] == activity_id and state["activity"]["status"] == "open"


async def _note(phone, board, text, answer_id=None):
    return await phone.call("note", {"activity_id": board, "text": text, "answer_id": answer_id or uuid.uuid4().hex})


def test_an_activity_beside_the_others_takes_participant_events_and_inserts_a_poll(board_server):
    server = board_server
    server.facilitator()
    created = server.create_session({"title": "Club", "activities": [
        {"type": "board", "prompt": "Quel livre ?"},
        {"type": "poll", "prompt": "Café ou thé ?", "options": ["Café", "Thé"]},
        {"type": "poll", "prompt": "Demain ?", "options": ["Oui", "Non"]},
    ]})
    board, first, second = (a["id"] for a in created["activities"])

    async def scenario():
        screen = await host(server.url, created["code"], created["host_token"])
        ana, ben = await participant(server.url, created["code"], "Ana"), await participant(server.url, created["code"], "Ben")
        assert await screen.call("open", {"activity_id": board}) == {"ok": True}
        await ana.wait_for("state", lambda s: _open(s, board))

        # A note is acked once durable; the same answer_id again gives the same ack, stored once.
        sent = await _note(ana, board, "Germinal", "n1")
        assert sent["ok"] is True and len(sent["note_id"]) == 12
        assert await _note(ana, board, "Germinal", "n1") == sent
        theirs = await _note(ben, board, "Nana")
        wall = await ben.wait_for("wall", lambda w: len(w["notes"]) == 2)
        assert wall["activity_id"] == board and wall["type"] == "board"

        # Likes: one per participant per note, no answer slot taken; bad input changes nothing.
        assert await ben.call("like", {"activity_id": board, "note_id": sent["note_id"]}) == {"ok": True}
        assert (await ben.call("like", {"activity_id": board, "note_id": sent["note_id"]}))["error"]["code"] == "already_liked"
        assert (await ben.call("like", {"activity_id": board, "note_id": "nope"}))["error"]["code"] == "unknown_note"
        assert (await ben.call("like", {"activity_id": "x" * 65, "note_id": "nope"}))["error"]["code"] == "invalid_payload"
        assert (await ben.call("like", ["not", "an", "object"]))["error"]["code"] == "invalid_payload"
        assert (await ben.answer(board, "Germinal"))["error"]["code"] == "not_answerable"
        assert (await screen.call("note", {"activity_id": board, "text": "host", "answer_id": "h"}))["error"]["code"] == "forbidden"
        assert (await ana.call("promote", {"activity_id": board}))["error"]["code"] == "forbidden"
        results = await screen.wait_for("results", lambda r: r["activity_id"] == board and r["notes"] and r["notes"][0]["likes"] == 1)
        assert [n["text"] for n in results["notes"]] == ["Germinal", "Nana"]

        # Another activity on screen: the board stays open beside it, events still count.
        assert await screen.call("open", {"activity_id": first}) == {"ok": True}
        state = await ana.wait_for("state", lambda s: _open(s, first))
        assert state["side"]["id"] == board and state["side"]["status"] == "open"
        assert (await ana.answer(first, 0))["ok"] is True
        assert await ana.call("like", {"activity_id": board, "note_id": theirs["note_id"]}) == {"ok": True}
        assert await ben.call("like", {"activity_id": board, "note_id": theirs["note_id"]}) == {"ok": True}
        await screen.wait_for("results", lambda r: r["activity_id"] == board and r["notes"] and r["notes"][0]["text"] == "Nana")
        await ben.wait_for("wall", lambda w: w["notes"] and w["notes"][0]["likes"] == 2)
        assert await screen.call("close", {"activity_id": first}) == {"ok": True}
        assert await screen.call("open", {"activity_id": second}) == {"ok": True}
        state = await ben.wait_for("state", lambda s: _open(s, second))
        assert state["side"]["id"] == board
        # A phone joining now hears the wall beside the activity on screen.
        cleo = await participant(server.url, created["code"], "Cléo")
        welcome = cleo.last("welcome")
        assert welcome["state"]["side"]["id"] == board and welcome["walls"][0]["activity_id"] == board
        assert (await _note(ana, board, "Au Bonheur des Dames"))["ok"] is True
        assert (await _note(ana, board, "Une quatrième"))["error"]["code"] == "limit_reached"

        # The host's command inserts a poll of the best notes right after the board.
        promoted = await screen.call("promote", {"activity_id": board})
        assert promoted["ok"] is True and promoted["options"] == 3
        plan = await screen.wait_for("host_state", lambda v: len(v["activities"]) == 4)
        assert [a["id"] for a in plan["activities"]][:2] == [board, promoted["activity_id"]]
        inserted = plan["activities"][1]
        assert inserted["type"] == "poll" and inserted["status"] == "pending"
        assert inserted["options"] == ["Nana", "Germinal", "Au Bonheur des Dames"]
        assert await screen.call("open", {"activity_id": promoted["activity_id"]}) == {"ok": True}
        state = await cleo.wait_for("state", lambda s: _open(s, promoted["activity_id"]))
        assert state["n_activities"] == 4 and state["side"]["id"] == board
        assert (await cleo.answer(promoted["activity_id"], 0))["ok"] is True

        # Closed, it is no longer beside anything.
        assert await screen.call("close", {"activity_id": board}) == {"ok": True}
        state = await ana.wait_for("state", lambda s: "side" not in s and s["activity"]["id"] == promoted["activity_id"])
        assert (await ana.call("like", {"activity_id": board, "note_id": theirs["note_id"]}))["error"]["code"] == "closed"
        ended = await screen.call("end", {})
        for recorder in (screen, ana, ben, cleo):
            await recorder.disconnect()
        return ended, promoted["activity_id"]

    ended, inserted = asyncio.run(scenario())
    folder = Path(ended["archive_path"])
    rows = list(csv.DictReader(io.StringIO((folder / "answers.csv").read_text(encoding="utf-8-sig"))))
    board_rows = [row for row in rows if row.get("activity_type") == "board"]
    assert sorted(row["answer_text"] for row in board_rows) == ["Au Bonheur des Dames", "Germinal", "Nana"]
    summary = server.summary(created["code"])
    assert [a["id"] for a in summary["activities"]] == [board, inserted, first, second]
