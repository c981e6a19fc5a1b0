"""Several processes on one database, without the network: two runtimes share a
database and hear each other's notices through an in-memory bus (a stand-in for
Redis pub/sub that can also lose them). Every answer counts exactly once
whichever process committed it; host actions reach the other cache; the cap on
participants holds across processes. The Redis side (leases, notices over
pub/sub) is tested against a real Redis at the end."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from live.domain.errors import DomainError
from live.services import accounts, planning
from live.services.messages import Notice
from live.services.running import state as running_state
from live.services.running import sync as running_sync
from live.services.runtime import AnswerInput, Runtime
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate
from tests.conftest import WAIT, missing_service, wait_until

PLAN = [
    {"type": "poll", "prompt": "Quel livre ?", "options": ["Germinal", "Nana", "L'Assommoir"]},
    {"type": "wordcloud", "prompt": "Un mot ?", "max_entries": 3},
    {"type": "poll", "prompt": "Encore ?", "options": ["Oui", "Non"]},
]


class Bus:
    """Delivers each process's notices to the others, JSON-encoded as Redis would; ``muted`` loses them."""

    def __init__(self) -> None:
        self.runtimes: dict[str, Runtime] = {}
        self.muted = False

    def join(self, name: str, runtime: Runtime) -> "Process":
        runtime.clustered = True
        self.runtimes[name] = runtime
        return Process(self, name, runtime)

    def spread(self, name: str, result) -> None:
        """Deliver the notices a use case of process ``name`` returned to the others."""
        found = result if isinstance(result, list) else [part for part in result if isinstance(part, list)][0] \
            if isinstance(result, tuple) and any(isinstance(part, list) for part in result) else []
        for message in found:
            if not isinstance(message, Notice) or self.muted:
                continue
            for other_name, other in self.runtimes.items():
                if other_name != name:
                    other.apply_notice(message.code, json.loads(json.dumps(message.data)), name)


class Process:
    """A runtime as one process of a cluster: what its use cases return for the other
    processes goes to them through the bus, as live/realtime/outbound.py sends it."""

    def __init__(self, bus: Bus, name: str, runtime: Runtime) -> None:
        self.bus, self.name, self.runtime = bus, name, runtime

    def __getattr__(self, attribute: str):
        value = getattr(self.runtime, attribute)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            result = value(*args, **kwargs)
            self.bus.spread(self.name, result)
            return result

        return call

    # The kinds' host commands, as the host's events name them.
    def reveal_answer(self, state, activity_id):
        return self.run_command(state, "reveal", {"activity_id": activity_id}, activity_id)

    def podium(self, state):
        return self.run_command(state, "podium", {}, None)

    def moderate(self, state, activity_id, data):
        return self.run_command(state, "moderate", data, activity_id)

    def undo_moderation(self, state, activity_id):
        return self.run_command(state, "undo", {"activity_id": activity_id}, activity_id)

    def expire_questions(self, pushes_for):
        return self.expire_timed(pushes_for)

    def end_session(self, state, _public_url=None):
        return self.__getattr__("end_session")(state)

    def local_connected(self, state):
        return state.local_connected()


@pytest.fixture
def cluster(tmp_path, database_url):
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")
    created = planning.create_session(sessions, "key", facilitator.id, "Atelier", PLAN)
    bus = Bus()

    def process(name: str, max_participants: int = 0) -> Runtime:
        made = Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions", max_participants=max_participants)
        return bus.join(name, made)

    yield process, created, bus
    engine.dispose()


def answer(runtime: Runtime, code: str, participant_id: str, activity_id: str, value, answer_id: str | None = None):
    return runtime.submit_answer(code, participant_id, AnswerInput(activity_id, answer_id or uuid.uuid4().hex, value))[0]


def counts(runtime: Runtime, code: str, activity_id: str) -> list[int]:
    return runtime.results(runtime.state(code), activity_id)["counts"]


def test_answers_committed_on_either_process_count_once_on_both(cluster):
    process, created, _bus = cluster
    a, b = process("a"), process("b")
    code, poll = created.code, created.activities[0]["id"]
    b.state(code)  # both processes serve the session
    a.open_activity(a.connect_host(code, created.host_token), poll)
    assert b.public_state(b.state(code))["activity"]["status"] == "open"  # the host acted on a, b knows

    on_a = [a.join(code, None, f"A{i}")[1]["participant_id"] for i in range(5)]
    on_b = [b.join(code, None, f"B{i}")[1]["participant_id"] for i in range(4)]
    for index, participant_id in enumerate(on_a):
        assert answer(a, code, participant_id, poll, index % 3)["ok"]
    for index, participant_id in enumerate(on_b):
        assert answer(b, code, participant_id, poll, index % 3)["ok"]

    assert counts(a, code, poll) == counts(b, code, poll) == [4, 3, 2]
    assert a.presence(a.state(code))["n_participants"] == b.presence(b.state(code))["n_participants"] == 9


def test_an_ended_session_drops_out_of_every_process_upkeep(cluster, tmp_path):
    """Leases, presence and database checks cover running sessions only: a process
    up for weeks must not keep checking every session it ever served."""
    process, created, _bus = cluster
    a, b = process("a"), process("b")
    code = created.code
    b.state(code)
    host = a.connect_host(code, created.host_token)
    assert a.cached_codes() == b.cached_codes() == [code]
    assert set(b.local_presence()) == {code}
    a.end_session(host, "http://localhost")
    assert a.cached_codes() == b.cached_codes() == []  # b heard of the end through its notice
    assert a.local_presence() == b.local_presence() == {}


def test_an_answer_resent_to_another_process_after_a_reconnect_counts_once(cluster):
    process, created, bus = cluster
    a, b = process("a"), process("b")
    code, poll = created.code, created.activities[0]["id"]
    b.state(code)
    a.open_activity(a.connect_host(code, created.host_token), poll)
    welcome = a.join(code, None, "Zoé")[1]
    bus.muted = True  # a commits, then dies before its notice leaves
    assert answer(a, code, welcome["participant_id"], poll, 1, answer_id="vote-1")["ok"]

    # The phone comes back through another process with its token and resends.
    _state, again, _notices = b.join(code, welcome["token"], None)
    assert again["participant_id"] == welcome["participant_id"] and again["answers"] == {poll: [1]}
    assert answer(b, code, welcome["participant_id"], poll, 1, answer_id="vote-1") == {"ok": True, "remaining": 0}
    with pytest.raises(DomainError) as refused:
        answer(b, code, welcome["participant_id"], poll, 2, answer_id="vote-2")
    assert refused.value.code == "already_answered"
    assert counts(b, code, poll) == [0, 1, 0]


def test_the_same_answer_committed_by_both_processes_is_stored_and_counted_once(cluster):
    process, created, bus = cluster
    a, b = process("a"), process("b")
    code, poll = created.code, created.activities[0]["id"]
    a.open_activity(a.connect_host(code, created.host_token), poll)
    welcome = a.join(code, None, "Zoé")[1]
    b.join(code, welcome["token"], None)
    bus.muted = True  # neither hears the other before both commit
    assert answer(a, code, welcome["participant_id"], poll, 0, answer_id="same")["ok"]
    assert answer(b, code, welcome["participant_id"], poll, 0, answer_id="same")["ok"]
    bus.muted = False
    assert counts(a, code, poll) == counts(b, code, poll) == [1, 0, 0]
    assert process("c").state(code).tallies[poll].n_answers == 1  # what the database holds


def test_lost_notices_are_repaired_from_the_database(cluster):
    process, created, bus = cluster
    a, b = process("a"), process("b")
    code, poll = created.code, created.activities[0]["id"]
    b.state(code)
    a.open_activity(a.connect_host(code, created.host_token), poll)
    bus.muted = True
    phones = [a.join(code, None, None)[1]["participant_id"] for _ in range(6)]
    for index, participant_id in enumerate(phones):
        answer(a, code, participant_id, poll, index % 2)
    assert counts(b, code, poll) == [0, 0, 0]

    assert b.check_against_database(code) is False  # the first check only notes the database's counts
    assert b.check_against_database(code) is True  # they are still missing: reload
    assert counts(b, code, poll) == [3, 3, 0]
    assert b.presence(b.state(code))["n_participants"] == 6
    assert b.check_against_database(code) is False


def test_taking_over_a_session_rebuilds_it_from_the_database(cluster, monkeypatch):
    process, created, bus = cluster
    a, b = process("a"), process("b")
    code, poll = created.code, created.activities[0]["id"]
    b.state(code)
    a.open_activity(a.connect_host(code, created.host_token), poll)
    bus.muted = True
    participant_id = a.join(code, None, None)[1]["participant_id"]
    answer(a, code, participant_id, poll, 2)
    monkeypatch.setattr(running_sync, "FRESH_SECONDS", 0.0)
    b.take_over(code)
    assert counts(b, code, poll) == [0, 0, 1]
    pushed = {m.event: m.data for m in b.pending_pushes(lambda _code: True)}
    assert pushed["results"]["counts"] == [0, 0, 1] and pushed["presence"]["n_participants"] == 1


def test_only_the_pushing_process_sends_results_and_closes_questions(cluster):
    process, created, _bus = cluster
    a = process("a")
    code, poll = created.code, created.activities[0]["id"]
    a.open_activity(a.connect_host(code, created.host_token), poll)
    a.join(code, None, None)
    assert a.pending_pushes(lambda _code: False) == []
    assert a.pending_pushes(lambda _code: True) == []  # what changed was forgotten, not kept for later
    assert a.expire_questions(lambda _code: False) == []


def test_host_actions_on_one_process_reach_the_other(cluster):
    process, created, _bus = cluster
    a, b = process("a"), process("b")
    code, poll, cloud = created.code, created.activities[0]["id"], created.activities[1]["id"]
    b.state(code)
    host = a.connect_host(code, created.host_token)
    a.open_activity(host, cloud)
    phones = [b.join(code, None, None)[1]["participant_id"] for _ in range(3)]
    for participant_id in phones:
        answer(b, code, participant_id, cloud, "Liberté")
    a.moderate(host, cloud, {"activity_id": cloud, "action": "hide", "key": "liberte"})
    assert b.results(b.state(code), cloud)["words"] == []
    a.undo_moderation(host, cloud)
    assert b.results(b.state(code), cloud)["words"] == [["Liberté", 3]]

    a.close_activity(host, cloud)
    with pytest.raises(DomainError) as closed:
        answer(b, code, phones[0], cloud, "Égalité")
    assert closed.value.code == "closed"

    a.remove_participant(host, phones[1])
    with pytest.raises(DomainError) as removed:
        b.join(code, b_token(b, code, phones[1]), None)
    assert removed.value.code == "removed"

    ack, _messages = a.end_session(host, "http://example.org")
    assert b.public_state(b.state(code))["phase"] == "ended"
    assert b.end_session(b.state(code), "http://example.org")[0]["archive_path"] == ack["archive_path"]


def test_an_open_activity_unknown_to_a_process_is_checked_against_the_database(cluster):
    process, created, bus = cluster
    a, b = process("a"), process("b")
    code, poll = created.code, created.activities[0]["id"]
    participant_id = b.join(code, None, None)[1]["participant_id"]
    bus.muted = True  # b never hears that a opened the poll
    a.open_activity(a.connect_host(code, created.host_token), poll)
    assert answer(b, code, participant_id, poll, 0)["ok"]


def b_token(runtime: Runtime, code: str, participant_id: str) -> str:
    from live.services import tokens

    return tokens.participant_token("key", code, participant_id)


def test_the_participant_cap_holds_across_processes(cluster):
    process, created, _bus = cluster
    a, b = process("a", max_participants=3), process("b", max_participants=3)
    code = created.code
    first = a.join(code, None, None)[1]
    b.join(code, None, None)
    a.join(code, None, None)
    for runtime in (a, b):
        with pytest.raises(DomainError) as full:
            runtime.join(code, None, "Late")
        assert full.value.code == "session_full"
    # Someone who is in always gets back in, through either process.
    assert b.join(code, first["token"], None)[1]["participant_id"] == first["participant_id"]
    # A removed participant frees a seat.
    a.remove_participant(a.connect_host(code, created.host_token), first["participant_id"])
    assert b.join(code, None, "Late")[1]["name"] == "Late"


def test_the_cap_is_counted_in_the_database_even_when_a_notice_was_lost(cluster):
    process, created, bus = cluster
    a, b = process("a", max_participants=2), process("b", max_participants=2)
    code = created.code
    b.state(code)
    bus.muted = True
    a.join(code, None, None)
    a.join(code, None, None)
    with pytest.raises(DomainError) as full:
        b.join(code, None, None)
    assert full.value.code == "session_full"


def test_presence_adds_up_every_process_and_forgets_a_silent_one(cluster, monkeypatch):
    process, created, _bus = cluster
    a, b = process("a"), process("b")
    code = created.code
    b.state(code)
    for _ in range(3):
        a.join(code, None, None)
    b.join(code, None, None)
    b.apply_notice(code, {"t": "presence", "n": a.local_connected(a.state(code))}, "a")
    assert b.presence(b.state(code)) == {"n_participants": 4, "n_connected": 4}
    monkeypatch.setattr(running_state, "PRESENCE_TTL", 0.0)
    time.sleep(0.01)
    b.forget_silent_processes()
    assert b.presence(b.state(code))["n_connected"] == 1


def test_a_malformed_or_unknown_notice_changes_nothing(cluster):
    process, created, _bus = cluster
    b = process("b")
    code, poll = created.code, created.activities[0]["id"]
    b.state(code)
    b.apply_notice(code, "not a notice", "a")
    b.apply_notice(code, {"t": "something new"}, "a")
    b.apply_notice("NOSUCHCODE", {"t": "lifecycle"}, "a")
    b.apply_notice(code, {"t": "answer", "participant_id": "x", "answer_id": "y", "activity_id": "nope",
                          "value": 1, "ms_since_open": 3}, "a")
    assert counts(b, code, poll) == [0, 0, 0]


# -- against a real Redis ----------------------------------------------------------


class FakeRuntime:
    """What the cluster calls on a runtime, recorded."""

    def __init__(self, codes) -> None:
        self.codes = list(codes)
        self.notices: list = []
        self.taken: list[str] = []

    def cached_codes(self):
        return list(self.codes)

    def apply_notice(self, code, notice, sender):
        self.notices.append((code, notice, sender))

    def take_over(self, code):
        self.taken.append(code)

    def local_presence(self):
        return {code: 0 for code in self.codes}

    def local_waiting(self):
        return {}

    def forget_silent_processes(self):
        pass

    def check_against_database(self, code):
        return False

    def reload(self, code):
        pass


@pytest.fixture
def redis_url():
    url = "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "no server"
        missing_service(f"Redis is not reachable at {url}: {error}")
    return url


def spawn(target, *args):
    import threading

    threading.Thread(target=target, args=args, daemon=True).start()


def test_one_process_holds_a_session_lease_and_another_takes_it_when_released(redis_url):
    from live.realtime.cluster import Cluster

    prefix = f"live-test-{uuid.uuid4().hex[:8]}"
    first, second = FakeRuntime(["CODE1"]), FakeRuntime(["CODE1"])
    a = Cluster(redis_url, prefix, first, spawn)
    b = Cluster(redis_url, prefix, second, spawn)
    a.start()
    b.start()
    try:
        a.tick()
        b.tick()
        assert a.pushes("CODE1") and not b.pushes("CODE1") and first.taken == ["CODE1"]
        a.announce("CODE1", {"t": "lifecycle"}, urgent=True)
        wait_until(lambda: ("CODE1", {"t": "lifecycle"}, a.process_id) in second.notices)
        assert ("CODE1", {"t": "presence", "n": 0}, a.process_id) in second.notices
        assert not [n for n in first.notices if n[2] == a.process_id]  # nobody hears its own notices

        a.release_leases()  # a clean shutdown
        b._next_lease = 0.0
        b.tick()
        assert b.pushes("CODE1") and second.taken == ["CODE1"] and not a.pushes("CODE1")
        b.receive("not json")  # a stray message on the channel is ignored
    finally:
        a.release_leases()
        b.release_leases()


# -- the cap on a real server ---------------------------------------------------------


@pytest.mark.slow
def test_a_full_session_refuses_a_new_phone_with_session_full_and_lets_a_returning_one_in(tmp_path):
    import asyncio

    from tests.conftest import POLLS, make_server
    from tests.sockets import participant, refused

    server = make_server(tmp_path, LIVE_MAX_PARTICIPANTS="2")
    server.start()
    try:
        code = server.create_session(POLLS)["code"]

        async def crowd():
            first = await participant(server.url, code, name="Zoé")
            second = await participant(server.url, code)
            error = await refused(server.url, {"code": code, "name": "Late"})
            token = first.last("welcome")["token"]
            await first.disconnect()
            back = await participant(server.url, code, token=token)
            assert back.last("welcome")["participant_id"] == first.last("welcome")["participant_id"]
            await back.disconnect()
            await second.disconnect()
            return error

        error = asyncio.run(crowd())
        assert error["code"] == "session_full" and error["data"]["code"] == "session_full"
        assert "full" in error["message"]
    finally:
        server.stop()


def test_the_cap_and_the_redis_prefix_come_from_the_environment(tmp_path):
    from live.config import Settings

    base = {"LIVE_SECRET_KEY": "k", "LIVE_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).max_participants == 5000
    assert Settings.from_env(base).redis_prefix == "live"
    assert Settings.from_env(dict(base, LIVE_MAX_PARTICIPANTS="0")).max_participants == 0  # no limit
    assert Settings.from_env(dict(base, LIVE_MAX_PARTICIPANTS="300")).max_participants == 300
    assert Settings.from_env(dict(base, LIVE_REDIS_PREFIX="salle-b")).redis_prefix == "salle-b"
    for wrong in ("-1", "many", "2.5"):
        with pytest.raises(SystemExit, match="LIVE_MAX_PARTICIPANTS"):
            Settings.from_env(dict(base, LIVE_MAX_PARTICIPANTS=wrong))


@pytest.mark.postgres
def test_processes_starting_together_on_a_fresh_database_all_come_up(postgres_url):
    """scripts/cluster and gunicorn start several processes at once: each migrates on
    start, and none may fail because another is creating the same tables."""
    import threading

    from sqlalchemy import inspect

    engines = [make_engine(postgres_url) for _ in range(4)]
    failures: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def start_process(engine) -> None:
        start.wait()
        try:
            migrate(engine)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=start_process, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert failures == []
        assert {"sessions", "answers", "share_links"} <= set(inspect(engines[0]).get_table_names())
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_server_stopped_with_sigterm_hands_its_leases_back_at_once(tmp_path, postgres_url, redis_url):
    """Service managers stop processes with SIGTERM: the leases must go with it, so
    another process pushes that session's results at once, not seconds later."""
    import asyncio

    import redis

    from tests.conftest import POLLS, make_server
    from tests.sockets import host

    prefix = f"live-test-{uuid.uuid4().hex[:8]}"
    server = make_server(tmp_path, postgres_url, LIVE_REDIS_URL=redis_url, LIVE_REDIS_PREFIX=prefix)
    server.start()
    store = redis.Redis.from_url(redis_url)
    try:
        created = server.create_session(POLLS)
        lease = f"{prefix}:lease:{created['code']}"

        async def hold_the_screen_until_leased() -> None:
            screen = await host(server.url, created["code"], created["host_token"])
            deadline = time.monotonic() + WAIT
            while not store.exists(lease) and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await screen.disconnect()

        asyncio.run(hold_the_screen_until_leased())
        assert store.exists(lease)
        server.process.terminate()  # SIGTERM
        assert server.process.wait(WAIT) == 0
        assert not store.exists(lease)
    finally:
        server.stop()
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)


def test_a_phone_back_on_another_process_gets_its_quiz_result_and_final_rank(tmp_path, database_url):
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")
    quiz = {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 30}
    created = planning.create_session(sessions, "key", facilitator.id, "Quiz", [quiz])
    bus = Bus()
    a, b = (bus.join(name, Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions")) for name in "ab")
    code, question = created.code, created.activities[0]["id"]
    try:
        b.state(code)
        host = a.connect_host(code, created.host_token)
        a.open_activity(host, question)
        zoe = a.join(code, None, "Zoé")[1]
        assert answer(a, code, zoe["participant_id"], question, 1)["ok"]
        a.reveal_answer(host, question)
        back = b.join(code, zoe["token"], None)[1]  # her process died; she reconnects to b
        assert back["quiz_result"]["correct"] is True and back["quiz_result"]["rank"] == 1
        assert "final_rank" not in back
        a.podium(host)
        back = b.join(code, zoe["token"], None)[1]
        assert back["final_rank"] == dict(back["final_rank"], rank=1, n_players=1)
        assert back["final_rank"]["podium"][0]["name"] == "Zoé"
    finally:
        engine.dispose()
