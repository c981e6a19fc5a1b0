"""The ``live`` command: accounts, tokens, and what ``live serve`` tells a newcomer."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.conftest import POLLS, LiveServer, free_port, server_env
from tests.sockets import host, participant


@pytest.fixture
def fresh(tmp_path):
    """A server configuration on an empty SQLite database (not started)."""
    return LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}"), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )


def test_facilitator_add_and_token_create(fresh):
    added = fresh.cli("facilitator", "add", "Zoe@Example.org", "--password-stdin", stdin="long enough\n")
    assert added.returncode == 0 and "zoe@example.org" in added.stdout
    again = fresh.cli("facilitator", "add", "zoe@example.org", "--password-stdin", stdin="long enough\n")
    assert again.returncode != 0 and "already exists" in again.stderr
    weak = fresh.cli("facilitator", "add", "x@example.org", "--password-stdin", stdin="short\n")
    assert weak.returncode != 0 and "8 characters" in weak.stderr
    assert fresh.cli("facilitator", "add", "not-an-email", "--password-stdin", stdin="long enough\n").returncode != 0

    first = fresh.cli("token", "create", "zoe@example.org").stdout.strip().splitlines()[-1]
    second = fresh.cli("token", "create", "zoe@example.org").stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"live_[A-Za-z0-9_-]{40,}", first) and first != second
    unknown = fresh.cli("token", "create", "nobody@example.org")
    assert unknown.returncode != 0 and "No facilitator" in unknown.stderr


def test_python_m_live_and_help(fresh):
    shown = fresh.cli("--help")
    assert shown.returncode == 0 and "serve" in shown.stdout and "facilitator" in shown.stdout


@pytest.mark.slow
def test_serve_on_a_fresh_install_says_how_to_create_the_first_facilitator(fresh):
    fresh.start()
    try:
        log = fresh.log_path.read_text()
        assert "No facilitator account exists yet" in log
        assert "live facilitator add" in log
        assert f"http://127.0.0.1:{fresh.port}" in log
    finally:
        fresh.stop()


@pytest.mark.slow
def test_eventlet_mode_runs_a_poll(tmp_path):
    server = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_ASYNC_MODE="eventlet"),
        port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    server.start()
    try:
        assert "async mode: eventlet" in server.log_path.read_text()
        created = server.create_session(POLLS)
        single = created["activities"][0]["id"]

        async def scenario():
            screen = await host(server.url, created["code"], created["host_token"])
            phones = [await participant(server.url, created["code"]) for _ in range(3)]
            assert await screen.call("open", {"activity_id": single}) == {"ok": True}
            for index, phone in enumerate(phones):
                assert await phone.answer(single, index % 2) == {"ok": True, "remaining": 0}
            results = await screen.wait_for("results", lambda r: r["n_answers"] == 3)
            assert results["counts"] == [2, 1, 0]
            assert (await screen.call("end", {}))["ok"] is True
            for recorder in (screen, *phones):
                await recorder.disconnect()

        asyncio.run(scenario())
    finally:
        server.stop()
