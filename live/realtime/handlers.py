"""Socket.IO handlers: a table of thin functions (validate the payload at the edge,
call a service, deliver what it returns), as in Flask-SocketIO-Chat's ``events.py``.

Who may do what is decided at connect: a connection is a participant or a host of
one session, and a participant never passes a host check. A new phone beyond the
session's expected size is a third kind until the host lets it in: a *waiting*
connection, which may only ``enter`` (live/services/running/joins.py). Each activity
kind's host commands (``reveal``, ``moderate``...) are registered from the registry,
so a new kind's commands need no line here.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time

from flask import request
from flask_socketio import ConnectionRefusedError, disconnect as drop_connection, join_room, leave_room

from live.activities.registry import KINDS
from live.domain.errors import DomainError
from live.domain.joins import parse_removal
from live.extensions import services
from live.realtime import payloads
from live.realtime.connections import Connection
from live.services.messages import (
    hosts_room, moderators_room, participant_room, participants_room, session_room, waiting_room,
)
from live.services.tokens import is_host_token
from live.urls import public_base_url

log = logging.getLogger(__name__)

OK = {"ok": True}
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


def client_address(environ: dict) -> str:
    """The address a connection comes from: the peer's, or the one the trusted
    proxies forwarded (LIVE_TRUSTED_PROXIES: ProxyFix rewrites ``REMOTE_ADDR``
    for Socket.IO too, and only then)."""
    return environ.get("REMOTE_ADDR") or "unknown"


def _deliver(messages) -> None:
    services().screens.deliver(messages)


def _send(event: str, data: dict) -> None:
    services().screens.send_to(request.sid, event, data)


def _connection(role: str) -> Connection:
    """Who is behind this socket, checked for ``role`` (``"host"`` or ``"participant"``)."""
    connection = services().realtime["connections"].get(request.sid)
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


def _host_state():
    """The host connection's session state (a host check first)."""
    return services().runtime.state(_connection("host").code)


# -- connect and disconnect ------------------------------------------------------------


def on_connect(auth=None):
    """Phones and host screens connect with an ``auth`` object; a wrong code or host
    token is refused. A participant hears ``welcome``; a host hears ``host_state``,
    ``state``, ``presence`` and the current ``results``."""
    realtime = services().realtime
    if request.sid in realtime["connections"]:
        return  # a client *event* named "connect" on a joined connection: ignore it
    realtime["start_pusher"]()
    if not isinstance(auth, dict):
        raise _refuse(DomainError("unknown_session", "Connect with an auth object holding the session code."))
    locale = auth.get("lang") if auth.get("lang") in ("en", "fr") else "en"
    guard, address, now = realtime["joins"], client_address(request.environ), time.monotonic()
    if not guard.may_try(address, payloads.join_code(auth), now):
        raise _refuse(DomainError("rate_limited", GUESSING_TOO_MANY))
    try:
        code = _connect_host(auth, locale) if "host_token" in auth else _connect_participant(auth, locale)
    except DomainError as error:
        if error.code == "unknown_session":
            guard.unknown_code(address, now)
        raise _refuse(error) from None
    guard.joined(address, code)


def _connect_host(auth: dict, locale: str) -> str:
    runtime = services().runtime
    state = runtime.connect_host(auth.get("code"), auth.get("host_token"))
    moderator = auth.get("view") == "moderator"
    services().realtime["connections"].add(
        request.sid, Connection(state.code, "host", host_token=auth["host_token"], locale=locale, moderator=moderator)
    )
    join_room(session_room(state.code))
    join_room(hosts_room(state.code))
    if moderator:
        join_room(moderators_room(state.code))
    view = runtime.host_view(state)
    _send("host_state", view)
    _send("state", view["state"])
    _send("presence", view["presence"])
    # The activity beside the one on screen first, then the one on screen: a screen
    # that keeps the last results it heard per activity shows the current one.
    for activity_id in (state.lifecycle.side, state.lifecycle.current_activity_id):
        if not activity_id:
            continue
        _send("results", runtime.results(state, activity_id))
        moderation = runtime.moderation_view(state, activity_id) if moderator else None
        if moderation is not None:
            _send("moderation", moderation)
    return state.code


def _connect_participant(auth: dict, locale: str) -> str:
    try:
        state, welcome, messages = services().runtime.join(auth.get("code"), auth.get("token"), auth.get("name"))
    except DomainError as error:
        if error.code != "waiting_for_host":
            raise
        return _wait_for_host(auth, locale)
    _admit(state.code, welcome, locale)
    _deliver(messages)
    return state.code


def _admit(code: str, welcome: dict, locale: str) -> None:
    participant_id = welcome["participant_id"]
    services().realtime["connections"].add(request.sid, Connection(code, "participant", participant_id, locale=locale))
    join_room(session_room(code))
    join_room(participants_room(code))
    join_room(participant_room(participant_id))
    _send("welcome", welcome)


def _wait_for_host(auth: dict, locale: str) -> str:
    """A new phone beyond the expected size stays connected and hears ``waiting``; it
    hears ``admitted`` when the host lets it in."""
    runtime = services().runtime
    state = runtime.state(payloads.join_code(auth))
    # In the room before it counts as waiting: a "let them in" in between reaches it.
    join_room(waiting_room(state.code))
    since = runtime.joins.start_waiting(state)
    services().realtime["connections"].add(
        request.sid, Connection(state.code, "waiting", locale=locale, name=auth.get("name"), waiting_since=since)
    )
    _send("waiting", {"title": state.title})
    return state.code


def on_disconnect(*_reason):
    """A phone or host screen went away; a participant stays in the session."""
    if services().realtime["socketio"].server.manager.is_connected(request.sid, "/"):
        # Still connected: a client *event* named "disconnect" (python-socketio routes
        # it here too), not the end of the connection. Ignore it.
        return
    connection = services().realtime["connections"].pop(request.sid)
    if connection and connection.role == "participant":
        services().runtime.leave(connection.code, connection.participant_id)
    elif connection and connection.role == "waiting":
        services().runtime.stop_waiting(connection.code)


def on_enter(data=None):
    """A phone waiting for the host comes in, once it heard ``admitted``: acked
    ``{"ok": true}``, then it hears ``welcome`` like any new participant; or
    ``waiting_for_host`` (still waiting), ``joins_locked``, ``session_ended``."""
    connection = services().realtime["connections"].get(request.sid)
    if connection is None or connection.role != "waiting":
        raise DomainError("forbidden", "Only a phone waiting for the host can enter.")
    payloads.no_payload(data)
    runtime = services().runtime
    state, welcome, messages = runtime.enter(connection.code, connection.name, connection.waiting_since)
    runtime.stop_waiting(connection.code)
    leave_room(waiting_room(state.code))
    _admit(state.code, welcome, connection.locale)
    _deliver(messages)
    return OK


# -- participants ----------------------------------------------------------------------


def answer_handler(server):
    """The ``answer`` handler of the python-socketio ``server``.

    The one event every phone sends at once, so it is registered on python-socketio
    directly and skips the Flask request context that Flask-SocketIO pushes for every
    event (cookie session, URL routing: the largest cost per answer in the profile of
    docs/BENCHMARKS.md). It needs none: who is behind ``sid`` is in the connections."""

    def on_answer(sid, data=None):
        """A participant answers; the ack comes once the answer is durable. Host
        screens hear the new counts through the coalesced ``results``."""
        live, connection = _participant_of(server, sid)
        runtime = live.runtime
        runtime.check_answer_rate(connection.code, connection.participant_id)
        ack, messages = runtime.submit_answer(connection.code, connection.participant_id, payloads.answer_input(data))
        live.screens.deliver(messages)
        return ack

    return on_answer


def react_handler(server):
    """The ``react`` handler of the python-socketio ``server``: as cheap as ``answer``
    (no Flask request context), since a room taps at will."""

    def on_react(sid, data=None):
        """A participant sends an emoji of the session's set: ``{"ok": true}``, or
        ``not_allowed`` / ``rate_limited`` / ``session_ended`` / ``removed``. Host
        screens hear the counts through the coalesced ``reactions``."""
        live, connection = _participant_of(server, sid)
        ack, messages = live.runtime.react(connection.code, connection.participant_id, payloads.reaction(data))
        live.screens.deliver(messages)
        return ack

    return on_react


def _participant_of(server, sid: str):
    """The app's live services and the participant behind ``sid`` (a host or a
    connection that has not joined is ``forbidden``), outside Flask's request context."""
    environ = server.get_environ(sid, namespace="/")
    live = environ["flask.app"].extensions["live"] if environ else None
    connection = live.realtime["connections"].get(sid) if live is not None else None
    if connection is None:
        raise DomainError("forbidden", "This connection has not joined a session.")
    if connection.role != "participant":
        raise DomainError("forbidden", "Only participants answer or react.")
    return live, connection


# -- the host ----------------------------------------------------------------------------


def on_open(data=None):
    """The host opens an activity; everyone in the session hears ``state``."""
    state = _host_state()
    _deliver(services().runtime.open_activity(state, payloads.activity_id(data)))
    return OK


def on_close(data=None):
    """The host closes an activity; everyone hears ``state``, phones the ``results``
    when they are shown."""
    state = _host_state()
    _deliver(services().runtime.close_activity(state, payloads.activity_id(data)))
    return OK


def _drop(code: str, which) -> None:
    """Close this process's connections of session ``code`` for which ``which`` is true."""
    for sid in services().realtime["connections"].sids_where(code, which):
        drop_connection(sid=sid, namespace="/")


def on_remove(data=None):
    """The host removes a participant: they hear ``removed`` and are disconnected."""
    state = _host_state()
    participant_id = payloads.object_of(data).get("participant_id")
    _deliver(services().runtime.remove_participant(state, participant_id))
    _drop(state.code, lambda other: other.participant_id == participant_id)
    return OK


def on_remove_many(data=None):
    """The host removes many participants at once (who joined in the last N seconds,
    who never answered), or first counts them (``preview``): each hears ``removed``
    and is disconnected, as with ``remove``."""
    state = _host_state()
    removal = parse_removal(data)
    ack, messages = services().runtime.remove_many(state, removal)
    _deliver(messages)
    removed = {message.data["participant_id"] for message in messages if getattr(message, "event", None) == "removed"}
    _drop(state.code, lambda other: other.participant_id in removed)
    return ack


def on_lock_joins(data=None):
    """The host locks joins: new phones are refused (``joins_locked``), phones waiting
    hear ``turned_away``; everyone already in stays and reconnects. Host screens hear
    ``joins``."""
    state = _host_state()
    payloads.no_payload(data)
    _deliver(services().runtime.joins.lock(state, True))
    _drop(state.code, lambda other: other.role == "waiting")
    return OK


def on_unlock_joins(data=None):
    """The host opens the session to new phones again; host screens hear ``joins``."""
    state = _host_state()
    payloads.no_payload(data)
    _deliver(services().runtime.joins.lock(state, False))
    return OK


def on_admit_waiting(data=None):
    """The host lets in every phone waiting now: they hear ``admitted`` and ``enter``;
    host screens hear ``joins``."""
    state = _host_state()
    payloads.no_payload(data)
    ack, messages = services().runtime.joins.let_in(state)
    _deliver(messages)
    return ack


def on_end(data=None):
    """The host ends the session; the ack comes once the archive is written, and
    everyone hears ``state`` with phase ``ended``."""
    connection = _connection("host")
    share = payloads.end_options(data)
    runtime = services().runtime
    facts, messages = runtime.end_session(runtime.state(connection.code), connection.locale, share)
    _deliver(messages)
    _drop(connection.code, lambda other: other.role == "waiting")  # they heard turned_away
    ack = {
        "ok": True,
        "summary_url": f"{public_base_url()}/api/sessions/{facts['code']}/summary",
        # Relative: the facilitator is signed in on the address the host screen uses.
        "archive_url": f"/archives/{facts['code']}",
        "archive_path": facts["archive_path"],
    }
    if facts.get("archive_error"):
        ack["archive_error"] = facts["archive_error"]  # the session ended; its archive will be written again
    return ack


def command_handler(name: str):
    """The handler of a kind's host command ``name``: the activity it names (none for
    a command about the whole session), the payload, the kind decides."""
    about_session = any(name in kind.session_commands for kind in KINDS)

    def on_command(data=None):
        state = _host_state()
        payload = {} if about_session and data is None else payloads.object_of(data)
        activity_id = None if about_session else payloads.activity_id(payload)
        ack, messages = services().runtime.command(state, name, payload, activity_id)
        _deliver(messages)
        return ack

    on_command.__name__ = f"on_{name}"
    on_command.__doc__ = f"The host sends the kind command {name!r}; what it changes is delivered."
    return on_command


def participant_command_handler(name: str):
    """The handler of a kind's participant event ``name`` (``ask``, ``upvote``,
    ``report``): acked like ``answer``, once what it stores is durable."""

    def on_participant_command(data=None):
        connection = _connection("participant")
        payload = payloads.participant_command(data)
        runtime = services().runtime
        runtime.check_answer_rate(connection.code, connection.participant_id)
        ack, messages = runtime.participate(connection.code, connection.participant_id, name, payload)
        _deliver(messages)
        return ack

    on_participant_command.__name__ = f"on_{name}"
    on_participant_command.__doc__ = f"A participant sends the kind event {name!r}."
    return on_participant_command


# Participant events registered on python-socketio directly (see ``answer_handler``).
PARTICIPANT_EVENTS = {"answer": answer_handler, "react": react_handler}

HOST_EVENTS = {
    "open": on_open, "close": on_close, "remove": on_remove, "remove_many": on_remove_many, "end": on_end,
    "lock_joins": on_lock_joins, "unlock_joins": on_unlock_joins, "admit_waiting": on_admit_waiting,
}


def kind_commands() -> list[str]:
    """Every host command the registered kinds take, once each."""
    names: list[str] = []
    for kind in KINDS:
        names += [name for name in kind.commands if name not in names and name not in HOST_EVENTS]
    return names


def participant_commands() -> list[str]:
    """Every participant event the registered kinds take beyond ``answer``, once each."""
    names: list[str] = []
    for kind in KINDS:
        names += [name for name in kind.participant_commands if name not in names]
    return names


def register(socketio) -> None:
    """Attach the handlers to ``socketio``: the table above and every kind's commands."""
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    for event, handler in {**HOST_EVENTS, "enter": on_enter}.items():
        socketio.on_event(event, acknowledged(handler))
    for name in kind_commands():
        socketio.on_event(name, acknowledged(command_handler(name)))
    for name in participant_commands():
        socketio.on_event(name, acknowledged(participant_command_handler(name)))
    for event, make_handler in PARTICIPANT_EVENTS.items():
        socketio.server.on(event, acknowledged(make_handler(socketio.server)), namespace="/")
