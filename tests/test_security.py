"""Access control and browser-side protections not covered elsewhere: host events
from a participant, cookies, CSRF on every form, the Socket.IO origin check and
the security headers on every kind of page.

(Already tested elsewhere: a wrong or another session's host token at connect in
test_live_server.py, another facilitator's pages in test_pages.py, hostile
payloads in test_fuzz_*.py, rate limits in test_rate_limits.py.)
"""

from __future__ import annotations

import asyncio
import re

import pytest

from live.services import accounts, planning
from tests.conftest import POLLS, make_app
from tests.sockets import host, participant
from tests.web import PASSWORD, csrf_of

HOST_EVENTS = ("open", "close", "end", "moderate", "undo", "reveal", "add_time", "podium", "remove")


def sign_in(app, client):
    sessions = app.extensions["live"].sessions
    facilitator = accounts.add_facilitator(sessions, "host@example.org", PASSWORD)
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "host@example.org", "password": PASSWORD, "csrf_token": token,
                                           "remember": "y"})
    assert response.status_code == 302
    return facilitator, response


def test_participants_can_never_send_host_events(shared_server):
    created = shared_server.create_session(POLLS)
    code, first = created["code"], created["activities"][0]["id"]

    async def scenario():
        screen = await host(shared_server.url, code, created["host_token"])
        phone = await participant(shared_server.url, code, "Mallory")
        me = phone.last("welcome")["participant_id"]
        payloads = {"open": {"activity_id": first}, "close": {"activity_id": first}, "end": {},
                    "moderate": {"activity_id": first, "action": "hide", "key": "x"}, "undo": {"activity_id": first},
                    "reveal": {"activity_id": first}, "add_time": {"activity_id": first, "seconds": 10},
                    "podium": {}, "remove": {"participant_id": me}}
        for event in HOST_EVENTS:
            ack = await phone.call(event, payloads[event])
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (event, ack)
        # Nothing happened: still in the lobby, Mallory still in, and the host still in charge.
        assert phone.all("state") == [] and phone.all("removed") == [] and phone.all("podium") == []
        assert await screen.call("open", {"activity_id": first}) == {"ok": True}
        for recorder in (screen, phone):
            await recorder.disconnect()

    asyncio.run(scenario())


def test_cookies_are_httponly_samesite_and_secure_behind_https(tmp_path):
    app = make_app(tmp_path, public_url="https://live.example.org")
    client = app.test_client()
    _facilitator, response = sign_in(app, client)
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    language = client.get("/lang/fr?next=/").headers.getlist("Set-Cookie")
    for cookie in cookies + language:
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie

    plain = make_app(tmp_path / "plain")
    _facilitator, response = sign_in(plain, plain.test_client())
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "; Secure" not in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_every_form_refuses_a_post_without_its_csrf_token(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    facilitator, _response = sign_in(app, client)
    code = planning.create_session(app.extensions["live"].sessions, "test-key", facilitator.id, "T", POLLS["activities"]).code
    posts = sorted({rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and not rule.rule.startswith("/api/")})
    assert {"/login", "/logout", "/sessions/new", "/sessions/<code>/edit", "/sessions/<code>/import"} <= set(posts)
    for rule in posts:
        path = re.sub(r"<int:[^>]+>", "1", rule.replace("<code>", code))
        path = re.sub(r"<[^>]+>", "x", path)
        response = client.post(path, data={"title": "Changed", "email": "host@example.org", "password": PASSWORD})
        assert response.status_code == 400, (path, response.status_code)
        assert "expired" in response.get_data(as_text=True), path
    # Still signed in (logout was refused), and nothing was changed.
    assert client.get("/dashboard").status_code == 200
    assert planning.owned_session(app.extensions["live"].sessions, facilitator.id, code).title == "T"


@pytest.mark.parametrize("public_url", [None, "http://live.example.org"])
def test_a_foreign_origin_is_refused_at_the_socketio_handshake(tmp_path, public_url):
    app = make_app(tmp_path, public_url=public_url)
    client = app.test_client()
    handshake = "/socket.io/?EIO=4&transport=polling"
    own = public_url or "http://localhost"
    assert client.get(handshake, headers={"Origin": own}).status_code == 200
    assert client.get(handshake, headers={"Origin": "http://evil.example"}).status_code == 400
    assert client.get(handshake, headers={"Origin": "null"}).status_code == 400


def test_security_headers_on_every_kind_of_page(tmp_path):
    app = make_app(tmp_path, join_guesses_per_minute=1)
    client = app.test_client()
    facilitator, _response = sign_in(app, client)
    code = planning.create_session(app.extensions["live"].sessions, "test-key", facilitator.id, "T", POLLS["activities"]).code
    token = accounts.create_api_token(app.extensions["live"].sessions, "host@example.org")
    paths = ["/", "/login", "/dashboard", "/sessions/new", f"/sessions/{code}/edit", f"/host/{code}",
             f"/host/{code}/moderate", f"/j/{code}", f"/qr/{code}.svg", "/static/css/app.css", "/nothing-here",
             "/j/ZZZZZZZZ", "/j/ZZZZZZZY"]  # the last one is over the unknown-code limit: the 429 page
    responses = [client.get(path) for path in paths]
    responses.append(client.get(f"/api/sessions/{code}/summary", headers={"Authorization": f"Bearer {token}"}))
    responses.append(client.post("/api/sessions", json={}))
    assert [r.status_code for r in responses] == [302, 302] + [200] * 8 + [404, 404, 429, 200, 401]
    for path, response in zip(paths + ["summary", "api 401"], responses):
        headers = response.headers
        assert "script-src 'self'" in headers.get("Content-Security-Policy", ""), path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "same-origin", path
