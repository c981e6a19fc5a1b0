"""A worker process for pure CPU work: laying out and writing a summary.

A native thread keeps the event loop going while it waits on the disk, but pure
Python takes turns with the event loop for the GIL: measured with 2,000 phones
voting while the heaviest summary page (10 word clouds of 150 words) was drawn for
the first time in a thread, their acks went from 0.6 s to 3.4 s at p50 for the 4 s
of the drawing (docs/BENCHMARKS.md). In a process of its own the drawing has its own
GIL and, on a machine with two cores, its own core.

``ComputeProcess.run(function, *args, **kwargs)`` pickles the call, sends it to one
child (``python -m live.compute_process``, started on first use and kept), and
waits for the pickled outcome. The caller's wait is cooperative when the server is
monkey-patched (gevent's and eventlet's ``subprocess`` pipes), so only the caller
waits. ``function`` must be importable by name (a module-level function) and its
arguments and result picklable: plain data in, plain data out, as for the thread
pool. Calls take turns (one child): two drawings at once would only share a core.

The child dies with its parent (``PR_SET_PDEATHSIG`` on Linux, and it exits when its
input closes): a ``kill -9`` of the server stops a half-written archive as it would
have stopped it in a thread, and the restart finishes it (services/archives.py).
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

LENGTH = struct.Struct("!Q")


class ComputeLost(RuntimeError):
    """The worker process went away in the middle of a call (killed, out of memory)."""


class ComputeProcess:
    """One worker process, started on first use, restarted when it has gone.
    ``setup``, a call ``(function, *args)``, runs first in every new child: what the
    server did at start that the work depends on (registering the activity kinds
    from LIVE_ACTIVITY_KINDS, so the child writes their archive files too)."""

    def __init__(self, setup: tuple | None = None) -> None:
        self._setup = setup
        self._child: subprocess.Popen | None = None
        self._owner = os.getpid()
        self._lock = threading.Lock()  # gevent's or eventlet's once monkey-patched: greenlets wait

    def run(self, function, *args, **kwargs):
        """``function(*args, **kwargs)`` in the worker process; its exception is raised here."""
        with self._lock:
            child = self._running_child()
            return self._call(child, function, args, kwargs)

    def _call(self, child: subprocess.Popen, function, args: tuple, kwargs: dict):
        request = pickle.dumps((function, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _send(child.stdin, request)
            reply = _receive(child.stdout)
        except (OSError, EOFError, ValueError) as error:
            self._stop(child)
            raise ComputeLost(f"the worker process stopped during {_name(function)}: {error}") from None
        except BaseException:
            # Interrupted between the call and its reply (a greenlet killed, a timeout):
            # the reply would be read by the next call. That worker goes; the next starts clean.
            self._stop(child)
            raise
        succeeded, outcome = pickle.loads(reply)
        if not succeeded:
            raise outcome
        return outcome

    def close(self) -> None:
        """Stop the worker process (it is started again on the next call)."""
        with self._lock:
            if self._child is not None:
                self._stop(self._child)

    def _running_child(self) -> subprocess.Popen:
        if self._owner != os.getpid():  # forked (a pre-forking server): the child is the parent's
            self._child, self._owner = None, os.getpid()
        if self._child is None or self._child.poll() is not None:
            self._child = _start_child()
            if self._setup is not None:
                try:
                    self._call(self._child, self._setup[0], self._setup[1:], {})
                except Exception:
                    self._stop(self._child)
                    raise
        return self._child

    def _stop(self, child: subprocess.Popen) -> None:
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if child.poll() is None:
            child.kill()
        child.wait()
        if self._child is child:
            self._child = None


def _start_child() -> subprocess.Popen:
    here = str(Path(__file__).resolve().parent.parent)  # where this very `live` package is
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [here, environment.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "live.compute_process", str(os.getpid())],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment, close_fds=True,
    )


def _name(function) -> str:
    return getattr(function, "__qualname__", repr(function))


def _send(stream, payload: bytes) -> None:
    stream.write(LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _receive(stream) -> bytes:
    (size,) = LENGTH.unpack(_read_exactly(stream, LENGTH.size))
    return _read_exactly(stream, size)


def _read_exactly(stream, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            raise EOFError("the worker process closed its output")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


# -- the child ----------------------------------------------------------------------

def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies; elsewhere, the parent's
    end closes our input and the loop ends."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before we asked
        os._exit(0)


def _outcome(request: bytes) -> bytes:
    try:
        function, args, kwargs = pickle.loads(request)
        result = (True, function(*args, **kwargs))
    except Exception as error:  # noqa: BLE001 - handed to the caller as it is
        result = (False, error)
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001 - an outcome that does not pickle
        return pickle.dumps((False, RuntimeError(f"{type(result[1]).__name__}: {result[1]} ({error})")))


def serve_parent(parent: int) -> None:
    """The child's loop: one call in, its outcome out, until the parent goes."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C in the terminal is the server's to handle
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not break the channel: it goes to stderr
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        _send(replies, _outcome(request))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    serve_parent(int(sys.argv[1]))
