"""Several ``live serve`` processes on one database: notices between them, and
which one pushes each session's results.

Only used with ``LIVE_REDIS_URL``; one process without Redis never imports it.

- **Notices.** After every commit the runtime announces what changed (an answer,
  a participant, a host action) through ``announce``; they leave in small
  batches on one Redis pub/sub channel, and every other process applies them to
  its cache (``Runtime.apply_notice``). Pub/sub may lose a message (a Redis
  restart), so each process also compares its cache with the database every
  couple of seconds (``Runtime.check_against_database``), and reloads every
  session after its subscription was broken.
- **Leases.** Exactly one process pushes each session's ``results`` and
  ``presence`` and closes its timed-out questions: the holder of the Redis key
  ``<prefix>:lease:<code>`` (``SET NX PX``), renewed every second, released on a
  clean exit. When the holder dies the key expires within ``LEASE_SECONDS`` and
  another process takes it, rebuilding that session from the database first.
- **Presence.** Each process announces how many participants are connected to
  it, and how many phones wait there for the host to let them in, per session,
  when that changes and every ``PRESENCE_EVERY`` seconds; the pushing process
  adds up what it heard recently.

Socket.IO emits themselves go through Flask-SocketIO's own Redis message queue
(channel ``<prefix>-socketio``): every process delivers each emit once to its own
clients, so nothing here emits.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import socket
import threading
import time
import uuid

import redis

log = logging.getLogger(__name__)

LEASE_SECONDS = 5.0
RENEW_EVERY = 1.0
CHECK_EVERY = 2.0
PRESENCE_EVERY = 2.0
# Notices wait this long for company before leaving as one message.
GATHER_SECONDS = 0.002

# Renew or release a lease only if this process still holds it.
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def new_process_id() -> str:
    """A name for this process, unique in the cluster, that says where it runs."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Cluster:
    """This process's link to the others: the runtime's ``peers``, and the leases."""

    def __init__(self, redis_url: str, prefix: str, runtime, spawn) -> None:
        self.process_id = new_process_id()
        self.prefix = prefix
        self.channel = f"{prefix}:notices"
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        # The subscriber blocks on reads for as long as the channel is quiet: no timeout.
        self._subscriber = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        self._renew = self._redis.register_script(_RENEW)
        self._release = self._redis.register_script(_RELEASE)
        self._runtime = runtime
        self._spawn = spawn
        self._outbox: list[list] = []
        self._outbox_lock = threading.Lock()
        self._publish_lock = threading.Lock()
        self._wake = threading.Event()
        self._leases: dict[str, float] = {}  # code -> this process pushes it until (monotonic)
        self._announced: dict[str, tuple[tuple[int, int], float]] = {}
        self._next_lease = self._next_check = 0.0
        runtime.peers = self

    # -- lifetime -----------------------------------------------------------------

    def start(self) -> None:
        """Subscribe (before any session is loaded, so no notice is missed), then
        run the listener and the sender in the background."""
        pubsub = self._subscribe()
        self._spawn(self._listen, pubsub)
        self._spawn(self._send_loop)
        atexit.register(self.release_leases)

    def release_leases(self) -> None:
        """Give up every lease at once (clean shutdown), so another process takes over now."""
        for code in list(self._leases):
            try:
                self._release(keys=[self.lease_key(code)], args=[self.process_id])
            except redis.RedisError:
                pass  # it expires by itself
        self._leases.clear()

    # -- notices ------------------------------------------------------------------

    def announce(self, code: str, notice: dict, urgent: bool = False) -> None:
        """Queue ``notice`` about session ``code`` for the other processes; an
        ``urgent`` one (a host action) leaves now, with everything queued before it."""
        with self._outbox_lock:
            self._outbox.append([code, notice])
        if urgent:
            self._flush()
        else:
            self._wake.set()

    def _send_loop(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(GATHER_SECONDS)
            self._wake.clear()
            self._flush()

    def _flush(self) -> None:
        # One publisher at a time, so notices arrive in the order they were committed.
        with self._publish_lock:
            with self._outbox_lock:
                batch, self._outbox = self._outbox, []
            if not batch:
                return
            try:
                self._redis.publish(self.channel, json.dumps({"from": self.process_id, "notices": batch}))
            except redis.RedisError:
                # The others repair their caches from the database at their next check.
                log.warning("could not publish %d notices to Redis", len(batch))

    def _subscribe(self):
        pubsub = self._subscriber.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)
        return pubsub

    def _listen(self, pubsub) -> None:
        while True:
            try:
                for message in pubsub.listen():
                    self.receive(message.get("data"))
            except redis.RedisError:
                log.warning("lost the Redis subscription; reconnecting")
            try:
                pubsub.close()
            except redis.RedisError:
                pass
            time.sleep(1.0)
            try:
                pubsub = self._subscribe()
            except redis.RedisError:
                continue
            # Whatever was published meanwhile is lost: take it from the database.
            for code in self._runtime.cached_codes():
                self._safely(self._runtime.reload, code)

    def receive(self, raw) -> None:
        """Apply one message of notices from another process."""
        try:
            message = json.loads(raw)
            sender, notices = message["from"], message["notices"]
        except (TypeError, ValueError, KeyError):
            log.warning("ignored a malformed cluster message")
            return
        if sender == self.process_id:
            return
        for code, notice in notices:
            try:
                self._runtime.apply_notice(code, notice, sender)
            except Exception:  # one bad notice must not stop the listener
                log.exception("could not apply a %s notice", notice.get("t") if isinstance(notice, dict) else "?")

    # -- leases, presence, checks (the push loop calls tick ten times a second) ---

    def lease_key(self, code: str) -> str:
        """The Redis key whose value names the process pushing session ``code``."""
        return f"{self.prefix}:lease:{code}"

    def pushes(self, code: str) -> bool:
        """True while this process holds the lease of session ``code``."""
        return self._leases.get(code, 0.0) > time.monotonic()

    def tick(self) -> None:
        """Renew or take leases, announce presence, check caches against the database."""
        now = time.monotonic()
        if now >= self._next_lease:
            self._next_lease = now + RENEW_EVERY
            cached = self._runtime.cached_codes()
            for code in cached:
                self._safely(self._hold_lease, code)
            for code in [code for code, until in self._leases.items() if code not in cached and until <= now]:
                del self._leases[code]  # ended, and its last pushes are out: the key expires by itself
        self._announce_presence(now)
        if now >= self._next_check:
            self._next_check = now + CHECK_EVERY
            self._runtime.forget_silent_processes()
            for code in self._runtime.cached_codes():
                self._safely(self._runtime.check_against_database, code)

    def _hold_lease(self, code: str) -> None:
        key, ttl_ms = self.lease_key(code), int(LEASE_SECONDS * 1000)
        started = time.monotonic()
        if code in self._leases and self._renew(keys=[key], args=[self.process_id, ttl_ms]):
            self._leases[code] = started + LEASE_SECONDS - RENEW_EVERY
            return
        self._leases.pop(code, None)
        if self._redis.set(key, self.process_id, nx=True, px=ttl_ms):
            log.info("process %s now pushes session %s", self.process_id, code)
            self._runtime.take_over(code)
            # Trust the lease a second less than Redis keeps it: two pushers never overlap.
            self._leases[code] = started + LEASE_SECONDS - RENEW_EVERY

    def _announce_presence(self, now: float) -> None:
        presence, waiting = self._runtime.local_presence(), self._runtime.local_waiting()
        for code, count in presence.items():
            # Connected participants, and phones waiting for the host (live/services/joins.py).
            figures = (count, waiting.get(code, 0))
            last = self._announced.get(code)
            if last is None or last[0] != figures or now - last[1] >= PRESENCE_EVERY:
                self._announced[code] = (figures, now)
                notice = {"t": "presence", "n": figures[0]}
                if figures[1]:
                    notice["w"] = figures[1]
                self.announce(code, notice)
        for code in [code for code in self._announced if code not in presence]:
            del self._announced[code]  # ended or forgotten: nothing more to announce

    @staticmethod
    def _safely(action, code: str) -> None:
        try:
            action(code)
        except Exception:  # Redis or the database down for a moment: try again next tick
            log.exception("cluster upkeep of session %s failed", code)
