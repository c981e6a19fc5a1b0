"""python-socketio clients for the real-server tests: a participant and a host
that record what they hear and can wait for a condition.

Every wait has a generous default (``WAIT``): on a busy machine a test is slower,
never red; only what never comes fails it."""

from __future__ import annotations

import asyncio
import threading
import uuid

import socketio

from tests.conftest import WAIT


class Recorder:
    """One Socket.IO connection and everything it heard, event by event."""

    def __init__(self, url: str, auth: dict) -> None:
        self.url = url
        self.auth = auth
        self.events: list[tuple[str, object]] = []
        self.connect_error: object = None
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("*", self._record)
        self.client.on("connect_error", self._refused)

    async def _record(self, event, data=None):
        self.events.append((event, data))

    async def _refused(self, data=None):
        self.connect_error = data

    async def connect(self) -> "Recorder":
        await self.client.connect(self.url, auth=self.auth, transports=["websocket"], wait_timeout=WAIT)
        return self

    async def disconnect(self) -> None:
        await self.client.disconnect()

    def last(self, event: str):
        for name, data in reversed(self.events):
            if name == event:
                return data
        return None

    def all(self, event: str) -> list:
        return [data for name, data in self.events if name == event]

    def mark(self) -> int:
        """A bookmark: ``wait_for(..., after=mark)`` ignores what was heard before it."""
        return len(self.events)

    async def wait_for(self, event: str, predicate=lambda data: True, timeout: float = WAIT, after: int = 0):
        """The first ``event`` (already heard since ``after``, or coming) whose data satisfies ``predicate``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for name, data in self.events[after:]:
                if name == event and predicate(data):
                    return data
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no {event} matching within {timeout}s; heard {self.events[-5:]}")
            await asyncio.sleep(0.02)

    async def call(self, event: str, data=None, timeout: float = WAIT):
        return await self.client.call(event, data, timeout=timeout)

    async def answer(self, activity_id: str, value, answer_id: str | None = None):
        payload = {"activity_id": activity_id, "value": value, "answer_id": answer_id or uuid.uuid4().hex}
        return await self.call("answer", payload)


async def participant(url: str, code: str, name: str | None = None, token: str | None = None) -> Recorder:
    auth = {"code": code}
    if name is not None:
        auth["name"] = name
    if token is not None:
        auth["token"] = token
    recorder = await Recorder(url, auth).connect()
    await recorder.wait_for("welcome")
    return recorder


async def host(url: str, code: str, host_token: str) -> Recorder:
    recorder = await Recorder(url, {"code": code, "host_token": host_token}).connect()
    await recorder.wait_for("host_state")
    return recorder


async def refused(url: str, auth) -> object:
    """Try to connect with ``auth`` and return what the server refused it with."""
    recorder = Recorder(url, auth)
    try:
        await recorder.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=WAIT)
    except socketio.exceptions.ConnectionError:
        pass
    else:
        await recorder.disconnect()
        raise AssertionError("the connection was accepted")
    deadline = asyncio.get_running_loop().time() + WAIT
    while recorder.connect_error is None and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    return recorder.connect_error


def run_beside_playwright(make_coroutine) -> None:
    """Run ``make_coroutine()`` to its end in a thread of its own (Playwright's sync API
    holds this thread's event loop); what it raised is raised here."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(make_coroutine())
        except BaseException as error:  # noqa: BLE001 - raised again in the caller
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
