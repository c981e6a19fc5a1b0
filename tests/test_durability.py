"""An acknowledged answer is durable: SIGKILL the server right after the last
ack, start it again on the same database, and every acknowledged answer is there."""

from __future__ import annotations

import asyncio
import signal

import pytest

from tests.conftest import POLLS
from tests.sockets import host, participant

pytestmark = pytest.mark.slow

N_PHONES = 60


def test_every_acknowledged_answer_survives_a_sigkill(live_server):
    created = live_server.create_session(POLLS)
    code, single = created["code"], created["activities"][0]["id"]

    async def vote():
        screen = await host(live_server.url, code, created["host_token"])
        await screen.call("open", {"activity_id": single})
        phones = await asyncio.gather(*(participant(live_server.url, code) for _ in range(N_PHONES)))
        acks = await asyncio.gather(*(phone.answer(single, index % 3) for index, phone in enumerate(phones)))
        # Killed the moment the last ack is in: no graceful shutdown, no flush.
        live_server.process.send_signal(signal.SIGKILL)
        live_server.process.wait(10)
        return [index for index, ack in enumerate(acks) if ack.get("ok")]

    acknowledged = asyncio.run(vote())
    assert len(acknowledged) == N_PHONES
    live_server.start()

    async def count():
        screen = await host(live_server.url, code, created["host_token"])
        results = await screen.wait_for("results", lambda r: r["activity_id"] == single)
        await screen.disconnect()
        return results

    results = asyncio.run(count())
    expected = [sum(1 for index in acknowledged if index % 3 == option) for option in range(3)]
    assert results["counts"] == expected and results["n_answers"] == len(acknowledged)
