"""Scale-out for real: ``scripts/cluster 2`` runs two ``live serve`` processes
behind HAProxy on PostgreSQL and Redis. One session's participants are spread
over both processes; every answer is acknowledged and counted exactly once; the
process pushing the session's results is SIGKILLed; its participants reconnect
through HAProxy to the survivor with their token, keep their identity, answer
the next poll, and the counts stay exact; the survivor takes the lease over.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
import requests
import socketio

from tests.conftest import POLLS, ROOT, WAIT, LiveServer, missing_service, server_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

N_PHONES = 40
N_POLLING = 4
REDIS_URL = os.environ.get("LIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
ANSWER_TIMEOUT = 5.0  # seconds without an ack before a phone sends its answer again


def consecutive_free_ports(count: int) -> int:
    """The first of ``count`` consecutive ports that are free right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count >= 65000:
            continue
        try:
            held = []
            for port in range(first, first + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError("no run of free ports")


@dataclass
class Cluster:
    """``scripts/cluster 2`` running, and what the test needs to watch it."""

    process: subprocess.Popen
    server: LiveServer  # the CLI and API helpers, pointed at HAProxy
    stats_url: str
    prefix: str
    pids: dict[int, int] = field(default_factory=dict)  # process number -> pid
    lines: list[str] = field(default_factory=list)

    def wait_for_line(self, start: str, seconds: float = 90.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if line.startswith(start):
                    return line
            if self.process.poll() is not None:
                raise RuntimeError("scripts/cluster stopped:\n" + "\n".join(self.lines))
            time.sleep(0.1)
        raise RuntimeError(f"no {start!r} line from scripts/cluster:\n" + "\n".join(self.lines))

    def connections_per_process(self) -> dict[str, int]:
        """Open connections HAProxy holds to each live process right now."""
        rows = csv.DictReader(io.StringIO(requests.get(self.stats_url, timeout=WAIT).text.lstrip("# ")))
        return {row["svname"]: int(row["scur"]) for row in rows if row["pxname"] == "live_processes" and row["svname"].startswith("live")}

    def lease_holder_pid(self, code: str) -> int | None:
        import redis

        holder = redis.Redis.from_url(REDIS_URL).get(f"{self.prefix}:lease:{code}")
        return int(holder.decode().split("-")[-2]) if holder else None


@pytest.fixture
def cluster(tmp_path, postgres_url):
    if not (shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")):
        missing_service("haproxy is not installed (Debian: apt-get install haproxy)")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no server"
        missing_service(f"Redis is not reachable at {REDIS_URL}: {error}")
    # A prefix of its own: parallel runs on one Redis never hear each other.
    prefix = f"live-test-{uuid.uuid4().hex[:10]}"
    env = server_env(tmp_path, postgres_url, LIVE_REDIS_URL=REDIS_URL, LIVE_REDIS_PREFIX=prefix)
    # The four ports were free when chosen; on a shared machine another process may
    # take one before the cluster binds it: then the cluster starts again elsewhere.
    for attempt in range(3):
        running = start_cluster(env, tmp_path, prefix)
        try:
            running.wait_for_line("ready:")
            break
        except RuntimeError:
            stop_cluster(running, tmp_path)
            if attempt == 2 or not any("in use" in line for line in running.lines):
                raise
    try:
        for line in running.lines:
            if line.startswith("process ") and ": pid " in line:
                number, rest = line[len("process "):].split(": pid ")
                running.pids[int(number)] = int(rest.split()[0])
        yield running
    finally:
        stop_cluster(running, tmp_path)


def start_cluster(env: dict, tmp_path, prefix: str) -> Cluster:
    """``scripts/cluster 2`` starting on four consecutive free ports (not waited for)."""
    first = consecutive_free_ports(4)
    balancer, stats = first, first + 3
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "cluster"), "2", "--host", "127.0.0.1", "--port", str(balancer),
         "--first-port", str(first + 1), "--stats-port", str(stats)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    server = LiveServer(env=env, port=balancer, archive_dir=tmp_path / "sessions", log_path=tmp_path / "cluster.log")
    running = Cluster(process, server, f"http://127.0.0.1:{stats}/stats;csv", prefix)
    reader = threading.Thread(target=lambda: running.lines.extend(line.rstrip() for line in process.stdout), daemon=True)
    reader.start()
    return running


def stop_cluster(running: Cluster, tmp_path) -> None:
    process = running.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    (tmp_path / "cluster.log").write_text("\n".join(running.lines))


class Phone:
    """A participant that reconnects by itself, with its token, like the phone page."""

    def __init__(self, url: str, code: str, transport: str = "websocket") -> None:
        self.url = url
        self.transport = transport
        self.auth = {"code": code}
        self.welcomes: list[dict] = []
        self.disconnects = 0
        self.client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("welcome", self._welcome)
        self.client.on("disconnect", self._disconnected)

    async def _welcome(self, data):
        self.welcomes.append(data)
        self.auth["token"] = data["token"]  # sent again on every reconnect

    async def _disconnected(self, *_reason):
        self.disconnects += 1

    async def connect(self) -> "Phone":
        await self.client.connect(self.url, auth=self.auth, transports=[self.transport], wait_timeout=WAIT)
        await until(lambda: self.welcomes, f"no welcome for {self.auth}")
        return self

    @property
    def participant_id(self) -> str:
        return self.welcomes[0]["participant_id"]

    @property
    def back(self) -> bool:
        """Connected, and welcomed again after each time it was cut off."""
        return self.client.connected and len(self.welcomes) == self.disconnects + 1

    async def answer(self, activity_id: str, value, answer_id: str):
        """Sent once connected and sent again (same ``answer_id``) when no ack
        comes, as the phone page does: a long-polling phone may only find out
        that its process died when this answer is lost. A lost answer is only
        found out after ``ANSWER_TIMEOUT``: short, since the test waits that long,
        and sent again until ``WAIT`` is spent, since a busy machine is slow to ack."""
        payload = {"activity_id": activity_id, "value": value, "answer_id": answer_id}
        for _attempt in range(round(WAIT / ANSWER_TIMEOUT)):
            await until(lambda: self.back, f"phone {self.auth} did not come back")
            try:
                return await self.client.call("answer", payload, timeout=ANSWER_TIMEOUT)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                continue
        raise AssertionError(f"no ack for {payload}")


class Host:
    """The host screen, reconnecting by itself, recording what it hears."""

    def __init__(self, url: str, code: str, host_token: str) -> None:
        self.url = url
        self.auth = {"code": code, "host_token": host_token}
        self.events: list[tuple[str, object]] = []
        self.client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("*", self._record)

    async def _record(self, event, data=None):
        self.events.append((event, data))

    async def connect(self) -> "Host":
        await self.client.connect(self.url, auth=self.auth, transports=["websocket"], wait_timeout=WAIT)
        return self

    def heard(self, event: str, predicate) -> bool:
        return any(name == event and predicate(data) for name, data in self.events)

    async def call(self, event: str, data):
        await until(lambda: self.client.connected, "the host screen did not reconnect")
        return await self.client.call(event, data, timeout=WAIT)


async def until(condition, message: str, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        await asyncio.sleep(0.05)


async def vote(phones: list[Phone], activity_id: str, shift: int) -> list[int]:
    """Every phone answers (``index + shift`` mod 3); returns the expected counts."""
    acks = await asyncio.gather(*(
        phone.answer(activity_id, (index + shift) % 3, f"{phone.participant_id[:20]}-{activity_id[:20]}")
        for index, phone in enumerate(phones)
    ))
    assert all(ack.get("ok") for ack in acks), [ack for ack in acks if not ack.get("ok")]
    return [sum(1 for index in range(len(phones)) if (index + shift) % 3 == option) for option in range(3)]


def test_a_session_spread_over_two_processes_survives_losing_one(cluster):
    polls = {"title": POLLS["title"], "activities": [POLLS["activities"][0], dict(POLLS["activities"][0], prompt="Et ensuite ?")]}
    created = cluster.server.create_session(polls)
    code, host_token = created["code"], created["host_token"]
    first_poll, second_poll = (activity["id"] for activity in created["activities"])
    url = cluster.server.url

    async def scenario():
        host = await Host(url, code, host_token).connect()
        phones = []
        for batch in range(0, N_PHONES - N_POLLING, 10):
            size = min(10, N_PHONES - N_POLLING - batch)
            phones += await asyncio.gather(*(Phone(url, code).connect() for _ in range(size)))
        # Phones whose network blocks WebSockets long-poll: many requests per
        # connection, kept on one process by HAProxy's cookie. (aiohttp keeps
        # no cookie for a bare IP address, as browsers do: hence "localhost".)
        polling_url = url.replace("127.0.0.1", "localhost")
        phones += await asyncio.gather(*(Phone(polling_url, code, "polling").connect() for _ in range(N_POLLING)))
        spread = cluster.connections_per_process()
        assert len(spread) == 2 and all(count > 0 for count in spread.values()), spread  # both hold phones

        assert (await host.call("open", {"activity_id": first_poll}))["ok"]
        expected_first = await vote(phones, first_poll, 0)
        await until(lambda: host.heard("results", lambda r: r["activity_id"] == first_poll and r["counts"] == expected_first),
                    f"the host never saw {expected_first}: {host.events[-3:]}")

        # Kill the process that pushes this session's results, without warning.
        holder = cluster.lease_holder_pid(code)
        assert holder in cluster.pids.values()
        os.kill(holder, signal.SIGKILL)
        survivor = next(pid for pid in cluster.pids.values() if pid != holder)

        await until(lambda: any(phone.disconnects for phone in phones), "nobody was on the killed process")
        await until(lambda: all(phone.back for phone in phones), "the moved phones did not all come back")
        moved = [phone for phone in phones if phone.disconnects]
        # A moved phone resends the answer whose ack it may have lost: counted once.
        resent = await moved[0].answer(first_poll, 2, f"{moved[0].participant_id[:20]}-{first_poll[:20]}")
        assert resent["ok"] is True

        assert (await host.call("open", {"activity_id": second_poll}))["ok"]
        expected_second = await vote(phones, second_poll, 1)
        await until(lambda: host.heard("results", lambda r: r["activity_id"] == second_poll and r["counts"] == expected_second),
                    f"the host never saw {expected_second} after the failover: {host.events[-3:]}")
        await until(lambda: host.heard("presence", lambda p: p == {"n_participants": N_PHONES, "n_connected": N_PHONES}),
                    f"presence never counted every phone on the survivor: {[d for n, d in host.events if n == 'presence'][-3:]}, {[(p.transport, p.disconnects, len(p.welcomes), p.client.connected) for p in phones if p.disconnects]}")
        await until(lambda: cluster.lease_holder_pid(code) == survivor, "the survivor did not take the lease")
        moved = [phone for phone in phones if phone.disconnects]
        assert 0 < len(moved) < len(phones)  # the phones on the survivor never noticed
        for phone in moved:  # the same participant, with its answer, through the other process
            assert {welcome["participant_id"] for welcome in phone.welcomes} == {phone.participant_id}
            assert phone.welcomes[-1]["answers"][first_poll] == phone.welcomes[1]["answers"][first_poll]
            assert len(phone.welcomes[1]["answers"][first_poll]) == 1
        await asyncio.gather(host.client.disconnect(), *(phone.client.disconnect() for phone in phones))
        return expected_first, expected_second

    expected_first, expected_second = asyncio.run(scenario())
    token = cluster.server.facilitator()
    summary = requests.get(f"{url}/api/sessions/{code}/summary", headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
    by_id = {activity["id"]: activity for activity in summary.json()["activities"]}
    assert by_id[first_poll]["counts"] == expected_first and by_id[second_poll]["counts"] == expected_second
    assert summary.json()["n_participants"] == N_PHONES
    assert any(line.startswith("process ") and "stopped with status -9" in line for line in cluster.lines)
