"""Group commit: answers are written in small batches, one transaction each,
and every waiting participant is acknowledged once its batch is committed.

A single writer loop collects what arrived while the previous transaction ran
(plus a couple of milliseconds), so under load one commit carries hundreds of
answers, and an idle server commits a lone answer at once. Threading primitives
are used on purpose: under gevent or eventlet they are monkey-patched into
greenlet-friendly ones, under ``threading`` they are real.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from live.store.models import Answer

log = logging.getLogger(__name__)

MAX_BATCH = 500
GATHER_SECONDS = 0.002
WAIT_SECONDS = 15.0


@dataclass
class Ticket:
    """One answer waiting to be committed; ``wait`` returns True once it is durable."""

    row: dict
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False

    def wait(self, timeout: float = WAIT_SECONDS) -> bool:
        """Block the caller (a greenlet under gevent) until the batch is committed."""
        self.done.wait(timeout)
        return self.ok


class GroupCommitter:
    """Writes answer rows in batches from one background loop."""

    def __init__(self, sessions: sessionmaker, spawn=None) -> None:
        self._sessions = sessions
        self._queue: queue.Queue[Ticket] = queue.Queue()
        self._spawn = spawn
        self._started = False
        self._start_lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, row: dict) -> Ticket:
        """Queue ``row`` (the columns of an ``Answer``) for the next batch."""
        self._ensure_started()
        ticket = Ticket(row)
        self._idle.clear()
        self._queue.put(ticket)
        return ticket

    def flush(self, timeout: float = WAIT_SECONDS) -> None:
        """Wait until every submitted answer is committed (used before archiving)."""
        deadline = time.monotonic() + timeout
        while not (self._queue.empty() and self._idle.is_set()) and time.monotonic() < deadline:
            self._idle.wait(0.05)

    def _ensure_started(self) -> None:
        if self._started:
            return
        with self._start_lock:
            if not self._started:
                if self._spawn:
                    self._spawn(self._run)
                else:
                    threading.Thread(target=self._run, name="live-group-commit", daemon=True).start()
                self._started = True

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            self._idle.clear()
            deadline = time.monotonic() + GATHER_SECONDS
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            self._commit(batch)
            if self._queue.empty():
                self._idle.set()

    def _commit(self, batch: list[Ticket]) -> None:
        try:
            with self._sessions.begin() as session:
                session.execute(insert(Answer), [ticket.row for ticket in batch])
            self._finish(batch, ok=True)
        except IntegrityError:
            # One row of the batch broke a constraint (an answer resent across
            # processes): write them one by one so the others still count.
            for ticket in batch:
                self._commit_one(ticket)
        except SQLAlchemyError:
            log.exception("group commit of %d answers failed", len(batch))
            self._finish(batch, ok=False)

    def _commit_one(self, ticket: Ticket) -> None:
        try:
            with self._sessions.begin() as session:
                session.execute(insert(Answer), [ticket.row])
            self._finish([ticket], ok=True)
        except IntegrityError:
            # Durable if the same (participant, answer_id) is already stored;
            # any other broken constraint is a failure the participant must see.
            self._finish([ticket], ok=self._already_stored(ticket.row))
        except SQLAlchemyError:
            log.exception("commit of one answer failed")
            self._finish([ticket], ok=False)

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

    @staticmethod
    def _finish(batch: list[Ticket], ok: bool) -> None:
        for ticket in batch:
            ticket.ok = ok
            ticket.done.set()
