"""The runtime's clocks and memory (issue 12): quiz timing on the monotonic
clock inside a process, whatever the wall clock does; ended sessions leaving
memory once nobody uses them, and coming back ended when someone does."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from live.domain.errors import DomainError
from live.services import accounts, planning
from live.services.runtime import ENDED_GRACE_SECONDS, AnswerInput, Runtime
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate

QUIZ = [
    {"type": "quiz", "prompt": "Qui a écrit Germinal ?", "options": ["Hugo", "Zola"], "correct": [1], "seconds": 20},
    {"type": "poll", "prompt": "Encore ?", "options": ["Oui", "Non"]},
]


class Clocks:
    """A monotonic clock and a wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.monotonic = 1000.0
        self.wall = datetime(2026, 11, 23, 19, 0, 0)

    def advance(self, seconds: float) -> None:
        self.monotonic += seconds
        self.wall += timedelta(seconds=seconds)


@pytest.fixture
def world(tmp_path, monkeypatch):
    engine = make_engine(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")
    created = planning.create_session(sessions, "key", facilitator.id, "Quiz", QUIZ)
    clocks = Clocks()
    for module in ("state", "controls", "answers"):  # where the running session reads the wall clock
        monkeypatch.setattr(f"live.services.running.{module}.utcnow", lambda: clocks.wall)

    def runtime() -> Runtime:
        made = Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions")
        made.clock = lambda: clocks.monotonic
        return made

    yield runtime, created, clocks
    engine.dispose()


def answer(runtime: Runtime, code: str, participant_id: str, activity_id: str, value: int) -> dict:
    return runtime.submit_answer(code, participant_id, AnswerInput(activity_id, f"{participant_id}-{activity_id}", value))[0]


def test_setting_the_wall_clock_back_an_hour_never_makes_a_late_answer_count(world):
    make_runtime, created, clocks = world
    runtime = make_runtime()
    code, question = created.code, created.activities[0]["id"]
    host = runtime.connect_host(code, created.host_token)
    quick, late = (runtime.join(code, None, name)[1]["participant_id"] for name in ("Quick", "Late"))
    runtime.open_activity(host, question)

    clocks.advance(5)
    clocks.wall -= timedelta(hours=1)  # someone sets the server's clock back
    assert answer(runtime, code, quick, question, 1)["ok"]
    assert runtime.public_state(host)["activity"]["remaining_ms"] == 15_000

    clocks.advance(25)  # 30 s after opening: past the 20 s and the grace
    with pytest.raises(DomainError, match="time_up"):
        answer(runtime, code, late, question, 1)
    closed = runtime.expire_timed()
    assert closed and runtime.public_state(host)["activity"]["status"] == "closed"

    runtime.run_command(host, "reveal", {"activity_id": question}, question)
    board = {row["name"]: row["score"] for row in runtime.results(host, question)["leaderboard"]}
    assert board == {"Quick": 875, "Late": 0}  # answered at 5 s of 20: 1000 * (1 - 5/40)


def test_a_process_that_takes_an_open_question_from_the_database_anchors_it_once(world):
    make_runtime, created, clocks = world
    code, question = created.code, created.activities[0]["id"]
    first = make_runtime()
    first.open_activity(first.connect_host(code, created.host_token), question)

    clocks.advance(5)
    second = make_runtime()  # a restart, or another process, 5 s after the opening
    state = second.state(code)
    assert second.public_state(state)["activity"]["remaining_ms"] == 15_000
    clocks.wall -= timedelta(hours=1)
    second.check_against_database(code)  # reads the lifecycle again: the anchor stays
    clocks.advance(2)
    assert second.public_state(state)["activity"]["remaining_ms"] == 13_000


def test_an_ended_session_leaves_memory_once_nobody_uses_it_and_comes_back_ended(world):
    make_runtime, created, clocks = world
    runtime = make_runtime()
    code = created.code
    running = make_runtime()
    running.join(code, None, "Still running")  # a session that has not ended never leaves
    host = runtime.connect_host(code, created.host_token)
    welcome = runtime.join(code, None, "Ada")[1]
    ack, _told = runtime.end_session(host)

    clocks.advance(ENDED_GRACE_SECONDS * 2)
    assert runtime.evict_finished() == []  # Ada's phone is still connected here
    runtime.leave(code, welcome["participant_id"])
    assert runtime.evict_finished() == []  # the grace period starts now
    clocks.advance(ENDED_GRACE_SECONDS - 1)
    assert runtime.evict_finished() == []
    clocks.advance(1)
    assert runtime.evict_finished() == [code]
    assert runtime.evict_finished() == []
    clocks.advance(ENDED_GRACE_SECONDS * 10)
    assert running.evict_finished() == []

    # Notices and checks for a session this process dropped are harmless.
    runtime.apply_notice(code, {"t": "lifecycle"}, "another")
    assert runtime.check_against_database(code) is False and runtime.cached_codes() == []

    # Ada's phone comes back: the session is loaded again, ended, Ada still Ada.
    again = runtime.join(code, welcome["token"], None)[1]
    assert again["participant_id"] == welcome["participant_id"] and again["state"]["phase"] == "ended"
    # The host screen comes back: ended, and ending again gives the same summary.
    reloaded = runtime.connect_host(code, created.host_token)
    assert reloaded is not host and runtime.host_view(reloaded)["state"]["phase"] == "ended"
    assert runtime.end_session(reloaded)[0] == ack
    runtime.leave(code, welcome["participant_id"])
    clocks.advance(ENDED_GRACE_SECONDS)
    assert runtime.evict_finished() == []  # quiet only from now on
    clocks.advance(ENDED_GRACE_SECONDS)
    assert runtime.evict_finished() == [code]
