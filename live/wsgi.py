"""The WSGI entry point for production servers:

    gunicorn -k gevent -w 1 --bind 127.0.0.1:8001 live.wsgi:app

One worker per process (Socket.IO keeps each connection's state in the worker
that holds it); several processes behind HAProxy share Redis and PostgreSQL
(docs/DEPLOYMENT.md). Do not use ``--preload``: the app starts background
greenlets that must live in the worker, not in the master. gunicorn's gevent
worker does not time out slow clients as ``live serve`` does (live/serving.py):
HAProxy in front does (deploy/haproxy.cfg).

Monkey-patching comes first, before anything imports sockets or threads, as
``live serve`` does; gunicorn's gevent worker has patched already, and patching
again is harmless.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from live.app import create_app, start_archive_repair, start_retention  # noqa: E402 - after patching, on purpose
from live import installation, serving  # noqa: E402
from live.config import Settings  # noqa: E402

settings = Settings.from_env()
installation.check(settings)
if settings.async_mode != "gevent":
    raise SystemExit("live.wsgi runs under gunicorn's gevent worker: leave LIVE_ASYNC_MODE unset or set it to gevent.")
# Each phone holds a connection, and each connection a file descriptor of this worker.
for line in serving.open_files_lines(*serving.raise_open_files_limit()):
    print(line.strip(), file=sys.stderr, flush=True)
app = create_app(settings)
start_archive_repair(app)
start_retention(app)
