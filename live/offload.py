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
render and write in the pool. Pure-Python work still takes turns with the event
loop for the GIL (it is handed over every few milliseconds), so this bounds the
stall rather than removing the cost: caches (pages rendered once, cloud layouts
remembered) keep such work rare.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# Two threads: an archive being written need not wait behind a page being drawn,
# and a third would only take more turns of the GIL from the event loop.
WORKERS = 2

Offload = Callable[..., object]


def run_here(function, *args, **kwargs):
    """Run ``function`` in the calling thread (async mode ``threading``, scripts, tests)."""
    return function(*args, **kwargs)


class GeventPool:
    """``offload`` under gevent: a thread pool made on first use, in the hub's thread
    (never at import or before a fork: threads do not survive one)."""

    def __init__(self, workers: int = WORKERS) -> None:
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


def eventlet_pool(function, *args, **kwargs):
    """``offload`` under eventlet: its own native thread pool (tpool)."""
    from eventlet import tpool

    return tpool.execute(function, *args, **kwargs)


def make_offload(async_mode: str) -> Offload:
    """The ``offload`` of a server running in ``async_mode``."""
    if async_mode == "gevent":
        return GeventPool()
    if async_mode == "eventlet":
        return eventlet_pool
    return run_here
