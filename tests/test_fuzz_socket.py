"""Property-based tests (hypothesis): hostile payloads at every Socket.IO event of
a real ``live serve``, while honest phones answer alongside.

Every hostile event must get an error-shaped ack (or a plain ``{"ok": true}``
when, by chance, it was a valid request), never ``internal``; a host event from
a participant is always ``forbidden``; the server never crashes, never drops an
honest connection, logs no traceback from live's own code, and the honest
counts stay exact on the host screen and in the stored summary.

One server for the module (SQLite), with the per-participant answer rate and the
join-code guess budget raised so the fuzzing reaches past them.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading

import aiohttp
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.domain.normalise import normalise_word
from tests.conftest import WAIT, LiveServer, free_port, server_env
from tests.sockets import Recorder, host, participant

pytestmark = [pytest.mark.slow]

HOST_EVENTS = ("open", "close", "end", "moderate", "undo", "reveal", "add_time", "podium", "remove")
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None)
PLAN = {
    "title": "Fuzz",
    "activities": [
        {"type": "poll", "prompt": "Un livre ?", "options": ["Germinal", "Nana", "Bel-Ami"]},
        {"type": "poll", "prompt": "Des jours ?", "options": ["Lundi", "Mardi", "Jeudi"], "multiple": True},
        {"type": "wordcloud", "prompt": "Un mot ?", "max_entries": 10},
        {"type": "quiz", "prompt": "Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 120},
    ],
}

# ---- hostile values -------------------------------------------------------------

NASTY_TEXT = [
    "", " ", "\x00", "\u202e\u2066evil\u2069", "\u200b", "\ufeff", "\x1b[31mred", "<script>alert(1)</script>",
    "'; DROP TABLE answers; --", "../../etc/passwd", "\ud800", "\udfff lone", "e\u0301", "🏳️‍🌈" * 20, "Ｗｉｄｅ",
    "x" * 20_000, "\n\r\t", "NaN", "Infinity", "__proto__", "constructor", "null", "0", "-1", "1e309",
]
text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=60), st.text(alphabet=st.characters(codec="utf-8"), max_size=10))
# Integers up to 99 digits: python-engineio refuses longer ones while parsing (tests/test_packet_errors.py).
numbers = st.one_of(
    st.integers(min_value=-(10**99) + 1, max_value=10**99 - 1), st.sampled_from([0, 1, 2, 3, -1, 2**31, 2**63, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1.0, 1e308]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(text, st.sampled_from(
        ["activity_id", "value", "answer_id", "key", "action", "from", "into", "seconds", "participant_id"])), inner, max_size=4)),
    max_leaves=12,
)


def same_id(answer_id) -> str:
    """An answer_id as the server compares them (an integer id is its decimal string)."""
    if isinstance(answer_id, int) and not isinstance(answer_id, bool):
        return str(answer_id)
    return answer_id if isinstance(answer_id, str) else repr(answer_id)


# ---- a real server, and an event loop in a thread the connections live on ------

class Loop:
    """An asyncio loop in a background thread, so connections stay alive (ping,
    pong, events) between hypothesis examples run from synchronous code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = 2 * WAIT):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("fuzz")
    live = LiveServer(
        env=server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", LIVE_ANSWER_RATE="100000",
                       LIVE_ANSWER_BURST="100000", LIVE_JOIN_GUESSES="100000", LIVE_RATE_LIMITS="off"),
        port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log",
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def loop():
    running = Loop()
    yield running
    running.close()


def our_tracebacks(log: str) -> list[str]:
    """Tracebacks that pass through live's own code (library-level ones about a
    malformed frame are the library refusing it, checked separately)."""
    blocks = re.split(r"(?=Traceback \(most recent call last\))", log)
    return [b[:3000] for b in blocks if b.startswith("Traceback") and re.search(r'File "[^"]*/live/(?!\.venv)', b)]


class LogWatch:
    """What the server logged since this test started."""

    def __init__(self, server: LiveServer) -> None:
        self.path = server.log_path
        self.start = self.path.stat().st_size

    def new(self) -> str:
        with open(self.path, encoding="utf-8", errors="replace") as handle:
            handle.seek(self.start)
            return handle.read()


def assert_error_shaped(ack, allow_ok: bool = True) -> None:
    """The contract's ack: {"ok": true, ...} or {"ok": false, "error": {"code", "message"}}, never internal."""
    assert isinstance(ack, dict), ack
    if ack.get("ok") is True:
        assert allow_ok, ack
        return
    assert ack.get("ok") is False and isinstance(ack.get("error"), dict), ack
    assert isinstance(ack["error"].get("code"), str) and isinstance(ack["error"].get("message"), str), ack
    assert ack["error"]["code"] != "internal", ack


def summary(server: LiveServer, code: str) -> dict:
    token = server.facilitator()
    response = requests.get(f"{server.url}/api/sessions/{code}/summary", headers={"Authorization": f"Bearer {token}"}, timeout=WAIT)
    assert response.status_code == 200, response.text
    return {a["id"]: a for a in response.json()["activities"]}


async def phones(server: LiveServer, code: str, count: int, prefix: str) -> list[Recorder]:
    return [await participant(server.url, code, f"{prefix}{i}") for i in range(count)]


def still_connected(recorders) -> None:
    for recorder in recorders:
        assert recorder.client.connected, recorder.auth
        assert not [e for e in recorder.events if e[0] == "disconnect"]


# ---- answers ---------------------------------------------------------------------

def test_hostile_answers_never_disturb_the_honest_counts(server, loop):
    created = server.create_session(PLAN)
    code, ids = created["code"], [a["id"] for a in created["activities"]]
    single, cloud = ids[0], ids[2]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    assert loop.run(screen.call("open", {"activity_id": single})) == {"ok": True}
    honest = loop.run(phones(server, code, 6, "Honest "))
    hostile = loop.run(participant(server.url, code, "Mallory"))
    expected = [0, 0, 0]
    for index, phone in enumerate(honest[:3]):
        assert loop.run(phone.answer(single, index % 3))["ok"] is True
        expected[index % 3] += 1

    activity_ids = st.one_of(st.sampled_from(ids), st.just("nope"), text, junk)
    answer_ids = st.one_of(st.uuids().map(str), text, numbers, junk)
    payloads = st.one_of(
        junk,
        st.fixed_dictionaries({"activity_id": activity_ids, "value": junk, "answer_id": answer_ids}),
        st.fixed_dictionaries({"activity_id": st.just(single), "value": st.one_of(numbers, junk), "answer_id": answer_ids},
                              optional={"extra": junk}),
    )

    seen: set[str] = set()

    @FUZZ
    @given(payload=payloads)
    def poll_answer(payload):
        ack = loop.run(hostile.call("answer", payload))
        assert_error_shaped(ack)
        if ack["ok"] and same_id(payload["answer_id"]) not in seen:  # by chance a valid vote: it counts, once
            seen.add(same_id(payload["answer_id"]))
            expected[payload["value"]] += 1

    poll_answer()
    assert sum(expected) <= 4  # Mallory votes once at most

    for index, phone in enumerate(honest[3:]):
        assert loop.run(phone.answer(single, index % 3))["ok"] is True
        expected[index % 3] += 1
    counts = loop.run(screen.wait_for("results", lambda r: r["activity_id"] == single and r["counts"] == expected))
    assert counts["n_answers"] == sum(expected)
    assert summary(server, code)[single]["counts"] == expected

    # The word cloud: strings of every kind.
    assert loop.run(screen.call("open", {"activity_id": cloud})) == {"ok": True}
    honest_words = {"Germinal": 0}
    accepted: list[str] = []
    for phone in honest[:3]:
        assert loop.run(phone.answer(cloud, "Germinal"))["ok"] is True
        honest_words["Germinal"] += 1

    @FUZZ
    @given(value=st.one_of(text, junk), answer_id=st.one_of(st.uuids().map(str), answer_ids))
    def cloud_entry(value, answer_id):
        ack = loop.run(hostile.call("answer", {"activity_id": cloud, "value": value, "answer_id": answer_id}))
        assert_error_shaped(ack)
        if ack["ok"] and same_id(answer_id) not in seen:
            seen.add(same_id(answer_id))
            accepted.append(value)

    cloud_entry()
    for phone in honest[3:]:
        assert loop.run(phone.answer(cloud, "germinal "))["ok"] is True
        honest_words["Germinal"] += 1
    same_key = sum(1 for value in accepted if normalise_word(value) == normalise_word("Germinal"))
    stored = summary(server, code)[cloud]
    assert stored["n_answers"] == 6 + len(accepted)
    germinal = [row for row in stored["table"] if row["key"] == normalise_word("Germinal")]
    assert germinal and germinal[0]["count"] == honest_words["Germinal"] + same_key

    still_connected([screen, *honest, hostile])
    assert our_tracebacks(watch.new()) == []
    for recorder in (screen, *honest, hostile):
        loop.run(recorder.disconnect())


# ---- host events -------------------------------------------------------------------

def test_host_events_from_participants_are_always_forbidden(server, loop):
    created = server.create_session(PLAN)
    code, ids = created["code"], [a["id"] for a in created["activities"]]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    mallory = loop.run(participant(server.url, code, "Mallory"))
    mallory_id = mallory.last("welcome")["participant_id"]
    valid_looking = st.one_of(
        st.fixed_dictionaries({"activity_id": st.sampled_from(ids)}),
        st.fixed_dictionaries({"activity_id": st.sampled_from(ids), "seconds": st.integers(1, 120)}),
        st.fixed_dictionaries({"participant_id": st.just(mallory_id)}),
        st.just({}), st.none(), junk,
    )

    @FUZZ
    @given(event=st.sampled_from(HOST_EVENTS), payload=valid_looking)
    def participant_acts_as_host(event, payload):
        ack = loop.run(mallory.call(event, payload))
        assert_error_shaped(ack, allow_ok=False)
        assert ack["error"]["code"] == "forbidden", (event, payload, ack)

    participant_acts_as_host()
    state = loop.run(screen.call("open", {"activity_id": ids[0]}))
    assert state == {"ok": True}  # nothing was opened, ended or removed by Mallory
    assert loop.run(mallory.answer(ids[0], 1))["ok"] is True
    still_connected([screen, mallory])
    assert our_tracebacks(watch.new()) == []
    for recorder in (screen, mallory):
        loop.run(recorder.disconnect())


def test_hostile_host_payloads_get_error_acks_and_lose_no_answer(server, loop):
    created = server.create_session(PLAN)
    code, ids = created["code"], [a["id"] for a in created["activities"]]
    cloud, quiz = ids[2], ids[3]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    honest = loop.run(phones(server, code, 4, "Honest "))
    assert loop.run(screen.call("open", {"activity_id": cloud})) == {"ok": True}
    for phone, word in zip(honest, ["Lecture", "lecture", "Musique", "Zola"]):
        assert loop.run(phone.answer(cloud, word))["ok"] is True
    assert loop.run(screen.call("open", {"activity_id": quiz})) == {"ok": True}
    for phone in honest[:2]:
        assert loop.run(phone.answer(quiz, 1))["ok"] is True

    activity_ids = st.one_of(st.sampled_from(ids), st.just("nope"), text, junk)
    words = st.one_of(st.sampled_from(["lecture", "Lecture", "musique", "zola", "nothing"]), text, junk)
    payloads = st.one_of(
        junk,
        st.fixed_dictionaries({"activity_id": activity_ids}),
        st.fixed_dictionaries({"activity_id": activity_ids, "action": st.one_of(
            st.sampled_from(["hide", "show", "release", "merge", "explode"]), junk), "key": words, "from": words, "into": words}),
        st.fixed_dictionaries({"activity_id": activity_ids, "seconds": st.one_of(numbers, junk)}),
        st.fixed_dictionaries({"participant_id": st.one_of(st.uuids().map(str), text, junk)}),
    )

    @FUZZ
    @given(event=st.sampled_from([e for e in HOST_EVENTS if e != "end"]), payload=payloads)
    def host_event(event, payload):
        assert_error_shaped(loop.run(screen.call(event, payload)))

    host_event()

    # "end" with anything but an object (or nothing) is refused; then a real end archives.
    @FUZZ
    @given(payload=junk.filter(lambda value: value is not None and not isinstance(value, dict)))
    def end_event(payload):
        ack = loop.run(screen.call("end", payload))
        assert_error_shaped(ack, allow_ok=False)

    end_event()
    ended = loop.run(screen.call("end", {}))
    assert ended["ok"] is True and ended["summary_url"]
    for phone in honest:
        loop.run(phone.wait_for("state", lambda s: s["phase"] == "ended"))
    stored = summary(server, code)
    assert stored[cloud]["n_answers"] == 4 and stored[quiz]["n_answers"] == 2
    still_connected([screen, *honest])
    assert our_tracebacks(watch.new()) == []
    for recorder in (screen, *honest):
        loop.run(recorder.disconnect())


# ---- connecting ----------------------------------------------------------------------

async def soon(value, timeout: float = WAIT):
    """``value()`` once it is truthy, or its last (falsy) value after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not value() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    return value()


def test_hostile_auth_objects_are_refused_cleanly_or_join(server, loop):
    created = server.create_session(PLAN)
    code = created["code"]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    honest = loop.run(phones(server, code, 2, "Honest "))
    keys = st.sampled_from(["code", "token", "name", "host_token", "lang", "view"])
    auths = st.one_of(
        junk,
        st.dictionaries(keys, st.one_of(st.sampled_from([code, code.lower(), created["host_token"], "fr", "moderator"]), text, junk),
                        max_size=5),
        st.fixed_dictionaries({"code": st.just(code)}, optional={"name": text, "token": st.one_of(text, junk), "lang": junk}),
    )

    async def attempt(auth):
        recorder = Recorder(server.url, auth)
        try:
            await recorder.client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=WAIT)
        except Exception:  # noqa: BLE001 - refused: what matters is what it was told
            return "refused", await soon(lambda: recorder.connect_error)
        heard = bool(await soon(lambda: recorder.last("welcome") or recorder.last("host_state")))
        await recorder.disconnect()
        return "joined", heard

    @settings(FUZZ, max_examples=40)
    @given(auth=auths)
    def connect(auth):
        outcome, detail = loop.run(attempt(auth))
        if outcome == "joined":
            assert detail, auth  # a welcome or the host's state, never a silent connection
        else:
            assert isinstance(detail, dict) and isinstance(detail.get("code"), str), (auth, detail)
            assert isinstance(detail.get("message"), str) and detail["code"] != "internal", (auth, detail)

    connect()
    still_connected([screen, *honest])
    assert our_tracebacks(watch.new()) == []
    for recorder in (screen, *honest):
        loop.run(recorder.disconnect())


# ---- frames no Socket.IO client would send -------------------------------------------

async def raw_socket(server: LiveServer, auth: dict):
    """A bare Engine.IO websocket that joined as a participant: (http session, websocket)."""
    http = aiohttp.ClientSession()
    ws = await http.ws_connect(server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket")
    assert (await ws.receive_str(timeout=WAIT)).startswith("0")
    await ws.send_str("40" + json.dumps(auth))
    heard = [await ws.receive_str(timeout=WAIT) for _ in range(2)]  # the connect ack and the welcome, in any order
    assert any(frame.startswith("40") for frame in heard) and any('"welcome"' in frame for frame in heard), heard
    return http, ws


async def reply(ws, ack_id: int, timeout: float = 3.0):
    """The ack of ``ack_id``, answering pings meanwhile; None when none comes."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return None
        try:
            message = await ws.receive(timeout=left)
        except asyncio.TimeoutError:
            return None
        if message.type != aiohttp.WSMsgType.TEXT:
            return message.type
        if message.data == "2":
            await ws.send_str("3")
        elif message.data.startswith(f"43{ack_id}["):
            args = json.loads(message.data[len(f"43{ack_id}"):])
            return args[0] if args else "empty ack"


def test_raw_frames_no_client_would_send(server, loop):
    created = server.create_session(PLAN)
    code, single = created["code"], created["activities"][0]["id"]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    honest = loop.run(phones(server, code, 2, "Honest "))
    assert loop.run(screen.call("open", {"activity_id": single})) == {"ok": True}

    async def scenario():
        http, ws = await raw_socket(server, {"code": code, "name": "Raw"})
        answer = '["answer",{"activity_id":"%s","value":%%s,"answer_id":"%%s"}]' % single
        # Well-formed packets with odd contents. (Malformed ones close their
        # connection: tests/test_packet_errors.py.)
        oddities = [
            answer % ("NaN", "a2"), answer % ("Infinity", "a3"), answer % ("-Infinity", "a4"), answer % ("1e999", "a5"),
            '["answer"]', '["message",{}]', '["__proto__",{}]',
        ]
        replies = []
        for index, body in enumerate(oddities, start=100):
            await ws.send_str(f"42{index}{body}")
            replies.append(await reply(ws, index, timeout=0.5))
        for frame in ("6", "43"):  # a no-op, an ack of nothing ("41" would be a real namespace disconnect)
            await ws.send_str(frame)
        # Still connected, still heard: a valid vote after all that is acknowledged and counted.
        await ws.send_str("42999" + answer % ("2", "valid-after-junk"))
        final = await reply(ws, 999, timeout=WAIT)
        await ws.close()
        await http.close()
        return replies, final

    replies, final = loop.run(scenario())
    for ack in replies:
        if ack is not None and not isinstance(ack, aiohttp.WSMsgType):
            assert_error_shaped(ack, allow_ok=False)
    assert final == {"ok": True, "remaining": 0}, (replies, final)
    for phone in honest:
        assert loop.run(phone.answer(single, 0))["ok"] is True
    loop.run(screen.wait_for("results", lambda r: r["activity_id"] == single and r["counts"] == [2, 0, 1]))

    # A frame over 64 KB closes that connection only.
    async def oversized():
        http, ws = await raw_socket(server, {"code": code})
        await ws.send_str("42" + json.dumps(["answer", {"activity_id": single, "value": "x" * 70_000, "answer_id": "big"}]))
        closed = await reply(ws, 0, timeout=10)
        await http.close()
        return closed

    assert loop.run(oversized()) in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING, None)
    assert summary(server, code)[single]["counts"] == [2, 0, 1]
    still_connected([screen, *honest])
    assert our_tracebacks(watch.new()) == []
    for recorder in (screen, *honest):
        loop.run(recorder.disconnect())


# ---- odd but well-formed packets: extra arguments, events named like the connection's own ----

def test_an_event_with_extra_arguments_gets_a_plain_error_ack(server, loop):
    created = server.create_session(PLAN)
    watch = LogWatch(server)
    phone = loop.run(participant(server.url, created["code"]))
    # python-socketio expands a tuple into several arguments, as socket.emit("answer", a, b, ack) does in JavaScript.
    ack = loop.run(phone.call("answer", ({"activity_id": created["activities"][0]["id"], "value": 0, "answer_id": "x"}, "extra")))
    loop.run(phone.disconnect())
    assert_error_shaped(ack)
    assert our_tracebacks(watch.new()) == []


def test_events_named_connect_or_disconnect_change_nothing(server, loop):
    created = server.create_session(PLAN)
    code, single = created["code"], created["activities"][0]["id"]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    assert loop.run(screen.call("open", {"activity_id": single})) == {"ok": True}

    async def scenario():
        http, ws = await raw_socket(server, {"code": code})
        await ws.send_str('42["disconnect",{}]')
        await ws.send_str('42["connect",{"code":"ZZZZZZZZ"}]')
        await ws.send_str('421["answer",{"activity_id":"%s","value":1,"answer_id":"after"}]' % single)
        ack = await reply(ws, 1, timeout=WAIT)
        await http.close()
        return ack

    ack = loop.run(scenario())
    loop.run(screen.disconnect())
    assert ack == {"ok": True, "remaining": 0}
    assert our_tracebacks(watch.new()) == []


@pytest.mark.postgres
def test_a_nul_in_the_join_code_is_an_unknown_session_on_postgresql(tmp_path, postgres_url, loop):
    async def refused(url, auth):
        recorder = Recorder(url, auth)
        try:
            await recorder.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=WAIT)
        except Exception:  # noqa: BLE001 - refused, as expected
            return await soon(lambda: recorder.connect_error)
        await recorder.disconnect()
        return "accepted"

    live = LiveServer(env=server_env(tmp_path, postgres_url), port=free_port(), archive_dir=tmp_path / "sessions",
                      log_path=tmp_path / "server.log")
    live.start()
    try:
        participant_refusal = loop.run(refused(live.url, {"code": "ZZZZ\x00ZZZ"}))
        host_refusal = loop.run(refused(live.url, {"code": "ZZZZ\x00ZZZ", "host_token": "x"}))
    finally:
        live.stop()
    assert participant_refusal and participant_refusal["code"] == "unknown_session"
    assert host_refusal and host_refusal["code"] in ("unknown_session", "forbidden")
    assert "Traceback" not in live.log_path.read_text()
