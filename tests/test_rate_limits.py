"""HTTP rate limits: login, join codes, the API; their keys (address, email,
token), their answers (JSON under /api, a translated page elsewhere), Redis
storage shared by several processes, the proxy setting and the off switch."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from live.config import Settings
from live.services import accounts, planning
from live.web import limits
from tests.conftest import POLLS, make_app, missing_service
from tests.web import PASSWORD, csrf_of



def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def csrf_token(client) -> str:
    return csrf_of(client.get("/login").get_data(as_text=True))


def attempt_login(client, email: str, address: str, password: str = "wrong password", **headers):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       headers=headers, **from_address(address))


def assert_rate_limited_json(response):
    assert response.status_code == 429
    body = response.get_json()
    assert body["ok"] is False and body["error"]["code"] == "rate_limited" and body["error"]["message"]
    assert int(response.headers["Retry-After"]) >= 1


def test_login_attempts_are_limited_per_address_and_per_email(tmp_path):
    app = make_app(tmp_path, rate_login="3/minute")
    accounts.add_facilitator(app.extensions["live"].sessions, "host@example.org", PASSWORD)
    client = app.test_client()
    for _ in range(3):
        assert attempt_login(client, "host@example.org", "10.0.0.1").status_code == 401
    blocked = attempt_login(client, "someone@example.org", "10.0.0.1", Accept_Language="fr")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    page = blocked.get_data(as_text=True)
    assert 'lang="fr"' in page and "Trop de tentatives" in page and "<h1" in page
    # The same email from elsewhere is refused too: a guesser cannot just change address...
    assert attempt_login(client, " HOST@example.org", "10.0.0.2").status_code == 429
    # ...but another facilitator elsewhere signs in, and the login page itself still opens.
    accounts.add_facilitator(app.extensions["live"].sessions, "other@example.org", PASSWORD)
    assert attempt_login(client, "other@example.org", "10.0.0.3", PASSWORD).status_code == 302
    assert client.get("/login", **from_address("10.0.0.1")).status_code in (200, 302)


def test_unknown_join_codes_are_limited_but_a_venue_can_still_join(tmp_path):
    app = make_app(tmp_path, join_guesses_per_minute=5, rate_join="40/minute")
    sessions = app.extensions["live"].sessions
    owner = accounts.add_facilitator(sessions, "host@example.org", PASSWORD)
    code = planning.create_session(sessions, "test-key", owner.id, "T", POLLS["activities"]).code
    client = app.test_client()
    # A whole class behind one address opens the real join page: many times is fine.
    for _ in range(20):
        assert client.get(f"/j/{code}", **from_address("10.0.0.1")).status_code == 200
    # A guesser at another address: unknown codes count, wherever they are typed.
    guesses = [f"/j/ZZZZZZZ{i}" for i in range(2)] + ["/join?code=ZZZZ-ZZZ3", "/qr/ZZZZZZZ4.svg", "/j/ZZZZZZZ5"]
    assert [client.get(path, **from_address("10.0.0.9")).status_code for path in guesses] == [404] * 5
    assert client.get("/j/ZZZZZZZ6", **from_address("10.0.0.9")).status_code == 429
    assert client.get(f"/j/{code}", **from_address("10.0.0.9")).status_code == 429
    # The class is not slowed by the guesser.
    assert client.get(f"/j/{code}", **from_address("10.0.0.1")).status_code == 200
    # The generous per-address budget still ends somewhere.
    statuses = [client.get(f"/qr/{code}.svg", **from_address("10.0.0.1")).status_code for _ in range(25)]
    assert 429 in statuses and statuses[0] == 200


def test_the_api_is_limited_per_token_and_unauthenticated_calls_per_address(tmp_path):
    app = make_app(tmp_path, rate_api="3/minute", rate_api_anonymous="2/minute")
    sessions = app.extensions["live"].sessions
    accounts.add_facilitator(sessions, "a@example.org", PASSWORD)
    accounts.add_facilitator(sessions, "b@example.org", PASSWORD)
    first, second = accounts.create_api_token(sessions, "a@example.org"), accounts.create_api_token(sessions, "b@example.org")
    client = app.test_client()

    def create(token, address="10.0.0.1"):
        return client.post("/api/sessions", json=POLLS, headers={"Authorization": f"Bearer {token}"}, **from_address(address))

    assert [create(first).status_code for _ in range(3)] == [201] * 3
    assert_rate_limited_json(create(first))
    assert_rate_limited_json(create(first, "10.0.0.2"))  # the token is the key, not the address
    assert create(second).status_code == 201  # a neighbour on the same address is not slowed
    # Calls without a valid token: counted per address, on each refusal.
    for _ in range(2):
        assert client.post("/api/sessions", json=POLLS, headers={"Authorization": "Bearer guess"},
                           **from_address("10.0.0.7")).status_code == 401
    assert_rate_limited_json(client.get("/api/sessions/ZZZZZZZZ/summary", **from_address("10.0.0.7")))
    assert create(second, "10.0.0.8").status_code == 201


def test_rate_limits_off_for_load_tests(tmp_path):
    app = make_app(tmp_path, rate_limits=False, join_guesses_per_minute=1, rate_login="1/minute")
    client = app.test_client()
    assert {client.get(f"/j/ZZZZZZZ{i % 10}").status_code for i in range(15)} == {404}
    assert {attempt_login(client, "x@example.org", "10.0.0.1").status_code for _ in range(3)} == {401}


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(tmp_path):
    spoofed = make_app(tmp_path / "direct", join_guesses_per_minute=2).test_client()
    for index in range(2):
        spoofed.get("/j/ZZZZZZZZ", headers={"X-Forwarded-For": f"192.0.2.{index}"})
    # Without LIVE_TRUSTED_PROXIES a client cannot pick its own address.
    assert spoofed.get("/j/ZZZZZZZZ", headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429

    proxied = make_app(tmp_path / "proxied", join_guesses_per_minute=2, trusted_proxies=1).test_client()
    for _ in range(2):
        proxied.get("/j/ZZZZZZZZ", headers={"X-Forwarded-For": "192.0.2.1"})
    assert proxied.get("/j/ZZZZZZZZ", headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    # Behind the proxy, each client is told apart by the address the proxy saw.
    assert proxied.get("/j/ZZZZZZZZ", headers={"X-Forwarded-For": "192.0.2.2"}).status_code == 404
    # A client's own forged entry, before the proxy's, is not believed.
    assert proxied.get("/j/ZZZZZZZZ", headers={"X-Forwarded-For": "203.0.113.5, 192.0.2.1"}).status_code == 429


def test_limits_hold_across_processes_with_redis(tmp_path):
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        missing_service(f"Redis is not reachable at {url}: {error}")
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    clients = []
    for name in ("one", "two"):
        # Two apps standing for two processes. Only the limiter is pointed at Redis:
        # a whole app with LIVE_REDIS_URL would also start a Socket.IO queue listener
        # that outlives this test.
        app = make_app(tmp_path / name, join_guesses_per_minute=3)
        limits.init_app(app, dataclasses.replace(app.extensions["live"].settings, redis_url=url))
        assert app.config["RATELIMIT_STORAGE_URI"] == url
        clients.append(app.test_client())
    one, two = clients
    statuses = [client.get("/j/ZZZZZZZZ", **from_address(address)).status_code for client in (one, two, one, two)]
    assert statuses == [404, 404, 404, 429]
    # The counter is in Redis (so every process sees it), not in this process.
    store = redis.Redis.from_url(url)
    keys = store.keys(f"LIMITS:LIMITER/live/{address}/*")
    try:
        assert any(b"unknown-code" in key and int(store.get(key)) == 3 for key in keys), keys
    finally:
        if keys:
            store.delete(*keys)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"LIVE_RATE_LOGIN": "often"}, "LIVE_RATE_LOGIN"),
        ({"LIVE_RATE_LIMITS": "maybe"}, "LIVE_RATE_LIMITS"),
        ({"LIVE_TRUSTED_PROXIES": "-1"}, "LIVE_TRUSTED_PROXIES"),
    ],
)
def test_bad_limit_settings_stop_the_server_with_a_message(tmp_path, environ, message):
    with pytest.raises(SystemExit, match=message):
        Settings.from_env({"LIVE_DATA_DIR": str(tmp_path), "LIVE_SECRET_KEY": "k", **environ})


def test_limit_settings_from_the_environment(tmp_path):
    settings = Settings.from_env({
        "LIVE_DATA_DIR": str(tmp_path), "LIVE_SECRET_KEY": "k", "LIVE_RATE_LIMITS": "off",
        "LIVE_RATE_API": "100 per hour", "LIVE_TRUSTED_PROXIES": "1",
    })
    assert (settings.rate_limits, settings.rate_api, settings.trusted_proxies) == (False, "100 per hour", 1)
    defaults = Settings.from_env({"LIVE_DATA_DIR": str(tmp_path), "LIVE_SECRET_KEY": "k"})
    assert (defaults.rate_limits, defaults.rate_login, defaults.rate_join, defaults.trusted_proxies) == (
        True, "10/minute", "20000/minute", 0)
