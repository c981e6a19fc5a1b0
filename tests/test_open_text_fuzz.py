"""Property-based tests (hypothesis): hostile payloads at every event an open question
takes (a participant's ``upvote`` and ``report``, the host's ``moderate``, ``undo``,
``feature`` and ``shortlist``) on a real ``live serve``, while honest phones answer
and upvote. Every ack is error-shaped (or ``ok`` when, by chance, it was valid),
never ``internal``; the server logs no traceback from live's code, keeps every honest
connection, and the honest answers and upvotes stay exact in the stored summary."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from live.domain.normalise import normalise_word
from tests.sockets import host, participant
from tests.test_fuzz_socket import (  # noqa: F401 - server and loop are fixtures
    FUZZ, LogWatch, assert_error_shaped, junk, loop, numbers, our_tracebacks, server, still_connected, summary, text,
)

pytestmark = [pytest.mark.slow]

TEXTS = ["Un jardin partagé", "Des bancs", "Une boîte à livres"]


def ident(value: str) -> str:
    return hashlib.sha256(normalise_word(value).encode("utf-8")).hexdigest()[:12]


def test_hostile_events_on_an_open_question_never_disturb_the_honest_answers_and_upvotes(server, loop):
    created = server.create_session({"title": "Fuzz", "activities": [
        {"type": "open_text", "prompt": "Une idée ?", "max_entries": 2, "upvotes": True},
        {"type": "poll", "prompt": "Oui ?", "options": ["Oui", "Non"]},
    ]})
    code, (question, poll) = created["code"], [a["id"] for a in created["activities"]]
    watch = LogWatch(server)
    screen = loop.run(host(server.url, code, created["host_token"]))
    assert loop.run(screen.call("open", {"activity_id": question})) == {"ok": True}
    honest = [loop.run(participant(server.url, code, f"Honest {i}")) for i in range(3)]
    mallory = loop.run(participant(server.url, code, "Mallory"))
    for phone, value in zip(honest, TEXTS):
        assert loop.run(phone.answer(question, value))["ok"] is True
    for phone in honest:
        assert loop.run(phone.call("upvote", {"activity_id": question, "question_id": ident("Des bancs")})) == {"ok": True}
    ids = [ident(value) for value in TEXTS]

    entry_ids = st.one_of(st.sampled_from(ids), st.just("nope"), text, numbers, junk)
    activity_ids = st.one_of(st.sampled_from([question, poll]), st.just("nope"), text, junk)
    # Most examples name the open question itself, so they reach its rules.
    phone_fields = {"question_id": entry_ids, "entry_id": entry_ids, "up": st.one_of(st.booleans(), junk)}
    participant_payloads = st.one_of(
        st.fixed_dictionaries({"activity_id": st.just(question)}, optional=phone_fields),
        st.fixed_dictionaries({"activity_id": st.just(question), "question_id": entry_ids},
                              optional={"up": phone_fields["up"], "entry_id": entry_ids}),
        junk, st.fixed_dictionaries({"activity_id": activity_ids}, optional={**phone_fields, "answer_id": junk}),
    )
    host_fields = {
        "action": st.one_of(st.sampled_from(["hide", "show", "hold", "release", "merge", "explode"]), junk),
        "entry_id": entry_ids, "from": entry_ids, "into": entry_ids, "top": st.one_of(numbers, junk),
        "entries": st.one_of(st.lists(entry_ids, max_size=14), junk),
    }
    host_payloads = st.one_of(
        st.fixed_dictionaries({"activity_id": st.just(question)}, optional=host_fields),
        st.fixed_dictionaries({"activity_id": st.just(question), "action": host_fields["action"], "entry_id": entry_ids}),
        junk, st.fixed_dictionaries({"activity_id": activity_ids}, optional=host_fields),
    )
    mallory_votes: set[str] = set()
    inserted = []

    @FUZZ
    @given(event=st.sampled_from(["upvote", "report"]), payload=participant_payloads)
    def from_a_phone(event, payload):
        ack = loop.run(mallory.call(event, payload))
        assert_error_shaped(ack)
        if ack["ok"] and event == "upvote":  # by chance a valid upvote (or its withdrawal)
            named = payload.get("question_id", payload.get("entry_id"))
            (mallory_votes.discard if payload.get("up") is False else mallory_votes.add)(named)

    @FUZZ
    @given(event=st.sampled_from(["moderate", "undo", "feature", "shortlist"]), payload=host_payloads)
    def from_the_host(event, payload):
        ack = loop.run(screen.call(event, payload))
        assert_error_shaped(ack)
        if ack["ok"] and event == "shortlist":
            inserted.append(ack["activity_id"])
        assert_error_shaped(loop.run(mallory.call(event, payload)), allow_ok=False)  # never the host's

    from_a_phone()
    from_the_host()
    # What the fuzzing moderated by chance (a merge of two real entries) is undone.
    while loop.run(screen.call("undo", {"activity_id": question})).get("ok"):
        pass
    still_connected([screen, *honest, mallory])
    assert our_tracebacks(watch.new()) == []
    stored = summary(server, code)
    table = {row["id"]: row for row in stored[question]["table"]}
    assert stored[question]["n_answers"] == 3
    assert {i: table[i]["count"] for i in ids} == {i: 1 for i in ids}
    assert table[ident("Des bancs")]["votes"] == 3 + (ident("Des bancs") in mallory_votes)
    assert len(stored) == 2 + len(inserted)
    for recorder in (screen, *honest, mallory):
        loop.run(recorder.disconnect())
