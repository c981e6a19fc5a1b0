"""The Q&A's rules (live/activities/qa), without a server: the spec, questions and
their limits, upvotes and take-backs, reports, moderation replayed with undo, one
pinned question, the wall phones see, and the archive (CSV, page, pseudonyms)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from live.activities.base import Activity, KindSettings
from live.activities.qa import KIND, archive, rules
from live.activities.registry import parse_spec
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.domain.session import CLOSED, OPEN


@dataclass
class Room:
    """A session as the kind sees it (``LiveSession``), storing what participants send
    the way the service does: decide, then count the stored value."""

    activity: Activity
    tallies: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)
    stored: list = field(default_factory=list)

    def send(self, event: str, participant_id: str, **payload):
        payload = {"activity_id": self.activity.id, **payload}
        decision = KIND.participant_commands[event].decide(self, self.activity, participant_id, payload)
        KIND.count(self.tally, participant_id, decision.value)
        self.stored.append((participant_id, decision.value))
        return decision

    def ask(self, participant_id: str, text: str, answer_id: str | None = None, **more) -> str:
        answer_id = answer_id or f"{participant_id}-{len(self.stored)}"
        return self.send("ask", participant_id, text=text, answer_id=answer_id, **more).ack["question_id"]

    def host(self, command: str, **payload):
        outcome = KIND.commands[command](self, self.activity, {"activity_id": self.activity.id, **payload})
        for activity_id, state in outcome.states.items():
            KIND.apply_state(self.activity, self.tally, state)
            self.state = state
        return outcome

    @property
    def tally(self) -> rules.Tally:
        return self.tallies[self.activity.id]

    def status(self, qid: str) -> str:
        return next(row["status"] for row in self.tally.rows() if row["id"] == qid)


def room(moderation: str = "post", words: tuple[str, ...] = ("merde",)) -> Room:
    planned = parse_spec({"type": "qa", "prompt": "Vos questions ?", "moderation": moderation})
    activity = Activity("qa1", 0, planned.spec, planned.kind)
    made = Room(activity)
    settings = KindSettings(profanity=ProfanityFilter.from_lines(words))
    made.tallies[activity.id] = KIND.new_tally(activity, KIND.default_state(), settings)
    return made


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


# ------------------------------------------------------------------------- spec


def test_the_spec_defaults_to_questions_that_show_at_once():
    planned = parse_spec({"type": "qa", "prompt": "  Vos questions   sur le budget ? "})
    assert planned.as_dict() == {"type": "qa", "prompt": "Vos questions sur le budget ?", "moderation": "post"}
    assert KIND.capabilities.beside and KIND.capabilities.moderated


def test_every_refusal_of_a_spec_comes_at_once_with_its_field():
    error = refused(lambda: parse_spec({"type": "qa", "prompt": "", "moderation": "after"}, "activities[2]."))
    assert {(p.code, p.field) for p in error.problems} == {
        ("blank", "activities[2].prompt"), ("invalid_type", "activities[2].moderation"),
    }
    assert refused(lambda: parse_spec({"type": "qa", "prompt": "x" * 301})).code == "too_long"
    assert refused(lambda: parse_spec({"type": "qa", "prompt": "x", "moderation": True})).code == "invalid_type"


def test_phones_see_the_spec_and_the_limits_of_their_ask_box():
    made = room("pre")
    assert KIND.public_view(made.activity.spec, OPEN) == {
        "type": "qa", "prompt": "Vos questions ?", "moderation": "pre",
        "max_length": rules.MAX_LENGTH, "max_questions": rules.MAX_QUESTIONS,
    }


# -------------------------------------------------------------------- questions


def test_a_question_is_cleaned_and_kept_as_text():
    assert rules.check_question("  Pourquoi\u200b  le\tbudget ?\n") == "Pourquoi le budget ?"
    assert rules.check_question("<b>gras</b> & co") == "<b>gras</b> & co"
    assert rules.check_question("é" * 300) == "é" * 300


@pytest.mark.parametrize("value, code", [
    (None, "invalid_value"), (42, "invalid_value"), (["a"], "invalid_value"),
    ("", "blank"), ("   \u200b\n ", "blank"),
    ("x" * 301, "too_long"), ("x" * 10_000_000, "too_long"),
])
def test_a_bad_question_is_refused(value, code):
    error = refused(lambda: rules.check_question(value))
    assert (error.code, error.field) == (code, "text")


def test_a_question_is_anonymous_unless_the_participant_shows_their_name():
    made = room()
    made.names.update({"p1": "Zoé", "p2": None})
    anonymous = made.ask("p1", "Quand ?")
    named = made.ask("p1", "Où ?", as_name=True)
    rows = {row["id"]: row for row in made.tally.wall()}
    assert rows[anonymous]["name"] is None and rows[named]["name"] == "Zoé"
    assert refused(lambda: made.ask("p2", "Qui ?", as_name=True)).code == "no_name"
    assert refused(lambda: made.ask("p1", "Qui ?", as_name="yes")).code == "invalid_payload"
    # answers.csv (which names participants) only holds the question asked with the name.
    described = [KIND.describe_answer(made.activity.spec, value) for _pid, value in made.stored]
    assert described == [None, "Où ?"]


def test_the_same_answer_id_gives_the_same_question_id_and_it_names_nobody():
    made = room()
    first = made.send("ask", "p1", text="Quand ?", answer_id="a1")
    assert first.answer_id == "a1" and first.ack == {"question_id": first.value["id"], "status": "visible"}
    assert KIND.participant_commands["ask"].replayed("p1", "a1") == {"question_id": first.value["id"]}
    assert rules.question_id("p2", "a1") != first.value["id"]
    assert "p1" not in first.value["id"]
    assert refused(lambda: made.send("ask", "p1", text="Sans id")).code == "invalid_payload"


def test_questions_wait_for_approval_when_the_facilitator_chose_it():
    made = room("pre")
    decision = made.send("ask", "p1", text="Quand ?", answer_id="a")
    assert decision.ack["status"] == "pending"
    assert made.tally.wall() == [] and made.status(decision.value["id"]) == "pending"
    made.host("moderate", question_id=decision.value["id"], action="approve")
    assert [row["text"] for row in made.tally.wall()] == ["Quand ?"]


@pytest.mark.parametrize("moderation", ["post", "pre"])
def test_the_word_filter_holds_a_question_for_the_facilitator(moderation):
    made = room(moderation)
    held = made.send("ask", "p1", text="C'est de la m e r d e", answer_id="a")
    assert held.ack["status"] == "pending"
    view = KIND.moderation_view(made.activity, made)
    assert [row["id"] for row in view["held"]] == [held.value["id"]] and view["pending"] == []
    assert made.tally.wall() == []
    made.host("moderate", question_id=held.value["id"], action="approve")
    assert made.status(held.value["id"]) == "visible"


def test_an_empty_filter_holds_nothing():
    made = room(words=())
    assert made.send("ask", "p1", text="merde alors", answer_id="a").ack["status"] == "visible"


# ---------------------------------------------------------------------- upvotes


def test_one_vote_per_participant_per_question_which_they_may_take_back():
    made = room()
    qid = made.ask("p1", "Quand ?")
    vote = made.send("upvote", "p2", question_id=qid, up=True)
    assert vote.guard == ("vote", qid) and not KIND.takes_slot(vote.value)
    made.send("upvote", "p3", question_id=qid, up=True)
    assert made.tally.wall()[0]["votes"] == 2
    assert refused(lambda: made.send("upvote", "p2", question_id=qid, up=True)).code == "already_voted"
    made.send("upvote", "p2", question_id=qid, up=False)
    assert made.tally.wall()[0]["votes"] == 1
    assert refused(lambda: made.send("upvote", "p2", question_id=qid, up=False)).code == "not_voted"
    assert made.tally.voted_by("p3") == [qid] and made.tally.voted_by("p2") == []


def test_a_vote_stored_twice_counts_once():
    made = room()
    qid = made.ask("p1", "Quand ?")
    for _ in range(2):
        KIND.count(made.tally, "p2", rules.vote_value(qid, True))
    assert made.tally.wall()[0]["votes"] == 1


@pytest.mark.parametrize("payload, code", [
    ({"question_id": "nope", "up": True}, "unknown_question"),
    ({"up": True}, "invalid_payload"),
    ({"question_id": 12, "up": True}, "invalid_payload"),
    ({"question_id": "x" * 65, "up": True}, "invalid_payload"),
    ({"question_id": "QID"}, "invalid_payload"),
    ({"question_id": "QID", "up": "yes"}, "invalid_payload"),
    ({"question_id": "QID", "up": 1}, "invalid_payload"),
])
def test_a_bad_upvote_is_refused_and_changes_nothing(payload, code):
    made = room()
    qid = made.ask("p1", "Quand ?")
    payload = {key: (qid if value == "QID" else value) for key, value in payload.items()}
    assert refused(lambda: made.send("upvote", "p2", **payload)).code == code
    assert made.tally.wall()[0]["votes"] == 0


def test_votes_on_pending_held_or_hidden_questions_are_refused():
    made = room("pre")
    pending = made.ask("p1", "En attente ?")
    held = made.ask("p1", "merde ?")
    hidden = made.ask("p1", "Cachée ?")
    made.host("moderate", question_id=hidden, action="approve")
    made.host("moderate", question_id=hidden, action="hide")
    for qid in (pending, held, hidden):
        assert refused(lambda qid=qid: made.send("upvote", "p2", question_id=qid, up=True)).code == "not_visible"
        assert refused(lambda qid=qid: made.send("report", "p2", question_id=qid)).code == "not_visible"


# ---------------------------------------------------------------------- reports


def test_reports_reach_the_moderation_view_as_counts_and_never_say_who():
    made = room()
    calm, rude = made.ask("p1", "Quand ?"), made.ask("p2", "Question blessante")
    for reporter in ("p3", "p4"):
        decision = made.send("report", reporter, question_id=rude)
        assert KIND.describe_answer(made.activity.spec, decision.value) is None
    made.send("report", "p3", question_id=calm)
    assert refused(lambda: made.send("report", "p3", question_id=rude)).code == "already_reported"
    view = KIND.moderation_view(made.activity, made)
    assert [(row["id"], row["reports"]) for row in view["reported"]] == [(rude, 2), (calm, 1)]
    assert "p3" not in repr(view) and "p4" not in repr(view)
    # The projector and phones never hear of reports.
    assert all("reports" not in row for row in made.tally.results()["questions"] + made.tally.wall())
    made.host("moderate", question_id=rude, action="hide")
    view = KIND.moderation_view(made.activity, made)
    assert [row["id"] for row in view["reported"]] == [calm] and [row["id"] for row in view["hidden"]] == [rude]


# ------------------------------------------------------------------- moderation


def test_pinned_first_then_open_questions_by_votes_then_answered_ones():
    made = room()
    a, b, c, d = (made.ask(f"p{i}", text) for i, text in enumerate(["A ?", "B ?", "C ?", "D ?"]))
    for voter in ("v1", "v2"):
        made.send("upvote", voter, question_id=c, up=True)
    made.send("upvote", "v1", question_id=d, up=True)
    assert [row["text"] for row in made.tally.wall()] == ["C ?", "D ?", "A ?", "B ?"]  # ties: oldest first
    made.host("moderate", question_id=b, action="pin")
    made.host("moderate", question_id=c, action="answered")
    made.host("moderate", question_id=a, action="hide")
    assert [(row["text"], row["status"]) for row in made.tally.rows()] == [
        ("B ?", "pinned"), ("D ?", "visible"), ("C ?", "answered"), ("A ?", "hidden"),
    ]
    assert [row["text"] for row in made.tally.wall()] == ["B ?", "D ?", "C ?"]


def test_one_question_is_pinned_at_a_time_and_answering_it_unpins_it():
    made = room()
    a, b = made.ask("p1", "A ?"), made.ask("p2", "B ?")
    made.host("moderate", question_id=a, action="pin")
    made.host("moderate", question_id=b, action="pin")
    assert (made.status(a), made.status(b)) == ("visible", "pinned")
    made.host("moderate", question_id=b, action="answered")
    assert [row["status"] for row in made.tally.rows()] == ["visible", "answered"]
    made.host("moderate", question_id=b, action="show")  # reopened
    assert made.status(b) == "visible"
    made.host("moderate", question_id=a, action="pin")
    made.host("moderate", question_id=a, action="unpin")
    assert made.status(a) == "visible"


def test_undo_restores_exactly_what_was_and_tells_the_askers():
    made = room("pre")
    a, b = made.ask("p1", "A ?"), made.ask("p2", "B ?")
    made.host("moderate", question_id=a, action="approve")
    made.host("moderate", question_id=b, action="approve")
    made.host("moderate", question_id=a, action="pin")
    outcome = made.host("moderate", question_id=b, action="pin")
    assert outcome.changed == {"qa1"} and made.state == {"moderation": made.tally.actions}
    assert {(t.to, t.data["status"]) for t in outcome.tell} == {("p1", "visible"), ("p2", "pinned")}
    undone = made.host("undo")
    assert (made.status(a), made.status(b)) == ("pinned", "visible")
    assert {(t.to, t.event, t.data["question_id"], t.data["status"]) for t in undone.tell} == {
        ("p1", "question", a, "pinned"), ("p2", "question", b, "visible"),
    }
    for _ in range(3):
        made.host("undo")
    assert (made.status(a), made.status(b)) == ("pending", "pending")
    assert refused(lambda: made.host("undo")).code == "nothing_to_undo"


@pytest.mark.parametrize("payload, code", [
    ({"question_id": "QID", "action": "delete"}, "invalid_payload"),
    ({"question_id": "QID"}, "invalid_payload"),
    ({"question_id": ["QID"], "action": "hide"}, "invalid_payload"),
    ({"action": "hide"}, "invalid_payload"),
    ({"question_id": "nope", "action": "hide"}, "unknown_question"),
    ({"question_id": "QID", "action": "approve"}, "invalid_action"),  # already visible
    ({"question_id": "QID", "action": "unpin"}, "invalid_action"),
    ({"question_id": "QID", "action": "show"}, "invalid_action"),
])
def test_bad_moderation_is_refused_and_not_recorded(payload, code):
    made = room()
    qid = made.ask("p1", "A ?")
    payload = {key: (qid if value == "QID" else value) for key, value in payload.items()}
    assert refused(lambda: made.host("moderate", **payload)).code == code
    assert made.tally.actions == [] and made.status(qid) == "visible"


def test_hiding_twice_or_answering_a_hidden_question_is_refused():
    made = room()
    qid = made.ask("p1", "A ?")
    made.host("moderate", question_id=qid, action="hide")
    for action in ("hide", "answered", "unpin", "approve"):
        assert refused(lambda action=action: made.host("moderate", question_id=qid, action=action)).code == "invalid_action"


def test_moderation_stored_as_json_rebuilds_the_same_wall_and_skips_what_no_longer_applies():
    made = room("pre")
    a, b = made.ask("p1", "A ?"), made.ask("p2", "merde B ?")
    made.host("moderate", question_id=a, action="approve")
    made.host("moderate", question_id=b, action="approve")
    made.host("moderate", question_id=a, action="pin")
    made.send("upvote", "p3", question_id=b, up=True)
    # A new process loads the kind state first, then counts every stored row.
    stale = {"moderation": [*made.state["moderation"], {"action": "pin", "question_id": "gone"}, "junk"]}
    rebuilt = KIND.new_tally(made.activity, stale, KindSettings(profanity=ProfanityFilter.from_lines(["merde"])))
    for participant_id, value in made.stored:
        KIND.count(rebuilt, participant_id, value)
    assert rebuilt.rows() == made.tally.rows()
    assert len(rebuilt.actions) == 4  # the malformed item is dropped, the stale one skipped when replayed


# ---------------------------------------------------------------- what phones see


def test_the_wall_never_holds_pending_held_or_hidden_questions_nor_who_asked():
    made = room("pre")
    made.names["p1"] = "Zoé"
    shown = made.ask("p1", "Visible ?")
    made.ask("p1", "En attente ?")
    made.ask("p2", "merde")
    hidden = made.ask("p2", "Cachée ?")
    for qid in (shown, hidden):
        made.host("moderate", question_id=qid, action="approve")
    made.host("moderate", question_id=hidden, action="hide")
    wall = KIND.phone_feed(made.activity, OPEN, made)
    assert wall == {"questions": [{"id": shown, "text": "Visible ?", "votes": 0, "status": "visible", "name": None}],
                    "n_questions": 1}
    assert KIND.phone_results(made.activity, CLOSED, made) == wall
    host = KIND.results(made.activity, OPEN, made)
    assert [row["status"] for row in host["questions"]] == ["visible", "pending", "pending", "hidden"]
    assert "p1" not in repr(host) and "p2" not in repr(wall)


def test_a_returning_phone_gets_its_votes_reports_and_own_questions():
    made = room("pre")
    mine, theirs = made.ask("p1", "La mienne ?"), made.ask("p2", "La leur ?")
    made.host("moderate", question_id=theirs, action="approve")
    made.send("upvote", "p1", question_id=theirs, up=True)
    made.send("report", "p1", question_id=theirs)
    assert KIND.rejoin_fields(made.activity, OPEN, made, "p1") == {"qa_mine": {
        "activity_id": "qa1", "votes": [theirs], "reports": [theirs],
        "questions": [{"id": mine, "text": "La mienne ?", "status": "pending"}],
    }}
    assert KIND.rejoin_fields(made.activity, CLOSED, made, "p1") == {}


def test_questions_and_not_votes_take_the_participants_slots():
    made = room()
    qid = made.ask("p1", "A ?")
    assert KIND.answer_limit(made.activity.spec) == rules.MAX_QUESTIONS
    assert KIND.takes_slot(made.stored[0][1])
    assert not KIND.takes_slot(made.send("upvote", "p2", question_id=qid, up=True).value)
    assert not KIND.takes_slot(made.send("report", "p2", question_id=qid).value)
    assert refused(lambda: KIND.check_answer(made.activity.spec, "Une question")).code == "not_answerable"


def test_the_chain_takes_open_questions_on_the_wall_in_the_order_they_came():
    made = room()
    a, b, c, d = (made.ask("p1", text) for text in ["A ?", "B ?", "C ?", "D ?"])
    made.send("upvote", "p2", question_id=c, up=True)
    made.host("moderate", question_id=b, action="pin")
    made.host("moderate", question_id=a, action="answered")
    made.host("moderate", question_id=d, action="hide")
    from live.activities.qa import entries_of
    assert [(e.id, e.votes) for e in entries_of(made, made.activity)] == [(b, 0), (c, 1)]
    outcome = made.host("shortlist", top=2)
    poll, after = outcome.insert
    assert after == "qa1" and poll["options"] == ["C ?", "B ?"] and poll["origin"]["type"] == "qa"
    assert refused(lambda: made.host("shortlist", entries=[a, b])).code == "unknown_entry"


# ---------------------------------------------------------------------- archive


@dataclass
class Row:
    value: dict
    created_at: datetime


def archived(made: Room) -> dict:
    answers = [Row(value, datetime(2026, 11, 23, 19, 0, i)) for i, (_pid, value) in enumerate(made.stored)]
    document = {**made.activity.spec.as_dict(), "id": "qa1", "position": 0, "n_answers": made.tally.n_answers,
                **made.tally.results()}
    document.update(KIND.summary_fields(made.activity, made.tally, answers))
    return document


def test_the_summary_keeps_every_question_with_votes_status_reports_and_time():
    made = room()
    made.names["p1"] = "Zoé"
    a = made.ask("p1", "=HYPERLINK(\"x\") ?", as_name=True)
    b = made.ask("p2", "merde")
    made.send("upvote", "p3", question_id=a, up=True)
    made.send("report", "p3", question_id=a)
    made.host("moderate", question_id=a, action="pin")
    document = archived(made)
    assert document["moderation"] == "post" and document["moderation_actions"] == [{"action": "pin", "question_id": a}]
    assert document["questions"] == [
        {"id": a, "text": "=HYPERLINK(\"x\") ?", "votes": 1, "status": "pinned", "name": "Zoé", "reports": 1,
         "held": False, "asked_at": "2026-11-23T19:00:00Z"},
        {"id": b, "text": "merde", "votes": 0, "status": "pending", "name": None, "reports": 0, "held": True,
         "asked_at": "2026-11-23T19:00:01Z"},
    ]
    rows = list(csv.reader(io.StringIO(archive.questions_csv(document))))
    assert rows == [
        ["question", "votes", "status", "reports", "asked_at", "name"],
        ["'=HYPERLINK(\"x\") ?", "1", "pinned", "1", "2026-11-23T19:00:00Z", "Zoé"],
        ["merde", "0", "pending (filter)", "0", "2026-11-23T19:00:01Z", ""],
    ]
    assert KIND.archive_files(document, 3) == {"qa-3.csv": archive.questions_csv(document)}


class Page:
    locale = "en"

    def number(self, value):
        return f"{value:,}"

    def clock(self, timestamp):
        return timestamp[11:16] if timestamp else None


def test_the_archive_page_shows_what_the_room_saw_and_counts_the_rest():
    made = room()
    shown = made.ask("p1", "Visible ?")
    hidden = made.ask("p2", "Cachée ?")
    made.ask("p2", "merde")
    made.host("moderate", question_id=hidden, action="hide")
    view = KIND.archive_view(archived(made), 1, Page())
    assert [row["text"] for row in view["rows"]] == ["Visible ?"]
    assert (view["n_hidden"], view["n_pending"], view["n_questions"]) == (1, 1, 3)
    assert shown  # its row is above
    # Imported junk is skipped, never an error.
    assert KIND.archive_view({"questions": [None, {"text": 3}, "x"]}, 1, Page())["rows"] == []


def test_share_pages_show_no_nickname_and_the_comparison_matches_the_prompt():
    made = room()
    made.names["p1"] = "Zoé"
    made.ask("p1", "Où ?", as_name=True)
    summary = {"activities": [archived(made), {"type": "poll", "questions": [{"name": "x"}]}]}
    hidden = KIND.pseudonymised(summary)
    assert hidden["activities"][0]["questions"][0]["name"] is None
    assert hidden["activities"][1] == summary["activities"][1]
    assert summary["activities"][0]["questions"][0]["name"] == "Zoé"  # the original is untouched
    assert KIND.fingerprint_parts(archived(made)) == []


def test_the_editor_fields_round_trip():
    form = {"prompt": "Vos questions ?", "moderation": "pre"}
    spec = KIND.spec_from_form(form)
    assert spec == {"type": "qa", "prompt": "Vos questions ?", "moderation": "pre"}
    assert KIND.form_from_spec(parse_spec(spec).as_dict()) == form
    assert KIND.spec_from_form({"prompt": "x"})["moderation"] == "post"
    assert refused(lambda: parse_spec(KIND.spec_from_form({"prompt": "x", "moderation": "later"}))).code == "invalid_type"
    assert KIND.form_is_blank({"prompt": " ", "moderation": "post"})
