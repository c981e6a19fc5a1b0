"""Malformed Socket.IO and Engine.IO packets (issue #12, "log flood"): each one
closes the connection that sent it and costs one short log line at most (one
per client address a minute, with a count of what was held back), never a
traceback; a flood of them leaves honest phones answering, their answers
acknowledged and counted exactly.

The decoding rules and the throttled log are tested directly; one real
``live serve`` (gevent, SQLite) for the module takes the floods.
"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
import requests

from live.realtime.malformed import ProtocolError, StrictPacket, body_problem, frame_problem
from live.throttled_log import ThrottledLog
from tests.conftest import LiveServer, free_port, server_env
from tests.sockets import host, participant

PLAN = {"title": "Flood", "activities": [{"type": "poll", "prompt": "Un livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]}]}

# What no honest client sends, at the Socket.IO level (after "4", the Engine.IO message type)...
MALFORMED_MESSAGES = [
    '42["answer",{broken',                                   # truncated JSON
    '42["answer",{"activity_id":"x","value":%s}]' % ("1" * 150),  # a 150-digit integer
    '42["answer",' + "[" * 100_000 + "]" * 100_000 + "]",   # far deeper than any parser goes (and over 64 KB)
    '42["answer",' + "[" * 20_000 + "]" * 20_000 + "]",     # deep, and under 64 KB
    "49", "4x", "44{}",                                      # unknown packet types, a client's connect_error
    '451-["answer",{"_placeholder":true,"num":0}]',         # a binary attachment that never arrives
    "42", "421", "42[]", "42{}", "42[1,2]", "42[null]",      # events without a name
]
# ...and at the Engine.IO level.
MALFORMED_FRAMES = ["x", "", "9", "0", "4", "4[[[[", "b" + "QUJD"]


# ---- the rules, directly ------------------------------------------------------------

@pytest.mark.parametrize("message", MALFORMED_MESSAGES)
def test_malformed_socketio_packets_are_protocol_errors(message):
    with pytest.raises(ProtocolError):
        StrictPacket(encoded_packet=message[1:])


@pytest.mark.parametrize("message", [
    '2["answer",{"activity_id":"a","value":1,"answer_id":"x"}]', '27["answer",{}]', '0{"code":"ABC"}', "0",
    "1", "3", '31["ok"]', '2["answer",NaN]', '2["answer",' + "[" * 50 + "]" * 50 + "]",
])
def test_what_honest_clients_send_decodes(message):
    packet = StrictPacket(encoded_packet=message)
    assert packet.packet_type in (0, 1, 2, 3)


def test_binary_data_is_refused_at_both_levels():
    with pytest.raises(ProtocolError, match="binary"):
        StrictPacket(encoded_packet=b"abc")
    assert frame_problem(b"abc") == "binary data"
    assert frame_problem("bQUJD") is not None


@pytest.mark.parametrize("frame", MALFORMED_FRAMES)
def test_malformed_engineio_frames_are_named(frame):
    assert frame_problem(frame)


@pytest.mark.parametrize("frame", [None, "1", "2probe", "3", "5", "6", '42["answer",{}]', "40", '40{"code":"A"}'])
def test_honest_engineio_frames_pass(frame):
    assert frame_problem(frame) is None


def test_polling_bodies_are_checked_packet_by_packet():
    assert body_problem('42["answer",{}]\x1e3'.encode()) is None
    assert body_problem('42["answer",{}]\x1ex'.encode()) == "unknown Engine.IO packet type"
    assert body_problem(b"\xff\xfe") == "not UTF-8"
    assert body_problem("\x1e".join(["3"] * 17).encode()) == "too many packets"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_log_writes_one_line_per_address_a_minute_and_counts_the_rest(caplog):
    clock = FakeClock()
    report = ThrottledLog(logging.getLogger("test.throttled"), "malformed packet", interval=60, overall=3, clock=clock)
    with caplog.at_level(logging.WARNING, logger="test.throttled"):
        assert report.report("10.0.0.1", "truncated JSON") is True
        for _ in range(500):
            assert report.report("10.0.0.1", "truncated JSON") is False
        clock.now += 61
        assert report.report("10.0.0.1", "unknown packet type") is True
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "malformed packet from 10.0.0.1: truncated JSON",
        "malformed packet from 10.0.0.1: unknown packet type (500 more from this address not logged)",
    ]
    assert (report.reported, report.logged) == (502, 2)


def test_many_addresses_share_an_overall_budget(caplog):
    clock = FakeClock()
    report = ThrottledLog(logging.getLogger("test.throttled"), "malformed packet", interval=60, overall=3, clock=clock)
    with caplog.at_level(logging.WARNING, logger="test.throttled"):
        for number in range(1000):
            report.report(f"2001:db8::{number:x}", "x")
        clock.now += 61
        report.report("2001:db8::ffff", "x")
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 4
    assert lines[-1].endswith("(997 from other addresses not logged)")


def test_what_the_client_wrote_reaches_the_log_on_one_short_line(caplog):
    report = ThrottledLog(logging.getLogger("test.throttled"), "invalid HTTP request")
    with caplog.at_level(logging.WARNING, logger="test.throttled"):
        report.report("1.2.3.4\nforged line", "GET /\r\n" + "x" * 5000)
    (line,) = [record.getMessage() for record in caplog.records]
    assert "\n" not in line and "\r" not in line and len(line) < 300


# ---- a real server ------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("packets")
    live = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_JOIN_GUESSES="100000"),
        port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    live.start()
    yield live
    live.stop()


class LogWatch:
    """What the server logged since this watch began."""

    def __init__(self, server: LiveServer) -> None:
        self.path = server.log_path
        self.start = self.path.stat().st_size

    def new(self) -> str:
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            handle.seek(self.start)
            return handle.read()


def engineio_url(server: LiveServer) -> str:
    return server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"


async def closed_after(http: aiohttp.ClientSession, server: LiveServer, frames: list, auth: dict | None = None) -> bool:
    """Open a bare Engine.IO WebSocket (joined with ``auth`` when given), send
    ``frames`` and tell whether the server then closed it."""
    ws = await http.ws_connect(engineio_url(server))
    assert (await ws.receive_str(timeout=10)).startswith("0")
    if auth is not None:
        await ws.send_str("40" + json.dumps(auth))
        heard = [await ws.receive_str(timeout=10) for _ in range(2)]  # the connect ack and the welcome
        assert any('"welcome"' in frame for frame in heard), heard
    for frame in frames:
        if isinstance(frame, bytes):
            await ws.send_bytes(frame)
        else:
            await ws.send_str(frame)
    deadline = asyncio.get_running_loop().time() + 15
    try:
        while True:
            left = deadline - asyncio.get_running_loop().time()
            message = await ws.receive(timeout=max(left, 0.01))
            if message.type == aiohttp.WSMsgType.TEXT and message.data == "2":
                await ws.send_str("3")  # a ping: answer it, as a live connection would
                continue
            if message.type != aiohttp.WSMsgType.TEXT or message.data == "1":
                return True  # a close packet, or the WebSocket closed
    except asyncio.TimeoutError:
        return False
    finally:
        await ws.close()


async def ack_after(http: aiohttp.ClientSession, server: LiveServer, frames: list, auth: dict, poll: str):
    """Join with ``auth`` on a bare WebSocket, send ``frames``, then a vote; its ack."""
    ws = await http.ws_connect(engineio_url(server))
    await ws.receive_str(timeout=10)
    await ws.send_str("40" + json.dumps(auth))
    for _ in range(2):
        await ws.receive_str(timeout=10)
    for frame in frames:
        await ws.send_str(frame)
    await ws.send_str('4299["answer",{"activity_id":"%s","value":2,"answer_id":"after-odd"}]' % poll)
    try:
        while True:
            message = await ws.receive(timeout=30)
            if message.type != aiohttp.WSMsgType.TEXT:
                return message.type
            if message.data == "2":
                await ws.send_str("3")
            elif message.data.startswith("4399["):
                return json.loads(message.data[len("4399"):])[0]
    finally:
        await ws.close()


async def honest_room(server: LiveServer, count: int):
    created = server.create_session(PLAN)
    code, poll = created["code"], created["activities"][0]["id"]
    screen = await host(server.url, code, created["host_token"])
    assert await screen.call("open", {"activity_id": poll}) == {"ok": True}
    phones = [await participant(server.url, code, f"Honest {number}") for number in range(count)]
    return created, screen, phones


def malformed_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if "malformed Socket.IO packet" in line]


def test_each_malformed_packet_closes_its_own_connection_and_no_other(server):
    watch = LogWatch(server)

    async def scenario():
        created, screen, phones = await honest_room(server, 3)
        poll = created["activities"][0]["id"]
        async with aiohttp.ClientSession() as http:
            for message in MALFORMED_MESSAGES:
                assert await closed_after(http, server, ["4" + message], {"code": created["code"]}), message
            for frame in [*MALFORMED_FRAMES, b"\x00binary"]:
                assert await closed_after(http, server, [frame], {"code": created["code"]}), frame
            # Well-formed, if odd, packets keep their connection: an answer sent after them is acknowledged.
            assert await ack_after(http, server, ["6", "43", '42["message",{}]'], {"code": created["code"]}, poll) == {
                "ok": True, "remaining": 0}
        acks = [await phone.answer(poll, index) for index, phone in enumerate(phones)]
        results = await screen.wait_for("results", lambda r: r["counts"] == [1, 1, 2])
        for recorder in (screen, *phones):
            assert recorder.client.connected
            await recorder.disconnect()
        return acks, results

    acks, results = asyncio.run(scenario())
    assert [ack["ok"] for ack in acks] == [True, True, True] and results["n_answers"] == 4
    log = watch.new()
    assert "Traceback" not in log and "Error" not in log, log[-3000:]
    assert len(malformed_lines(log)) <= 1  # one line a minute for this address
    assert "malformed Socket.IO packet from 127.0.0.1" in server.log_path.read_text()


def test_a_flood_of_malformed_packets_writes_a_line_and_honest_answers_all_count(server):
    watch = LogWatch(server)
    flood_connections, burst = 600, 3000

    async def flood(http, code):
        # Many connections, none with a join code, each sending one malformed packet...
        gate = asyncio.Semaphore(40)

        async def one(index):
            async with gate:
                return await closed_after(http, server, ['42["answer",{broken' + str(index)])

        closed = await asyncio.gather(*(one(index) for index in range(flood_connections)))
        # ...and one connection sending thousands at once: the first closes it, the rest cost nothing.
        many = ['42["answer",{broken'] * burst
        return sum(closed), await closed_after(http, server, many, {"code": code})

    async def scenario():
        created, screen, phones = await honest_room(server, 12)
        poll = created["activities"][0]["id"]

        async def vote(index, phone):
            await asyncio.sleep(0.05 * index)  # spread over the flood
            return await phone.answer(poll, index % 3)

        async with aiohttp.ClientSession() as http:
            (closed, burst_closed), *acks = await asyncio.gather(
                flood(http, created["code"]), *(vote(index, phone) for index, phone in enumerate(phones))
            )
        results = await screen.wait_for("results", lambda r: r["counts"] == [4, 4, 4], timeout=30)
        for recorder in (screen, *phones):
            await recorder.disconnect()
        return created, closed, burst_closed, acks, results

    created, closed, burst_closed, acks, results = asyncio.run(scenario())
    assert closed == flood_connections and burst_closed
    assert all(ack["ok"] for ack in acks), acks
    assert results["n_answers"] == 12
    token = server.facilitator()
    summary = requests.get(f"{server.url}/api/sessions/{created['code']}/summary",
                           headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    assert summary["activities"][0]["counts"] == [4, 4, 4]
    log = watch.new()
    assert "Traceback" not in log, log[-3000:]
    assert len(malformed_lines(log)) <= 1, malformed_lines(log)
    assert len(log) < 2000, log[-2000:]  # 3,600 malformed packets: a few hundred bytes at most


def polling_connection(http: requests.Session, base: str) -> str:
    """A long-polling Engine.IO connection (in no session: its connect is refused, fine); its URL."""
    sid = json.loads(http.get(base, timeout=10).text[1:])["sid"]
    polling = f"{base}&sid={sid}"
    assert http.post(polling, data="40", timeout=10).status_code == 200
    assert "unknown_session" in http.get(polling, timeout=10).text
    return polling


def test_malformed_long_polling_bodies_close_their_connection(server):
    watch = LogWatch(server)
    base = f"{server.url}/socket.io/?EIO=4&transport=polling"
    with requests.Session() as http:
        # Malformed at the Engine.IO level: refused before it is decoded.
        engineio = polling_connection(http, base)
        refused = http.post(engineio, data="3\x1ex" + "[" * 30_000, timeout=10)
        engineio_after = http.get(engineio, timeout=10)
        # Malformed at the Socket.IO level: the packet is dropped and the connection closed.
        socketio = polling_connection(http, base)
        http.post(socketio, data='3\x1e42["answer",' + "[" * 30_000 + "]" * 30_000 + "]", timeout=10)
        socketio_after = http.get(socketio, timeout=10)
        fresh = http.get(base, timeout=10)
    assert refused.status_code == 400
    for after in (engineio_after, socketio_after):  # gone, or told it is closed
        assert after.status_code == 400 or after.text.endswith("1"), (after.status_code, after.text)
    assert fresh.status_code == 200 and fresh.text.startswith("0")
    log = watch.new()
    assert "Traceback" not in log, log[-3000:]
