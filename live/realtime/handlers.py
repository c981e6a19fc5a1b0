"""Socket.IO handlers: validate the payload at the edge, call a service, emit.

Who may do what is decided at connect: a connection is a participant or a host
of one session, and a participant never passes a host check. A new phone beyond
the session's expected size is a third kind until the host lets it in: a
*waiting* connection, which may only ``enter`` (live/services/joins.py).
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import time
from dataclasses import dataclass, field

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, disconnect as drop_connection, join_room, leave_room

from live.app import public_base_url, services
from live.domain.errors import DomainError
from live.domain.joins import parse_removal
from live.domain.ratelimit import GuessThrottle, RateLimiter
from live.realtime import payloads
from live.realtime.outbound import deliver, push_loop, send_to
from live.services.messages import hosts_room, moderators_room, participant_room, session_room, waiting_room
from live.services.tokens import is_host_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Connection:
    """Who is behind a socket: a participant (with its id), a host, or a phone
    waiting for the host (with the name it asked for and the admissions count it
    waits under), of one session."""

    code: str
    role: str
    participant_id: str | None = None
    host_token: str | None = None
    locale: str = "en"
    moderator: bool = False
    name: object = None
    waiting_since: int = 0


@dataclass
class Guards:
    """The abuse limits of one app: answers per participant, unknown join codes per address."""

    answers: RateLimiter
    joins: GuessThrottle
    # The buckets are plain dicts: real threads (async mode ``threading``) must not
    # prune one while another adds to it. Uncontended under gevent.
    lock: threading.Lock = field(default_factory=threading.Lock)


_connections: dict[str, Connection] = {}
_pusher_started = threading.Event()

ANSWERING_TOO_FAST = "You are sending answers too fast. Please wait a moment and try again."
GUESSING_TOO_MANY = "Too many unknown session codes were tried from this network. Please wait a minute and try again."


def acknowledged(handler):
    """Turn refusals into the contract's error ack; never let an exception escape.

    A client may send more arguments than the event takes (``emit("answer", a, b)``):
    the extra ones are dropped rather than raising a TypeError."""
    takes = len(inspect.signature(handler).parameters)

    @functools.wraps(handler)
    def wrapper(*args):
        try:
            return handler(*args[:takes])
        except DomainError as error:
            return {"ok": False, "error": error.as_dict()}
        except Exception:
            log.exception("%s failed", handler.__name__)
            return {"ok": False, "error": {"code": "internal", "message": "Something went wrong on the server."}}

    return wrapper


def _refuse(error: DomainError) -> ConnectionRefusedError:
    refusal = ConnectionRefusedError(error.message)
    # The contract's {"code", "message"} at the top for python-socketio clients,
    # and again under "data", which is what the JavaScript client exposes (err.data).
    refusal.error_args = dict(error.as_dict(), data=error.as_dict())
    return refusal


def _guards(app) -> Guards:
    """The limits of ``app``, made on first use from its settings."""
    guards = app.extensions.get("live_guards")
    if guards is None:
        settings = app.extensions["live"].settings
        made = Guards(
            RateLimiter(settings.answer_rate, settings.answer_burst),
            GuessThrottle(settings.join_guesses_per_minute),
        )
        guards = app.extensions.setdefault("live_guards", made)
    return guards


def client_address(environ: dict) -> str:
    """The address a connection comes from: the peer's, or the one the trusted
    proxies forwarded (LIVE_TRUSTED_PROXIES: ProxyFix rewrites ``REMOTE_ADDR``
    for Socket.IO too, and only then)."""
    return environ.get("REMOTE_ADDR") or "unknown"


def _code_of(auth: dict) -> object:
    code = auth.get("code")
    return code.strip().upper() if isinstance(code, str) else code


def _ensure_pusher(socketio) -> None:
    if not _pusher_started.is_set():
        _pusher_started.set()
        socketio.start_background_task(push_loop, current_app._get_current_object())


def _connection(role: str | None = None) -> Connection:
    connection = _connections.get(request.sid)
    if connection is None:
        raise DomainError("forbidden", "This connection has not joined a session.")
    if role == "host":
        state = services().runtime.state(connection.code)
        if connection.role != "host" or not is_host_token(
            services().settings.secret_key, state.code, state.host_salt, connection.host_token
        ):
            raise DomainError("forbidden", "Only the host of this session can do this.")
    if role == "participant" and connection.role != "participant":
        raise DomainError("forbidden", "Only participants answer.")
    return connection


def register(socketio) -> None:
    """Attach the handlers to ``socketio``."""

    @socketio.on("connect")
    def connect(auth=None):
        """Phones and host screens connect with an ``auth`` object; a wrong code or
        host token is refused. A participant hears ``welcome``; a host hears
        ``host_state``, ``state``, ``presence`` and the current ``results``."""
        if request.sid in _connections:
            return  # a client *event* named "connect" on a joined connection: ignore it
        _ensure_pusher(socketio)
        if not isinstance(auth, dict):
            raise _refuse(DomainError("unknown_session", "Connect with an auth object holding the session code."))
        locale = auth.get("lang") if auth.get("lang") in ("en", "fr") else "en"
        guards, address, now = _guards(current_app), client_address(request.environ), time.monotonic()
        with guards.lock:
            if not guards.joins.may_try(address, _code_of(auth), now):
                raise _refuse(DomainError("rate_limited", GUESSING_TOO_MANY))
        try:
            code = _connect_host(auth, locale) if "host_token" in auth else _connect_participant(auth, locale)
        except DomainError as error:
            if error.code == "unknown_session":
                with guards.lock:
                    guards.joins.unknown_code(address, now)
            raise _refuse(error) from None
        with guards.lock:
            guards.joins.joined(address, code)

    def _connect_host(auth: dict, locale: str) -> str:
        runtime = services().runtime
        state = runtime.connect_host(auth.get("code"), auth.get("host_token"))
        moderator = auth.get("view") == "moderator"
        _connections[request.sid] = Connection(
            state.code, "host", host_token=auth["host_token"], locale=locale, moderator=moderator
        )
        join_room(session_room(state.code))
        join_room(hosts_room(state.code))
        if moderator:
            join_room(moderators_room(state.code))
        view = runtime.host_view(state)
        send_to(request.sid, "host_state", view)
        send_to(request.sid, "state", view["state"])
        send_to(request.sid, "presence", view["presence"])
        current = state.lifecycle.current_activity_id
        if current:
            send_to(request.sid, "results", runtime.results(state, current))
            if moderator and state.activities[current].type == "wordcloud":
                send_to(request.sid, "moderation", runtime.moderation_view(state, current))
        return state.code

    def _connect_participant(auth: dict, locale: str) -> str:
        try:
            state, welcome = services().runtime.join(auth.get("code"), auth.get("token"), auth.get("name"))
        except DomainError as error:
            if error.code != "waiting_for_host":
                raise
            return _wait_for_host(auth, locale)
        _admit(state.code, welcome, locale)
        return state.code

    def _admit(code: str, welcome: dict, locale: str) -> None:
        participant_id = welcome["participant_id"]
        _connections[request.sid] = Connection(code, "participant", participant_id, locale=locale)
        join_room(session_room(code))
        join_room(participant_room(participant_id))
        send_to(request.sid, "welcome", welcome)

    def _wait_for_host(auth: dict, locale: str) -> str:
        """A new phone beyond the expected size stays connected and hears ``waiting``;
        it hears ``admitted`` when the host lets it in."""
        runtime = services().runtime
        state = runtime.state(_code_of(auth))
        # In the room before it counts as waiting: a "let them in" in between reaches it.
        join_room(waiting_room(state.code))
        since = runtime.joins.start_waiting(state)
        _connections[request.sid] = Connection(
            state.code, "waiting", locale=locale, name=auth.get("name"), waiting_since=since
        )
        send_to(request.sid, "waiting", {"title": state.title})
        return state.code

    @socketio.on("disconnect")
    def disconnect(*_reason):
        """A phone or host screen went away; a participant stays in the session."""
        if socketio.server.manager.is_connected(request.sid, "/"):
            # Still connected: a client *event* named "disconnect" (python-socketio
            # routes it here too), not the end of the connection. Ignore it.
            return
        connection = _connections.pop(request.sid, None)
        if connection and connection.role == "participant":
            services().runtime.leave(connection.code, connection.participant_id)
        elif connection and connection.role == "waiting":
            services().runtime.stop_waiting(connection.code)

    def _drop(code: str, which) -> None:
        """Close this process's connections of session ``code`` for which ``which`` is true."""
        for sid, other in list(_connections.items()):
            if other.code == code and which(other):
                drop_connection(sid=sid, namespace="/")

    def _no_payload(data) -> None:
        if data is not None and not isinstance(data, dict):
            raise DomainError("invalid_payload", "The payload must be an object.")

    @socketio.on("enter")
    @acknowledged
    def enter(data=None):
        """A phone waiting for the host comes in, once it heard ``admitted``: acked
        ``{"ok": true}``, then it hears ``welcome`` like any new participant; or
        ``waiting_for_host`` (still waiting), ``joins_locked``, ``session_ended``."""
        connection = _connections.get(request.sid)
        if connection is None or connection.role != "waiting":
            raise DomainError("forbidden", "Only a phone waiting for the host can enter.")
        _no_payload(data)
        runtime = services().runtime
        state, welcome = runtime.enter(connection.code, connection.name, connection.waiting_since)
        runtime.stop_waiting(connection.code)
        leave_room(waiting_room(state.code))
        _admit(state.code, welcome, connection.locale)
        return {"ok": True}

    server = socketio.server

    @acknowledged
    def answer(sid, data=None):
        """A participant answers; the ack comes once the answer is durable.
        Host screens hear the new counts through the coalesced ``results``.

        The one event every phone sends at once, so it is registered on
        python-socketio directly and skips the Flask request context that
        Flask-SocketIO pushes for every event (cookie session, URL routing:
        the largest cost per answer in the profile of docs/BENCHMARKS.md). It
        needs none: who is behind ``sid`` is in ``_connections``."""
        connection = _connections.get(sid)
        environ = server.get_environ(sid, namespace="/")
        if connection is None or environ is None:
            raise DomainError("forbidden", "This connection has not joined a session.")
        if connection.role != "participant":
            raise DomainError("forbidden", "Only participants answer.")
        app = environ["flask.app"]
        guards = _guards(app)
        with guards.lock:
            allowed = guards.answers.allow(connection.participant_id, time.monotonic())
        if not allowed:
            raise DomainError("rate_limited", ANSWERING_TOO_FAST)
        runtime = app.extensions["live"].runtime
        return runtime.submit_answer(connection.code, connection.participant_id, payloads.answer_input(data))

    server.on("answer", answer, namespace="/")

    @socketio.on("open")
    @acknowledged
    def open_activity(data=None):
        """The host opens an activity; everyone in the session hears ``state``."""
        connection = _connection("host")
        runtime = services().runtime
        deliver(runtime.open_activity(runtime.state(connection.code), payloads.activity_id(data)))
        return {"ok": True}

    @socketio.on("close")
    @acknowledged
    def close_activity(data=None):
        """The host closes an activity; everyone in the session hears ``state``."""
        connection = _connection("host")
        runtime = services().runtime
        deliver(runtime.close_activity(runtime.state(connection.code), payloads.activity_id(data)))
        return {"ok": True}

    @socketio.on("moderate")
    @acknowledged
    def moderate(data=None):
        """The facilitator hides, shows, releases or merges words of a word cloud;
        host screens hear the new ``results``, moderation views the new ``moderation``."""
        connection = _connection("host")
        runtime = services().runtime
        runtime.moderate(runtime.state(connection.code), payloads.activity_id(data), data)
        return {"ok": True}

    @socketio.on("undo")
    @acknowledged
    def undo(data=None):
        """The facilitator undoes the last moderation action of a word cloud."""
        connection = _connection("host")
        runtime = services().runtime
        runtime.undo_moderation(runtime.state(connection.code), payloads.activity_id(data))
        return {"ok": True}

    @socketio.on("reveal")
    @acknowledged
    def reveal(data=None):
        """The host shows a quiz question's answer: everyone hears ``state`` (with
        ``correct`` and ``counts``), each phone its ``quiz_result``, hosts the ``results``."""
        connection = _connection("host")
        runtime = services().runtime
        deliver(runtime.reveal_answer(runtime.state(connection.code), payloads.activity_id(data)))
        return {"ok": True}

    @socketio.on("add_time")
    @acknowledged
    def add_time(data=None):
        """The host gives an open quiz question more seconds; everyone hears ``state``."""
        connection = _connection("host")
        runtime = services().runtime
        seconds = data.get("seconds") if isinstance(data, dict) else None
        deliver(runtime.add_time(runtime.state(connection.code), payloads.activity_id(data), seconds))
        return {"ok": True}

    @socketio.on("podium")
    @acknowledged
    def podium(data=None):
        """The host shows the final podium; each phone hears its ``final_rank``."""
        connection = _connection("host")
        runtime = services().runtime
        deliver(runtime.podium(runtime.state(connection.code)))
        return {"ok": True}

    @socketio.on("remove")
    @acknowledged
    def remove(data=None):
        """The host removes a participant: they hear ``removed`` and are disconnected."""
        connection = _connection("host")
        runtime = services().runtime
        participant_id = data.get("participant_id") if isinstance(data, dict) else None
        deliver(runtime.remove_participant(runtime.state(connection.code), participant_id))
        _drop(connection.code, lambda other: other.participant_id == participant_id)
        return {"ok": True}

    @socketio.on("end")
    @acknowledged
    def end(data=None):
        """The host ends the session; the ack comes once the archive is written,
        and everyone hears ``state`` with phase ``ended`` (phones still waiting
        for the host hear ``turned_away``)."""
        connection = _connection("host")
        _no_payload(data)
        runtime = services().runtime
        ack, messages = runtime.end_session(runtime.state(connection.code), public_base_url(), connection.locale)
        deliver(messages)
        _drop(connection.code, lambda other: other.role == "waiting")
        return ack

    @socketio.on("lock_joins")
    @acknowledged
    def lock_joins(data=None):
        """The host locks joins: new phones are refused (``joins_locked``), phones
        waiting hear ``turned_away``; everyone already in stays and reconnects.
        Host screens hear ``joins``."""
        connection = _connection("host")
        _no_payload(data)
        runtime = services().runtime
        deliver(runtime.joins.lock(runtime.state(connection.code), True))
        _drop(connection.code, lambda other: other.role == "waiting")
        return {"ok": True}

    @socketio.on("unlock_joins")
    @acknowledged
    def unlock_joins(data=None):
        """The host opens the session to new phones again; host screens hear ``joins``."""
        connection = _connection("host")
        _no_payload(data)
        runtime = services().runtime
        deliver(runtime.joins.lock(runtime.state(connection.code), False))
        return {"ok": True}

    @socketio.on("admit_waiting")
    @acknowledged
    def admit_waiting(data=None):
        """The host lets in every phone waiting now: they hear ``admitted`` and
        ``enter``; host screens hear ``joins``."""
        connection = _connection("host")
        _no_payload(data)
        runtime = services().runtime
        ack, messages = runtime.joins.let_in(runtime.state(connection.code))
        deliver(messages)
        return ack

    @socketio.on("remove_many")
    @acknowledged
    def remove_many(data=None):
        """The host removes many participants at once (who joined in the last N
        seconds, who never answered), or first counts them (``preview``): each
        hears ``removed`` and is disconnected, as with ``remove``."""
        connection = _connection("host")
        removal = parse_removal(data)
        runtime = services().runtime
        ack, messages = runtime.joins.remove_many(runtime.state(connection.code), removal)
        deliver(messages)
        removed = {message.data["participant_id"] for message in messages}
        _drop(connection.code, lambda other: other.participant_id in removed)
        return ack

