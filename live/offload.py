"""Run CPU-heavy or blocking work away from the event loop.

Under gevent (and eventlet) every request and every phone's connection of a process
share one operating-system thread: a function that computes for a second (laying
out the word clouds of a summary, writing an archive, compressing a zip) stops every
session of the process for that second. ``make_offload(async_mode)`` returns
``offload(function, *args, **kwargs)``, which runs ``function`` in a native worker
thread and waits for it without blocking the others:

- gevent: a small ``gevent.threadpool.ThreadPool`` of its own (the hub's pool
  resolves host names; it must not wait behind a long render);
- eventlet: ``eventlet.tpool``;
- threading: every request already has a thread of its own: ``function`` runs there.

What runs in the pool gets plain data and returns plain data: it must not touch the
caller's database session, Flask's request or any gevent object (they belong to the
event loop's thread). Collect from the database first, in the greenlet; lay out,
render and write in the pool. A thread is enough for work that waits (files, zlib,
which lets go of the GIL); pure Python in a thread still takes turns with the event
loop for the GIL, so ``offload.compute`` sends laying out and writing summaries to a
worker process instead (live/compute_process.py). Caches (pages rendered once, cloud
layouts remembered) keep such work rare.
"""

from __future__ import annotations

import logging
import threading

from live.compute_process import ComputeProcess

log = logging.getLogger(__name__)

# Two threads: an archive being written need not wait behind a zip being made, and
# a third would only take more turns of the GIL from the event loop.
WORKERS = 2


class Offload:
    """Where slow work runs. This base runs it in the calling thread (async mode
    ``threading``: every request already has a thread of its own; scripts; tests).

    ``offload(function, ...)`` is for work that waits (files, compression, the
    database): a native thread. ``offload.compute(function, ...)`` is for pure
    Python that computes for seconds (laying out and writing a summary): a worker
    process (live/compute_process.py), so that it does not take the GIL from the
    event loop; ``function`` must be a module-level function, its arguments and
    result plain data."""

    def __call__(self, function, *args, **kwargs):
        """Run ``function`` where waiting does not hold up the event loop."""
        return function(*args, **kwargs)

    def compute(self, function, *args, **kwargs):
        """Run the pure, CPU-heavy ``function`` where computing does not hold up the event loop."""
        return function(*args, **kwargs)


run_here = Offload()


class ProcessCompute(Offload):
    """``compute`` in a worker process, shared by the async modes' pools; when no
    process can be started (a sandbox that forbids it), in the pool's thread."""

    def __init__(self, setup: tuple | None = None) -> None:
        self._process = ComputeProcess(setup)
        self._no_process = False

    def compute(self, function, *args, **kwargs):
        if not self._no_process:
            try:
                return self._process.run(function, *args, **kwargs)
            except OSError as error:  # the worker process could not be started
                self._no_process = True
                log.warning("no worker process for summaries (%s): they are drawn in a thread, "
                            "and live sessions slow down meanwhile", error)
        return self(function, *args, **kwargs)


class GeventPool(ProcessCompute):
    """``offload`` under gevent: a thread pool made on first use, in the hub's thread
    (never at import or before a fork: threads do not survive one)."""

    def __init__(self, workers: int = WORKERS, setup: tuple | None = None) -> None:
        super().__init__(setup)
        self._workers = workers
        self._pool = None
        self._lock = threading.Lock()  # gevent's, once monkey-patched: greenlets only

    def __call__(self, function, *args, **kwargs):
        """Run ``function`` in a worker thread; this greenlet waits, the others go on."""
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    from gevent.threadpool import ThreadPool

                    self._pool = ThreadPool(self._workers)
        succeeded, outcome = self._pool.apply(_outcome, (function, args, kwargs))
        if not succeeded:
            raise outcome  # here, in the caller, rather than printed by the pool's hub
        return outcome


def _outcome(function, args, kwargs) -> tuple[bool, object]:
    """``(True, result)`` or ``(False, exception)``: gevent's pool prints the traceback
    of a task that raises, even when the caller handles the exception."""
    try:
        return True, function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - handed to the caller as it is
        return False, error


class EventletPool(ProcessCompute):
    """``offload`` under eventlet: its own native thread pool (tpool)."""

    def __call__(self, function, *args, **kwargs):
        from eventlet import tpool

        return tpool.execute(function, *args, **kwargs)


def make_offload(async_mode: str, setup: tuple | None = None) -> Offload:
    """The ``offload`` of a server running in ``async_mode``; ``setup``, a call
    ``(function, *args)``, prepares each worker process (live/compute_process.py)."""
    if async_mode == "gevent":
        return GeventPool(setup=setup)
    if async_mode == "eventlet":
        return EventletPool(setup)
    return run_here
