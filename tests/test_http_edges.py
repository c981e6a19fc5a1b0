"""HTTP edges of issue #12: redirects stay on our origin, inputs that gave a 500
give a 4xx error document, and rate limits survive a Redis outage.

Flask's test client throughout; Redis (the outage test only) through a relay
this test can shut, as an outage would.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import uuid

import pytest

from live.services import accounts
from live.web import limits
from live.web.inputs import same_site_path
from tests.conftest import make_app, missing_service
from tests.web import PASSWORD, csrf_of, owner_id, sign_in

# What a browser would follow off the site, or what breaks a Location header.
OFF_SITE = [
    "/%09/evil.example", "/%0a", "/%0d%0aSet-Cookie:%20x=1", "//evil.example", "/\\evil.example", "/%5Cevil.example",
    "https://evil.example/", "javascript:alert(1)", "%2F%2Fevil.example", "/%00", " /dashboard", "/\t/evil.example",
]


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, rate_limits=False)


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_leaves_the_site(app, target):
    response = app.test_client().get(f"/lang/en?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_language_switch_goes_back_where_the_person_was(app):
    response = app.test_client().get("/lang/fr?next=/j/ABCDEFGH%3Fx%3D1")
    assert response.headers["Location"] == "/j/ABCDEFGH?x=1"
    assert "lang=fr" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a", "/\\evil.example"])
def test_login_never_redirects_off_the_site(app, target):
    client = app.test_client()
    owner_id(app)
    page = client.get(f"/login?next={target}").get_data(as_text=True)
    response = client.post(f"/login?next={target}", data={
        "email": "host@example.org", "password": PASSWORD, "csrf_token": csrf_of(page)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


@pytest.mark.parametrize(("target", "kept"), [
    ("/dashboard", True), ("/archives?q=atelier", True), ("/j/ABC#x", True),
    ("/a\x7fb", False), ("/a\\b", False), ("http:/evil.example", False), (None, False), ("", False),
])
def test_same_site_paths(target, kept):
    assert same_site_path(target) == (target if kept else None)


def test_json_nested_too_deep_is_an_invalid_body(app):
    owner_id(app)
    token = accounts.create_api_token(app.extensions["live"].sessions, "host@example.org")
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 40_000 + "1" + "}" * 40_000):
        response = app.test_client().post("/api/sessions", data=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "invalid_body"


ODD_QUERIES = ["?code=%00", "?code=" + "Z" * 20_000, "?q=%ff&from=9999-99-99&to=0000-00-00", "?from=99999999-01-01",
               "?code=A&code=B&code=%00", "?next=%0a", "?q=" + "%" * 10]
PAGES = ["/", "/join", "/j/%00", "/qr/%00.svg", "/login", "/lang/%00", "/s/%ff%ff", "/api/sessions/%00/summary",
         "/dashboard", "/archives", "/archives/compare", "/sessions/new", "/archives/%00", "/host/%00"]


def test_odd_requests_get_4xx_documents_never_a_500(app, caplog):
    client = app.test_client()
    sign_in(client, app)
    odd_headers = {"Accept-Language": "x" * 5000 + ";q=abc", "Cookie": "lang=%ff"}
    with caplog.at_level(logging.ERROR):
        for path in PAGES:
            for query in ODD_QUERIES:
                for response in (
                    client.get(path + query), client.get(path + query, headers=odd_headers),
                    client.post(path + query, data=b"\xff\xfe=\xff", content_type="application/x-www-form-urlencoded"),
                    client.post(path + query, data=b"--x\r\nbroken", content_type="multipart/form-data; boundary=x"),
                ):
                    assert response.status_code < 500, (path, query, response.status_code)
    assert not [record for record in caplog.records if record.exc_info], "a traceback was logged"


# ---- rate limits and a Redis outage --------------------------------------------------

class RedisDoor:
    """A TCP relay to the test Redis; ``shut`` drops every connection and refuses
    new ones, as an outage would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/15"
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def shut(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (close alone would not)
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@pytest.fixture
def redis_door():
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        missing_service(f"Redis is not reachable at 127.0.0.1:6379: {error}")
    door = RedisDoor(("127.0.0.1", 6379))
    yield door
    door.shut()
    # The limiter is one object for every app of this test process: let the next
    # app's limits start from its own storage, not from this outage.
    limits.limiter._storage_dead = False


def attempt_login(client, email: str, address: str) -> int:
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    return client.post("/login", data={"email": email, "password": "wrong password", "csrf_token": csrf_of(page)},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_the_login_limit_holds_while_redis_is_down_and_the_switch_is_logged_once(tmp_path, redis_door, caplog):
    app = make_app(tmp_path, rate_login="3/minute")
    # Only the limiter goes through the relay (a whole app with LIVE_REDIS_URL would
    # also start listeners that outlive this test).
    limits.init_app(app, dataclasses.replace(app.extensions["live"].settings, redis_url=redis_door.url))
    email = f"host-{uuid.uuid4().hex[:8]}@example.org"  # Redis counts per email too: one nobody else tried
    accounts.add_facilitator(app.extensions["live"].sessions, email, PASSWORD)
    client = app.test_client()
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"
    assert attempt_login(client, email, address) == 401  # counted in Redis
    redis_door.shut()
    with caplog.at_level(logging.WARNING, logger="live.web.limits"):
        statuses = [attempt_login(client, email, address) for _ in range(5)]
    # Counted afresh in this process's memory: three more tries, then refused.
    assert statuses == [401, 401, 401, 429, 429]
    told = [record.getMessage() for record in caplog.records if record.name == "live.web.limits"]
    assert len(told) == 1 and "Redis is unreachable" in told[0]
