"""Latency under abuse (issue #12), small enough for a shared machine:

    .venv/bin/python scripts/bench_abuse.py [--phones 30] [--flood 2000] [--lock 5]

Starts a fresh ``live serve`` (gevent, SQLite) in a temporary folder, connects a
host and ``--phones`` participants (python-socketio), then measures the honest
phones' ack latency and a page's latency:
- quiet: nothing else going on;
- flood: ``--flood`` connections, none with a join code, each sending one
  malformed packet (40 at a time), and one burst of 3,000 malformed packets on
  one more connection; also the bytes the server logged meanwhile;
- lock: another process holds SQLite's write lock for ``--lock`` seconds
  (BEGIN IMMEDIATE); the answers sent meanwhile wait for it (their latency
  includes the wait), pages do not.
Prints a Markdown table for docs/BENCHMARKS.md. Nothing is asserted here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests
import socketio

# LIVE_BENCH_ROOT: run another checkout's live (to compare with a version before a change).
ROOT = Path(os.environ.get("LIVE_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
PLAN = {"title": "Bench", "activities": [
    {"type": "poll", "prompt": f"Question {n}", "options": ["A", "B", "C"]} for n in range(1, 4)]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(folder: Path) -> tuple[subprocess.Popen, str, dict, Path]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("LIVE_")}
    env.update(LIVE_DATA_DIR=str(folder / "data"), LIVE_ARCHIVE_DIR=str(folder / "sessions"),
               LIVE_SECRET_KEY="bench", LIVE_TIMEZONE="UTC", LIVE_RATE_LIMITS="off", PYTHONUNBUFFERED="1")
    log = folder / "server.log"
    process = subprocess.Popen([sys.executable, "-m", "live", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, cwd=ROOT, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(url + "/", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    cli = [sys.executable, "-m", "live"]
    subprocess.run([*cli, "facilitator", "add", "bench@example.org", "--password-stdin"], input="correct horse\n",
                   text=True, env=env, cwd=ROOT, check=True, capture_output=True)
    token = subprocess.run([*cli, "token", "create", "bench@example.org"], text=True, env=env, cwd=ROOT, check=True,
                           capture_output=True).stdout.strip().splitlines()[-1]
    created = requests.post(url + "/api/sessions", json=PLAN, headers={"Authorization": f"Bearer {token}"},
                            timeout=10).json()
    return process, url, created, log


async def connect(url: str, auth: dict) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    return client


async def votes(phones, poll: str) -> tuple[list[float], int]:
    """Every phone answers ``poll`` at once: each ack's latency in ms, and how many were not ok."""
    async def one(index, phone):
        started = time.perf_counter()
        try:
            ack = await phone.call("answer", {"activity_id": poll, "value": index % 3, "answer_id": f"{poll}-{index}"},
                                   timeout=60)
        except socketio.exceptions.SocketIOError:
            ack = {}
        return (time.perf_counter() - started) * 1000, bool(ack.get("ok"))
    results = await asyncio.gather(*(one(index, phone) for index, phone in enumerate(phones)))
    return [latency for latency, _ok in results], sum(1 for _latency, ok in results if not ok)


async def page_times(url: str, path: str, count: int, pause: float = 0.05) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        try:
            await asyncio.to_thread(requests.get, url + path, timeout=60)
        except requests.RequestException:
            pass
        times.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(pause)
    return times


async def flood(url: str, connections: int) -> None:
    engineio = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
    gate = asyncio.Semaphore(40)

    async def one(frames):
        async with gate:
            try:
                async with aiohttp.ClientSession() as http, http.ws_connect(engineio) as ws:
                    await ws.receive_str(timeout=10)
                    for frame in frames:
                        await ws.send_str(frame)
                    # Fire and forget, as an attacker would: wait for nothing (a closing server
                    # answers at once, one that keeps the connection would hold the flood up here).
                    await ws.receive(timeout=0.2)
            except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
                pass

    await asyncio.gather(*(one(['42["answer",{broken']) for _ in range(connections)),
                         one(['42["answer",{broken'] * 3000))


def summary(values, failed: int = 0) -> str:
    if isinstance(values, tuple):
        values, failed = values
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    told = f"{statistics.median(values):.0f} / {p95:.0f} / {values[-1]:.0f}"
    return told + (f" ({failed} not ok)" if failed else "")


async def run(arguments) -> None:
    folder = Path(tempfile.mkdtemp(prefix="live-bench-abuse-"))
    process, url, created, log = start_server(folder)
    try:
        code, polls = created["code"], [activity["id"] for activity in created["activities"]]
        host = await connect(url, {"code": code, "host_token": created["host_token"]})
        phones = [await connect(url, {"code": code, "name": f"P{n}"}) for n in range(arguments.phones)]
        rows = []

        await host.call("open", {"activity_id": polls[0]})
        quiet_pages = await page_times(url, "/", 20)
        rows.append(("quiet", summary(await votes(phones, polls[0])), summary(quiet_pages), "-"))

        await host.call("open", {"activity_id": polls[1]})
        logged_before = log.stat().st_size
        flooding = asyncio.create_task(flood(url, arguments.flood))
        await asyncio.sleep(0.5)  # the flood is under way
        flood_acks = await votes(phones, polls[1])
        flood_pages = []
        while not flooding.done():  # a page, again and again, for as long as the flood lasts
            flood_pages += await page_times(url, "/", 1)
        await flooding
        logged = log.stat().st_size - logged_before
        rows.append((f"flood ({arguments.flood} connections + 3,000 packets)", summary(flood_acks),
                     summary(flood_pages), f"{logged} bytes"))

        await host.call("open", {"activity_id": polls[2]})
        holder = sqlite3.connect(folder / "data" / "live.sqlite3", isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        voting = asyncio.create_task(votes(phones, polls[2]))
        lock_pages, released_at = [], time.monotonic() + arguments.lock
        while time.monotonic() < released_at:
            lock_pages += await page_times(url, f"/j/{code}", 1)
        holder.execute("ROLLBACK")
        rows.append((f"SQLite lock held {arguments.lock} s", summary(await voting), summary(lock_pages), "-"))
        for client in (host, *phones):
            await client.disconnect()
    finally:
        process.terminate()
        process.wait(15)
    print(f"{arguments.phones} phones; ms as median / p95 / max\n")
    print("| while | ack latency (ms) | page latency (ms) | server log |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(json.dumps({"load_average": os.getloadavg()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--flood", type=int, default=2000, help="malformed connections")
    parser.add_argument("--lock", type=float, default=5.0, help="seconds another process holds SQLite's write lock")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
