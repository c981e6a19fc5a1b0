"""A SQLite write lock held by another process (issue #12): the server waits for
it without freezing, so pages keep loading meanwhile, and the answers sent
meanwhile are acknowledged once the lock goes, none lost, none doubled.

A real ``live serve`` (gevent, where the old busy wait blocked the event loop);
this test process holds the lock with ``BEGIN IMMEDIATE`` on the same file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid

import pytest
import requests

from live.store.db import PatientConnection
from tests.conftest import LiveServer, free_port, server_env
from tests.sockets import host, participant

PLAN = {"title": "Verrou", "activities": [{"type": "poll", "prompt": "Un livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]}]}
PHONES = 6


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("lock")
    live = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}"),
        port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    live.start()
    live.database = tmp_path / "live.sqlite3"
    yield live
    live.stop()


class WriteLock:
    """Another process's write transaction on the server's SQLite file."""

    def __init__(self, path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=30)

    def __enter__(self) -> "WriteLock":
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *_exc) -> None:
        # It wrote something of its own meanwhile, as a real writer would.
        self.connection.execute("CREATE TABLE IF NOT EXISTS someone_else (note TEXT)")
        self.connection.execute("INSERT INTO someone_else VALUES ('was here')")
        self.connection.execute("COMMIT")
        self.connection.close()


def test_a_held_lock_stops_no_page_and_loses_no_answer(server):
    created = server.create_session(PLAN)
    code, poll = created["code"], created["activities"][0]["id"]
    pages = ["/static/js/common.js", "/", f"/j/{code}", f"/qr/{code}.svg"]

    async def scenario():
        screen = await host(server.url, code, created["host_token"])
        assert await screen.call("open", {"activity_id": poll}) == {"ok": True}
        phones = [await participant(server.url, code, f"Phone {number}") for number in range(PHONES)]
        acks: dict[int, asyncio.Future] = {}
        loop = asyncio.get_running_loop()
        with WriteLock(server.database):
            # Answers sent while the lock is held: they wait for it...
            for index, phone in enumerate(phones):
                acks[index] = loop.create_future()
                payload = {"activity_id": poll, "value": index % 3, "answer_id": f"held-{index}"}
                await phone.client.emit("answer", payload, callback=lambda *ack, future=acks[index]: future.set_result(ack))
            # ...while pages load, those that read the database included (WAL readers never wait).
            statuses = []
            for _ in range(3):
                for path in pages:
                    response = await asyncio.to_thread(requests.get, server.url + path, timeout=20)
                    statuses.append(response.status_code)
            pending_while_locked = sum(not future.done() for future in acks.values())
        answered = [(await asyncio.wait_for(future, 60))[0] for future in acks.values()]
        # The same answers again (a phone resending what it was not sure of): counted once.
        again = [await phone.answer(poll, index % 3, answer_id=f"held-{index}") for index, phone in enumerate(phones)]
        results = await screen.wait_for("results", lambda r: r["counts"] == [2, 2, 2], timeout=30)
        connected = all(recorder.client.connected for recorder in (screen, *phones))
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return statuses, pending_while_locked, answered, again, results, connected

    statuses, pending, answered, again, results, connected = asyncio.run(scenario())
    assert statuses == [200] * len(statuses)
    assert pending == PHONES  # the lock really held them back while the pages loaded
    assert all(ack["ok"] for ack in answered), answered
    assert all(ack["ok"] for ack in again), again
    assert results["n_answers"] == PHONES and connected
    summary = requests.get(f"{server.url}/api/sessions/{code}/summary",
                           headers={"Authorization": f"Bearer {server.facilitator()}"}, timeout=10).json()
    assert summary["activities"][0]["counts"] == [2, 2, 2]
    assert "Traceback" not in server.log_path.read_text()


def test_a_statement_that_meets_a_lock_is_tried_again_until_it_goes(tmp_path):
    """The connection factory itself, in one process: a writer waits (sleeping, so
    under gevent other greenlets run), then writes once the other one commits."""
    import threading

    path = tmp_path / "patience.sqlite3"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (id TEXT PRIMARY KEY)")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES ('other')")
    patient = sqlite3.connect(path, timeout=0, factory=PatientConnection, check_same_thread=False)
    written = threading.Event()

    def write():
        patient.executemany("INSERT INTO t VALUES (?)", [(uuid.uuid4().hex,), (uuid.uuid4().hex,)])
        patient.commit()
        written.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not written.wait(0.3)  # still waiting for the lock
    other.execute("COMMIT")
    writer.join(30)
    assert written.is_set()
    assert setup.execute("SELECT count(*) FROM t").fetchone()[0] == 3
