"""Malformed Socket.IO and Engine.IO packets: one short line at most, and the
connection that sent them is closed.

No honest client (ours, or any Socket.IO 4 client) sends a packet that does not
decode, a packet type a client never sends, an event without a name, or binary
data (live's protocol carries none). python-socketio and python-engineio log a
full traceback for each such packet and keep the connection open, so a flood of
them, needing no join code, filled the log and saturated the server. Here:

- ``StrictPacket`` (the Socket.IO server's packet class, a documented option)
  refuses what live never receives, with ``ProtocolError``;
- ``PacketGuard`` wraps the Engine.IO ``message`` handler: a ``ProtocolError``
  closes that connection, and later packets already read from it are dropped
  without any work; the frames of a WebSocket and the bodies of long-polling
  POSTs are checked at the Engine.IO level before they are decoded;
- each refusal is reported to a ``ThrottledLog`` (one line per address a minute,
  with a count of what was held back).

Errors that are not the client's (a bug in a handler) are not caught here:
they keep their traceback.
"""

from __future__ import annotations

import io
import logging
from urllib.parse import parse_qs

from socketio import packet as sio_packet

from live.throttled_log import ThrottledLog

log = logging.getLogger(__name__)

# What a client may send: connect, disconnect, event, ack (Socket.IO 5 protocol).
CLIENT_PACKET_TYPES = (sio_packet.CONNECT, sio_packet.DISCONNECT, sio_packet.EVENT, sio_packet.ACK)
BINARY_PACKET_TYPES = (sio_packet.BINARY_EVENT, sio_packet.BINARY_ACK)
# Engine.IO packet types a client sends: close, ping (the upgrade probe), pong,
# message, upgrade, noop. An open (0), a base64 binary ("b...") or anything else is not one.
CLIENT_ENGINEIO_TYPES = "123456"
ENGINEIO_MESSAGE = "4"
# python-engineio refuses a long-polling body of more packets than this.
MAX_PACKETS_PER_BODY = 16


class ProtocolError(ValueError):
    """A packet no honest client sends; its message is a short reason, safe to log."""


class StrictPacket(sio_packet.Packet):
    """Socket.IO packets as python-socketio decodes them, refusing (with
    ``ProtocolError``) what live never receives: binary data, packet types a
    client does not send, events without a name, and anything that does not decode."""

    def decode(self, encoded_packet):
        if not isinstance(encoded_packet, str):
            raise ProtocolError("binary data")
        if not encoded_packet[:1].isdigit():
            raise ProtocolError("unknown packet type")
        try:
            attachments = super().decode(encoded_packet)
        except RecursionError:
            raise ProtocolError("nesting too deep") from None
        except (ValueError, TypeError, IndexError, KeyError):
            raise ProtocolError("not a Socket.IO packet") from None
        if self.packet_type in BINARY_PACKET_TYPES or attachments:
            raise ProtocolError("binary data")
        if self.packet_type not in CLIENT_PACKET_TYPES:
            raise ProtocolError("unknown packet type")
        if self.packet_type == sio_packet.EVENT and not _named_event(self.data):
            raise ProtocolError("event without a name")
        return attachments


def _named_event(data) -> bool:
    return isinstance(data, list) and bool(data) and isinstance(data[0], str)


def frame_problem(frame) -> str | None:
    """Why an Engine.IO frame from a client is malformed, or None when it is not
    (None itself, a closed WebSocket, is not a problem either)."""
    if frame is None:
        return None
    if not isinstance(frame, str):
        return "binary data"
    if not frame:
        return "empty packet"
    if frame[0] not in CLIENT_ENGINEIO_TYPES:
        return "unknown Engine.IO packet type"
    if frame[0] == ENGINEIO_MESSAGE and not frame[1:2].isdigit():
        return "not a Socket.IO packet"
    return None


def body_problem(body: bytes) -> str | None:
    """Why a long-polling POST body is malformed, or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    frames = text.split("\x1e")
    if len(frames) > MAX_PACKETS_PER_BODY:
        return "too many packets"
    return next(filter(None, map(frame_problem, frames)), None)


class PacketGuard:
    """Closes the connections that send malformed packets, and reports them."""

    def __init__(self, server, report: ThrottledLog) -> None:
        self._server = server
        self._eio = server.eio
        self._report = report

    def install(self, app) -> None:
        """Check every packet of ``server`` (a ``socketio.Server`` built with
        ``serializer=StrictPacket``) and every polling body reaching ``app``."""
        self._dispatch = self._eio.handlers["message"]
        self._eio.on("message", self._on_message)
        self._guard_websocket_frames()
        app.wsgi_app = PollingBodyCheck(app.wsgi_app, self)

    def _on_message(self, eio_sid, data) -> None:
        socket = self._eio.sockets.get(eio_sid)
        if socket is None or socket.closing or socket.closed:
            return  # refused already: what it sent after that costs nothing
        try:
            self._dispatch(eio_sid, data)
        except ProtocolError as error:
            self.refuse(eio_sid, self._address_of(eio_sid), str(error))

    def refuse(self, eio_sid: str, address: str, reason: str) -> None:
        """Report ``reason`` and close the Engine.IO connection ``eio_sid``, without
        waiting for the client to collect the close packet (it may never poll again)."""
        self._report.report(address, f"{reason}; connection closed")
        socket = self._eio.sockets.pop(eio_sid, None)
        if socket is not None:
            socket.close(wait=False, abort=False, reason=self._eio.reason.SERVER_DISCONNECT)

    def report(self, address: str, reason: str) -> None:
        """Report a malformed frame whose connection closes by itself."""
        self._report.report(address, f"{reason}; connection closed")

    @property
    def max_body(self) -> int:
        return self._eio.max_http_buffer_size

    def owns(self, eio_sid: str) -> bool:
        return eio_sid in self._eio.sockets

    def _address_of(self, eio_sid: str) -> str:
        return (self._server.environ.get(eio_sid) or {}).get("REMOTE_ADDR") or "unknown"

    def _guard_websocket_frames(self) -> None:
        """Engine.IO decodes a WebSocket frame before any handler sees it, outside
        any error handling: check each frame first, through the WebSocket class
        of the async mode (python-engineio's per-mode table, the one place every
        mode's frames pass through)."""
        drivers = getattr(self._eio, "_async", None)
        if not isinstance(drivers, dict) or drivers.get("websocket") is None:
            log.warning("python-engineio changed: WebSocket frames are not checked before decoding")
            return
        self._eio._async = dict(drivers, websocket=_checked_websocket(drivers["websocket"], self))


def _checked_websocket(websocket_class, guard: PacketGuard):
    """A stand-in for python-engineio's WebSocket class whose connections drop
    (as if the client had closed them) at the first malformed frame."""

    def websocket(handler, server):
        def application(environ, start_response):
            address = environ.get("REMOTE_ADDR") or "unknown"
            return websocket_class(lambda ws: handler(_CheckedFrames(ws, address, guard)), server)(
                environ, start_response
            )

        return application

    return websocket


class _CheckedFrames:
    """A WebSocket whose ``wait`` ends the connection at a malformed frame."""

    def __init__(self, ws, address: str, guard: PacketGuard) -> None:
        self._ws = ws
        self._address = address
        self._guard = guard

    def wait(self):
        frame = self._ws.wait()
        problem = frame_problem(frame)
        if problem is None:
            return frame
        self._guard.report(self._address, problem)
        return None  # Engine.IO reads this as the client closing: it cleans up as usual

    def __getattr__(self, name):
        return getattr(self._ws, name)


class PollingBodyCheck:
    """WSGI middleware: a long-polling POST whose body is malformed is answered
    400 and its connection closed, before python-engineio decodes it (it would
    log a traceback and keep the connection)."""

    def __init__(self, wsgi_app, guard: PacketGuard, path: str = "/socket.io/") -> None:
        self.wsgi_app = wsgi_app
        self._guard = guard
        self._path = path

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self._path):
            refused = self._check(environ)
            if refused:
                start_response("400 BAD REQUEST", [("Content-Type", "text/plain"), ("Content-Length", "17")])
                return [b"Malformed packet."]
        return self.wsgi_app(environ, start_response)

    def _check(self, environ) -> bool:
        sid = (parse_qs(environ.get("QUERY_STRING", "")).get("sid") or [None])[0]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False  # python-engineio answers it
        if not sid or not self._guard.owns(sid) or not 0 < length <= self._guard.max_body:
            return False
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        problem = body_problem(body)
        if problem is None:
            return False
        self._guard.refuse(sid, environ.get("REMOTE_ADDR") or "unknown", problem)
        return True


def install(socketio, app) -> PacketGuard:
    """Guard the Socket.IO server of ``socketio`` (already bound to ``app`` with
    ``serializer=StrictPacket``) and the polling requests reaching ``app``."""
    guard = PacketGuard(socketio.server, ThrottledLog(log, "malformed Socket.IO packet"))
    guard.install(app)
    return guard
