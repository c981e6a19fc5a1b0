"""The registry is the only list of kinds: a kind defined only under tests/ and
registered the way a third party would (LIVE_ACTIVITY_KINDS) runs end to end through
a real server: its spec through the API, answers, ``results`` on the host and on
phones, a host command storing kind state, the summary and the archive section."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import requests

from tests.conftest import LiveServer, free_port, server_env
from tests.sockets import host, participant

KIND = "tests.kinds.counter:KIND"


@pytest.fixture
def counter_server(tmp_path, database_url):
    server = LiveServer(
        env=server_env(tmp_path, database_url, LIVE_ACTIVITY_KINDS=KIND), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    server.start()
    yield server
    server.stop()


def test_a_kind_defined_in_tests_runs_end_to_end(counter_server):
    server = counter_server
    token = server.facilitator()
    bad = requests.post(
        server.url + "/api/sessions", headers={"Authorization": f"Bearer {token}"}, timeout=10,
        json={"title": "T", "activities": [{"type": "counter", "prompt": "Combien ?", "most": 99}]},
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "activities[0].most"
    created = server.create_session({
        "title": "Compter",
        "activities": [
            {"type": "counter", "prompt": "Combien de livres lus ?", "most": 5},
            {"type": "poll", "prompt": "Et ensuite ?", "options": ["A", "B"]},
        ],
    })
    counter = created["activities"][0]["id"]
    assert created["activities"][0]["type"] == "counter"

    async def scenario():
        screen = await host(server.url, created["code"], created["host_token"])
        phones = [await participant(server.url, created["code"], f"P{i}") for i in range(4)]
        assert await screen.call("open", {"activity_id": counter}) == {"ok": True}
        state = await phones[0].wait_for("state", lambda s: s["activity"] and s["activity"]["status"] == "open")
        assert state["activity"]["type"] == "counter" and state["activity"]["most"] == 5
        for number, phone in enumerate(phones, start=1):
            assert await phone.answer(counter, number) == {"ok": True, "remaining": 0}
        assert (await phones[0].answer(counter, 9))["error"]["code"] in ("out_of_range", "already_answered")
        refused = await phones[1].call("answer", {"activity_id": counter, "value": 0, "answer_id": "zero"})
        assert refused["ok"] is False
        results = await screen.wait_for("results", lambda r: r["activity_id"] == counter and r["n_answers"] == 4)
        assert results["total"] == 10 and results["type"] == "counter"

        # Its own host command, stored as kind state (no migration), refused to phones.
        assert (await phones[0].call("bump", {"activity_id": counter, "bonus": 5}))["error"]["code"] == "forbidden"
        assert (await screen.call("bump", {"activity_id": counter, "bonus": 0}))["error"]["code"] == "invalid_payload"
        assert await screen.call("bump", {"activity_id": counter, "bonus": 5}) == {"ok": True}
        await screen.wait_for("results", lambda r: r["activity_id"] == counter and r["total"] == 15)
        poll = created["activities"][1]["id"]
        assert (await screen.call("bump", {"activity_id": poll, "bonus": 5}))["error"]["code"] == "not_counter"

        # Closing shows the results on phones (the kind's default).
        assert await screen.call("close", {"activity_id": counter}) == {"ok": True}
        shown = await phones[2].wait_for("results", lambda r: r["activity_id"] == counter)
        assert shown["total"] == 15 and shown["status"] == "closed"
        ended = await screen.call("end", {})
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return ended

    ended = asyncio.run(scenario())
    folder = Path(ended["archive_path"])
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    activity = summary["activities"][0]
    assert activity["type"] == "counter" and activity["total"] == 15 and activity["largest"] == 4
    assert (folder / "counter-1.csv").read_text(encoding="utf-8-sig").splitlines() == ["total,n_numbers", "15,4"]
    assert 'data-testid="counter-total">Total: 15<' in (folder / "index.html").read_text(encoding="utf-8")
    api = requests.get(server.url + f"/api/sessions/{created['code']}/summary",
                       headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert api["activities"][0]["total"] == 15
