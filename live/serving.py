"""How ``live serve`` holds its connections: timeouts for slow HTTP clients, a
cap on slow requests per client address, and the open-files limit.

Under gevent (the default) live runs gevent's WSGI server itself, with
``LimitedHandler``:
- the request line and headers must arrive within ``header_timeout`` seconds
  in all (a client sending one byte now and then is cut too), counted from the
  connection (first request) or from the first byte (later requests);
- a keep-alive connection waits ``idle_timeout`` seconds for its next request;
- a request body must arrive within ``body_timeout`` seconds, and no read or
  write of a request may stall longer than that;
- an address may have at most ``slow_per_address`` requests that are not yet
  complete (connections that have not sent their headers yet, or bodies still
  arriving); one more, and the oldest of them is closed to make room. A
  request is complete once its headers (and body) are in, so an established
  WebSocket, a long-polling request waiting for news or an idle keep-alive
  connection never counts, and a new request is never refused: a whole room
  behind one address keeps connecting, whatever an attacker on the same
  address does, while the attacker can hold at most that many slow requests.

Under eventlet (opt-in) the server's own per-operation socket timeout and
keep-alive timeout apply, without the per-address cap; under ``threading``
(development) none of this applies. Under gunicorn the proxy in front does this
work (docs/DEPLOYMENT.md).
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass

from werkzeug.exceptions import RequestTimeout

from live.throttled_log import ThrottledLog

log = logging.getLogger(__name__)

# Below this many open files, a large room or a flood of connections hits the limit.
LOW_OPEN_FILES = 4096
# Descriptors live itself needs besides connections (database, logs, Redis, listener).
RESERVED_FILES = 64
# A hard limit of "unlimited" is not a number setrlimit takes for the soft one everywhere.
OPEN_FILES_CEILING = 1_048_576


@dataclass(frozen=True)
class HttpLimits:
    """The timeouts (seconds) and the per-address cap of slow requests (0: no cap)."""

    header_timeout: float = 10.0
    idle_timeout: float = 15.0
    body_timeout: float = 60.0
    slow_per_address: int = 256


class BodyTimeout(RequestTimeout, TimeoutError):
    """The request body did not arrive in time: a 408 for Flask views, a timed-out
    socket for the server (which then closes the connection quietly)."""

    def __init__(self) -> None:
        RequestTimeout.__init__(self, "The request took too long to arrive.")
        self.args = ("timed out",)


class _HeaderTimeout(Exception):
    """The request line and headers did not arrive in time."""


class _BodyExpired(Exception):
    """The request body did not arrive in time (turned into ``BodyTimeout``)."""


class SlowRequests:
    """Incomplete requests per client address, at most ``cap`` each (0: no cap):
    past it, the oldest is pushed out to make room for the newest."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._waiting: dict[str, dict[object, None]] = {}  # address -> its requests, oldest first

    def admit(self, address: str, request) -> object | None:
        """Count ``request`` from ``address``; the request it pushes out, if any
        (the caller closes that one's connection)."""
        waiting = self._waiting.setdefault(address, {})
        pushed_out = None
        if self.cap and len(waiting) >= self.cap:
            pushed_out = next(iter(waiting))
            del waiting[pushed_out]
        waiting[request] = None
        return pushed_out

    def release(self, address: str, request) -> None:
        """``request`` from ``address`` is complete, or its connection ended."""
        waiting = self._waiting.get(address)
        if waiting is not None:
            waiting.pop(request, None)
            if not waiting:
                del self._waiting[address]

    def count(self, address: str) -> int:
        """How many incomplete requests ``address`` has now."""
        return len(self._waiting.get(address, ()))


def make_gevent_server(app, host: str, port: int, limits: HttpLimits):
    """gevent's WSGI server for ``app`` with ``limits`` (no access log, as before)."""
    from gevent import pywsgi

    handler = _limited_handler_class(pywsgi.WSGIHandler)
    handler.limits = limits
    handler.slow = SlowRequests(limits.slow_per_address)
    handler.over_cap = ThrottledLog(log, "too many slow requests")
    handler.invalid = ThrottledLog(log, "invalid HTTP request")
    return pywsgi.WSGIServer((host, port), app, handler_class=handler, log=None)


def run_eventlet_server(app, host: str, port: int, limits: HttpLimits) -> None:
    """eventlet's WSGI server for ``app`` with what it offers of ``limits``: a
    timeout on each socket operation (reading headers and bodies, writing
    responses), one on waiting for the next request, no per-address cap; and
    never a traceback sent to a client."""
    import eventlet
    import eventlet.wsgi
    from eventlet.green import socket

    family, _type, _proto, _name, address = socket.getaddrinfo(host, port)[0]
    eventlet.wsgi.server(
        eventlet.listen(address, family), app, log_output=False, debug=False,
        socket_timeout=max(limits.header_timeout, limits.body_timeout), keepalive=limits.idle_timeout,
    )


def _limited_handler_class(base):
    """``LimitedHandler`` built on gevent's ``WSGIHandler`` (imported only under gevent)."""
    import gevent

    class LimitedHandler(base):
        """gevent's WSGI handler with the timeouts and the cap of ``HttpLimits``."""

        limits: HttpLimits
        slow: SlowRequests
        over_cap: ThrottledLog
        invalid: ThrottledLog

        def handle(self):
            self._address = _address_of(self.client_address)
            self._counted = False
            self._pushed_out = False
            self._requests = 0
            self._header_timer = None
            self._admit()
            try:
                super().handle()
            except (ConnectionError, TimeoutError):
                pass  # the client went away while it was told its request was bad: nothing to do
            finally:
                self._release()

        def handle_one_request(self):
            if self._requests and not self._next_request_begins():
                return None
            self._requests += 1
            self.socket.settimeout(None)
            self._header_timer = gevent.Timeout(self.limits.header_timeout, _HeaderTimeout)
            self._header_timer.start()
            try:
                return super().handle_one_request()
            except _HeaderTimeout:
                return None  # too slow: the connection closes without an answer
            finally:
                self._header_timer.close()

        def get_environ(self):
            # The request line and headers are in: the header deadline ends here.
            self._header_timer.close()
            environ = super().get_environ()
            if self._connection_upgrade_requested():
                self._release()  # a WebSocket: complete, and never timed out here
                return environ
            self.socket.settimeout(self.limits.body_timeout)
            if self._has_body():
                self.wsgi_input = _BodyWithDeadline(self.wsgi_input, self.limits.body_timeout, self._release)
                environ["wsgi.input"] = self.wsgi_input
            else:
                self._release()
            return environ

        def handle_one_response(self):
            try:
                super().handle_one_response()
            finally:
                self._release()
                if self._connection_upgrade_requested() or self._body_unfinished():
                    # After a WebSocket, or a body cut short or broken, what follows
                    # on this connection cannot be read as the next request.
                    self.close_connection = True

        def handle_error(self, t, v, tb):
            if issubclass(t, TimeoutError) or self._pushed_out:
                self.close_connection = True  # a client that stalled: not a server error
                return
            super().handle_error(t, v, tb)

        def _handle_client_error(self, ex):
            if isinstance(ex, _HeaderTimeout) or self._pushed_out:
                return None
            self.invalid.report(self._address, _short_reason(ex))
            return ("400", _bad_request_response())

        def _next_request_begins(self) -> bool:
            """Wait (uncounted) for the first byte of the next request on a kept-alive
            connection, then count it like a new connection's."""
            self._release()
            self.socket.settimeout(None)
            try:
                with gevent.Timeout(self.limits.idle_timeout, False):
                    if self.rfile.peek(1):
                        self._admit()
                        return True
            except OSError:
                pass
            return False

        def _body_unfinished(self) -> bool:
            body = self.wsgi_input
            return bool(getattr(body, "timed_out", False) or getattr(body, "_chunked_input_error", False))

        def _has_body(self) -> bool:
            return bool(self.content_length) or self.headers.get("transfer-encoding", "").lower() == "chunked"

        def _admit(self) -> None:
            self._counted = True
            pushed_out = self.slow.admit(self._address, self)
            if pushed_out is not None:
                pushed_out._push_out()
                self.over_cap.report(
                    self._address, f"over {self.slow.cap} incomplete requests; the oldest are closed"
                )

        def _push_out(self) -> None:
            """Close this slow request's connection to make room for a newer one: its
            reads end (and any answer to it fails) as if the client had gone."""
            self._counted = False
            self._pushed_out = True
            try:
                self.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _release(self) -> None:
            if self._counted:
                self._counted = False
                self.slow.release(self._address, self)

    return LimitedHandler


class _BodyWithDeadline:
    """A request body (gevent's ``Input``) that must be read within a deadline:
    past it, reading raises ``BodyTimeout``. ``on_complete`` is called once the
    whole body has been read."""

    def __init__(self, body, seconds: float, on_complete) -> None:
        self._body = body
        self._deadline = time.monotonic() + seconds
        self._on_complete = on_complete
        self.timed_out = False

    def read(self, length=None):
        return self._within(self._body.read, length)

    def readline(self, size=None):
        return self._within(self._body.readline, size)

    def readlines(self, hint=None):
        return self._within(self._body.readlines, hint)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def _discard(self):
        """What the application did not read is read and dropped before the next
        request, within the same deadline (past it the connection closes)."""
        try:
            self._within(self._body._discard)
        except BodyTimeout:
            pass

    def _within(self, method, *args):
        import gevent

        remaining = self._deadline - time.monotonic()
        if self.timed_out or remaining <= 0:
            self.timed_out = True
            raise BodyTimeout()
        try:
            with gevent.Timeout(remaining, _BodyExpired):
                data = method(*args)
        except _BodyExpired:
            self.timed_out = True
            raise BodyTimeout() from None
        if not data or self._body.position >= (self._body.content_length or 0) and not self._body.chunked_input:
            self._on_complete()
        return data

    def __getattr__(self, name):
        return getattr(self._body, name)


def _address_of(client_address) -> str:
    return str(client_address[0]) if isinstance(client_address, tuple) else str(client_address or "unknown")


def _short_reason(error: Exception) -> str:
    """One short line about an invalid request (its text, which the client chose, clipped)."""
    text = getattr(error, "formatted_message", None) or str(error) or type(error).__name__
    return text[:120]


def _bad_request_response() -> bytes:
    from gevent import pywsgi

    return pywsgi._BAD_REQUEST_RESPONSE


def raise_open_files_limit() -> tuple[int, bool]:
    """Raise this process's open-files limit (RLIMIT_NOFILE) from its soft value to
    its hard one, where the system allows it. Returns the limit now in force and
    whether it is low (under ``LOW_OPEN_FILES``): each phone holds a connection,
    and each connection a file descriptor."""
    try:
        import resource
    except ImportError:  # not on this platform: nothing to raise, nothing known
        return 0, False
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = OPEN_FILES_CEILING if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return OPEN_FILES_CEILING, False
    return soft, soft < LOW_OPEN_FILES


def open_files_lines(limit: int, low: bool) -> list[str]:
    """What ``live serve`` prints about the open-files limit."""
    if not limit:
        return []
    line = f"  open files: {limit} (about {max(limit - RESERVED_FILES, 0)} connections at once)"
    if not low:
        return [line]
    return [
        line,
        f"warning: only {limit} open files are allowed, and each phone holds one. A large room, or a flood of "
        "connections, will hit this limit and every new request will fail. Raise the hard limit: LimitNOFILE=65536 "
        "in a systemd unit, `ulimit -n 65536` in the starting shell (as allowed by /etc/security/limits.conf), or "
        "--ulimit nofile=65536 for a container.",
    ]
