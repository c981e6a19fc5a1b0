"""The Q&A on a real ``live serve`` (one per database, shared by the module), on SQLite
and PostgreSQL: twenty phones ask, upvote and take votes back beside the other
activities, the facilitator moderates (pin, answered, hide, approve, undo) and sees
reports, every bad input is refused with its code and changes nothing stored,
pre-moderation and a phone coming back, the archive files, and hostile payloads
(hypothesis) at every Q&A event."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
import socketio
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import WAIT
from tests.sockets import Recorder, host, participant

N_PHONES = 20
SESSION = {
    "title": "Assemblée du club",
    "blocked_words": ["spoiler"],
    "activities": [
        {"type": "qa", "prompt": "Vos questions sur le budget ?"},
        {"type": "poll", "prompt": "Café ou thé ?", "options": ["Café", "Thé"]},
        {"type": "qa", "prompt": "Questions à valider", "moderation": "pre"},
        {"type": "poll", "prompt": "On continue ?", "options": ["Oui", "Non"]},
    ],
}
SCRIPT, FORMULA, HELD, BOLD = 3, 7, 5, 9  # the phones whose questions are special


def question_text(i: int) -> str:
    special = {SCRIPT: "<script>alert(1)</script> ?", FORMULA: "=1+1", HELD: "Pas de spoiler ?", BOLD: "<b>gras</b> ?"}
    return special.get(i, f"Question {i} ?")


def on(state, activity_id, status="open") -> bool:
    return bool(state and state.get("activity")) and state["activity"]["id"] == activity_id and state["activity"]["status"] == status


def votes_of(payload) -> dict:
    return {row["id"]: row["votes"] for row in payload["questions"]}


def statuses_of(payload) -> dict:
    return {row["id"]: row["status"] for row in payload["questions"]}


def stored_questions(server, code: str, qa: str) -> list:
    """The Q&A's questions as the database holds them (the summary API)."""
    summary = server.summary(code)
    return next(a for a in summary["activities"] if a["id"] == qa)["questions"]


async def ask(phone, qa, text, answer_id, **more):
    return await phone.call("ask", {"activity_id": qa, "text": text, "answer_id": answer_id, **more})


async def upvote(phone, qa, qid, up=True, **more):
    return await phone.call("upvote", {"activity_id": qa, "question_id": qid, "up": up, **more})


@pytest.mark.slow
def test_twenty_phones_ask_and_upvote_beside_the_other_activities_while_the_facilitator_moderates(shared_server):
    created = shared_server.create_session(SESSION)
    code, host_token = created["code"], created["host_token"]
    qa, poll, later_qa, _last = (a["id"] for a in created["activities"])

    async def scenario():
        screen = await host(shared_server.url, code, host_token)
        console = await Recorder(shared_server.url, {"code": code, "host_token": host_token, "view": "moderator"}).connect()
        # Even phones have a nickname, odd ones none.
        phones = await asyncio.gather(*(participant(shared_server.url, code, f"P{i}" if i % 2 == 0 else None)
                                        for i in range(N_PHONES)))
        assert await screen.call("open", {"activity_id": qa}) == {"ok": True}
        view = (await phones[0].wait_for("state", lambda s: on(s, qa)))["activity"]
        assert view == {"id": qa, "position": 0, "type": "qa", "prompt": "Vos questions sur le budget ?",
                        "moderation": "post", "max_length": 300, "max_questions": 20, "status": "open"}

        # Everyone asks at once; even phones show their nickname.
        acks = await asyncio.gather(*(ask(p, qa, question_text(i), f"q{i}", as_name=i % 2 == 0) for i, p in enumerate(phones)))
        assert all(a["ok"] for a in acks), acks
        ids = [a["question_id"] for a in acks]
        assert [a["status"] for a in acks] == ["pending" if i == HELD else "visible" for i in range(N_PHONES)]
        # The same answer_id again: the same question, stored once.
        assert await ask(phones[0], qa, question_text(0), "q0", as_name=True) == {"ok": True, "question_id": ids[0]}

        # Upvotes: everyone for question 0, even phones for 1, every third for 2; then 0-4 take theirs back.
        async def vote(i, phone):
            sent = [await upvote(phone, qa, ids[0])]
            if i % 2 == 0:
                sent.append(await upvote(phone, qa, ids[1], answer_id=f"v1-{i}"))
            if i % 3 == 0:
                sent.append(await upvote(phone, qa, ids[2]))
            if i < 5:
                sent.append(await upvote(phone, qa, ids[0], up=False))
            return sent

        for sent in await asyncio.gather(*(vote(i, p) for i, p in enumerate(phones))):
            assert sent == [{"ok": True}] * len(sent), sent
        # An upvote resent with its answer_id is acknowledged again and counted once.
        assert await upvote(phones[0], qa, ids[1], answer_id="v1-0") == {"ok": True}
        expected = {ids[0]: 15, ids[1]: 10, ids[2]: 7}
        results = await screen.wait_for("results", lambda r: r["activity_id"] == qa and all(
            votes_of(r).get(k) == v for k, v in expected.items()))
        assert results["n_answers"] == N_PHONES and results["n_questions"] == N_PHONES
        assert [row["id"] for row in results["questions"][:3]] == [ids[0], ids[1], ids[2]]
        assert statuses_of(results)[ids[HELD]] == "pending"  # held by the word filter

        # Phones see the wall: votes, names only where chosen, never the held question.
        wall = await phones[1].wait_for("wall", lambda w: votes_of(w).get(ids[0]) == 15 and votes_of(w).get(ids[2]) == 7)
        assert wall["activity_id"] == qa and wall["type"] == "qa"
        rows = {row["id"]: row for row in wall["questions"]}
        assert ids[HELD] not in rows and len(rows) == N_PHONES - 1
        assert rows[ids[0]]["name"] == "P0" and rows[ids[1]]["name"] is None and rows[ids[SCRIPT]]["text"] == question_text(SCRIPT)
        assert not any("participant" in key for row in wall["questions"] for key in row)

        # Reports reach the console as counts; the projector never hears the moderation view.
        for reporter in (10, 11, 12):
            assert await phones[reporter].call("report", {"activity_id": qa, "question_id": ids[SCRIPT]}) == {"ok": True}
        moderation = await console.wait_for("moderation", lambda m: m["activity_id"] == qa and m["reported"] and m["reported"][0]["reports"] == 3)
        assert [(row["id"], row["reports"]) for row in moderation["reported"]] == [(ids[SCRIPT], 3)]
        assert [row["id"] for row in moderation["held"]] == [ids[HELD]]
        assert not any(name == "moderation" for name, _ in screen.events)
        assert all("reports" not in row for row in screen.last("results")["questions"])

        # Every bad input: a clear code, nothing stored.
        before = await asyncio.to_thread(stored_questions, shared_server, code, qa)
        refusals = [
            (phones[1], "ask", {"activity_id": qa, "text": "x" * 301, "answer_id": "b1"}, "too_long"),
            (phones[1], "ask", {"activity_id": qa, "text": " \u200b ", "answer_id": "b2"}, "blank"),
            (phones[1], "ask", {"activity_id": qa, "text": 42, "answer_id": "b3"}, "invalid_value"),
            (phones[1], "ask", {"activity_id": qa, "text": "Sans id ?"}, "invalid_payload"),
            (phones[1], "ask", {"activity_id": qa, "text": "Id trop long", "answer_id": "x" * 65}, "invalid_payload"),
            (phones[2], "ask", {"activity_id": qa, "text": "Nom ?", "answer_id": "b4", "as_name": "oui"}, "invalid_payload"),
            (phones[1], "ask", {"activity_id": qa, "text": "Mon nom ?", "answer_id": "b5", "as_name": True}, "no_name"),
            (phones[1], "ask", {"activity_id": "nope", "text": "Où ?", "answer_id": "b6"}, "unknown_activity"),
            (phones[1], "ask", {"activity_id": 7, "text": "Où ?", "answer_id": "b7"}, "invalid_payload"),
            (phones[1], "ask", "Une question ?", "invalid_payload"),
            (phones[1], "ask", None, "invalid_payload"),
            (phones[1], "ask", {"activity_id": later_qa, "text": "Déjà ?", "answer_id": "b8"}, "not_open"),
            (phones[1], "answer", {"activity_id": qa, "value": "Une question ?", "answer_id": "b9"}, "not_answerable"),
            (phones[1], "upvote", {"activity_id": qa, "question_id": ids[3]}, "invalid_payload"),
            (phones[1], "upvote", {"activity_id": qa, "question_id": ids[3], "up": "true"}, "invalid_payload"),
            (phones[1], "upvote", {"activity_id": qa, "up": True}, "invalid_payload"),
            (phones[1], "upvote", {"activity_id": qa, "question_id": "nope", "up": True}, "unknown_question"),
            (phones[1], "upvote", {"activity_id": qa, "question_id": ids[HELD], "up": True}, "not_visible"),
            (phones[9], "upvote", {"activity_id": qa, "question_id": ids[0], "up": True}, "already_voted"),
            (phones[1], "upvote", {"activity_id": qa, "question_id": ids[1], "up": False}, "not_voted"),
            (phones[1], "report", {"activity_id": qa, "question_id": "nope"}, "unknown_question"),
            (phones[10], "report", {"activity_id": qa, "question_id": ids[SCRIPT]}, "already_reported"),
            (screen, "ask", {"activity_id": qa, "text": "Je suis l'hôte", "answer_id": "h"}, "forbidden"),
            (screen, "upvote", {"activity_id": qa, "question_id": ids[0], "up": True}, "forbidden"),
            (phones[1], "moderate", {"activity_id": qa, "question_id": ids[0], "action": "hide"}, "forbidden"),
            (phones[1], "undo", {"activity_id": qa}, "forbidden"),
            (phones[1], "shortlist", {"activity_id": qa, "top": 2}, "forbidden"),
            (console, "moderate", {"activity_id": qa, "question_id": ids[0], "action": "delete"}, "invalid_payload"),
            (console, "moderate", {"activity_id": qa, "action": "hide"}, "invalid_payload"),
            (console, "moderate", {"activity_id": qa, "question_id": "nope", "action": "hide"}, "unknown_question"),
            (console, "moderate", {"activity_id": qa, "question_id": ids[0], "action": "approve"}, "invalid_action"),
            (console, "moderate", {"activity_id": qa, "question_id": ids[0], "action": "unpin"}, "invalid_action"),
            (console, "moderate", {"activity_id": poll, "question_id": ids[0], "action": "hide"}, "not_supported"),
            (console, "moderate", ["hide"], "invalid_payload"),
        ]
        for sender, event, payload, code_ in refusals:
            refusal = await sender.call(event, payload)
            assert refusal["ok"] is False and refusal["error"]["code"] == code_, (event, payload, refusal)
        assert await asyncio.to_thread(stored_questions, shared_server, code, qa) == before

        # Moderation: one pinned question at a time, answered ones drop, hidden ones leave the wall.
        for action, target in (("pin", 2), ("pin", 1), ("answered", 1), ("hide", SCRIPT), ("approve", HELD)):
            assert await console.call("moderate", {"activity_id": qa, "question_id": ids[target], "action": action}) == {"ok": True}
        results = await screen.wait_for("results", lambda r: r["activity_id"] == qa and statuses_of(r).get(ids[HELD]) == "visible")
        statuses = statuses_of(results)
        assert (statuses[ids[1]], statuses[ids[2]], statuses[ids[SCRIPT]]) == ("answered", "visible", "hidden")
        order = [row["id"] for row in results["questions"]]
        assert order[:2] == [ids[0], ids[2]] and order.index(ids[1]) > order.index(ids[19]) and order[-1] == ids[SCRIPT]
        # The asker of the hidden question hears it; the wall no longer holds it; nobody can vote on it.
        await phones[SCRIPT].wait_for("question", lambda q: q == {"activity_id": qa, "question_id": ids[SCRIPT], "status": "hidden"})
        wall = await phones[0].wait_for("wall", lambda w: ids[SCRIPT] not in votes_of(w) and ids[HELD] in votes_of(w))
        assert (await upvote(phones[9], qa, ids[SCRIPT]))["error"]["code"] == "not_visible"
        assert await console.call("undo", {"activity_id": qa}) == {"ok": True}  # the held question goes back
        await phones[HELD].wait_for("question", lambda q: q["question_id"] == ids[HELD] and q["status"] == "pending")
        await phones[0].wait_for("wall", lambda w: ids[HELD] not in votes_of(w))

        # Beside: the poll on screen, the Q&A stays open; phones keep asking and upvoting.
        assert await screen.call("open", {"activity_id": poll}) == {"ok": True}
        state = await phones[4].wait_for("state", lambda s: on(s, poll))
        assert state["side"]["id"] == qa and state["side"]["status"] == "open"
        assert (await phones[4].answer(poll, 0))["ok"] is True
        beside = await ask(phones[4], qa, "Et la buvette ?", "beside")
        assert beside["ok"] is True
        assert await upvote(phones[6], qa, beside["question_id"]) == {"ok": True}
        assert (await ask(phones[4], poll, "Pas ici", "wrong"))["error"]["code"] == "not_qa"
        await screen.wait_for("results", lambda r: r["activity_id"] == qa and votes_of(r).get(beside["question_id"]) == 1)
        await phones[8].wait_for("wall", lambda w: votes_of(w).get(beside["question_id"]) == 1)
        # A console opened now hears the moderation view and results of the Q&A beside the poll.
        late = await Recorder(shared_server.url, {"code": code, "host_token": host_token, "view": "moderator"}).connect()
        await late.wait_for("results", lambda r: r["activity_id"] == poll)
        assert [name for name, _ in late.events if name in ("results", "moderation")] == ["results", "moderation", "results"]
        assert late.all("moderation")[0]["activity_id"] == qa and late.all("results")[0]["activity_id"] == qa
        assert late.all("results")[1]["activity_id"] == poll
        await late.disconnect()
        # A phone coming back now hears the wall beside the poll and its own votes.
        back = await participant(shared_server.url, code, token=phones[6].last("welcome")["token"])
        welcome = back.last("welcome")
        assert welcome["state"]["side"]["id"] == qa and welcome["walls"][0]["activity_id"] == qa
        assert set(welcome["qa_mine"]["votes"]) == {ids[0], ids[1], ids[2], beside["question_id"]}
        assert welcome["qa_mine"]["questions"] == [{"id": ids[6], "text": "Question 6 ?", "status": "visible"}]
        assert await screen.call("close", {"activity_id": poll}) == {"ok": True}
        assert (await upvote(phones[7], qa, beside["question_id"]))["ok"] is True

        # The chain: the three most upvoted open questions become a poll right after the Q&A.
        await screen.wait_for("results", lambda r: r["activity_id"] == qa and votes_of(r).get(beside["question_id"]) == 2)
        chained = await console.call("shortlist", {"activity_id": qa, "top": 3})
        assert chained["ok"] is True
        plan = await screen.wait_for("host_state", lambda v: len(v["activities"]) == 5)
        assert plan["activities"][1]["id"] == chained["activity_id"]
        assert plan["activities"][1]["options"] == ["Question 0 ?", "Question 2 ?", "Et la buvette ?"]

        # Closed by the host, it takes nothing more.
        assert await screen.call("close", {"activity_id": qa}) == {"ok": True}
        await phones[0].wait_for("state", lambda s: "side" not in s and on(s, poll, "closed"))
        assert (await ask(phones[9], qa, "Trop tard ?", "late"))["error"]["code"] == "closed"
        ended = await screen.call("end", {})
        for recorder in (screen, console, back, *phones):
            await recorder.disconnect()
        return ended, ids, beside["question_id"]

    ended, ids, beside = asyncio.run(scenario())
    folder = Path(ended["archive_path"])
    summary = shared_server.summary(code)
    questions = {row["id"]: row for row in summary["activities"][0]["questions"]}
    assert len(questions) == N_PHONES + 1
    assert questions[ids[0]]["votes"] == 15 and questions[ids[SCRIPT]]["reports"] == 3 and questions[beside]["votes"] == 2
    assert questions[ids[HELD]]["status"] == "pending" and questions[ids[HELD]]["held"] is True
    assert all(row["asked_at"].endswith("Z") for row in questions.values())

    with open(folder / "qa-1.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == N_PHONES + 1
    by_text = {row["question"]: row for row in rows}
    assert by_text["'=1+1"]["status"] == "visible"  # a formula is written as text
    assert by_text[question_text(SCRIPT)]["status"] == "hidden" and by_text[question_text(SCRIPT)]["reports"] == "3"
    assert by_text[question_text(HELD)]["status"] == "pending (filter)"
    assert by_text["Question 0 ?"]["name"] == "P0" and by_text["Question 1 ?"]["name"] == ""
    assert (folder / "qa-4.csv").exists()  # the second Q&A, after the chained poll

    # answers.csv names participants: only the questions asked with a name are in it.
    answers = list(csv.DictReader(io.StringIO((folder / "answers.csv").read_text(encoding="utf-8-sig"))))
    qa_rows = [row for row in answers if row["activity_id"] == summary["activities"][0]["id"]]
    assert sorted(row["answer_text"] for row in qa_rows) == sorted(question_text(i) for i in range(0, N_PHONES, 2))
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Question 0 ?" in page and "&lt;b&gt;gras&lt;/b&gt; ?" in page and "<b>gras" not in page
    assert question_text(SCRIPT) not in page and question_text(HELD) not in page  # hidden, held: counted, not shown


def test_questions_wait_for_approval_and_a_returning_phone_finds_its_own(shared_server):
    created = shared_server.create_session({"title": "Validation", "activities": [
        {"type": "qa", "prompt": "Questions à valider", "moderation": "pre"},
    ]})
    code, host_token = created["code"], created["host_token"]
    qa = created["activities"][0]["id"]

    async def scenario():
        console = await Recorder(shared_server.url, {"code": code, "host_token": host_token, "view": "moderator"}).connect()
        await console.wait_for("host_state")
        ana, ben = await participant(shared_server.url, code, "Ana"), await participant(shared_server.url, code)
        assert await console.call("open", {"activity_id": qa}) == {"ok": True}
        await ana.wait_for("state", lambda s: on(s, qa))
        sent = await ask(ana, qa, "Quand vote-t-on ?", "a1", as_name=True)
        assert sent == {"ok": True, "question_id": sent["question_id"], "status": "pending"}
        qid = sent["question_id"]
        moderation = await console.wait_for("moderation", lambda m: m["pending"])
        assert [(row["id"], row["name"]) for row in moderation["pending"]] == [(qid, "Ana")]
        assert (await upvote(ben, qa, qid))["error"]["code"] == "not_visible"
        # Ana's phone reloads: it finds its question, waiting for approval; nobody else's wall holds it.
        back = await participant(shared_server.url, code, token=ana.last("welcome")["token"])
        mine = back.last("welcome")["qa_mine"]
        assert mine == {"activity_id": qa, "votes": [], "reports": [],
                        "questions": [{"id": qid, "text": "Quand vote-t-on ?", "status": "pending"}]}
        assert all(qid not in votes_of(w) for w in ben.all("wall"))
        # Approved: the asker hears it, everyone's wall shows it.
        assert await console.call("moderate", {"activity_id": qa, "question_id": qid, "action": "approve"}) == {"ok": True}
        await back.wait_for("question", lambda q: q == {"activity_id": qa, "question_id": qid, "status": "visible"})
        wall = await ben.wait_for("wall", lambda w: qid in votes_of(w))
        assert wall["questions"][0]["name"] == "Ana"
        # Two quick taps on upvote count once.
        taps = await asyncio.gather(upvote(ben, qa, qid), upvote(ben, qa, qid))
        assert sorted(t["ok"] for t in taps) == [False, True]
        assert [t["error"]["code"] for t in taps if not t["ok"]][0] in ("in_progress", "already_voted")
        await ana.wait_for("wall", lambda w: votes_of(w).get(qid) == 1)
        # Twenty questions at most per participant; votes take no slot.
        for n in range(20):
            assert (await ask(ben, qa, f"Question {n} ?", f"b{n}"))["ok"] is True
        assert (await ask(ben, qa, "Une de trop ?", "b-last"))["error"]["code"] == "limit_reached"
        for recorder in (console, ana, ben, back):
            await recorder.disconnect()

    asyncio.run(scenario())
    questions = stored_questions(shared_server, code, qa)
    assert len(questions) == 21 and questions[0]["votes"] == 1 and questions[0]["name"] == "Ana"


# ---- hostile payloads (hypothesis) ------------------------------------------------

# 60 examples per event group and database, different ones on each database (120 in all).
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
NASTY = ["", " ", "\x00", "\u202e\u2066evil\u2069", "\u200b", "<script>alert(1)</script>", "x" * 5000, "\ud800",
         "__proto__", "null", "1e309", "hide", "pin", "answered", "approve", "show", "unpin"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(),
                    st.sampled_from(NASTY), st.text(max_size=40))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)
KEYS = ["activity_id", "text", "answer_id", "as_name", "question_id", "up", "action", "top", "entries"]


def hostile(real: dict):
    """Payloads that look almost right: the real ids some of the time, junk in every field."""
    field = st.sampled_from(KEYS).flatmap(lambda key: st.tuples(st.just(key), st.one_of(values, st.sampled_from(real.get(key, [None])))))
    return st.one_of(values, st.lists(field, max_size=6).map(dict))


class SyncPhone:
    """A python-socketio client (long polling), for hypothesis' synchronous examples."""

    def __init__(self, url: str, auth: dict) -> None:
        self.client = socketio.Client(reconnection=False)
        self.client.connect(url, auth=auth, transports=["polling"], wait_timeout=WAIT)

    def call(self, event: str, data):
        return self.client.call(event, data, timeout=WAIT)


def test_hostile_payloads_at_every_qa_event_get_a_clear_refusal_and_store_nothing_wrong(shared_server, shared_database_url):
    created = shared_server.create_session({"title": "Fuzz Q&A", "activities": [
        {"type": "qa", "prompt": "Vos questions ?"}, {"type": "poll", "prompt": "Oui ?", "options": ["Oui", "Non"]},
    ]})
    code, qa, poll = created["code"], created["activities"][0]["id"], created["activities"][1]["id"]
    console = SyncPhone(shared_server.url, {"code": code, "host_token": created["host_token"]})
    assert console.call("open", {"activity_id": qa}) == {"ok": True}
    # Several phones share the fuzzing: each stays under the answer rate limit's burst.
    phones = [SyncPhone(shared_server.url, {"code": code, "name": f"F{i}"}) for i in range(8)]
    honest = phones[0].call("ask", {"activity_id": qa, "text": "Une vraie question ?", "answer_id": "honest"})
    assert honest["ok"] is True
    real = {"activity_id": [qa, poll, "x" * 65], "question_id": [honest["question_id"], "nope"],
            "action": ["hide", "pin", "approve", "show", "unpin", "answered", "delete"], "up": [True, False]}
    asked = []
    sent = {"n": 0}

    def refused_cleanly(ack) -> bool:
        return isinstance(ack, dict) and (ack.get("ok") is True or (
            ack.get("ok") is False and isinstance(ack.get("error"), dict) and ack["error"].get("code") not in (None, "internal")))

    on_this_database = seed(2 if shared_database_url.startswith("postgresql") else 1)

    @on_this_database
    @FUZZ
    @given(event=st.sampled_from(["ask", "upvote", "report"]), payload=hostile(real))
    def participant_events(event, payload):
        phone = phones[1 + sent["n"] % (len(phones) - 1)]
        sent["n"] += 1
        ack = phone.call(event, payload)
        assert refused_cleanly(ack), (event, payload, ack)
        if event == "ask" and ack.get("ok") and "question_id" in ack:
            asked.append(ack["question_id"])

    @on_this_database
    @FUZZ
    @given(event=st.sampled_from(["moderate", "undo", "shortlist"]), payload=hostile(real))
    def host_events(event, payload):
        ack = console.call(event, payload)
        assert refused_cleanly(ack), (event, payload, ack)
        assert phones[1].call(event, payload)["error"]["code"] == "forbidden"

    participant_events()
    host_events()
    # Honest phones still work, and what is stored is exactly what was acknowledged.
    after = phones[0].call("ask", {"activity_id": qa, "text": "Encore une vraie ?", "answer_id": "honest-2"})
    assert after["ok"] is True
    stored = stored_questions(shared_server, code, qa)
    assert {q["id"] for q in stored} == {honest["question_id"], after["question_id"], *asked}
    log = shared_server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
    for client in (console, *phones):
        client.client.disconnect()
