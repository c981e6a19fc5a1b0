"""Shared fixtures: databases (SQLite and PostgreSQL), a real ``live serve``
subprocess, API helpers and python-socketio clients.

PostgreSQL tests skip with a reason when no server answers, unless
``LIVE_REQUIRE_SERVICES=1`` (set by .ci/run), where a missing service fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from live.app import create_app
from live.config import Settings

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LIVE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_SERVICES = os.environ.get("LIVE_REQUIRE_SERVICES") == "1"


def missing_service(reason: str):
    """Skip, or fail in CI where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (LIVE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # noqa: BLE001 - any failure means "no server"
        missing_service(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}")
    name = f"live_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@dataclass
class LiveServer:
    """A real ``live serve`` process on a free port."""

    env: dict
    port: int
    archive_dir: Path
    log_path: Path
    process: subprocess.Popen | None = None
    tokens: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "live", *args], input=stdin, env=self.env, cwd=ROOT,
            capture_output=True, text=True, timeout=60,
        )

    def start(self) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "live", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"live serve exited:\n{self.log_path.read_text()}")
            try:
                requests.get(self.url + "/", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"live serve did not answer:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def facilitator(self, email: str = "host@example.org", password: str = "correct horse") -> str:
        """Create a facilitator (once) and return an API token for them."""
        if email not in self.tokens:
            added = self.cli("facilitator", "add", email, "--password-stdin", stdin=password + "\n")
            assert added.returncode == 0, added.stderr
            created = self.cli("token", "create", email)
            assert created.returncode == 0, created.stderr
            self.tokens[email] = created.stdout.strip().splitlines()[-1]
        return self.tokens[email]

    def create_session(self, body: dict, email: str = "host@example.org") -> dict:
        token = self.facilitator(email)
        response = requests.post(
            self.url + "/api/sessions", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert response.status_code == 201, response.text
        return response.json()


def server_env(tmp_path: Path, database_url: str, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVE_")}
    env.update(
        LIVE_DATABASE_URL=database_url,
        LIVE_DATA_DIR=str(tmp_path / "data"),
        LIVE_ARCHIVE_DIR=str(tmp_path / "sessions"),
        LIVE_SECRET_KEY="test-secret-" + uuid.uuid4().hex,
        # Dates the same on every machine, whatever its own zone (tests that need another say so).
        LIVE_TIMEZONE="UTC",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture
def live_server(tmp_path, database_url):
    """A running server on the parametrised database (gevent, as in production)."""
    server = LiveServer(
        env=server_env(tmp_path, database_url), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    server.start()
    yield server
    server.stop()


POLLS = {
    "title": "Atelier lecture",
    "activities": [
        {"type": "poll", "prompt": "Quel livre lire ensuite ?", "options": ["Germinal", "Nana", "L'Assommoir"]},
        {"type": "poll", "prompt": "Quels jours ?", "options": ["Lundi", "Mardi", "Jeudi"], "multiple": True},
    ],
}


@pytest.fixture
def app(tmp_path, database_url):
    """An app in this process (threading mode) on the parametrised database, for the test client."""
    return make_app(tmp_path, database_url)


def make_app(tmp_path: Path, database_url: str | None = None, **overrides):
    """An app in this process (threading mode) on ``database_url`` (default: its own
    SQLite file in ``tmp_path``); ``overrides`` change its settings."""
    settings = Settings(
        database_url=database_url or f"sqlite:///{tmp_path / 'live.sqlite3'}", archive_dir=tmp_path / "sessions", secret_key="test-key",
        async_mode="threading", testing=True, data_dir=tmp_path, **overrides,
    )
    return create_app(settings)


@pytest.fixture
def client(app):
    """Flask's test client of ``app``."""
    return app.test_client()
