"""Reactions (issue 14, item 5): the session's set of emoji and its validation, the
counting rules, and the service on a real database without the network: taps
counted in memory, coalesced pushes to host screens, counts stored with one
atomic addition per emoji, every tap in the summary, refusals that change nothing,
and two processes whose counts all reach the archive."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest

from live.domain import reactions as rules
from live.domain.errors import DomainError
from live.services import accounts, planning
from live.services import settings as session_settings
from live.services import summary
from live.services.running import reactions as running_reactions
from live.services.runtime import Runtime
from live.store import repository
from live.store.committer import GroupCommitter
from live.store.db import make_engine, make_sessionmaker, migrate
from tests.conftest import POLLS
from tests.test_cluster import Bus


# -- the set ----------------------------------------------------------------------------


def problems_of(value) -> list[tuple[str, str]]:
    with pytest.raises(DomainError) as refused:
        session_settings.parse_reactions(value)
    return [(problem.code, problem.field) for problem in refused.value.problems or [refused.value]]


def test_the_default_set_is_five_emoji_without_a_laughing_face():
    assert session_settings.parse_settings()["reactions"] == ["👏", "❤️", "👍", "🤔", "🎉"]
    assert not {"😂", "🤣", "😆", "😹"} & set(rules.DEFAULT_SET)
    assert all(session_settings.is_emoji(emoji) for emoji in rules.CURATED)


def test_a_set_of_single_emoji_is_kept_in_its_order_and_an_empty_one_switches_reactions_off():
    assert session_settings.parse_reactions(["🎉", " 👍🏽 ", "🇫🇷", "👨‍👩‍👧"]) == ["🎉", "👍🏽", "🇫🇷", "👨‍👩‍👧"]
    assert session_settings.parse_reactions([]) == []
    assert session_settings.parse_settings(reactions=[])["reactions"] == []


def test_an_emoji_typed_without_its_variation_selector_is_kept_in_its_emoji_form():
    assert session_settings.parse_reactions(["\u2764"]) == ["\u2764\ufe0f"]


def test_every_problem_of_a_set_is_reported_at_once_each_naming_its_item():
    value = ["👍", "ab", "👍", "", 3, "👍👍", "\U0001F3FD", "❤", "❤️", "🎉"]
    assert problems_of(value) == [
        ("too_many", "reactions"),
        ("not_an_emoji", "reactions[1]"),
        ("duplicate", "reactions[2]"),
        ("blank", "reactions[3]"),
        ("invalid_type", "reactions[4]"),
        ("not_an_emoji", "reactions[5]"),  # two emoji are not one
        ("not_an_emoji", "reactions[6]"),  # a skin tone alone is not an emoji
        ("duplicate", "reactions[8]"),  # the same heart, with and without its selector
    ]


@pytest.mark.parametrize("value", [None, "👍", {"👍": 1}, 5])
def test_a_set_that_is_not_a_list_is_refused(value):
    assert problems_of(value) == [("invalid_type", "reactions")]


def test_a_very_long_text_is_refused_without_being_looked_up():
    assert problems_of(["👍" * 200]) == [("not_an_emoji", "reactions[0]")]


def test_a_tap_matches_its_emoji_with_or_without_the_variation_selector():
    allowed = ["❤️", "👍"]
    assert rules.match("❤", allowed) == "❤️"
    assert rules.match("❤️", allowed) == "❤️"
    assert rules.match("👍", allowed) == "👍"
    assert rules.match("🎉", allowed) is None
    assert rules.match(None, allowed) is None
    assert rules.match("👍", []) is None


# -- counting ----------------------------------------------------------------------------


def test_counts_are_pushed_at_most_every_quarter_second_and_stored_separately():
    counter = rules.ReactionCounter()
    assert counter.add("👍") is True  # the first the database lacks
    assert counter.add("👍") is False
    counter.add("🎉")
    assert counter.take_unpushed(10.0) == {"👍": 2, "🎉": 1}
    counter.add("👍")
    assert counter.take_unpushed(10.1) is None  # too soon: it waits
    assert counter.take_unpushed(10.25) == {"👍": 1}
    assert counter.take_unpushed(20.0) is None  # nothing new
    assert counter.take_unstored() == {"👍": 3, "🎉": 1} and counter.round == 1
    assert counter.take_unstored() == {}
    counter.give_back({"🎉": 2})
    counter.add("🎉")
    assert counter.take_unstored() == {"🎉": 3}


def test_totals_list_every_emoji_of_the_set_then_others_counted_before_an_edit():
    assert rules.totals(["👏", "👍"], {"👍": 4, "🦄": 2, "🎉": 0}) == {"👏": 0, "👍": 4, "🦄": 2}


# -- the service ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(tmp_path, database_url):
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    facilitator = accounts.add_facilitator(sessions, "host@example.org", "password123")

    def create(**settings):
        return planning.create_session(sessions, "key", facilitator.id, POLLS["title"], POLLS["activities"], **settings)

    def runtime() -> Runtime:
        made = Runtime(sessions, GroupCommitter(sessions), "key", tmp_path / "sessions")
        made.clock = FakeClock()
        return made

    yield runtime, create, sessions, tmp_path
    engine.dispose()


def refusal(runtime, code, participant_id, emoji) -> str:
    with pytest.raises(DomainError) as refused:
        runtime.react(code, participant_id, emoji)
    return refused.value.code


def reaction_pushes(runtime) -> list[dict]:
    return [m.data["counts"] for m in runtime.pending_pushes() if m.event == "reactions"]


def stored(sessions, code) -> dict:
    with sessions() as db:
        return repository.reaction_counts_of(db, repository.session_by_code(db, code).id)


def test_taps_from_many_phones_become_one_push_and_one_stored_addition(world):
    make_runtime, create, sessions, _tmp = world
    runtime, created = make_runtime(), create()
    runtime.connect_host(created.code, created.host_token)
    phones = [runtime.join(created.code, None, f"P{i}")[1]["participant_id"] for i in range(25)]
    for index, participant_id in enumerate(phones):
        assert runtime.react(created.code, participant_id, ["👏", "❤️", "👍"][index % 3]) == ({"ok": True}, [])
    assert reaction_pushes(runtime) == [{"👏": 9, "❤️": 8, "👍": 8}]
    assert reaction_pushes(runtime) == []  # nothing new, nothing sent
    assert stored(sessions, created.code) == {}  # not one write per tap

    runtime.store_reactions()
    runtime.react(created.code, phones[0], "❤")  # the heart without its selector
    runtime.store_reactions()
    assert stored(sessions, created.code) == {"👏": 9, "❤️": 9, "👍": 8}


def test_phones_hear_the_set_in_the_state_and_an_empty_set_in_a_session_without_reactions(world):
    make_runtime, create, _sessions, _tmp = world
    runtime = make_runtime()
    with_default, without = create(), create(reactions=[])
    assert runtime.join(with_default.code, None, None)[1]["state"]["reactions"] == list(rules.DEFAULT_SET)
    participant_id = runtime.join(without.code, None, None)[1]["participant_id"]
    assert runtime.public_state(runtime.state(without.code))["reactions"] == []
    assert refusal(runtime, without.code, participant_id, "👍") == "not_allowed"


def test_refusals_count_nothing(world):
    make_runtime, create, sessions, _tmp = world
    runtime, created = make_runtime(), create(reactions=["🙌", "💡"])
    state = runtime.connect_host(created.code, created.host_token)
    participant_id = runtime.join(created.code, None, None)[1]["participant_id"]
    removed = runtime.join(created.code, None, None)[1]["participant_id"]
    runtime.remove_participant(state, removed)

    assert refusal(runtime, created.code, participant_id, "👍") == "not_allowed"  # not in this session's set
    assert refusal(runtime, created.code, participant_id, "x") == "not_allowed"
    assert refusal(runtime, created.code, removed, "🙌") == "removed"
    runtime.end_session(state)
    assert refusal(runtime, created.code, participant_id, "🙌") == "session_ended"
    assert reaction_pushes(runtime) == []
    assert stored(sessions, created.code) == {}


def test_each_participant_has_a_small_burst_then_a_couple_a_second(world):
    make_runtime, create, _sessions, _tmp = world
    runtime, created = make_runtime(), create()
    eager, calm = (runtime.join(created.code, None, None)[1]["participant_id"] for _ in range(2))
    for _ in range(rules.BURST):
        runtime.react(created.code, eager, "👏")
    assert refusal(runtime, created.code, eager, "👏") == "rate_limited"
    assert runtime.react(created.code, calm, "👏")[0] == {"ok": True}  # per participant, not per room
    runtime.clock.now += 1.0
    assert runtime.react(created.code, eager, "👏")[0] == {"ok": True}
    assert runtime.react(created.code, eager, "👏")[0] == {"ok": True}
    assert refusal(runtime, created.code, eager, "👏") == "rate_limited"
    assert reaction_pushes(runtime) == [{"👏": rules.BURST + 3}]


def test_counts_the_database_refused_are_stored_at_the_next_try(world, monkeypatch):
    make_runtime, create, sessions, _tmp = world
    runtime, created = make_runtime(), create()
    participant_id = runtime.join(created.code, None, None)[1]["participant_id"]
    runtime.react(created.code, participant_id, "🎉")

    def database_down(*_args, **_kwargs):
        raise RuntimeError("the database is down")

    with monkeypatch.context() as patch:
        patch.setattr(repository, "add_reaction_counts", database_down)
        assert runtime.store_reactions() == []
    runtime.react(created.code, participant_id, "🎉")
    runtime.store_reactions()
    assert stored(sessions, created.code) == {"🎉": 2}


def test_the_summary_and_the_archive_hold_every_tap_even_the_last_ones(world):
    make_runtime, create, sessions, tmp_path = world
    runtime, created = make_runtime(), create(reactions=["👏", "🤔", "✋"])
    state = runtime.connect_host(created.code, created.host_token)
    phones = [runtime.join(created.code, None, f"P{i}")[1]["participant_id"] for i in range(20)]
    for participant_id in phones:
        runtime.react(created.code, participant_id, "👏")
    runtime.store_reactions()
    for participant_id in phones[:7]:
        runtime.react(created.code, participant_id, "🤔")  # still in memory when the host ends

    facts, _messages = runtime.end_session(state)
    document, _rows = summary.collect(sessions, created.code, runtime.server_filter)
    assert document["reaction_set"] == ["👏", "🤔", "✋"]
    assert document["reactions"] == {"👏": 20, "🤔": 7, "✋": 0}
    folder = Path(facts["archive_path"])
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["reactions"] == document["reactions"]
    rows = list(csv.reader(io.StringIO((folder / "reactions.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["emoji", "name", "count"]
    assert [(row[0], row[2]) for row in rows[1:]] == [("👏", "20"), ("🤔", "7"), ("✋", "0")]


def test_an_ended_session_with_counts_not_yet_stored_stays_in_memory(world):
    make_runtime, create, _sessions, _tmp = world
    runtime, created = make_runtime(), create()
    state = runtime.state(created.code)
    state.reactions.add("👏")  # counted in the instant the session ended
    state.lifecycle.end()
    state.archive_path = "written"
    runtime.clock.now += 3600
    runtime.evict_finished()
    runtime.clock.now += 3600
    assert runtime.evict_finished() == []
    runtime.store_reactions()
    runtime.evict_finished()
    runtime.clock.now += 3600
    assert runtime.evict_finished() == [created.code]


def test_two_processes_push_their_own_taps_and_the_end_waits_for_the_other_to_store(world):
    make_runtime, create, sessions, _tmp = world
    created = create()
    bus = Bus()
    a, b = bus.join("a", make_runtime()), bus.join("b", make_runtime())
    state = a.connect_host(created.code, created.host_token)
    on_a = [a.join(created.code, None, None)[1]["participant_id"] for _ in range(10)]
    on_b = [b.join(created.code, None, None)[1]["participant_id"] for _ in range(12)]
    for participant_id in on_a:
        a.react(created.code, participant_id, "👍")
    for participant_id in on_b:
        b.react(created.code, participant_id, "🎉")
    # Each process pushes its own taps (the message queue takes them to every host screen),
    # whichever holds the session's lease.
    assert [m.data["counts"] for m in a.pending_pushes(lambda code: True) if m.event == "reactions"] == [{"👍": 10}]
    assert [m.data["counts"] for m in b.pending_pushes(lambda code: False) if m.event == "reactions"] == [{"🎉": 12}]
    assert a.state(created.code).remote_reacting  # a heard that b holds counts

    ended = threading.Event()

    def b_push_loop():  # b's push loop stores what it counted, here only once a has ended the session
        while not ended.is_set():
            if state.lifecycle.phase == "ended":
                b.store_reactions()
            ended.wait(0.05)

    loop = threading.Thread(target=b_push_loop)
    loop.start()
    try:
        a.end_session(state)
    finally:
        ended.set()
        loop.join()
    document, _rows = summary.collect(sessions, created.code, a.server_filter)
    assert document["reactions"] == {"👏": 0, "❤️": 0, "👍": 10, "🤔": 0, "🎉": 12}
    assert json.loads((Path(a.state(created.code).archive_path) / "summary.json").read_text("utf-8"))["reactions"] == \
        document["reactions"]


def test_a_silent_process_does_not_hold_the_end_for_long(world, monkeypatch):
    make_runtime, create, _sessions, _tmp = world
    created = create()
    runtime = make_runtime()
    state = runtime.connect_host(created.code, created.host_token)
    running_reactions.heard_reacting(state, {"round": 0}, "dead-process")
    monkeypatch.setattr(running_reactions, "SETTLE_SECONDS", 0.2)
    facts, _messages = runtime.end_session(state)
    assert facts["archive_path"]
    running_reactions.heard_stored(state, {"round": 0}, "dead-process")
    assert state.remote_reacting == {}


# -- the API ----------------------------------------------------------------------------------


def create_with(client, app, reactions):
    from tests.web import api_token, bearer

    body = {"title": "Club", "activities": POLLS["activities"][:1]}
    if reactions != "absent":
        body["reactions"] = reactions
    return client.post("/api/sessions", json=body, headers=bearer(api_token(app)))


def test_the_api_takes_a_set_of_emoji_an_empty_list_or_none_for_the_default(client, app):
    sessions = app.extensions["live"].sessions
    for given, kept in (("absent", list(rules.DEFAULT_SET)), (["🙌", "❤"], ["🙌", "❤️"]), ([], [])):
        response = create_with(client, app, given)
        assert response.status_code == 201, response.get_json()
        row = summary.session_row(sessions, response.get_json()["code"])
        assert session_settings.settings_of(row.settings)["reactions"] == kept


def test_the_api_refuses_a_wrong_set_listing_every_problem_and_creates_nothing(client, app):
    sessions = app.extensions["live"].sessions
    response = create_with(client, app, ["👍", "ok", "👍", "🎉", "🙌", "💡", "😮", "😊", "🙏"])
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("too_many", "reactions")
    assert [(p["code"], p["field"]) for p in error["problems"]] == [
        ("too_many", "reactions"), ("not_an_emoji", "reactions[1]"), ("duplicate", "reactions[2]"),
    ]
    assert "“ok” is not a single emoji" in error["problems"][1]["message"]
    for wrong in (None, "👍", {"emoji": "👍"}):
        refused = create_with(client, app, wrong).get_json()["error"]
        assert (refused["code"], refused["field"]) == ("invalid_type", "reactions")
    with sessions() as db:
        assert repository.sessions_of(db, accounts.check_login(sessions, "host@example.org", "password123").id) == []


def test_an_archive_without_any_reaction_has_no_reactions_file_nor_table(tmp_path):
    from live.archive.writer import render_summary_page, write_archive

    document = {
        "schema": 1, "code": "ABCD2345", "title": "Club", "ended_at": "2026-03-01T20:00:00Z", "n_participants": 0,
        "activities": [], "reaction_set": ["👏"], "reactions": {"👏": 0},
    }
    folder = write_archive(tmp_path, document, [])
    assert not (folder / "reactions.csv").exists()
    assert "Reactions sent, per emoji" not in render_summary_page(document)
    sent = dict(document, reactions={"👏": 3, "🦄": 1})
    page = render_summary_page(sent, "fr")
    assert "Réactions envoyées, par emoji" in page and "Applaudissements" in page and "🦄" in page
    assert (write_archive(tmp_path, sent, []) / "reactions.csv").read_text("utf-8-sig").splitlines() == [
        "emoji,name,count", "👏,Applause,3", "🦄,,1",
    ]


# -- the session editor -------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, app):
    from tests.web import sign_in

    sign_in(client, app)
    return client


def editor_post(client, app, **fields):
    from tests.web import csrf_of

    page = client.get("/sessions/new").get_data(as_text=True)
    data = {
        "csrf_token": csrf_of(page), "title": "Atelier", "activities-0-type": "poll",
        "activities-0-poll-prompt": "Café ou thé ?", "activities-0-poll-options": "Café\nThé", **fields,
    }
    return page, client.post("/sessions/new", data=data)


def stored_reactions(app, response) -> list[str]:
    import re

    code = re.search(r"created=([A-Z0-9]+)", response.headers["Location"]).group(1)
    return session_settings.settings_of(summary.session_row(app.extensions["live"].sessions, code).settings)["reactions"]


def test_the_editor_offers_the_default_set_ticked_and_saves_ticked_then_typed_emoji(signed_in, client, app):
    page, saved = editor_post(client, app, reactions_on="y", reactions=["👏", "💡"], reactions_other="🌱🎶, ❤")
    for emoji in rules.DEFAULT_SET:
        assert f'value="{emoji}" checked' in page
    assert 'value="💡">' in page  # offered, not ticked
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert stored_reactions(app, saved) == ["👏", "💡", "🌱", "🎶", "❤️"]


def test_the_editor_switches_reactions_off(signed_in, client, app):
    _page, saved = editor_post(client, app, reactions=["👏"], reactions_other="ok")  # off: nothing else is read
    assert saved.status_code == 302 and stored_reactions(app, saved) == []


def test_the_editor_shows_every_problem_beside_the_field_and_creates_nothing(signed_in, client, app):
    _page, refused = editor_post(
        client, app, reactions_on="y", reactions=list(rules.CURATED[:7]), reactions_other="🌱 ok 🌱",
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    errors = html.split('id="reactions-errors"', 1)[1].split("</ul>", 1)[0]
    assert "At most 8 emoji: 10 are chosen." in errors
    assert "“ok” is not a single emoji." in errors
    assert "🌱 is chosen twice." in errors
    _page, empty = editor_post(client, app, reactions_on="y")
    assert empty.status_code == 400 and "Pick at least one emoji, or switch reactions off." in empty.get_data(as_text=True)
    _page, unknown = editor_post(client, app, reactions_on="y", reactions=["🦄"])  # not one the list offers
    assert unknown.status_code == 400
    with app.extensions["live"].sessions() as db:
        assert repository.sessions_of(db, 1) == []
