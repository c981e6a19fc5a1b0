#!/usr/bin/env python3
"""The bare reference server of ``scripts/bench``: a minimal Flask-SocketIO vote
counter on gevent, with the same Socket.IO settings as ``live serve`` and none
of its work (no database, no tokens, no validation beyond not crashing).

The benchmark drives it with the same client and the same scenario as the real
server and prints live's figures as a ratio of this one's. It speaks just
enough of docs/PROTOCOL.md for that:

- ``POST /api/sessions`` (no authentication): ``{"code", "host_token", "activities": [{"id", "type"}]}``,
  every activity a 4-option poll;
- connect with ``auth`` ``{"code"}`` (a participant hears ``welcome``) or
  ``{"code", "host_token"}`` (a host);
- ``open`` ``{"activity_id"}`` from the host: everyone hears ``state``;
- ``answer`` ``{"activity_id", "value", "answer_id"}``: counted in memory,
  acked ``{"ok": true}`` (an index outside the options is acked ``{"ok": false}``);
- ``results`` ``{"activity_id", "n_answers", "counts"}`` to host connections,
  coalesced: at most one every 100 ms per session, only when something changed.

Usage: ``python scripts/bench_reference.py --port 8123`` (127.0.0.1 only).
"""

from gevent import monkey

monkey.patch_all()

import argparse
import secrets
import uuid

from flask import Flask, jsonify, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

app = Flask("bench_reference")
# The same Engine.IO settings as live/app.py, so only the work per event differs.
socketio = SocketIO(app, async_mode="gevent", max_http_buffer_size=64 * 1024, ping_interval=10, ping_timeout=20)

sessions: dict[str, dict] = {}
connections: dict[str, tuple[str, str]] = {}
_pusher_started = False


@app.post("/api/sessions")
def create_session():
    """One session whose activities are all 4-option polls, counted in memory."""
    body = request.get_json(silent=True) or {}
    activities = body.get("activities") or [{"type": "poll"}]
    code = secrets.token_hex(4).upper()
    session = {
        "host_token": secrets.token_urlsafe(16),
        "counts": {},
        "n_answers": {},
        "current": None,
        "dirty": set(),
    }
    listed = []
    for activity in activities:
        activity_id = uuid.uuid4().hex
        n_options = len(activity.get("options") or [0, 1, 2, 3])
        session["counts"][activity_id] = [0] * n_options
        session["n_answers"][activity_id] = 0
        listed.append({"id": activity_id, "type": "poll"})
    sessions[code] = session
    return jsonify(code=code, host_token=session["host_token"], activities=listed), 201


@app.get("/")
def index():
    return "bench reference server\n"


def _push_loop():
    """Every 100 ms, the changed counts of each session go to its hosts."""
    while True:
        socketio.sleep(0.1)
        for code, session in list(sessions.items()):
            dirty, session["dirty"] = session["dirty"], set()
            for activity_id in dirty:
                socketio.emit(
                    "results",
                    {"activity_id": activity_id, "n_answers": session["n_answers"][activity_id],
                     "counts": list(session["counts"][activity_id])},
                    to=f"{code}:hosts",
                )


@socketio.on("connect")
def connect(auth=None):
    """A host (with ``host_token``) or a participant (who hears ``welcome``)."""
    global _pusher_started
    if not _pusher_started:
        _pusher_started = True
        socketio.start_background_task(_push_loop)
    code = auth.get("code") if isinstance(auth, dict) else None
    session = sessions.get(code)
    if session is None:
        raise ConnectionRefusedError("unknown_session")
    join_room(code)
    if "host_token" in auth:
        if auth["host_token"] != session["host_token"]:
            raise ConnectionRefusedError("forbidden")
        connections[request.sid] = (code, "host")
        join_room(f"{code}:hosts")
        return
    connections[request.sid] = (code, "participant")
    participant_id = uuid.uuid4().hex
    state = {"phase": "activity" if session["current"] else "lobby", "activity": _view(session["current"])}
    socketio.emit(
        "welcome", {"participant_id": participant_id, "token": participant_id, "name": None, "state": state, "answers": {}},
        to=request.sid,
    )


@socketio.on("disconnect")
def disconnect(*_reason):
    connections.pop(request.sid, None)


def _view(activity_id):
    return {"id": activity_id, "type": "poll", "status": "open"} if activity_id else None


@socketio.on("open")
def open_activity(data=None):
    """The host opens a poll; everyone in the session hears ``state``."""
    code, role = connections.get(request.sid, (None, None))
    activity_id = data.get("activity_id") if isinstance(data, dict) else None
    if role != "host" or activity_id not in sessions[code]["counts"]:
        return {"ok": False, "error": {"code": "forbidden"}}
    session = sessions[code]
    session["current"] = activity_id
    session["dirty"].add(activity_id)
    socketio.emit("state", {"phase": "activity", "activity": _view(activity_id)}, to=code)
    return {"ok": True}


@socketio.on("answer")
def answer(data=None):
    """Count the vote in memory and ack at once."""
    try:
        code, _role = connections[request.sid]
        session = sessions[code]
        activity_id, value = data["activity_id"], data["value"]
        counts = session["counts"][activity_id]
        if not isinstance(value, int) or not 0 <= value < len(counts):
            return {"ok": False, "error": {"code": "out_of_range"}}
        counts[value] += 1
        session["n_answers"][activity_id] += 1
        session["dirty"].add(activity_id)
        return {"ok": True}
    except (KeyError, TypeError):
        return {"ok": False, "error": {"code": "invalid_payload"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    print(f"bench reference server at http://127.0.0.1:{args.port}", flush=True)
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
