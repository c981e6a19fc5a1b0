"""Group commit: answers are written in small batches, one transaction each,
and every waiting participant is acknowledged once its batch is committed.

A single writer loop commits what arrived while the previous transaction ran
(plus a couple of milliseconds), so under load one commit carries hundreds of
answers, and an idle server commits a lone answer at once. Threading primitives
are used on purpose: under gevent or eventlet they are monkey-patched into
greenlet-friendly ones, under ``threading`` they are real.

Measured (docs/BENCHMARKS.md): the waiting side is on the hot path of every
answer, so it is kept to one list append and one shared ``Event`` per batch.
A queue item and an ``Event.wait(timeout)`` per answer cost a lock, a
condition and (under gevent) a timer each, more than the database itself.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from live.store.models import Answer

log = logging.getLogger(__name__)

GATHER_SECONDS = 0.002
# How long an answer may wait for its commit before the participant is told to
# send it again (a database that stopped answering must not hang phones forever).
WAIT_SECONDS = 15.0
# A Core insert of the table, not the ORM's bulk insert of the class: the rows
# are plain dicts already, and the ORM's per-row bookkeeping cost more than
# SQLite's executemany itself (measured, docs/BENCHMARKS.md).
INSERT_ANSWERS = insert(Answer.__table__)


class _Batch:
    """Rows written in one transaction, and one event that wakes all their waiters."""

    __slots__ = ("rows", "oks", "done", "watched")

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.oks: list[bool] = []
        self.done = threading.Event()
        self.watched = False

    def finish(self, oks: list[bool]) -> None:
        """Record the outcome of every row and wake the waiters; the first outcome wins."""
        if not self.done.is_set():
            self.oks = oks
            self.done.set()


class Ticket:
    """One answer waiting to be committed; ``wait`` returns True once it is durable."""

    __slots__ = ("row", "_batch", "_index")

    def __init__(self, row: dict, batch: _Batch, index: int) -> None:
        self.row = row
        self._batch = batch
        self._index = index

    @property
    def ok(self) -> bool:
        """True once the answer is committed (False before, or when the commit failed)."""
        batch = self._batch
        return batch.done.is_set() and batch.oks[self._index]

    def wait(self) -> bool:
        """Block the caller (a greenlet under gevent) until the batch is committed.

        One waiter per batch keeps the time limit (a timer per answer was a
        measurable cost under gevent); when it runs out, the whole batch is
        reported as not saved, and its participants send their answers again."""
        batch = self._batch
        if batch.watched:
            batch.done.wait()
        else:
            batch.watched = True
            if not batch.done.wait(WAIT_SECONDS):
                log.error("a group commit of %d answers took over %.0f s", len(batch.rows), WAIT_SECONDS)
                batch.finish([False] * len(batch.rows))
        return self.ok


class GroupCommitter:
    """Writes answer rows in batches from one background loop."""

    def __init__(self, sessions: sessionmaker, spawn=None) -> None:
        self._sessions = sessions
        self._spawn = spawn
        self._started = False
        self._lock = threading.Lock()
        self._open = _Batch()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, row: dict) -> Ticket:
        """Queue ``row`` (the columns of an ``Answer``) for the next batch."""
        if not self._started:
            self._start()
        with self._lock:
            batch = self._open
            batch.rows.append(row)
            index = len(batch.rows) - 1
            self._idle.clear()
        self._wake.set()
        return Ticket(row, batch, index)

    def flush(self, timeout: float = 15.0) -> None:
        """Wait until every submitted answer is committed (used before archiving)."""
        deadline = time.monotonic() + timeout
        while not self._idle.is_set() and time.monotonic() < deadline:
            self._idle.wait(0.05)

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        if self._spawn:
            self._spawn(self._run)
        else:
            threading.Thread(target=self._run, name="live-group-commit", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # Let the answers arriving right now join this transaction.
            time.sleep(GATHER_SECONDS)
            with self._lock:
                self._wake.clear()
                batch, self._open = self._open, _Batch()
            if batch.rows:
                self._commit(batch)
            with self._lock:
                if not self._open.rows:
                    self._idle.set()

    def _commit(self, batch: _Batch) -> None:
        try:
            oks = self._write_all(batch.rows)
        except Exception:  # every batch must end, or its waiters would wait for the time limit
            log.exception("group commit of %d answers failed", len(batch.rows))
            oks = [False] * len(batch.rows)
        batch.finish(oks)

    def _write_all(self, rows: list[dict]) -> list[bool]:
        try:
            with self._sessions.begin() as session:
                session.execute(INSERT_ANSWERS, rows)
            return [True] * len(rows)
        except IntegrityError:
            # One row of the batch broke a constraint (an answer resent across
            # processes): write them one by one so the others still count.
            return [self._write_one(row) for row in rows]
        except SQLAlchemyError:
            log.exception("group commit of %d answers failed", len(rows))
            return [False] * len(rows)

    def _write_one(self, row: dict) -> bool:
        try:
            with self._sessions.begin() as session:
                session.execute(INSERT_ANSWERS, [row])
            return True
        except IntegrityError:
            # Durable if the same (participant, answer_id) is already stored;
            # any other broken constraint is a failure the participant must see.
            return self._already_stored(row)
        except SQLAlchemyError:
            log.exception("commit of one answer failed")
            return False

    def _already_stored(self, row: dict) -> bool:
        try:
            with self._sessions() as session:
                found = session.scalar(
                    select(Answer.id).where(
                        Answer.participant_id == row["participant_id"], Answer.answer_id == row["answer_id"]
                    )
                )
            return found is not None
        except SQLAlchemyError:
            return False
