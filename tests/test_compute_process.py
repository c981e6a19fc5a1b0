"""The worker process that lays out and writes summaries (live/compute_process.py):
the work really runs in another process (its own GIL, so the event loop keeps its
own), failures reach the caller as they are, a lost worker is replaced, and the
worker never outlives the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from live.archive.document import BadSummary, read_summary
from live.compute_process import ComputeLost, ComputeProcess
from live.offload import GeventPool, run_here
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parent.parent
COUNTER = "tests.kinds.counter:KIND"  # a kind defined only under tests/


@pytest.fixture
def worker():
    process = ComputeProcess()
    yield process
    process.close()


def test_the_work_runs_in_another_process_and_its_result_comes_back(worker):
    assert worker.run(os.getpid) != os.getpid()
    assert worker.run(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]


def test_a_failure_is_raised_in_the_caller_with_its_own_type_and_message(worker, tmp_path):
    with pytest.raises(BadSummary, match="no summary.json"):
        worker.run(read_summary, tmp_path)
    assert worker.run(len, "still there") == 11  # the worker survived the failure


def test_a_worker_killed_in_the_middle_of_a_call_is_reported_then_replaced(worker, tmp_path):
    first = worker.run(os.getpid)
    started = tmp_path / "started"

    def kill_once_started():
        wait_until(started.exists, timeout=240, message="the call never started")
        os.kill(first, signal.SIGKILL)

    killer = threading.Thread(target=kill_once_started)
    killer.start()
    try:
        with pytest.raises(ComputeLost, match="stopped during"):
            worker.run(exec, f"import pathlib, time; pathlib.Path({str(started)!r}).touch(); time.sleep(600)")
    finally:
        killer.join(260)
    assert worker.run(os.getpid) not in (first, os.getpid())


def test_the_worker_dies_with_its_server():
    script = textwrap.dedent("""
        import os, sys, time
        from live.compute_process import ComputeProcess
        print(ComputeProcess().run(os.getpid), flush=True)
        time.sleep(600)
    """)
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    worker_pid = int(server.stdout.readline())
    assert _alive(worker_pid)
    server.send_signal(signal.SIGKILL)
    server.wait(30)
    server.stdout.close()
    wait_until(lambda: not _alive(worker_pid), message="the worker outlived its server")


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie nobody reaped yet."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_under_gevent_the_caller_waits_and_the_event_loop_goes_on(tmp_path):
    """A monkey-patched process, as ``live serve`` is: the worker reads a pipe that a
    greenlet writes to only while the caller waits. Were the wait blocking, the
    greenlet would never run and the worker would give up after 30 s."""
    pytest.importorskip("gevent")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    script = textwrap.dedent(f"""
        from gevent import monkey
        monkey.patch_all()
        import subprocess, gevent
        from live.offload import GeventPool

        def write():
            with open({str(fifo)!r}, "w") as pipe:
                pipe.write("from a greenlet")

        gevent.spawn_later(0.2, write)
        print(GeventPool().compute(subprocess.check_output, ["timeout", "30", "cat", {str(fifo)!r}], text=True))
    """)
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "from a greenlet"


def test_without_an_async_mode_the_work_runs_right_here():
    assert run_here.compute(os.getpid) == os.getpid()


def test_each_new_worker_is_prepared_by_the_setup_call_before_any_work():
    """A kind registered from outside (LIVE_ACTIVITY_KINDS) is known to the worker
    that writes the archives, and to the next one when the first has gone."""
    from live.activities.registry import register_external

    process = ComputeProcess(setup=(register_external, [COUNTER]))
    try:
        assert "counter" in process.run(kind_names)
        with pytest.raises(ComputeLost):
            process.run(os._exit, 0)
        assert "counter" in process.run(kind_names)
    finally:
        process.close()


def kind_names() -> list[str]:
    """In the worker: the kinds it knows."""
    from live.activities.registry import KINDS

    return KINDS.names()


def test_a_call_interrupted_before_its_reply_never_hands_that_reply_to_the_next_call(worker, monkeypatch):
    from live import compute_process

    first = worker.run(os.getpid)
    real_receive = compute_process._receive

    def interrupted(stream):
        monkeypatch.setattr(compute_process, "_receive", real_receive)
        raise KeyboardInterrupt  # as a greenlet killed while it waited

    monkeypatch.setattr(compute_process, "_receive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        worker.run(str, "the interrupted call's reply")
    assert worker.run(str, "the next call's") == "the next call's"
    assert worker.run(os.getpid) != first  # a fresh worker: nothing left unread
