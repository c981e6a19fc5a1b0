"""The group committer: many answers, few transactions, every waiter told the truth."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import event, func, select

from live.services import accounts, planning
from live.services.runtime import Runtime
from live.store import committer as committer_module
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate, utcnow
from live.store.models import Answer
from tests.conftest import POLLS


@pytest.fixture
def world(tmp_path, database_url):
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")
    created = planning.create_session(sessions, "key", facilitator.id, POLLS["title"], POLLS["activities"])
    runtime = Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions")
    phones = [runtime.join(created.code, None, None)[1]["participant_id"] for _ in range(3)]
    state = runtime.state(created.code)
    yield engine, sessions, state.session_id, created.activities[0]["id"], phones
    engine.dispose()


def row(session_id: int, activity_id: str, participant_id: str, answer_id: str | None = None) -> dict:
    return {
        "session_id": session_id, "activity_id": activity_id, "participant_id": participant_id,
        "answer_id": answer_id or uuid.uuid4().hex, "value": 1, "created_at": utcnow(), "ms_since_open": None,
    }


def stored(sessions) -> int:
    with sessions() as db:
        return db.scalar(select(func.count(Answer.id)))


def test_answers_sent_together_are_committed_in_few_transactions(world):
    engine, sessions, session_id, activity_id, phones = world
    commits = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    committer = GroupCommitter(sessions)
    results = []
    # Every thread is up before any answer goes: on a busy machine, threads started
    # one by one could each find the writer idle and be committed alone.
    together = threading.Event()

    def answer(index: int) -> None:
        together.wait(60)
        ticket = committer.submit(row(session_id, activity_id, phones[index % 3]))
        results.append(ticket.wait())

    threads = [threading.Thread(target=answer, args=(index,)) for index in range(200)]
    for thread in threads:
        thread.start()
    together.set()
    for thread in threads:
        thread.join(60)
    committer.flush()

    assert results == [True] * 200
    assert stored(sessions) == 200
    assert len(commits) < 100  # batched: never one transaction per answer


def test_a_resent_answer_is_durable_once_and_a_broken_row_fails_alone(world):
    _engine, sessions, session_id, activity_id, phones = world
    committer = GroupCommitter(sessions)
    first = committer.submit(row(session_id, activity_id, phones[0], "same"))
    assert first.wait() is True
    again = committer.submit(row(session_id, activity_id, phones[0], "same"))
    other = committer.submit(row(session_id, activity_id, phones[1]))
    broken = committer.submit(row(session_id, "no-such-activity", phones[2]))  # a foreign key that does not exist
    assert again.wait() is True  # already stored: durable
    assert other.wait() is True
    assert broken.wait() is False
    assert stored(sessions) == 2


def test_a_database_that_stops_answering_fails_the_batch_instead_of_hanging(world, monkeypatch):
    _engine, sessions, session_id, activity_id, phones = world
    monkeypatch.setattr(committer_module, "WAIT_SECONDS", 0.3)
    release = threading.Event()

    class StuckSessions:
        def begin(self):
            release.wait(10)
            return sessions.begin()

        def __call__(self):
            return sessions()

    committer = GroupCommitter(StuckSessions())
    tickets = [committer.submit(row(session_id, activity_id, phone)) for phone in phones]
    assert [ticket.wait() for ticket in tickets] == [False, False, False]
    release.set()
    committer.flush()
