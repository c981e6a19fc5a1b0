"""Property-based tests (hypothesis): hostile bodies at every HTTP input, through
Flask's test client on SQLite and PostgreSQL.

POST /api/sessions, the summary, the Authorization header, the session editor's
form posts and the quiz import: each answer is a success or a 4xx (a JSON error
document under /api/), never a 500, and nothing is logged as an unhandled error.
Rate limits are off here: they are tested in test_rate_limits.py.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.services import accounts
from tests.conftest import make_app
from tests.web import csrf_of

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
PASSWORD = "password123"

NASTY_TEXT = [
    "", " ", "\x00", "\u202e\u2066evil\u2069", "\u200b", "\ufeff", "\x1b[31m", "<script>alert(1)</script>",
    "'; DROP TABLE live_sessions; --", "../../etc/passwd", "e\u0301", "🏳️‍🌈", "x" * 5000, "\n\r\t", "NaN", "=cmd|' /C calc'!A0",
    "%s%n", "{{7*7}}", "\\", '"',
]
text = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from([0, 1, 2, 5, 120, 10**4000, -1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -0.0]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
junk = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)), max_leaves=10,
)
activity = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(["poll", "wordcloud", "quiz", "scale", "karaoke"]), junk)},
    optional={"prompt": st.one_of(text, junk), "options": st.one_of(st.lists(text, max_size=14), junk),
              "multiple": junk, "max_entries": st.one_of(numbers, junk), "max_length": numbers, "single_word": junk,
              "correct": st.one_of(st.lists(numbers, max_size=4), junk), "seconds": numbers, "points": numbers},
)
session_bodies = st.one_of(
    junk,
    st.fixed_dictionaries({"title": st.one_of(text, junk), "activities": st.one_of(st.lists(activity, max_size=4), junk)},
                          optional={"profanity_filter": junk, "blocked_words": st.one_of(st.lists(text, max_size=5), junk)}),
)


@pytest.fixture
def app(tmp_path, database_url):
    return make_app(tmp_path, database_url, rate_limits=False)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def errors_logged(caplog):
    """The unhandled errors the app logged (errors.py logs each one with its traceback)."""
    caplog.set_level(logging.ERROR)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("live")]


def dumps(value) -> str:
    """JSON as a hostile client may send it (NaN and Infinity included, huge integers too)."""
    import sys

    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return json.dumps(value)
    finally:
        sys.set_int_max_str_digits(previous)


def assert_json_error_or(response, *ok_statuses):
    if response.status_code in ok_statuses:
        return
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and body.get("ok") is False, response.get_data(as_text=True)[:500]
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)


def api_token(app) -> str:
    sessions = app.extensions["live"].sessions
    accounts.add_facilitator(sessions, "host@example.org", PASSWORD)
    return accounts.create_api_token(sessions, "host@example.org")


def test_hostile_api_bodies_get_a_json_4xx(app, client, errors_logged):
    headers = {"Authorization": f"Bearer {api_token(app)}"}

    @FUZZ
    @given(body=session_bodies)
    def create(body):
        response = client.post("/api/sessions", data=dumps(body), headers=headers, content_type="application/json")
        assert_json_error_or(response, 201)

    @FUZZ
    @given(raw=st.one_of(st.binary(max_size=300), text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
           content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded",
                                         "multipart/form-data; boundary=x", "application/json; charset=latin-1", ""]))
    def create_raw(raw, content_type):
        response = client.post("/api/sessions", data=raw, headers=headers, content_type=content_type)
        assert_json_error_or(response)

    create()
    create_raw()
    assert errors_logged() == []


def test_hostile_summary_requests_and_tokens_get_a_json_4xx(app, client, errors_logged):
    token = api_token(app)
    created = client.post("/api/sessions", headers={"Authorization": f"Bearer {token}"},
                          json={"title": "T", "activities": [{"type": "poll", "prompt": "Q", "options": ["A", "B"]}]})
    code = created.get_json()["code"]

    @FUZZ
    @given(path_code=st.one_of(text, st.just(code), st.just(code.lower())),
           authorization=st.one_of(st.just(f"Bearer {token}"), text, text.map(lambda t: "Bearer " + t),
                                   st.just("Bearer " + token + "\x00"), st.just("bearer  " + token)))
    def read(path_code, authorization):
        try:
            headers = {"Authorization": authorization.encode("utf-8", "surrogatepass").decode("latin-1")}
        except UnicodeDecodeError:
            headers = {}
        response = client.get(f"/api/sessions/{quote(path_code, safe='')}/summary", headers=headers)
        assert_json_error_or(response, 200)
        if response.status_code == 200:
            assert response.get_json()["code"] == code

    read()
    assert errors_logged() == []


def signed_in(app, client) -> str:
    """Sign in; returns a CSRF token for the forms."""
    api_token(app)
    page = client.get("/login").get_data(as_text=True)
    token = csrf_of(page)
    assert client.post("/login", data={"email": "host@example.org", "password": PASSWORD, "csrf_token": token}).status_code == 302
    page = client.get("/sessions/new").get_data(as_text=True)
    return csrf_of(page)


form_keys = st.one_of(
    st.sampled_from(["title", "profanity_filter", "blocked_words"]),
    st.builds(lambda i, f: f"activities-{i}-{f}", st.one_of(st.integers(-2, 120), st.just(10**20), text),
              st.sampled_from(["type", "prompt", "options", "multiple", "max_entries", "max_length", "single_word",
                               "correct", "seconds", "points", "remove", "csrf_token"])),
    text,
)
form_values = st.one_of(text, numbers.map(str), st.sampled_from(["y", "poll", "quiz", "wordcloud", "1, 3", "2;x", "0"]))


def test_hostile_editor_forms_never_give_a_500(app, client, errors_logged):
    csrf = signed_in(app, client)
    created = client.post("/sessions/new", data={"csrf_token": csrf, "title": "T", "activities-0-type": "poll",
                                                  "activities-0-prompt": "Q", "activities-0-options": "A\nB"})
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)

    @FUZZ
    @given(fields=st.dictionaries(form_keys, st.one_of(form_values, st.lists(form_values, max_size=3)), max_size=12),
           target=st.sampled_from(["/sessions/new", f"/sessions/{code}/edit"]))
    def post_form(fields, target):
        data = {"csrf_token": csrf, **{k: v for k, v in fields.items() if k != "csrf_token"}}
        try:
            response = client.post(target, data=data)
        except UnicodeEncodeError:
            return  # the test client cannot encode a lone surrogate; no browser sends one either
        assert response.status_code in (200, 302, 400, 409, 413), (response.status_code, data)

    post_form()
    assert errors_logged() == []


def test_hostile_quiz_imports_never_give_a_500(app, client, errors_logged):
    csrf = signed_in(app, client)
    created = client.post("/sessions/new", data={"csrf_token": csrf, "title": "T", "activities-0-type": "poll",
                                                  "activities-0-prompt": "Q", "activities-0-options": "A\nB"})
    code = re.search(r"created=([A-Z0-9]+)", created.headers["Location"]).group(1)
    csv_rows = st.lists(st.lists(st.one_of(text, numbers.map(str)), max_size=9), max_size=6).map(
        lambda rows: "\n".join(",".join(json.dumps(cell) for cell in row) for row in rows).encode("utf-8", "surrogatepass"))
    xlsx_like = st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b)

    @FUZZ
    @given(content=st.one_of(csv_rows, xlsx_like, st.binary(max_size=400)),
           filename=st.one_of(st.sampled_from(["quiz.csv", "quiz.xlsx", "quiz.CSV", "../../quiz.csv", "quiz", ".xlsx", ""]), text))
    def upload(content, filename):
        try:
            data = {"csrf_token": csrf, "file": (io.BytesIO(content), filename)}
            response = client.post(f"/sessions/{code}/import", data=data, content_type="multipart/form-data")
        except UnicodeEncodeError:
            return  # a filename the test client cannot encode
        assert response.status_code in (302, 400, 409, 413), response.status_code

    upload()
    assert errors_logged() == []


def test_hostile_codes_in_page_addresses_give_a_404_page(app, client, errors_logged):
    signed_in(app, client)
    codes = st.one_of(text, st.sampled_from(["\x00", "%00", "ZZZZ\x00ZZZ", "Z" * 17, "ZZZZZZZZ", "zzzz-zzzz", "..", "%2e%2e"]))

    @FUZZ
    @given(code=codes, page=st.sampled_from(["/j/{}", "/qr/{}.svg", "/join?code={}", "/host/{}", "/host/{}/moderate",
                                             "/sessions/{}/edit"]))
    def visit(code, page):
        try:
            response = client.get(page.format(quote(code, safe="")))
        except UnicodeEncodeError:
            return
        assert response.status_code in (200, 301, 302, 308, 400, 404), (page, code, response.status_code)

    visit()
    assert errors_logged() == []
