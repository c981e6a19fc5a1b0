"""live: a self-hosted live workshop interaction server.

Importing this package must stay cheap and must not import gevent, eventlet or
anything that opens sockets: ``live serve`` monkey-patches first (see cli.py).
"""

__version__ = "0.1.0"
