"""Rate limits (issue 6): pure token buckets with a clock passed in, then the two
limits as a phone and a guesser meet them on a real server."""

from __future__ import annotations

import asyncio

import pytest

from live.config import Settings
from live.domain.ratelimit import GuessThrottle, RateLimiter, TokenBucket
from tests.conftest import POLLS, LiveServer, free_port, server_env
from tests.sockets import host, participant, refused


# -- token bucket ------------------------------------------------------------------


def test_a_bucket_allows_its_burst_then_refuses():
    bucket = TokenBucket.full(rate=2.0, burst=3, now=100.0)
    assert [bucket.take(100.0) for _ in range(4)] == [True, True, True, False]


def test_a_bucket_refills_at_its_rate_and_never_above_its_burst():
    bucket = TokenBucket.full(rate=2.0, burst=3, now=0.0)
    for _ in range(3):
        bucket.take(0.0)
    assert bucket.take(0.4) is False  # 0.8 of a token
    assert bucket.take(0.5) is True  # one token after half a second
    assert bucket.level(1000.0) == 3  # a long pause gives back the burst, not more
    assert bucket.is_full(1000.0)


def test_a_clock_that_goes_back_gives_nothing_back():
    bucket = TokenBucket.full(rate=1.0, burst=1, now=50.0)
    assert bucket.take(50.0) is True
    assert bucket.take(10.0) is False
    assert bucket.take(50.5) is False
    assert bucket.take(51.0) is True


# -- keyed limiter -----------------------------------------------------------------


def test_each_key_has_its_own_bucket():
    limiter = RateLimiter(rate=1.0, burst=2)
    assert [limiter.allow("flooder", 0.0) for _ in range(3)] == [True, True, False]
    assert limiter.allow("neighbour", 0.0) is True
    assert limiter.exhausted("flooder", 0.0) and not limiter.exhausted("neighbour", 0.0)
    assert not limiter.exhausted("never seen", 0.0)


def test_full_buckets_are_forgotten_so_memory_follows_recent_keys():
    limiter = RateLimiter(rate=1.0, burst=2, prune_every=10_000)
    for key in range(100):
        limiter.allow(key, 0.0)
    limiter.allow("busy", 0.0)
    limiter.allow("busy", 0.0)
    limiter.prune(1.5)  # the others refilled (1 used, 1.5 back); "busy" has not (2 used)
    assert len(limiter) == 1
    assert limiter.allow("busy", 1.5) is True and limiter.allow("busy", 1.5) is False


def test_pruning_happens_by_itself():
    limiter = RateLimiter(rate=10.0, burst=1, prune_every=50)
    for step in range(200):
        limiter.allow(f"phone {step}", step * 1.0)
    assert len(limiter) < 60


@pytest.mark.parametrize("rate, burst", [(0, 5), (-1, 5), (1, 0)])
def test_a_limit_that_could_never_allow_anything_is_refused(rate, burst):
    with pytest.raises(ValueError):
        RateLimiter(rate, burst)


def test_honest_use_never_hits_the_default_answer_limit():
    settings = Settings(database_url="sqlite://", archive_dir=None, secret_key="k")
    limiter = RateLimiter(settings.answer_rate, settings.answer_burst)
    clock = 0.0
    # A word cloud of 10 entries typed quickly (one every 1.5 s), each resent once
    # after a reconnect, a quiz answer sent twice; then the same again.
    for _round in range(2):
        for _entry in range(10):
            clock += 1.5
            assert limiter.allow("phone", clock)
        for _resend in range(10):
            assert limiter.allow("phone", clock)
        assert limiter.allow("phone", clock) and limiter.allow("phone", clock)
        clock += 10
    # ... while a flood is cut after the burst.
    allowed = sum(limiter.allow("flooder", 500.0) for _ in range(1000))
    assert allowed == settings.answer_burst


# -- join-code guessing ----------------------------------------------------------------


def test_unknown_codes_use_up_an_address_and_then_every_guess_is_refused():
    throttle = GuessThrottle(per_minute=3)
    for _ in range(3):
        assert throttle.may_try("10.0.0.9", "ZZZZ", 0.0)
        throttle.unknown_code("10.0.0.9", 0.0)
    assert not throttle.may_try("10.0.0.9", "ABCD", 1.0)  # even a code that exists
    assert throttle.may_try("10.0.0.10", "ABCD", 1.0)  # other addresses are not touched
    assert throttle.may_try("10.0.0.9", "ABCD", 21.0)  # one guess back every 20 s


def test_a_throttled_venue_still_joins_the_code_it_already_joined():
    throttle = GuessThrottle(per_minute=2)
    throttle.joined("venue", "K7Q2M9XD")
    throttle.unknown_code("venue", 0.0)
    throttle.unknown_code("venue", 0.0)
    assert throttle.may_try("venue", "K7Q2M9XD", 1.0)
    assert not throttle.may_try("venue", "K7Q2M9XE", 1.0)


def test_honest_joins_are_never_counted():
    throttle = GuessThrottle(per_minute=2)
    for index in range(1000):
        throttle.joined("venue", f"CODE{index % 40}")
        assert throttle.may_try("venue", "ANYTHING", 0.0)


def test_an_address_remembers_a_bounded_number_of_codes():
    throttle = GuessThrottle(per_minute=1, remembered_codes=3)
    for code in ("A", "B", "C", "D"):
        throttle.joined("venue", code)
    throttle.unknown_code("venue", 0.0)
    assert [throttle.may_try("venue", code, 0.0) for code in ("A", "B", "C", "D")] == [False, True, True, True]


# -- on a real server ------------------------------------------------------------------


@pytest.fixture
def limited_server(tmp_path):
    """A ``live serve`` (SQLite) with small limits, so a test reaches them quickly
    (and slow refills, so a busy machine cannot refill them during the test)."""
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}",
                     LIVE_ANSWER_RATE="0.05", LIVE_ANSWER_BURST="4", LIVE_JOIN_GUESSES="3")
    server = LiveServer(env=env, port=free_port(), archive_dir=tmp_path / "sessions", log_path=tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


def test_a_flooding_phone_is_cut_off_and_nothing_more_is_stored_while_others_vote(limited_server):
    limited_server.facilitator()
    created = limited_server.create_session({"title": "Limits", "activities": [
        {"type": "wordcloud", "prompt": "Words?", "max_entries": 10},
    ]})
    code, cloud = created["code"], created["activities"][0]["id"]

    async def scenario():
        screen = await host(limited_server.url, code, created["host_token"])
        assert await screen.call("open", {"activity_id": cloud}) == {"ok": True}
        flooder = await participant(limited_server.url, code, "Flood")
        honest = await participant(limited_server.url, code, "Honest")
        acks = [await flooder.answer(cloud, f"word{i}") for i in range(8)]
        assert [ack["ok"] for ack in acks] == [True] * 4 + [False] * 4
        limited = acks[-1]["error"]
        assert limited["code"] == "rate_limited" and limited["message"]
        # A resend of an answer already stored is refused too, but stays counted once.
        assert (await flooder.answer(cloud, "word0"))["error"]["code"] == "rate_limited"
        # The others are not touched by one phone's limit.
        assert await honest.answer(cloud, "calme") == {"ok": True, "remaining": 9}
        final = await screen.wait_for("results", lambda r: r["n_answers"] == 5)
        # Every answer above was acknowledged (stored or refused) before this: what the
        # database holds now is final, no need to wait and see.
        assert limited_server.summary(code)["activities"][0]["n_answers"] == 5
        assert screen.last("results")["n_answers"] == 5
        assert sorted(word for word, _count in final["words"]) == ["calme", "word0", "word1", "word2", "word3"]
        # A reconnect does not reset the limit: it follows the participant, not the socket.
        token = flooder.last("welcome")["token"]
        await flooder.disconnect()
        again = await participant(limited_server.url, code, token=token)
        assert (await again.answer(cloud, "word9"))["error"]["code"] == "rate_limited"
        await again.disconnect()
        await honest.disconnect()
        await screen.disconnect()

    asyncio.run(scenario())


def test_guessing_join_codes_is_throttled_but_the_running_session_stays_open(limited_server):
    limited_server.facilitator()
    created = limited_server.create_session(POLLS)
    code = created["code"]

    async def scenario():
        first = await participant(limited_server.url, code, "Early")  # joined before the guessing
        for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC"):
            assert (await refused(limited_server.url, {"code": guess}))["code"] == "unknown_session"
        throttled = await refused(limited_server.url, {"code": "DDDDDDDD"})
        assert throttled["code"] == "rate_limited" and throttled["data"]["code"] == "rate_limited"
        # Once throttled, an unknown code and a real one look the same to a guesser...
        other = limited_server.create_session(POLLS)
        assert (await refused(limited_server.url, {"code": other["code"]}))["code"] == "rate_limited"
        assert (await refused(limited_server.url, {"code": other["code"], "host_token": "x"}))["code"] == "rate_limited"
        # ... while the session this address already joined keeps taking phones.
        late = await participant(limited_server.url, code.lower(), "Late")
        assert late.last("welcome")["name"] == "Late"
        await late.disconnect()
        await first.disconnect()

    asyncio.run(scenario())
