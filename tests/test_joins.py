"""Joins are bounded without shutting out a real room (issue 12).

A whole room often shares one address (venue Wi-Fi, a school's gateway, a
carrier's NAT): 2,000 phones behind one address must all get in, so the
defences are the host's. Tested here without the network, on the cheap layers
that carry the whole load honestly:

- the Socket.IO handlers through Flask-SocketIO's in-process test client (the
  real connect handler, guess throttle, runtime and database; 2,000 phones from
  one address, then a locked session that lets only them back in);
- the HTTP join limits through Flask's test client (a room's page loads and
  typed codes, with typos, from one address, under the default limits);
- the join rules, the host's lock, waiting phones and "let them in", removing
  many, ended sessions, on the runtime (also across two processes sharing one
  database), and the rules themselves.

The real transport is tested in tests/test_joins_server.py, the pages in
tests/test_browser_joins.py, the full size with scripts/bench.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from live.domain import joins as rules
from live.domain.errors import DomainError
from live.domain.joins import JoinSettings
from live.extensions import socketio
from live.services import accounts, planning
from live.services.messages import Notice
from live.services.runtime import AnswerInput, Runtime
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate
from live.store.models import LiveSession, Participant
from tests.conftest import POLLS, make_app

ROOM_ADDRESS = "198.51.100.7"
ROOM = 2000


# ---------------------------------------------------------------- the rules


def test_a_new_phone_is_refused_waits_or_joins_by_the_rules():
    open_door = JoinSettings()
    assert rules.admission(open_door, ended=False, n_in=4999, max_participants=5000) == rules.ADMIT
    expected = JoinSettings(expected_participants=30)
    assert rules.admission(expected, ended=False, n_in=29) == rules.ADMIT
    assert rules.admission(expected, ended=False, n_in=30) == rules.WAIT
    for settings, ended, n_in, code in [
        (open_door, True, 0, "session_ended"),
        (JoinSettings(locked=True), False, 0, "joins_locked"),
        (open_door, False, 5000, "session_full"),
        (JoinSettings(expected_participants=30, locked=True), False, 40, "joins_locked"),
    ]:
        with pytest.raises(DomainError) as refused:
            rules.admission(settings, ended, n_in, max_participants=5000)
        assert refused.value.code == code


def test_let_in_admits_those_waiting_before_it_and_not_those_after():
    settings = JoinSettings(expected_participants=2)
    waited_before = settings.admissions
    let_in = settings.letting_in()
    assert not rules.may_enter(settings, waited_before, ended=False, n_in=2)
    assert rules.may_enter(let_in, waited_before, ended=False, n_in=2)
    assert not rules.may_enter(let_in, let_in.admissions, ended=False, n_in=3)  # came after: waits
    assert rules.may_enter(let_in, let_in.admissions, ended=False, n_in=1)  # room again (people removed)
    with pytest.raises(DomainError, match="joins_locked"):
        rules.may_enter(let_in.locking(True), waited_before, ended=False, n_in=2)


def test_join_settings_survive_storage_and_damage():
    settings = JoinSettings(expected_participants=40, locked=True, admissions=3)
    assert JoinSettings.from_stored(json.loads(json.dumps(settings.stored()))) == settings
    damaged = {"expected_participants": "forty", "joins_locked": "yes", "admissions": -2}
    assert JoinSettings.from_stored(damaged) == JoinSettings()
    assert JoinSettings.from_stored(None) == JoinSettings()


@pytest.mark.parametrize("raw, code", [(0, "out_of_range"), (100_001, "out_of_range"), ("40", "invalid_type"),
                                       (True, "invalid_type"), (40.5, "invalid_type")])
def test_a_wrong_expected_size_is_refused_by_name(raw, code):
    with pytest.raises(DomainError) as refused:
        rules.parse_expected_participants(raw)
    assert (refused.value.code, refused.value.field) == (code, "expected_participants")


@pytest.mark.parametrize("payload", [
    None, [], {}, {"never_answered": False}, {"joined_within": 0}, {"joined_within": "60"},
    {"joined_within": True}, {"joined_within": 10**9}, {"never_answered": "yes"}, {"joined_within": 60, "preview": 1},
    {"joined_within": 60, "as_of": "yesterday"}, {"joined_within": 60, "as_of": "2026-01-01T10:00:00+02:00"},
    {"joined_within": 60, "as_of": "2026-01-01T10:00:00"}, {"joined_within": 60, "as_of": 5},
])
def test_a_wrong_remove_many_payload_is_refused(payload):
    with pytest.raises(DomainError, match="invalid_payload"):
        rules.parse_removal(payload)


# ---------------------------------------------------------------- the runtime


@pytest.fixture
def world(tmp_path, database_url):
    """A session on the parametrised database, and runtimes ("processes") on it."""
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")

    def session(expected: int | None = None, activities=None):
        return planning.create_session(sessions, "key", facilitator.id, "Atelier", activities or POLLS["activities"],
                                       expected_participants=expected)

    def runtime(max_participants: int = 5000) -> Runtime:
        return Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions", max_participants=max_participants)

    yield sessions, session, runtime
    engine.dispose()


def rows(sessions, code: str) -> int:
    """Participant rows of session ``code`` in the database."""
    with sessions() as db:
        session_id = db.scalar(select(LiveSession.id).where(LiveSession.code == code))
        return db.scalar(select(func.count()).select_from(Participant).where(Participant.session_id == session_id))


def refusal(action) -> str:
    with pytest.raises(DomainError) as refused:
        action()
    return refused.value.code


def test_locked_joins_refuse_new_phones_and_let_everyone_in_back_even_after_a_restart(world):
    sessions, session, make_runtime = world
    created = session()
    runtime = make_runtime()
    host = runtime.connect_host(created.code, created.host_token)
    tokens = [runtime.join(created.code, None, f"P{i}")[1]["token"] for i in range(5)]

    told = runtime.joins.lock(host, True)
    assert [(m.event, m.data, m.room) for m in told if m.event == "joins"] == [
        ("joins", {"locked": True, "expected_participants": None, "n_waiting": 0}, f"hosts:{created.code}")]
    assert refusal(lambda: runtime.join(created.code, None, "Ghost")) == "joins_locked"
    assert [runtime.join(created.code, token, None)[1]["token"] for token in tokens] == tokens

    restarted = make_runtime()  # the lock is stored, not only cached
    assert restarted.host_view(restarted.state(created.code))["joins"]["locked"] is True
    assert refusal(lambda: restarted.join(created.code, None, "Ghost")) == "joins_locked"
    assert restarted.join(created.code, tokens[0], None)[1]["name"] == "P0"
    assert rows(sessions, created.code) == 5

    restarted.joins.lock(restarted.state(created.code), False)
    assert restarted.join(created.code, None, "Late")[1]["name"] == "Late"
    assert rows(sessions, created.code) == 6


def test_a_lock_holds_across_processes_even_when_the_notice_is_lost(world):
    """Process b's cache still says "open" (it never heard of the lock); the door
    is checked in the database, in the transaction that would add the row."""
    sessions, session, make_runtime = world
    created = session()
    a, b = make_runtime(), make_runtime()
    token = b.join(created.code, None, "Ada")[1]["token"]
    a.joins.lock(a.connect_host(created.code, created.host_token), True)
    assert b.state(created.code).joins.locked is False  # no notice reached b
    assert refusal(lambda: b.join(created.code, None, "Ghost")) == "joins_locked"
    assert b.state(created.code).joins.locked is True  # and now b knows
    assert b.join(created.code, token, None)[1]["name"] == "Ada"
    assert rows(sessions, created.code) == 1


def test_host_screens_on_every_process_hear_the_lock_and_the_waiting_phones(world):
    """Two processes: the lock reaches the other's host screens through its notice,
    and phones waiting on one process are counted on the other through presence."""
    sessions, session, make_runtime = world
    created = session(expected=1)
    a, b = make_runtime(), make_runtime()

    def spread(messages, sender: str, other: Runtime):
        """What live/realtime/cluster.py carries between processes, JSON and all."""
        for message in messages:
            if isinstance(message, Notice):
                other.apply_notice(message.code, json.loads(json.dumps(message.data)), sender)

    a.clustered = b.clustered = True
    spread(a.join(created.code, None, "In")[2], "a", b)
    b_state = b.state(created.code)
    for _ in range(3):
        b.joins.start_waiting(b_state)
    assert b.local_waiting() == {created.code: 3}
    a.apply_notice(created.code, {"t": "presence", "n": 0, "w": 3}, "b")  # b's presence, as the cluster sends it
    a_state = a.state(created.code)
    pushed = [m for m in a.pending_pushes() if m.event == "joins"]
    assert [m.data for m in pushed] == [{"locked": False, "expected_participants": 1, "n_waiting": 3}]

    spread(a.joins.lock(a.connect_host(created.code, created.host_token), True), "a", b)
    assert b.joins.view(b_state)["locked"] is True
    assert [m.data["locked"] for m in b.pending_pushes() if m.event == "joins"] == [True]
    assert refusal(lambda: b.join(created.code, None, "Ghost")) == "joins_locked"
    assert a.joins.view(a_state)["n_waiting"] == 3  # still waiting on b until they leave or are turned away


def test_phones_beyond_the_expected_size_wait_until_the_host_lets_them_in(world):
    sessions, session, make_runtime = world
    created = session(expected=3)
    runtime = make_runtime()
    host = runtime.connect_host(created.code, created.host_token)
    tokens = [runtime.join(created.code, None, f"In{i}")[1]["token"] for i in range(3)]
    assert refusal(lambda: runtime.join(created.code, None, "Dee")) == "waiting_for_host"
    assert rows(sessions, created.code) == 3  # a waiting phone holds no row
    state = runtime.state(created.code)
    dee_since, eve_since = runtime.joins.start_waiting(state), runtime.joins.start_waiting(state)
    assert runtime.joins.view(state) == {"locked": False, "expected_participants": 3, "n_waiting": 2}
    assert refusal(lambda: runtime.enter(created.code, "Dee", dee_since)) == "waiting_for_host"

    # Everyone already in is never affected.
    assert [runtime.join(created.code, token, None)[1]["token"] for token in tokens] == tokens

    ack, told = runtime.joins.let_in(host)
    assert ack == {"ok": True, "n_waiting": 2}
    assert [(m.event, m.room) for m in told] == [("admitted", f"waiting:{created.code}"), ("joins", f"hosts:{created.code}")]
    late_since = runtime.joins.start_waiting(state)  # arrived after "let them in"
    assert runtime.enter(created.code, "Dee", dee_since)[1]["name"] == "Dee"
    assert runtime.enter(created.code, "Eve", eve_since)[1]["name"] == "Eve"
    assert refusal(lambda: runtime.enter(created.code, "Late", late_since)) == "waiting_for_host"
    assert rows(sessions, created.code) == 5

    # Locking turns the late one away; letting in is refused while locked.
    told = runtime.joins.lock(host, True)
    assert ("turned_away", {"code": "joins_locked", "message": rules.JOINS_LOCKED}, f"waiting:{created.code}") in [
        (m.event, m.data, m.room) for m in told]
    assert refusal(lambda: runtime.enter(created.code, "Late", late_since)) == "joins_locked"
    assert refusal(lambda: runtime.joins.let_in(host)) == "joins_locked"


def test_the_expected_size_is_exact_across_processes(world):
    sessions, session, make_runtime = world
    created = session(expected=4)
    a, b = make_runtime(), make_runtime()
    for index in range(2):
        a.join(created.code, None, f"A{index}")
        b.join(created.code, None, f"B{index}")
    # Each cache has seen only its own two: the database count decides.
    assert refusal(lambda: a.join(created.code, None, "A2")) == "waiting_for_host"
    assert refusal(lambda: b.join(created.code, None, "B2")) == "waiting_for_host"
    # "Let them in" on a reaches a phone waiting on b through the database.
    since_on_b = b.joins.start_waiting(b.state(created.code))
    a.joins.let_in(a.connect_host(created.code, created.host_token))
    assert b.enter(created.code, "B2", since_on_b)[1]["name"] == "B2"
    assert rows(sessions, created.code) == 5


def test_an_ended_session_refuses_new_phones_adds_no_rows_and_still_welcomes_its_own(world):
    sessions, session, make_runtime = world
    created = session()
    runtime = make_runtime()
    welcome = runtime.join(created.code, None, "Ada")[1]
    host = runtime.connect_host(created.code, created.host_token)
    ack, told = runtime.end_session(host)
    assert ack["archive_path"] and ("turned_away", f"waiting:{created.code}") in [(m.event, m.room) for m in told]
    for attempt in range(3):
        assert refusal(lambda: runtime.join(created.code, None, f"Late {attempt}")) == "session_ended"
        assert refusal(lambda: make_runtime().join(created.code, None, "Fresh process")) == "session_ended"
    assert rows(sessions, created.code) == 1
    again = runtime.join(created.code, welcome["token"], None)[1]
    assert again["participant_id"] == welcome["participant_id"] and again["state"]["phase"] == "ended"


def test_the_host_removes_everyone_who_joined_in_the_last_seconds_exactly_as_counted(world, monkeypatch):
    sessions, session, make_runtime = world
    created = session()
    runtime = make_runtime()
    host = runtime.connect_host(created.code, created.host_token)
    poll = created.activities[0]["id"]
    runtime.open_activity(host, poll)
    moments = iter([datetime(2026, 11, 23, 19, 0, 0) + timedelta(seconds=s) for s in (0, 1, 100, 101, 102)])
    monkeypatch.setattr("live.services.running.joins.utcnow", lambda: next(moments))
    early, talker = (runtime.join(created.code, None, name)[1] for name in ("Early", "Talker"))
    runtime.submit_answer(created.code, talker["participant_id"], AnswerInput(poll, "a1", 0))
    ghosts = [runtime.join(created.code, None, None)[1] for _ in range(3)]
    monkeypatch.setattr("live.services.running.joins.utcnow", lambda: datetime(2026, 11, 23, 19, 2, 0))

    ack, told = runtime.joins.remove_many(host, rules.parse_removal({"joined_within": 30, "preview": True}))
    assert ack == {"ok": True, "n": 3, "as_of": "2026-11-23T19:02:00.000000Z"} and told == []
    assert runtime.joins.remove_many(host, rules.parse_removal({"never_answered": True, "preview": True}))[0]["n"] == 4

    # One more phone joins while the host reads the dialog: not in what was counted.
    monkeypatch.setattr("live.services.running.joins.utcnow", lambda: datetime(2026, 11, 23, 19, 2, 5))
    newcomer = runtime.join(created.code, None, "Newcomer")[1]
    ack, told = runtime.joins.remove_many(
        host, rules.parse_removal({"joined_within": 30, "as_of": "2026-11-23T19:02:00.000000Z"}))
    assert ack == {"ok": True, "n": 3}
    assert sorted((m.event, m.room) for m in told) == sorted(
        ("removed", f"participant:{g['participant_id']}") for g in ghosts)
    for ghost in ghosts:
        assert refusal(lambda: runtime.join(created.code, ghost["token"], None)) == "removed"
    for kept in (early, talker, newcomer):
        assert runtime.join(created.code, kept["token"], None)[1]["participant_id"] == kept["participant_id"]
    # "Never answered" now takes Early and the newcomer, never Talker.
    assert runtime.joins.remove_many(host, rules.parse_removal({"never_answered": True}))[0] == {"ok": True, "n": 2}
    assert runtime.join(created.code, talker["token"], None)[1]["name"] == "Talker"
    assert refusal(lambda: make_runtime().join(created.code, early["token"], None)) == "removed"


def test_the_editor_and_the_api_set_the_expected_size(tmp_path):
    from tests.web import csrf_of, sign_in

    app = make_app(tmp_path)
    client = app.test_client()
    sign_in(client, app)
    token = accounts.create_api_token(app.extensions["live"].sessions, "host@example.org")
    headers = {"Authorization": f"Bearer {token}"}
    body = {"title": "T", "activities": POLLS["activities"], "expected_participants": 40}
    created = client.post("/api/sessions", json=body, headers=headers)
    assert created.status_code == 201
    page = client.get(f"/sessions/{created.get_json()['code']}/edit").get_data(as_text=True)
    assert 'name="expected_participants"' in page and 'value="40"' in page
    wrong = client.post("/api/sessions", json=dict(body, expected_participants="40"), headers=headers)
    assert wrong.status_code == 400 and wrong.get_json()["error"]["field"] == "expected_participants"

    editor = client.get("/sessions/new").get_data(as_text=True)
    form = {"csrf_token": csrf_of(editor), "title": "Soirée", "expected_participants": "25",
            "activities-0-type": "poll", "activities-0-prompt": "Q ?", "activities-0-options": "A\nB"}
    assert client.post("/sessions/new", data=form).status_code == 302
    with app.extensions["live"].sessions() as db:
        stored = db.scalar(select(LiveSession).where(LiveSession.title == "Soirée"))
    assert JoinSettings.from_stored(stored.settings).expected_participants == 25
    form["expected_participants"] = "0"
    assert client.post("/sessions/new", data=form).status_code == 400


# ---------------------------------------------------------------- 2,000 phones behind one address


class Phone:
    """One phone on Flask-SocketIO's in-process test client (the real handlers)."""

    def __init__(self, app, http, auth: dict) -> None:
        self.client = socketio.test_client(app, auth=auth, flask_test_client=http)
        self.heard: list[tuple[str, object]] = []

    @property
    def connected(self) -> bool:
        return self.client.is_connected()

    def events(self, name: str) -> list:
        """Every ``name`` event heard so far (also what arrived just before the
        server closed the connection, which ``get_received`` no longer gives)."""
        arrived, self.client.queue[:] = list(self.client.queue), []
        self.heard.extend((e["name"], e["args"][0] if e["args"] else None) for e in arrived)
        return [data for event, data in self.heard if event == name]

    def call(self, event: str, data=None):
        return self.client.emit(event, data if data is not None else {}, callback=True)


@pytest.fixture
def room(tmp_path):
    """An app in this process and a session of it; every phone comes from ROOM_ADDRESS."""
    app = make_app(tmp_path)
    sessions = app.extensions["live"].sessions
    owner = accounts.add_facilitator(sessions, "host@example.org", "password123")
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = ROOM_ADDRESS

    def phone(auth: dict) -> Phone:
        return Phone(app, http, auth)

    def session(expected=None):
        return planning.create_session(sessions, "test-key", owner.id, "Salle", POLLS["activities"],
                                       expected_participants=expected)

    return app, sessions, session, phone


def test_two_thousand_phones_behind_one_address_all_get_in_and_with_joins_locked_only_they_come_back(room):
    app, sessions, session, phone = room
    created = session()
    code = created.code
    phones = [phone({"code": code, "name": "Phone 0"})]
    # Someone in the room mistypes the code again and again: that address is now
    # out of unknown-code tries, and the room keeps joining its own session.
    typos = [phone({"code": f"ZZZZ{i:04d}"}) for i in range(app.extensions["live"].settings.join_guesses_per_minute + 10)]
    assert not any(typo.connected for typo in typos)
    phones += [phone({"code": code, "name": f"Phone {i}" if i % 3 else None}) for i in range(1, ROOM)]
    assert all(p.connected for p in phones)
    welcomes = [p.events("welcome")[0] for p in phones]
    assert len({w["participant_id"] for w in welcomes}) == ROOM == rows(sessions, code)

    host = phone({"code": code, "host_token": created.host_token})
    assert host.call("lock_joins") == {"ok": True}
    assert host.events("joins")[-1]["locked"] is True
    assert not phone({"code": code, "name": "Ghost"}).connected
    for p in phones:
        p.client.disconnect()
    back = [phone({"code": code, "token": w["token"]}) for w in welcomes]
    assert all(p.connected for p in back)
    assert [p.events("welcome")[0]["participant_id"] for p in back] == [w["participant_id"] for w in welcomes]
    assert rows(sessions, code) == ROOM

    assert host.call("unlock_joins") == {"ok": True}
    assert phone({"code": code, "name": "Latecomer"}).events("welcome")[0]["name"] == "Latecomer"


def test_a_waiting_phone_comes_in_when_the_host_lets_it_in(room):
    app, sessions, session, phone = room
    created = session(expected=2)
    code = created.code
    host = phone({"code": code, "host_token": created.host_token})
    inside = [phone({"code": code}) for _ in range(2)]
    waiting = phone({"code": code, "name": "Dee"})
    assert waiting.connected and waiting.events("waiting") == [{"title": "Salle"}] and waiting.events("welcome") == []
    assert rows(sessions, code) == 2
    assert waiting.call("answer", {"activity_id": created.activities[0]["id"], "value": 0, "answer_id": "x"})[
        "error"]["code"] == "forbidden"
    assert waiting.call("lock_joins")["error"]["code"] == "forbidden"
    assert waiting.call("enter")["error"]["code"] == "waiting_for_host"
    assert inside[0].call("enter")["error"]["code"] == "forbidden"  # only a waiting phone enters

    assert host.call("admit_waiting") == {"ok": True, "n_waiting": 1}
    assert waiting.events("admitted") == [{}]
    assert waiting.call("enter") == {"ok": True}
    assert waiting.events("welcome")[0]["name"] == "Dee" and rows(sessions, code) == 3
    assert waiting.call("answer", {"activity_id": created.activities[0]["id"], "value": 0, "answer_id": "x"})[
        "error"]["code"] == "not_open"  # a participant now

    late = phone({"code": code})
    assert late.events("waiting")
    assert host.call("lock_joins") == {"ok": True}
    assert late.events("turned_away") == [{"code": "joins_locked", "message": rules.JOINS_LOCKED}]
    assert not late.connected  # and its place in the count is given back
    assert app.extensions["live"].runtime.joins.view(app.extensions["live"].runtime.state(code))["n_waiting"] == 0


def test_only_the_host_controls_the_door(room):
    app, sessions, session, phone = room
    created = session()
    code = created.code
    participant = phone({"code": code})
    for event in ("lock_joins", "unlock_joins", "admit_waiting", "remove_many"):
        assert participant.call(event, {"joined_within": 60})["error"]["code"] == "forbidden", event
    host = phone({"code": code, "host_token": created.host_token})
    for event in ("lock_joins", "unlock_joins", "admit_waiting"):
        assert host.call(event, ["not", "an", "object"])["error"]["code"] == "invalid_payload", event
    assert host.call("remove_many", {"joined_within": "lots"})["error"]["code"] == "invalid_payload"
    assert host.call("remove_many", {"joined_within": 60, "preview": True})["n"] == 1
    assert host.call("remove_many", {"joined_within": 60}) == {"ok": True, "n": 1}
    assert participant.events("removed") and not participant.connected


# ---------------------------------------------------------------- the HTTP join limits


def test_a_room_behind_one_address_opens_its_session_under_the_default_limits(tmp_path):
    """2,000 phones, each opening the session once (by QR code or by typed code),
    from one address, with typos on the way: the defaults never refuse the room.
    The typed code is the cheap route; both count against the same budget."""
    app = make_app(tmp_path)  # the default limits, on
    sessions = app.extensions["live"].sessions
    owner = accounts.add_facilitator(sessions, "host@example.org", "password123")
    code = planning.create_session(sessions, "test-key", owner.id, "Salle", POLLS["activities"]).code
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ROOM_ADDRESS
    statuses = []
    for index in range(ROOM):
        if index % 40 == 0:
            statuses.append(("qr", client.get(f"/j/{code}").status_code))
        else:
            statuses.append(("typed", client.get(f"/join?code={code[:4]}-{code[4:].lower()}").status_code))
        if index % 40 == 20:  # a typo now and then: 50 over the minute, more than the 30 allowed
            client.get(f"/join?code=ZZZZ{index:04d}")
    assert {status for _route, status in statuses if _route == "qr"} == {200}
    assert {status for _route, status in statuses if _route == "typed"} == {302}
    # The typos ran out of tries: a guess from that address learns nothing more.
    assert client.get("/join?code=ZZZZZZZZ").status_code == 429
    assert client.get("/j/ZZZZZZZY").status_code == 429
    # Another address that never opened the session is not slowed by this one.
    assert client.get(f"/j/{code}", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200


def test_an_address_out_of_guesses_keeps_only_the_codes_it_opened(tmp_path):
    app = make_app(tmp_path, join_guesses_per_minute=3)
    sessions = app.extensions["live"].sessions
    owner = accounts.add_facilitator(sessions, "host@example.org", "password123")
    opened, other = (planning.create_session(sessions, "test-key", owner.id, t, POLLS["activities"]).code for t in "AB")
    client = app.test_client()
    assert client.get(f"/j/{opened}").status_code == 200
    assert [client.get(f"/j/ZZZZZZZ{i}").status_code for i in range(4)] == [404, 404, 404, 429]
    assert client.get(f"/j/{opened}").status_code == 200
    assert client.get(f"/join?code={opened.lower()}").status_code == 302
    assert client.get(f"/j/{other}").status_code == 429  # no oracle for codes it never opened


def test_the_http_join_budget_default_is_far_above_a_room(tmp_path):
    from live.config import Settings

    settings = Settings.from_env({"LIVE_DATA_DIR": str(tmp_path), "LIVE_SECRET_KEY": "k"})
    amount, _per, period = settings.rate_join.partition("/")
    assert period == "minute" and int(amount) >= 4 * settings.max_participants
    assert Settings.from_env({"LIVE_DATA_DIR": str(tmp_path), "LIVE_SECRET_KEY": "k",
                              "LIVE_RATE_JOIN": "500/minute"}).rate_join == "500/minute"


def test_refused_connects_add_no_rows(room):
    app, sessions, session, phone = room
    created = session()
    for auth in ({"code": "\x00" * 8}, {"code": 12}, {"code": "ZZZZZZZZ"}, {"code": created.code, "name": 5}):
        assert not phone(auth).connected
    assert rows(sessions, created.code) == 0
