"""Joins on a real ``live serve`` (gevent, SQLite), over the real transport: a
room of phones from one address connecting at once all get in; with joins
locked a new phone hears ``joins_locked`` while the whole room reconnects;
phones beyond the expected size wait, then come in when the host lets them;
an ended session refuses new phones with ``session_ended`` and still welcomes
its own. One server for the module; 2,000 phones are in tests/test_joins.py
(in-process) and scripts/bench (full size)."""

from __future__ import annotations

import asyncio

import pytest
import requests

from tests.conftest import LiveServer, free_port, server_env
from tests.sockets import Recorder, host, participant, refused

pytestmark = pytest.mark.slow

ROOM = 150
POLL = [{"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana"]}]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("joins-live")
    live = LiveServer(
        env=server_env(base, f"sqlite:///{base / 'live.sqlite3'}"), port=free_port(),
        archive_dir=base / "sessions", log_path=base / "server.log",
    )
    live.start()
    yield live
    live.stop()


def test_a_room_from_one_address_gets_in_and_with_joins_locked_only_it_comes_back(server):
    created = server.create_session({"title": "Salle", "activities": POLL})
    code = created["code"]

    async def scenario():
        screen = await host(server.url, code, created["host_token"])
        room = await asyncio.gather(*(participant(server.url, code, f"P{i}") for i in range(ROOM)))
        welcomes = [phone.last("welcome") for phone in room]
        assert len({w["participant_id"] for w in welcomes}) == ROOM

        assert await screen.call("lock_joins", {}) == {"ok": True}
        assert (await screen.wait_for("joins", lambda j: j["locked"]))["n_waiting"] == 0
        refusal = await refused(server.url, {"code": code, "name": "Ghost"})
        assert refusal["code"] == "joins_locked" and refusal["data"]["code"] == "joins_locked"

        await asyncio.gather(*(phone.disconnect() for phone in room))
        back = await asyncio.gather(*(participant(server.url, code, token=w["token"]) for w in welcomes))
        assert [phone.last("welcome")["participant_id"] for phone in back] == [w["participant_id"] for w in welcomes]
        await screen.wait_for("presence", lambda p: p == {"n_participants": ROOM, "n_connected": ROOM})

        assert await screen.call("unlock_joins", {}) == {"ok": True}
        late = await participant(server.url, code, "Late")
        assert late.last("welcome")["name"] == "Late"

        ack = await screen.call("end", {})
        assert ack["ok"] is True
        assert (await refused(server.url, {"code": code, "name": "Too late"}))["code"] == "session_ended"
        await late.disconnect()
        again = await participant(server.url, code, token=late.last("welcome")["token"])
        assert again.last("welcome")["state"]["phase"] == "ended"
        for phone in [screen, again, *back]:
            await phone.disconnect()
        return created

    asyncio.run(scenario())
    token = server.facilitator()
    summary = requests.get(f"{server.url}/api/sessions/{code}/summary", headers={"Authorization": f"Bearer {token}"},
                           timeout=10).json()
    assert summary["n_participants"] == ROOM + 1  # the refused phones added nothing


def test_phones_beyond_the_expected_size_wait_then_come_in(server):
    created = server.create_session({"title": "Atelier", "activities": POLL, "expected_participants": 3})
    code = created["code"]

    async def waiting_phone(name: str) -> Recorder:
        phone = await Recorder(server.url, {"code": code, "name": name}).connect()
        await phone.wait_for("waiting")
        return phone

    async def scenario():
        screen = await host(server.url, code, created["host_token"])
        assert screen.last("host_state")["joins"] == {"locked": False, "expected_participants": 3, "n_waiting": 0}
        inside = [await participant(server.url, code, f"In{i}") for i in range(3)]
        waiting = await asyncio.gather(waiting_phone("Dee"), waiting_phone("Eve"))
        await screen.wait_for("joins", lambda j: j["n_waiting"] == 2)
        assert all(phone.last("welcome") is None for phone in waiting)
        assert (await waiting[0].call("enter", {}))["error"]["code"] == "waiting_for_host"

        mark = screen.mark()
        assert await screen.call("admit_waiting", {}) == {"ok": True, "n_waiting": 2}
        for phone in waiting:
            await phone.wait_for("admitted")
            assert await phone.call("enter", {}) == {"ok": True}
            await phone.wait_for("welcome")
        assert sorted(phone.last("welcome")["name"] for phone in waiting) == ["Dee", "Eve"]
        await screen.wait_for("joins", lambda j: j["n_waiting"] == 0, after=mark)
        await screen.wait_for("presence", lambda p: p["n_participants"] == 5)

        # A latecomer waits again; locking turns it away and closes its connection.
        late = await waiting_phone("Late")
        assert await screen.call("lock_joins", {}) == {"ok": True}
        turned = await late.wait_for("turned_away")
        assert turned["code"] == "joins_locked"
        for _ in range(500):
            if not late.client.connected:
                break
            await asyncio.sleep(0.02)
        assert not late.client.connected
        for phone in [screen, *inside, *waiting, late]:
            if phone.client.connected:
                await phone.disconnect()

    asyncio.run(scenario())
