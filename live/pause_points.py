"""Pause points, for tests that must stop a real server at a well-defined step: a
``kill -9`` in the middle of writing an archive, a page render held while phones
vote. Never used in production: without ``LIVE_TEST_PAUSE_DIR`` they do nothing.

With ``LIVE_TEST_PAUSE_DIR=<dir>``, ``pause_point(name)`` appends ``name`` and a
newline to ``<dir>/reached``, then, when ``<dir>/<name>`` is a named pipe, waits
until someone opens that pipe for writing and closes it. The wait blocks the
calling thread for real (no gevent cooperation): a pause point reached in the event
loop would freeze the whole server, which is what a test of "nothing slow runs in
the event loop" wants to see.
"""

from __future__ import annotations

import os
import stat

ENVIRONMENT = "LIVE_TEST_PAUSE_DIR"
REACHED = "reached"


def pause_point(name: str) -> None:
    """Record that ``name`` was reached and wait there while a test holds it."""
    folder = os.environ.get(ENVIRONMENT)
    if not folder:
        return
    with open(os.path.join(folder, REACHED), "a", encoding="utf-8") as log:
        log.write(name + "\n")
    pipe = os.path.join(folder, name)
    try:
        if not stat.S_ISFIFO(os.stat(pipe).st_mode):
            return
    except FileNotFoundError:
        return
    with open(pipe, "rb") as held:  # opening waits for a writer; reading, for it to close
        held.read()
