"""The running-session service on a real database, without the network:
coalesced pushes, idempotent answers under concurrency, rebuild from the database."""

from __future__ import annotations

import threading

import pytest

from live.domain.errors import DomainError
from live.services import accounts, planning
from live.services.runtime import AnswerInput, Runtime
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate
from tests.conftest import POLLS


@pytest.fixture
def world(tmp_path, database_url):
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")
    created = planning.create_session(sessions, "key", facilitator.id, POLLS["title"], POLLS["activities"])

    def runtime() -> Runtime:
        return Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions")

    yield runtime, created
    engine.dispose()


def test_a_burst_of_answers_becomes_one_results_push(world):
    make_runtime, created = world
    runtime = make_runtime()
    state = runtime.connect_host(created.code, created.host_token)
    single = created.activities[0]["id"]
    runtime.open_activity(state, single)
    runtime.pending_pushes()
    phones = [runtime.join(created.code, None, f"P{i}")[1]["participant_id"] for i in range(20)]
    for index, participant_id in enumerate(phones):
        runtime.submit_answer(created.code, participant_id, AnswerInput(single, f"a{index}", index % 3))[0]

    pushes = runtime.pending_pushes()
    results = [m for m in pushes if m.event == "results"]
    assert len(results) == 1 and results[0].room == f"hosts:{created.code}"
    assert results[0].data["counts"] == [7, 7, 6] and results[0].data["n_answers"] == 20
    assert [m.data for m in pushes if m.event == "presence"] == [{"n_participants": 20, "n_connected": 20}]
    assert runtime.pending_pushes() == []  # nothing changed, nothing sent


def test_one_results_event_per_tick_even_when_two_activities_changed(world):
    make_runtime, created = world
    runtime = make_runtime()
    state = runtime.connect_host(created.code, created.host_token)
    first, second = (a["id"] for a in created.activities)
    runtime.open_activity(state, first)
    runtime.open_activity(state, second)  # closes the first: both changed
    ticks = [[m.data["activity_id"] for m in runtime.pending_pushes() if m.event == "results"] for _ in range(3)]
    assert ticks == [[second], [first], []]


def test_the_same_answer_sent_twice_at_once_is_counted_once(world):
    make_runtime, created = world
    runtime = make_runtime()
    state = runtime.connect_host(created.code, created.host_token)
    single = created.activities[0]["id"]
    runtime.open_activity(state, single)
    participant_id = runtime.join(created.code, None, None)[1]["participant_id"]
    acks, errors = [], []

    def send():
        try:
            acks.append(runtime.submit_answer(created.code, participant_id, AnswerInput(single, "same", 1))[0])
        except DomainError as error:
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and acks == [{"ok": True, "remaining": 0}] * 8
    assert runtime.results(state, single)["counts"] == [0, 1, 0]


def test_a_new_process_rebuilds_the_session_from_the_database(world):
    make_runtime, created = world
    runtime = make_runtime()
    state = runtime.connect_host(created.code, created.host_token)
    single = created.activities[0]["id"]
    runtime.open_activity(state, single)
    welcome = runtime.join(created.code, None, "Zoé")[1]
    runtime.submit_answer(created.code, welcome["participant_id"], AnswerInput(single, "x", 2))[0]

    restarted = make_runtime()
    again = restarted.join(created.code, welcome["token"], None)[1]
    assert again["participant_id"] == welcome["participant_id"] and again["name"] == "Zoé"
    assert again["answers"] == {single: [2]}
    assert again["state"]["activity"]["status"] == "open"
    assert restarted.submit_answer(created.code, welcome["participant_id"], AnswerInput(single, "x", 2))[0] == {"ok": True, "remaining": 0}
    with pytest.raises(DomainError, match="already_answered"):
        restarted.submit_answer(created.code, welcome["participant_id"], AnswerInput(single, "y", 0))
    assert restarted.results(restarted.state(created.code), single)["counts"] == [0, 0, 1]


def test_a_large_room_hears_a_changed_wall_less_often_than_a_small_one(world):
    """Every wall push is one frame per phone: 30 phones hear a Q&A's wall every
    0.5 s at most, 2,000 phones every 2 s (WALL_FRAMES_PER_SECOND)."""
    make_runtime, _created = world
    runtime = make_runtime()
    created = planning.create_session(runtime.ctx.sessions, "key", 1, "Q&A", [{"type": "qa", "prompt": "Vos questions ?"}])
    state = runtime.connect_host(created.code, created.host_token)
    runtime.open_activity(state, created.activities[0]["id"])
    now = [1000.0]
    state.clock = lambda: now[0]

    def walls_after(seconds: float) -> int:
        now[0] += seconds
        state.dirty_walls.add(created.activities[0]["id"])
        return sum(1 for m in runtime.pending_pushes() if m.event == "wall")

    for phones in (30, 2000):
        state.connections.clear()
        state.connections.update({f"p{i}": 1 for i in range(phones)})
        walls_after(60)  # whatever was pending goes out
        heard = [walls_after(0.6) for _ in range(6)]
        assert sum(heard) == (6 if phones == 30 else 1), (phones, heard)


def test_nicknames_are_unique_whatever_their_case_and_a_freed_one_can_be_taken_again(world):
    make_runtime, created = world
    runtime = make_runtime()
    joined = [runtime.join(created.code, None, name)[1] for name in ("Zoé", "zoé", "ZOÉ", "Marc")]
    assert [w["name"] for w in joined] == ["Zoé", "zoé 2", "ZOÉ 3", "Marc"]
    zoe = joined[0]
    back = runtime.join(created.code, zoe["token"], "Zoé")[1]  # her own name is not taken by herself
    assert (back["participant_id"], back["name"]) == (zoe["participant_id"], "Zoé")
    runtime.join(created.code, zoe["token"], "Zélie")  # renamed: "Zoé" is free again
    assert runtime.join(created.code, None, "zoé")[1]["name"] == "zoé"
    assert runtime.join(created.code, None, "Marc")[1]["name"] == "Marc 2"


def test_an_archive_written_again_after_a_failure_is_in_the_language_the_host_ended_in(world, tmp_path):
    from live.domain.profanity import ProfanityFilter
    from live.services import archives

    make_runtime, created = world
    runtime = make_runtime()
    state = runtime.connect_host(created.code, created.host_token)
    (tmp_path / "sessions").write_text("a file where the archive folder should be")  # the archive cannot be written
    facts, _messages = runtime.end_session(state, "fr")
    assert facts["archive_error"] and facts["archive_path"] is None
    (tmp_path / "sessions").unlink()

    assert archives.repair_archives(runtime.ctx.sessions, tmp_path / "sessions", ProfanityFilter()) == [created.code]
    [folder] = (tmp_path / "sessions").iterdir()
    assert '<html lang="fr">' in (folder / "index.html").read_text(encoding="utf-8")
