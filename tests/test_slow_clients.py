"""Slow HTTP clients (issue #12): half-sent requests are timed out, slow requests
are capped per client address without ever refusing a room's established
WebSockets or long-polling phones, and the open-files limit is raised at start
(with a clear warning when it stays low).

One real ``live serve`` (gevent) for the module, with short timeouts and a small
cap so the tests are quick: the timeouts are waited for as conditions (the
server closes the connection), never measured.
"""

from __future__ import annotations

import asyncio
import resource
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, LiveServer, free_port, server_env
from tests.sockets import Recorder, host, participant

HEADER_TIMEOUT = 3
SLOW_CAP = 20
PLAN = {"title": "Lent", "activities": [{"type": "poll", "prompt": "Un livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]}]}
STATIC = "/static/js/common.js"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("slow")
    live = LiveServer(
        env=server_env(
            tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_HTTP_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
            LIVE_HTTP_IDLE_TIMEOUT="2", LIVE_HTTP_BODY_TIMEOUT="3", LIVE_SLOW_REQUESTS_PER_ADDRESS=str(SLOW_CAP),
        ),
        port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    # Started with a low soft limit of open files: live serve raises it to the hard one.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(512, hard), hard))
    try:
        live.start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    yield live
    live.stop()


def connection(server: LiveServer, source: str = "127.0.0.1") -> socket.socket:
    """A raw TCP connection to the server from ``source`` (any 127.x.y.z address is this machine)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30, source_address=(source, 0))
    return sock


def closed_by_server(sock: socket.socket, patience: float = 30.0) -> bytes | None:
    """Everything the server sent until it closed the connection, or None if it
    kept it open for ``patience`` seconds (a generous bound, not a measure)."""
    sock.settimeout(patience)
    received = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        return received
    finally:
        sock.close()


def request(path: str = STATIC) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: live.test\r\n\r\n".encode()


def full_response(sock: socket.socket) -> bytes:
    """One whole response (headers and Content-Length body) read from ``sock``."""
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_a_half_sent_request_is_closed_after_the_header_timeout(server):
    sock = connection(server)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: live.test\r\n")  # the blank line never comes
    assert closed_by_server(sock) == b""


def test_a_connection_that_never_speaks_is_closed(server):
    assert closed_by_server(connection(server)) == b""


def test_a_client_trickling_its_headers_is_closed_all_the_same(server):
    """One byte now and then, each well within the timeout: the deadline is for the
    whole request line and headers, not for each byte."""
    sock = connection(server)
    sock.settimeout(30)
    headers = b"GET / HTTP/1.1\r\nHost: live.test\r\n" + b"X-Slow: " + b"a" * 1000
    started = time.monotonic()
    for byte in headers:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
        time.sleep(0.25)  # the slow client's pace
        if time.monotonic() - started > 60:
            pytest.fail("the server let a trickling client hold its connection for a minute")
    assert closed_by_server(sock) is not None


def test_an_idle_kept_alive_connection_is_closed(server):
    sock = connection(server)
    sock.sendall(request())
    assert full_response(sock).startswith(b"HTTP/1.1 200")
    sock.sendall(request())  # kept alive: a second request on it works...
    assert full_response(sock).startswith(b"HTTP/1.1 200")
    assert closed_by_server(sock) == b""  # ...and then, idle, it is closed


def test_a_body_that_does_not_arrive_is_answered_and_closed(server):
    before = server.log_path.stat().st_size
    sock = connection(server)
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: live.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 1000\r\n\r\nemail=slow")
    answer = closed_by_server(sock)
    assert answer is not None and answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 408")), answer
    assert "Traceback" not in server.log_path.read_text()[before:]


def test_a_broken_chunked_body_is_answered_and_its_connection_closed(server):
    """What follows a body that cannot be read is not the next request: the connection
    closes after the answer (and a client gone meanwhile is no traceback)."""
    before = server.log_path.stat().st_size
    sock = connection(server)
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: live.test\r\nTransfer-Encoding: chunked\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\nGET / HTTP/1.1\r\n\r\n")
    answer = closed_by_server(sock)
    assert answer is not None and answer.startswith(b"HTTP/1.1 400") and answer.count(b"HTTP/1.1") == 1, answer
    assert "Traceback" not in server.log_path.read_text()[before:]


def test_slow_requests_are_capped_per_address_but_the_room_keeps_connecting(server):
    created = server.create_session(PLAN)
    code, poll = created["code"], created["activities"][0]["id"]
    slow: list[socket.socket] = []
    extra = 10

    def attack() -> tuple[bytes, list[bool]]:
        """An attacker on the room's address opens more connections than the cap and
        sends half a request on each; then a phone on that address asks for a page."""
        for _ in range(SLOW_CAP + extra):
            sock = connection(server)
            sock.sendall(b"GET / HTTP/1.1\r\n")
            slow.append(sock)
        phone = connection(server)
        phone.sendall(request())
        answered = full_response(phone)
        phone.close()
        # The oldest slow requests were closed to make room: their sockets read the end at once.
        readable, _, _ = select.select(slow, [], [], 0)
        return answered, [sock in readable for sock in slow]

    async def scenario():
        screen = await host(server.url, code, created["host_token"])
        assert await screen.call("open", {"activity_id": poll}) == {"ok": True}
        # More WebSockets than the cap, and long-polling phones, all from this one address.
        phones = [await participant(server.url, code, f"Phone {number}") for number in range(SLOW_CAP + 10)]
        phones += [await polling_participant(server.url, code, f"Polling {number}") for number in range(4)]
        answered, closed = await asyncio.to_thread(attack)
        # While the attack lasts, the room answers (the polling phones with new requests).
        acks = await answers_then_disconnect(screen, phones, poll)
        return answered, closed, acks

    try:
        answered, closed, acks = asyncio.run(scenario())
    finally:
        for sock in slow:
            sock.close()
    assert answered.startswith(b"HTTP/1.1 200")
    assert all(closed[:extra + 1]), closed  # the attacker never holds more than the cap
    assert all(ack["ok"] for ack in acks), acks
    log = server.log_path.read_text()
    assert "too many slow requests from 127.0.0.1" in log and "Traceback" not in log


async def answers_then_disconnect(screen, phones, poll):
    acks = [await phone.answer(poll, index % 3) for index, phone in enumerate(phones)]
    expected = [len(range(start, len(phones), 3)) for start in range(3)]
    await screen.wait_for("results", lambda r: r["counts"] == expected)
    for recorder in (screen, *phones):
        assert recorder.client.connected
        await recorder.disconnect()
    return acks


async def polling_participant(url: str, code: str, name: str) -> Recorder:
    """A phone whose network blocks WebSockets: long-polling only."""
    recorder = Recorder(url, {"code": code, "name": name})
    await recorder.client.connect(url, auth=recorder.auth, transports=["polling"], wait_timeout=10)
    await recorder.wait_for("welcome")
    return recorder


# ---- the open-files limit -------------------------------------------------------------

def test_live_serve_raises_its_open_files_limit_to_the_hard_one(server):
    limits = Path(f"/proc/{server.process.pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    assert soft == hard
    assert f"open files: {soft}" in server.log_path.read_text()


def limits_after_start(soft: int, hard: int) -> str:
    """What live says about the open-files limit in a process started with (soft, hard)."""
    code = ("from live.serving import raise_open_files_limit, open_files_lines\n"
            "print('\\n'.join(open_files_lines(*raise_open_files_limit())))\n")

    def lower():
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=lower,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_low_hard_limit_is_raised_as_far_as_allowed_and_warned_about():
    told = limits_after_start(256, 1024)
    assert "open files: 1024" in told
    assert "warning: only 1024 open files are allowed" in told and "LimitNOFILE" in told


def test_a_high_limit_is_not_warned_about():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 8192:
        pytest.skip(f"this machine's hard limit of open files is {hard}")
    told = limits_after_start(256, hard)
    assert "warning" not in told and "open files:" in told


# ---- the settings -----------------------------------------------------------------------

def test_the_limits_are_read_from_the_environment_and_checked(tmp_path):
    from live.config import Settings

    base = {"LIVE_DATA_DIR": str(tmp_path), "LIVE_SECRET_KEY": "k"}
    defaults = Settings.from_env(base)
    assert (defaults.http_header_timeout, defaults.http_idle_timeout, defaults.http_body_timeout,
            defaults.slow_requests_per_address) == (10.0, 15.0, 60.0, 256)
    chosen = Settings.from_env({**base, "LIVE_HTTP_HEADER_TIMEOUT": "5", "LIVE_HTTP_IDLE_TIMEOUT": "2.5",
                                "LIVE_HTTP_BODY_TIMEOUT": "120", "LIVE_SLOW_REQUESTS_PER_ADDRESS": "0"})
    assert (chosen.http_header_timeout, chosen.http_idle_timeout, chosen.http_body_timeout,
            chosen.slow_requests_per_address) == (5.0, 2.5, 120.0, 0)
    for name, value in (("LIVE_HTTP_HEADER_TIMEOUT", "0"), ("LIVE_HTTP_IDLE_TIMEOUT", "soon"),
                        ("LIVE_SLOW_REQUESTS_PER_ADDRESS", "-1")):
        with pytest.raises(SystemExit, match=name):
            Settings.from_env({**base, name: value})
