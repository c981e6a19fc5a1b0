"""Socket.IO handlers: validate the payload at the edge, call a service, emit.

Who may do what is decided at connect: a connection is a participant or a host
of one session, and a participant never passes a host check.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, disconnect as drop_connection, join_room

from live.app import public_base_url, services
from live.domain.errors import DomainError
from live.realtime import payloads
from live.realtime.outbound import deliver, push_loop, send_to
from live.services.messages import hosts_room, moderators_room, participant_room, session_room
from live.services.tokens import is_host_token

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Connection:
    """Who is behind a socket: a participant (with its id) or a host, of one session."""

    code: str
    role: str
    participant_id: str | None = None
    host_token: str | None = None
    locale: str = "en"
    moderator: bool = False


_connections: dict[str, Connection] = {}
_pusher_started = threading.Event()


def acknowledged(handler):
    """Turn refusals into the contract's error ack; never let an exception escape."""

    @functools.wraps(handler)
    def wrapper(*args):
        try:
            return handler(*args)
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
        _ensure_pusher(socketio)
        if not isinstance(auth, dict):
            raise _refuse(DomainError("unknown_session", "Connect with an auth object holding the session code."))
        locale = auth.get("lang") if auth.get("lang") in ("en", "fr") else "en"
        try:
            if "host_token" in auth:
                _connect_host(auth, locale)
            else:
                _connect_participant(auth, locale)
        except DomainError as error:
            raise _refuse(error) from None

    def _connect_host(auth: dict, locale: str) -> None:
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

    def _connect_participant(auth: dict, locale: str) -> None:
        state, welcome = services().runtime.join(auth.get("code"), auth.get("token"), auth.get("name"))
        participant_id = welcome["participant_id"]
        _connections[request.sid] = Connection(state.code, "participant", participant_id, locale=locale)
        join_room(session_room(state.code))
        join_room(participant_room(participant_id))
        send_to(request.sid, "welcome", welcome)

    @socketio.on("disconnect")
    def disconnect(*_reason):
        """A phone or host screen went away; a participant stays in the session."""
        connection = _connections.pop(request.sid, None)
        if connection and connection.role == "participant":
            services().runtime.leave(connection.code, connection.participant_id)

    @socketio.on("answer")
    @acknowledged
    def answer(data=None):
        """A participant answers; the ack comes once the answer is durable.
        Host screens hear the new counts through the coalesced ``results``."""
        connection = _connection("participant")
        return services().runtime.submit_answer(connection.code, connection.participant_id, payloads.answer_input(data))

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
        for sid, other in list(_connections.items()):
            if other.code == connection.code and other.participant_id == participant_id:
                drop_connection(sid=sid, namespace="/")
        return {"ok": True}

    @socketio.on("end")
    @acknowledged
    def end(data=None):
        """The host ends the session; the ack comes once the archive is written,
        and everyone hears ``state`` with phase ``ended``."""
        connection = _connection("host")
        if data is not None and not isinstance(data, dict):
            raise DomainError("invalid_payload", "The payload must be an object.")
        runtime = services().runtime
        ack, messages = runtime.end_session(runtime.state(connection.code), public_base_url(), connection.locale)
        deliver(messages)
        return ack

