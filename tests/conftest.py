"""Shared fixtures: databases (SQLite and PostgreSQL), real ``live serve``
processes, in-process apps for Flask's test client, and the helpers they need.

PostgreSQL tests skip with a reason when no server answers, unless
``LIVE_REQUIRE_SERVICES=1`` (set by .ci/run), where a missing service fails.

Fast patterns (the suite runs on a busy 2-core machine; keep it quick and steady):

- **Plain HTTP** (status codes, JSON errors, pages, forms): the ``client`` and ``app``
  fixtures (Flask's test client on an app in this process, on SQLite and PostgreSQL
  through ``database_url``), or ``make_app(tmp_path, **settings)`` for other settings.
  ``tests/web.py`` signs a facilitator in and makes API tokens. No server process.
- **A real server that need not be new** (Socket.IO, the whole loop, archives on
  disk): ``shared_server``, one ``live serve`` per test module and database (SQLite,
  then PostgreSQL). Each test makes its own session (``shared_server.create_session``)
  and, when who owns what matters, its own facilitator (``facilitator("x@example.org")``).
  Never stop, restart or reconfigure it. Its HTTP rate limits and join-code guess
  budget are lifted, since every test of the module comes from one address with one
  token (the limits themselves are tested on servers of their own)::

      def test_a_vote_counts(shared_server):
          created = shared_server.create_session(POLLS)
          ...  # tests/sockets.py: host(shared_server.url, ...), participant(...)
          assert shared_server.summary(created["code"])["activities"][0]["counts"] == [1, 0, 0]

- **A fresh process only when that is the point**: a restart, SIGKILL or SIGTERM, a
  first start on an empty database, the CLI, settings that differ. ``live_server``
  gives one per test (on both databases); ``make_server(tmp_path, url, LIVE_X="...")``
  builds one with other settings, which a module-scoped fixture can share when its
  tests do not need it new (see ``server`` in test_fuzz_socket.py).
- **Never a fixed sleep or a tight timeout**: wait on a condition (``wait_until``
  here, ``Recorder.wait_for`` in tests/sockets.py, Playwright's ``expect``) with a
  generous timeout; a test must pass on a loaded machine, not only alone.
- ``database_url`` / ``postgres_url`` give an empty database each test. PostgreSQL
  databases are recycled (emptied, not re-created): creating one costs 0.3 s.
  Password hashes made in this process use argon2's smallest cost (a tenth of a
  second saved per account and per sign-in); servers keep production's.
- ``scripts/test`` runs two pytest processes (pytest-xdist, ``--dist loadfile``): each
  takes whole modules, so module-scoped fixtures hold, but two modules run at once.
  Take ports from ``free_port``/``make_server``, Redis keys under a prefix of your own
  (``uuid``), files under ``tmp_path``; never rely on what another module left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from live.app import create_app
from live.config import Settings

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LIVE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUIRE_SERVICES = os.environ.get("LIVE_REQUIRE_SERVICES") == "1"
# How long a test waits for something that should happen (a server answering, an
# event arriving) before failing: generous, so a busy machine is slow, not red.
WAIT = 60.0


def missing_service(reason: str):
    """Skip, or fail in CI where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (LIVE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float = WAIT, message: str = "condition not met in time", interval: float = 0.05):
    """Wait until ``condition()`` is true (and return it), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout:.0f}s)")
        time.sleep(interval)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes():
    """Password hashes made in this process (apps under the test client, services
    called directly) use argon2's smallest cost: the same code and hash format, without
    the 0.1 s that production's cost takes per hash and per sign-in. Hashes carry their
    own cost, so either kind verifies anywhere; ``live serve`` processes keep production's."""
    from argon2 import PasswordHasher

    from live.services import accounts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


# -- databases -----------------------------------------------------------------------


class PostgresDatabases:
    """Empty PostgreSQL databases for tests, each made once and emptied for the next.

    ``CREATE DATABASE`` takes PostgreSQL about 0.3 s; emptying a database (closing
    its connections, dropping its public schema and making it again, as a new
    database has it) takes about 15 ms. One that cannot be emptied is dropped."""

    def __init__(self, admin) -> None:
        self.admin = admin
        self.free: list[str] = []
        self.made: list[str] = []

    @staticmethod
    def url(name: str) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    @contextlib.contextmanager
    def database(self):
        """The URL of an empty database, for the ``with`` block."""
        name = self.free.pop() if self.free else self._create()
        try:
            yield self.url(name)
        finally:
            if self._empty(name):
                self.free.append(name)
            else:
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                self.made.remove(name)

    def _create(self) -> str:
        name = f"live_test_{uuid.uuid4().hex[:12]}"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return name

    def _empty(self, name: str) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.url(name), autocommit=True, connect_timeout=10) as db:
                db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                db.execute("DROP SCHEMA public CASCADE")
                db.execute("CREATE SCHEMA public AUTHORIZATION pg_database_owner")
                db.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")
                others = db.execute("SELECT count(*) FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                                    "AND nspname NOT IN ('public', 'information_schema')").fetchone()[0]
            return others == 0
        except Exception:  # noqa: BLE001 - whatever went wrong, this one is dropped instead
            return False

    def drop_all(self) -> None:
        for name in self.made:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
        self.free.clear()


@pytest.fixture(scope="session")
def postgres_databases():
    """The test run's PostgreSQL databases (skips, or fails in CI, without a server)."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # noqa: BLE001 - any failure means "no server"
        missing_service(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}")
    databases = PostgresDatabases(admin)
    try:
        yield databases
    finally:
        databases.drop_all()
        admin.close()


@pytest.fixture
def postgres_url(postgres_databases):
    """An empty PostgreSQL database for one test."""
    with postgres_databases.database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each test using this runs once on SQLite and once on PostgreSQL (an empty database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_database_url(request, tmp_path_factory):
    """``database_url`` for a whole module: one database on SQLite, then one on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('shared-db') / 'live.sqlite3'}"
        return
    with request.getfixturevalue("postgres_databases").database() as url:
        yield url


# -- real servers ----------------------------------------------------------------------


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
            capture_output=True, text=True, timeout=120,
        )

    def start(self) -> None:
        """Start the server and wait until it answers. On its first start, a port that
        another process took meanwhile (the machine is shared) is replaced by another;
        a restart keeps its port, as phones come back to the same address."""
        first_start = self.process is None
        for _attempt in range(5):
            problem = self._start_once()
            if problem is None:
                return
            if not (first_start and f"[Errno {errno.EADDRINUSE}]" in problem):
                raise RuntimeError(problem)
            self.port = free_port()
        raise RuntimeError(problem)

    def _start_once(self) -> str | None:
        """None once the server answers; else what went wrong, with its log."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "live", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return f"live serve exited:\n{self._log_since(offset)}"
            try:
                requests.get(self.url + "/", timeout=5)
                return None
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        return f"live serve did not answer within {WAIT:.0f}s:\n{self._log_since(offset)}"

    def _log_since(self, offset: int) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read()

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; a server still running 30 s later is
        killed, with a warning in pytest's summary (SIGTERM should stop it at once)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
                warnings.warn(f"live serve ignored SIGTERM for 30 s and was killed; its log: {self.log_path}",
                              RuntimeWarning, stacklevel=2)

    def facilitator(self, email: str = "host@example.org", password: str = "correct horse") -> str:
        """Create a facilitator (once) and return an API token for them, as ``live
        facilitator add`` and ``live token create`` do, but in this process (a second
        each saved): the commands themselves are tested in test_cli.py."""
        if email not in self.tokens:
            from live.services import accounts
            from live.store.db import make_engine, make_sessionmaker, migrate

            engine = make_engine(self.env["LIVE_DATABASE_URL"])
            try:
                migrate(engine)
                sessions = make_sessionmaker(engine)
                accounts.add_facilitator(sessions, email, password)
                self.tokens[email] = accounts.create_api_token(sessions, email)
            finally:
                engine.dispose()
        return self.tokens[email]

    def create_session(self, body: dict, email: str = "host@example.org") -> dict:
        token = self.facilitator(email)
        response = requests.post(
            self.url + "/api/sessions", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=WAIT
        )
        assert response.status_code == 201, response.text
        return response.json()

    def summary(self, code: str, email: str = "host@example.org") -> dict:
        """The session's summary document, from the API."""
        token = self.facilitator(email)
        response = requests.get(f"{self.url}/api/sessions/{code}/summary",
                                headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
        assert response.status_code == 200, response.text
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


def make_server(tmp_path: Path, database_url: str | None = None, **extra: str) -> LiveServer:
    """A ``live serve`` (not started yet) on ``database_url`` (default: its own SQLite
    file in ``tmp_path``), its archives and log in ``tmp_path``; ``extra`` are
    environment variables (``LIVE_MAX_PARTICIPANTS="2"``...)."""
    database_url = database_url or f"sqlite:///{tmp_path / 'live.sqlite3'}"
    return LiveServer(
        env=server_env(tmp_path, database_url, **extra), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )


@pytest.fixture
def live_server(tmp_path, database_url):
    """A new running server for this test, on the parametrised database (gevent, as in
    production). Use ``shared_server`` unless the test needs a process of its own."""
    server = make_server(tmp_path, database_url)
    server.start()
    yield server
    server.stop()


# Every test of a module talks to the shared server from one address with one token:
# the HTTP limits and the join-code guess budget would add up across tests.
SHARED_SERVER_ENV = {"LIVE_RATE_LIMITS": "off", "LIVE_JOIN_GUESSES": "100000"}


@pytest.fixture(scope="module")
def shared_server(shared_database_url, tmp_path_factory):
    """One running server for every test of the module, per database (SQLite, then
    PostgreSQL). Each test makes its own sessions; none stops or restarts it."""
    server = make_server(tmp_path_factory.mktemp("shared-server"), shared_database_url, **SHARED_SERVER_ENV)
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


# -- apps in this process, for Flask's test client ------------------------------------------


@pytest.fixture
def app(tmp_path, database_url):
    """An app in this process (threading mode) on the parametrised database, for the test client."""
    made = make_app(tmp_path, database_url)
    yield made
    made.extensions["live"].engine.dispose()


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
