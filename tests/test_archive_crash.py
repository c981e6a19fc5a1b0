"""A real ``live serve`` (gevent, SQLite) stopped at well-defined points
(live/pause_points.py, ``LIVE_TEST_PAUSE_DIR``):

- killed with SIGKILL while it writes an archive, it leaves no half folder, and once
  restarted the archive is complete (issue 12, item 3);
- while it draws the heaviest summary page, phones keep voting and getting their
  acks, so the drawing does not run in the event loop; once drawn, the page is
  served from what was kept, again and again, while phones vote (item 2).

Speed is not asserted here: docs/BENCHMARKS.md has the figures (scripts/bench
--archive-load)."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from live.archive.writer import is_complete
from live.services import archives
from live.store.db import make_engine, make_sessionmaker
from tests.archive_samples import heavy_summary, written
from tests.conftest import LiveServer, free_port, server_env
from tests.sockets import host, participant

pytestmark = pytest.mark.slow

POLLS = {
    "title": "Soirée",
    "activities": [
        {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]},
        {"type": "poll", "prompt": "Quel jour ?", "options": ["Lundi", "Mardi"]},
    ],
}


def start_server(tmp_path: Path, **extra: str) -> tuple[LiveServer, Path]:
    """A real server whose pause points are in ``tmp_path/pause``."""
    pause = tmp_path / "pause"
    pause.mkdir()
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_TEST_PAUSE_DIR=str(pause), **extra)
    server = LiveServer(env=env, port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log")
    server.start()
    return server, pause


def reached(pause: Path, point: str) -> int:
    try:
        return (pause / "reached").read_text().split().count(point)
    except FileNotFoundError:
        return 0


def wait_until(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def release(pause: Path, point: str, timeout: float = 30) -> None:
    """Let the server go on from ``point``: open its pipe for writing, then close it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            descriptor = os.open(pause / point, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as error:  # nobody reading yet
            if error.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    os.close(descriptor)


async def vote(url: str, created: dict, activity_index: int, n_phones: int = 5) -> list[dict]:
    """A host opens a poll and ``n_phones`` phones answer it; their acks, once the host
    has seen every vote counted."""
    activity = created["activities"][activity_index]["id"]
    screen = await host(url, created["code"], created["host_token"])
    phones = [await participant(url, created["code"], f"Phone {i}") for i in range(n_phones)]
    assert (await screen.call("open", {"activity_id": activity}))["ok"]
    acks = [await phone.answer(activity, i % 2) for i, phone in enumerate(phones)]
    await screen.wait_for("results", lambda r: r["activity_id"] == activity and r["n_answers"] == n_phones, timeout=30)
    for recorder in (screen, *phones):
        await recorder.disconnect()
    return acks


def test_a_kill_in_the_middle_of_archiving_leaves_a_complete_archive_after_restart(tmp_path):
    server, pause = start_server(tmp_path)
    try:
        created = server.create_session(POLLS)
        code = created["code"]
        os.mkfifo(pause / "archive-write")  # the writer stops after summary.json

        async def vote_then_end():
            await asyncio.wait_for(vote(server.url, created, 0, n_phones=3), 60)
            screen = await host(server.url, code, created["host_token"])
            ending = asyncio.ensure_future(screen.call("end", {}, timeout=120))
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: wait_until(lambda: reached(pause, "archive-write"), what="the archive writer"))
            # Held in the middle of the archive: the rest of the server goes on.
            assert requests.get(server.url + "/", timeout=10).status_code == 200
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait(10)
            ending.cancel()
            await asyncio.gather(ending, return_exceptions=True)
            await screen.client.disconnect()

        asyncio.run(vote_then_end())
        sessions = tmp_path / "sessions"
        staged = [p for p in sessions.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
        assert len(staged) == 1 and (staged[0] / "summary.json").is_file() and not (staged[0] / "index.html").exists()
        assert [p for p in sessions.iterdir() if not p.name.startswith(".")] == []  # no half folder, ever

        (pause / "archive-write").unlink()
        server.start()  # the restart writes what the kill left unwritten
        def written_again() -> Path | None:
            found = [p for p in sessions.iterdir() if p.name.endswith(f"-{code}") and not p.name.startswith(".")]
            return found[0] if found and is_complete(found[0]) else None

        wait_until(written_again, what="the archive written again")
        folder = written_again()
        document = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert document["code"] == code and document["activities"][0]["counts"] == [2, 1, 0]
        assert (folder / "answers.csv").read_text(encoding="utf-8-sig").count("Phone ") == 3
        assert "Quel livre ?" in (folder / "index.html").read_text(encoding="utf-8")
        listed = server.cli("archive", "export", code)
        assert listed.returncode == 0 and listed.stdout.strip().splitlines()[-1] == str(folder)
    finally:
        server.stop()


def test_phones_keep_their_acks_while_the_heaviest_page_is_drawn_then_it_is_served_as_kept(tmp_path):
    server, pause = start_server(tmp_path, LIVE_RATE_SHARE="100000/minute")
    try:
        created = server.create_session(POLLS)
        source = written(tmp_path / "elsewhere", heavy_summary("HEAVY001", n_clouds=3, n_words=150))
        imported = server.cli("archive", "import", str(source))
        assert imported.returncode == 0, imported.stdout + imported.stderr
        engine = make_engine(server.env["LIVE_DATABASE_URL"])
        token, _link = archives.create_share_link(make_sessionmaker(engine), 1, "HEAVY001", None, True)
        engine.dispose()
        page_url = f"{server.url}/s/{token}"

        os.mkfifo(pause / "page-render")
        first_view: dict = {}
        viewer = threading.Thread(target=lambda: first_view.update(response=requests.get(page_url, timeout=120)))
        viewer.start()
        wait_until(lambda: reached(pause, "page-render"), what="the page render")
        # The render is held in the middle: a whole vote goes through meanwhile.
        acks = asyncio.run(asyncio.wait_for(vote(server.url, created, 0), 60))
        assert all(ack["ok"] for ack in acks), acks
        release(pause, "page-render")
        viewer.join(60)
        assert first_view["response"].status_code == 200 and "Joueur 1" in first_view["response"].text
        (pause / "page-render").unlink()

        views: list[int] = []
        stop = threading.Event()

        def reload_page():
            while not stop.is_set():
                views.append(requests.get(page_url, timeout=60).status_code)

        readers = [threading.Thread(target=reload_page) for _ in range(2)]
        for reader in readers:
            reader.start()
        try:
            wait_until(lambda: len(views) >= 4, what="the page reloaded")
            acks = asyncio.run(asyncio.wait_for(vote(server.url, created, 1), 60))
        finally:
            stop.set()
            for reader in readers:
                reader.join(60)
        assert all(ack["ok"] for ack in acks), acks
        assert views and set(views) == {200}
        assert reached(pause, "page-render") == 1  # every later view was served as kept
    finally:
        server.stop()
