"""The ``live`` command: accounts, tokens, and what ``live serve`` tells a newcomer."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.conftest import POLLS, ROOT, LiveServer, free_port, make_server, server_env
from tests.sockets import host, participant


@pytest.fixture
def fresh(tmp_path):
    """A server configuration on an empty SQLite database (not started)."""
    return LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}"), port=free_port(),
        archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )


def in_process(monkeypatch, capsys, env: dict):
    """``live ARGS`` run by ``live.cli.main`` in this process with ``env``'s LIVE_*
    variables and ``stdin``: (exit status, stdout, stderr), as the command gives them."""
    import io
    import os
    import sys

    from live import cli

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        with monkeypatch.context() as patch:
            for name in [n for n in os.environ if n.startswith("LIVE_")]:
                patch.delenv(name)
            for name, value in env.items():
                if name.startswith("LIVE_"):
                    patch.setenv(name, value)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            try:
                cli.main(list(args))
                status = 0
            except SystemExit as exit_:  # as Python ends a process: a message goes to stderr, status 1
                status = exit_.code if isinstance(exit_.code, int) else 1
                if isinstance(exit_.code, str):
                    print(exit_.code, file=sys.stderr)
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_facilitator_add_and_token_create(tmp_path, database_url, monkeypatch, capsys):
    # On both databases: the server fixtures make their accounts in-process, so this is
    # where the commands themselves run on PostgreSQL. Each runs once as a process; the
    # refusals run in this process (a second each saved).
    fresh = make_server(tmp_path, database_url)
    live = in_process(monkeypatch, capsys, fresh.env)
    added = fresh.cli("facilitator", "add", "Zoe@Example.org", "--password-stdin", stdin="long enough\n")
    assert added.returncode == 0 and "zoe@example.org" in added.stdout
    status, _out, err = live("facilitator", "add", "zoe@example.org", "--password-stdin", stdin="long enough\n")
    assert status != 0 and "already exists" in err
    status, _out, err = live("facilitator", "add", "x@example.org", "--password-stdin", stdin="short\n")
    assert status != 0 and "8 characters" in err
    assert live("facilitator", "add", "not-an-email", "--password-stdin", stdin="long enough\n")[0] != 0

    first = fresh.cli("token", "create", "zoe@example.org").stdout.strip().splitlines()[-1]
    status, out, _err = live("token", "create", "zoe@example.org")
    second = out.strip().splitlines()[-1]
    assert status == 0 and re.fullmatch(r"live_[A-Za-z0-9_-]{40,}", first) and first != second
    status, _out, err = live("token", "create", "nobody@example.org")
    assert status != 0 and "No facilitator" in err


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


SWALLOWED_SIGTERM = """
import eventlet
eventlet.monkey_patch()
import os, signal
from live import cli

cli._stop_on_signals(None, "eventlet")

def a_phone_disconnects():
    # SIGTERM arrives while this green thread runs, inside a handler that catches
    # everything, as python-engineio's does around a disconnect handler.
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10**6):
            pass
    except BaseException:
        pass

eventlet.spawn(a_phone_disconnects)
try:
    eventlet.sleep(20)  # the server, in the main green thread
    print("still serving")
except KeyboardInterrupt:
    print("stopped")
"""


def test_under_eventlet_sigterm_stops_the_server_whichever_green_thread_it_lands_in(tmp_path):
    """A SIGTERM that arrived while a phone's disconnect was handled used to end that
    handler only: the server went on until the service manager killed it."""
    import subprocess
    import sys

    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", SWALLOWED_SIGTERM], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "stopped", done.stdout + done.stderr


def test_version_prints_the_installed_version(fresh):
    from live.cli import version

    shown = fresh.cli("--version")
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"live {version()}"
    assert re.fullmatch(r"live \d+\.\d+\.\d+\S*", shown.stdout.strip())


def run_in_a_terminal(args: list[str], env: dict, answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run ``args`` with a pseudo-terminal as its controlling terminal (getpass reads
    from /dev/tty), typing each of ``answers`` once the previous prompt appeared.
    Returns the exit status and everything it printed."""
    import os
    import pty
    import select
    import subprocess
    import time

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        args, stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True,
        preexec_fn=lambda: __import__("fcntl").ioctl(0, __import__("termios").TIOCSCTTY, 0),
    )
    os.close(terminal)
    output, pending, deadline = b"", list(answers), time.monotonic() + timeout
    prompts = 0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break  # the process closed the terminal
            if not chunk:
                break
            output += chunk
            seen = output.count(b"Password: ") + output.count(b"again: ")
            while pending and seen > prompts:
                os.write(controller, pending.pop(0).encode() + b"\n")
                prompts += 1
        elif process.poll() is not None:
            break
    process.wait(10)
    os.close(controller)
    return process.returncode, output.decode(errors="replace")


def test_facilitator_add_says_the_password_rules_first_and_checks_before_asking_twice(fresh):
    import sys

    command = [sys.executable, "-m", "live", "facilitator", "add", "lou@example.org"]
    status, printed = run_in_a_terminal(command, fresh.env, ["short", "long enough now", "long enough now"])
    assert status == 0, printed
    rules = printed.index("at least 8 characters")
    first_prompt = printed.index("Password: ")
    assert rules < first_prompt  # the rules come before the first question
    refusal = printed.index("The password needs at least 8 characters.")
    assert first_prompt < refusal < printed.index("again: ")  # checked before the confirmation is asked
    assert printed.count("Password: ") == 2 and "Facilitator lou@example.org created" in printed

    status, printed = run_in_a_terminal(command[:-1] + ["max@example.org"], fresh.env, ["a", "b", "c"])
    assert status != 0 and "again: " not in printed
    assert "No acceptable password was given; nothing was created." in printed

    status, printed = run_in_a_terminal(command[:-1] + ["max@example.org"], fresh.env, ["long enough", "not the same"])
    assert status != 0 and "The two passwords differ; nothing was created." in printed


def test_the_printed_facilitator_command_runs_as_it_stands_in_that_folder(tmp_path):
    """Started as .venv/bin/live from its folder, the server prints that path back."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "room"
    (folder / "bin").mkdir(parents=True)
    launcher = folder / "bin" / "live"
    launcher.write_text(f"#!{sys.executable}\nfrom live.cli import command_prefix\nprint(command_prefix())\n")
    launcher.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVE_")}
    env["PATH"] = "/usr/bin:/bin"
    env["PYTHONPATH"] = str(ROOT)
    printed = subprocess.run(["bin/live"], cwd=folder, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert printed == "bin/live"
    elsewhere = subprocess.run([str(launcher)], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert elsewhere.stdout.strip() == "room/bin/live"
    env["PATH"] = f"{folder / 'bin'}:/usr/bin:/bin"
    on_path = subprocess.run(["live"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert on_path.stdout.strip() == "live"
    module = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv=['-c']; from live.cli import command_prefix; print(command_prefix())"],
        cwd=folder, env=env, capture_output=True, text=True, check=True,
    )
    # The interpreter as started (a venv's python is a link: only the link knows the venv).
    assert module.stdout.strip() == f"{os.path.abspath(sys.executable)} -m live"


def test_a_broken_install_stops_at_start_with_one_sentence(tmp_path):
    """A package without its word lists (the wheel that once shipped without them)
    stops the server with one sentence, not a traceback."""
    import os
    import shutil
    import subprocess
    import sys

    root = ROOT
    broken = tmp_path / "site"
    shutil.copytree(root / "live", broken / "live", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.rmtree(broken / "live" / "wordlists" / "profanity")
    for folder in ("static", "templates"):
        shutil.copytree(root / folder, broken / folder)
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}")
    env["PYTHONPATH"] = str(broken)
    started = subprocess.run(
        [sys.executable, "-m", "live", "serve", "--port", str(free_port())], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert started.returncode != 0
    assert "Traceback" not in started.stderr + started.stdout
    (line,) = started.stderr.strip().splitlines()
    assert line.startswith("This installation of live is incomplete: the word lists are missing")
    assert "reinstall live" in line

    # An optional dependency the configuration needs: eventlet, hidden from this Python.
    shutil.copytree(root / "live" / "wordlists" / "profanity", broken / "live" / "wordlists" / "profanity")
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class Hide:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'eventlet' or name.startswith('eventlet.'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
    )
    env["PYTHONPATH"] = f"{blocker}{os.pathsep}{broken}"
    env["LIVE_ASYNC_MODE"] = "eventlet"
    started = subprocess.run(
        [sys.executable, "-m", "live", "serve", "--port", str(free_port())], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert started.returncode != 0 and "Traceback" not in started.stderr
    (line,) = started.stderr.strip().splitlines()
    assert line == (
        "This configuration needs the Python package eventlet, which is not installed: "
        "install live with pip install '.[eventlet]', or pip install eventlet."
    )
