"""The pure rules of open questions (live/activities/open_text): the spec, answers,
grouping, the filter, moderation, upvotes, reports, the featured entry, the chain's
entries, what each screen sees, the archive and the editor. No server."""

from __future__ import annotations

import csv
import hashlib
import io
from types import SimpleNamespace

import pytest

from live.activities.base import Activity, KindSettings
from live.activities.open_text import KIND, archive, rules
from live.activities.registry import parse_spec
from live.domain.errors import DomainError
from live.domain.normalise import normalise_word
from live.domain.profanity import ProfanityFilter

FILTER = ProfanityFilter.from_lines(["merde", "spoiler"])


def spec(**overrides) -> rules.OpenTextSpec:
    return rules.parse_spec({"type": "open_text", "prompt": "Une idée pour le club ?", **overrides})


def refused(code: str, call, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


class Room:
    """One open question with its tally and kind state, as a session lends them to the
    kind (``LiveSession``): answers and events go through the kind, as the service
    sends them; host commands' kind states are stored and applied as the service does."""

    def __init__(self, **overrides) -> None:
        self.activity = Activity("ot", 0, spec(**overrides), KIND)
        self.states = {"ot": KIND.default_state()}
        self.tallies = {"ot": KIND.new_tally(self.activity, self.states["ot"], KindSettings(profanity=FILTER))}
        self.session = SimpleNamespace(tallies=self.tallies, states=self.states)
        self.stored: list[tuple[str, object]] = []  # the answer rows, in order

    @property
    def tally(self) -> rules.Tally:
        return self.tallies["ot"]

    def send(self, participant: str, text: str) -> str:
        value = KIND.check_answer(self.activity.spec, text)
        self._store(participant, value)
        return rules.entry_id(value)

    def event(self, name: str, participant: str, **payload):
        decision = KIND.participant_commands[name].decide(self.session, self.activity, participant, {"activity_id": "ot", **payload})
        self._store(participant, decision.value)
        return decision

    def _store(self, participant: str, value) -> None:
        self.stored.append((participant, value))
        KIND.count(self.tally, participant, value)

    def command(self, name: str, **payload):
        outcome = KIND.commands[name](self.session, self.activity, {"activity_id": "ot", **payload})
        for activity_id, state in outcome.states.items():
            self.states[activity_id] = state
            KIND.apply_state(self.activity, self.tally, state)
        return outcome

    def shown(self) -> dict[str, dict]:
        return {row["text"]: row for row in self.tally.rows()}

    def rebuilt(self) -> rules.Tally:
        """The tally another process (or a restart) builds from the stored state and rows."""
        tally = KIND.new_tally(self.activity, self.states["ot"], KindSettings(profanity=FILTER))
        for participant, value in self.stored:
            KIND.count(tally, participant, value)
        return tally


# ------------------------------------------------------------------------ spec


def test_the_spec_has_the_contracts_defaults():
    assert spec().as_dict() == {
        "type": "open_text", "prompt": "Une idée pour le club ?", "max_entries": 1, "max_length": 200, "upvotes": False,
    }
    assert spec(max_entries=10, max_length=500, upvotes=True).as_dict()["max_length"] == 500


def test_every_refusal_of_a_spec_comes_at_once():
    with pytest.raises(DomainError) as caught:
        rules.parse_spec({"prompt": " ", "max_entries": 0, "max_length": 501, "upvotes": "yes"}, "activities[2].")
    assert [(p.code, p.field) for p in caught.value.problems] == [
        ("blank", "activities[2].prompt"), ("out_of_range", "activities[2].max_entries"),
        ("out_of_range", "activities[2].max_length"), ("invalid_type", "activities[2].upvotes"),
    ]
    refused("invalid_type", rules.parse_spec, {"prompt": "Q", "max_entries": True})
    refused("out_of_range", rules.parse_spec, {"prompt": "Q", "max_entries": 11})
    refused("invalid_type", rules.parse_spec, {"prompt": "Q", "max_length": "200"})


# --------------------------------------------------------------------- answers


def test_answers_are_cleaned_and_bounded():
    short = spec(max_length=12)
    assert rules.check_answer(short, "  Plus\n de\u200b  café ") == "Plus de café"
    refused("invalid_value", rules.check_answer, short, 3)
    refused("invalid_value", rules.check_answer, short, ["a"])
    refused("invalid_value", rules.check_answer, short, None)
    refused("blank", rules.check_answer, short, " \u200b \n")
    refused("too_long", rules.check_answer, short, "x" * 13)
    refused("too_long", rules.check_answer, short, "x" * 10_000_000)
    assert rules.check_answer(short, "x" * 12) == "x" * 12
    assert rules.check_answer(short, "<b>hé</b>") == "<b>hé</b>"  # text, never stripped of "HTML"


def test_answers_that_say_the_same_thing_are_one_entry_with_a_stable_id():
    room = Room(max_entries=3)
    first = room.send("ana", "Plus de café !")
    assert room.send("ben", "plus de cafés") == first
    assert room.send("cleo", "PLUS DE CAFÉ") == first
    room.send("dan", "Plus de café !")
    other = room.send("ana", "Des livres")
    assert first != other and len(first) == 12
    assert first == hashlib.sha256(normalise_word("Plus de café !").encode()).hexdigest()[:12]
    rows = room.shown()
    assert rows["Plus de café !"]["count"] == 4 and rows["Plus de café !"]["senders"] == 4
    assert dict(map(tuple, rows["Plus de café !"]["spellings"]))["plus de cafés"] == 1
    # Another process, or a restart, gives every entry the same id.
    again = KIND.new_tally(room.activity, KIND.default_state(), KindSettings())
    for participant, text in (("x", "Des livres"), ("y", "plus de café")):
        again.add(text, participant)
    assert {row["id"] for row in again.rows()} == {first, other}


def test_a_participant_sends_up_to_max_entries_and_never_the_same_idea_twice():
    three = spec(max_entries=3)
    assert KIND.answer_limit(three) == 3 and KIND.answer_limit(spec()) == 1
    assert KIND.answer_key(three, "Plus de café !") == KIND.answer_key(three, "plus de cafés")
    assert KIND.takes_slot("Une idée") is True
    assert KIND.takes_slot({"vote": "abc"}) is False and KIND.takes_slot({"report": "abc"}) is False
    assert KIND.answer_key(three, {"vote": "abc"}) is None


def test_the_wall_shows_newest_first_and_the_best_by_upvotes_then_senders():
    room = Room(max_entries=3, upvotes=True)
    tea = room.send("ana", "Du thé")
    books = room.send("ben", "Des livres")
    room.send("cleo", "Des livres")
    room.send("dan", "Un jardin")
    room.event("upvote", "ana", question_id=tea)
    results = KIND.results(room.activity, "open", room.session)
    assert [e["text"] for e in results["entries"]] == ["Un jardin", "Des livres", "Du thé"]
    assert [e["text"] for e in results["top"]] == ["Du thé", "Des livres", "Un jardin"]
    assert results["top"][0] == {"id": tea, "text": "Du thé", "count": 1, "newest": 1, "votes": 1}
    assert results["n_entries"] == 3 and results["featured"] is None
    # A new answer to an older entry brings it back to the top of the newest.
    room.send("eve", "du the")
    assert KIND.results(room.activity, "open", room.session)["entries"][0]["id"] == tea
    assert books in {e["id"] for e in results["entries"]}


# ------------------------------------------------------------ filter, moderation


def test_the_filter_holds_an_entry_until_the_facilitator_releases_it():
    room = Room(max_entries=2)
    held = room.send("ana", "C'est de la merde")
    room.send("ben", "Pas de spoiler svp")
    room.send("cleo", "Super soirée")
    assert list(room.shown()) == ["Super soirée"]
    view = KIND.moderation_view(room.activity, room.session)
    assert [row["text"] for row in view["held"]] == ["Pas de spoiler svp", "C'est de la merde"]
    room.command("moderate", action="release", entry_id=held)
    assert "C'est de la merde" in room.shown()


def test_moderation_holds_hides_shows_merges_and_undoes_and_is_replayed_from_the_state():
    room = Room(max_entries=3)
    coffee = room.send("ana", "Plus de café")
    tea = room.send("ben", "Plus de thé")
    garden = room.send("cleo", "Un jardin")
    room.command("moderate", action="hide", entry_id=garden)
    room.command("moderate", action="hold", entry_id=tea)
    assert list(room.shown()) == ["Plus de café"]
    view = KIND.moderation_view(room.activity, room.session)
    assert [r["id"] for r in view["hidden"]] == [garden] and [r["id"] for r in view["held"]] == [tea]
    room.command("moderate", action="release", entry_id=tea)
    room.command("moderate", action="merge", **{"from": tea, "into": coffee})
    merged = room.shown()["Plus de café"]
    assert merged["count"] == 2 and merged["merged"] == [tea]
    # An entry merged into another stands for it: a phone's vote or report on it lands there.
    assert room.tally.visible(tea) == coffee
    assert room.rebuilt().rows() == room.tally.rows()  # another process replays the same state
    room.command("undo")
    assert set(room.shown()) == {"Plus de café", "Plus de thé"}
    room.command("moderate", action="show", entry_id=garden)
    assert set(room.shown()) == {"Plus de café", "Plus de thé", "Un jardin"}
    assert room.states["ot"]["moderation"] == [
        {"action": "hide", "key": garden}, {"action": "hold", "key": tea}, {"action": "release", "key": tea},
        {"action": "show", "key": garden},
    ]


@pytest.mark.parametrize("payload, code", [
    ({"action": "hide", "entry_id": "nope"}, "unknown_entry"),
    ({"action": "explode", "entry_id": "ENTRY"}, "invalid_payload"),
    ({"action": ["hide"], "entry_id": "ENTRY"}, "invalid_payload"),
    ({"action": "hide"}, "invalid_payload"),
    ({"action": "hide", "entry_id": 3}, "invalid_payload"),
    ({"action": "show", "entry_id": "ENTRY"}, "invalid_payload"),  # not hidden
    ({"action": "release", "entry_id": "ENTRY"}, "invalid_payload"),  # not held
    ({"action": "merge", "from": "ENTRY", "into": "ENTRY"}, "invalid_payload"),
    ({"action": "merge", "from": "ENTRY", "into": "nope"}, "unknown_entry"),
    ({"action": "merge", "from": "ENTRY"}, "invalid_payload"),
])
def test_a_wrong_moderation_is_refused_and_changes_nothing(payload, code):
    room = Room()
    ident = room.send("ana", "Une idée")
    payload = {key: ident if value == "ENTRY" else value for key, value in payload.items()}
    refused(code, room.command, "moderate", **payload)
    assert room.states["ot"]["moderation"] == [] and room.tally.moderation.actions == []
    refused("nothing_to_undo", room.command, "undo")


# ------------------------------------------------------------ upvotes, reports


def test_one_upvote_per_participant_per_entry_which_they_may_take_back():
    room = Room(upvotes=True)
    idea = room.send("ana", "Une idée")
    decision = room.event("upvote", "ben", question_id=idea, up=True)
    assert decision.value == {"vote": idea} and decision.guard == ("vote", idea)
    room.event("upvote", "ana", entry_id=idea)  # entry_id is an alias; "up" defaults to true
    assert room.shown()["Une idée"]["votes"] == 2
    refused("already_upvoted", room.event, "upvote", "ben", question_id=idea)
    room.event("upvote", "ben", question_id=idea, up=False)
    assert room.shown()["Une idée"]["votes"] == 1
    refused("not_upvoted", room.event, "upvote", "ben", question_id=idea, up=False)
    room.event("upvote", "ben", question_id=idea)
    assert room.shown()["Une idée"]["votes"] == 2


@pytest.mark.parametrize("payload, code", [
    ({"question_id": "nope"}, "unknown_entry"),
    ({}, "invalid_payload"),
    ({"question_id": 3}, "invalid_payload"),
    ({"question_id": ["IDEA"]}, "invalid_payload"),
    ({"entry_id": {"id": "IDEA"}}, "invalid_payload"),
    ({"question_id": "x" * 65}, "invalid_payload"),
    ({"question_id": "IDEA", "entry_id": "other"}, "invalid_payload"),
    ({"question_id": "IDEA", "up": "yes"}, "invalid_payload"),
    ({"question_id": "IDEA", "up": 1}, "invalid_payload"),
    ({"question_id": "HIDDEN"}, "unknown_entry"),
    ({"question_id": "HELD"}, "unknown_entry"),
])
def test_a_wrong_upvote_is_refused_and_counts_nothing(payload, code):
    room = Room(upvotes=True, max_entries=3)
    ids = {"IDEA": room.send("ana", "Une idée"), "HIDDEN": room.send("ana", "Cachée"), "HELD": room.send("ana", "merde")}
    room.command("moderate", action="hide", entry_id=ids["HIDDEN"])
    payload = {key: ids.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
    refused(code, room.event, "upvote", "ben", **payload)
    assert all(row["votes"] == 0 for row in room.tally.rows(None))


def test_no_upvote_when_the_spec_has_none():
    room = Room()
    idea = room.send("ana", "Une idée")
    refused("upvotes_off", room.event, "upvote", "ben", question_id=idea)
    assert "votes" not in KIND.results(room.activity, "open", room.session)["entries"][0]


def test_merged_entries_pool_their_upvotes_and_a_participant_counts_once():
    room = Room(upvotes=True, max_entries=2)
    coffee, tea = room.send("ana", "Plus de café"), room.send("ana", "Plus de thé")
    room.event("upvote", "ben", question_id=coffee)
    room.event("upvote", "ben", question_id=tea)
    room.event("upvote", "cleo", question_id=tea)
    room.command("moderate", action="merge", **{"from": tea, "into": coffee})
    assert room.shown()["Plus de café"]["votes"] == 2  # ben once, cleo
    refused("already_upvoted", room.event, "upvote", "cleo", question_id=coffee)
    room.event("upvote", "ben", question_id=coffee, up=False)  # taken back from both
    assert room.shown()["Plus de café"]["votes"] == 1
    room.command("undo")
    assert room.shown()["Plus de thé"]["votes"] == 1 and room.shown()["Plus de café"]["votes"] == 0


def test_reports_are_counted_once_per_participant_and_never_say_who():
    room = Room(upvotes=True)
    idea = room.send("ana", "Une idée")
    assert room.event("report", "ben", entry_id=idea).value == {"report": idea}
    room.event("report", "cleo", entry_id=idea)
    refused("already_reported", room.event, "report", "ben", entry_id=idea)
    refused("unknown_entry", room.event, "report", "ben", entry_id="nope")
    refused("invalid_payload", room.event, "report", "ben")
    view = KIND.moderation_view(room.activity, room.session)
    assert view["reported"] == [dict(view["entries"][0])] and view["reported"][0]["reports"] == 2
    assert "ben" not in repr(view) and "cleo" not in repr(view)
    assert KIND.describe_answer(room.activity.spec, {"report": idea}) is None
    assert KIND.describe_answer(room.activity.spec, {"vote": idea}) is None
    assert KIND.describe_answer(room.activity.spec, "Une idée") == "Une idée"
    room.command("moderate", action="hide", entry_id=idea)
    refused("unknown_entry", room.event, "report", "dan", entry_id=idea)


def test_what_phones_see_holds_nothing_private():
    room = Room(upvotes=True, max_entries=3)
    idea = room.send("ana-secret", "Une idée")
    room.send("ana-secret", "merde")
    hidden = room.send("ben-secret", "Cachée")
    room.command("moderate", action="hide", entry_id=hidden)
    room.event("upvote", "cleo-secret", question_id=idea)
    room.event("report", "dan-secret", entry_id=idea)
    feed = KIND.phone_feed(room.activity, "open", room.session)
    assert feed == {
        "entries": [{"id": idea, "text": "Une idée", "count": 1, "newest": 1, "votes": 1}],
        "n_entries": 1, "upvotes": True, "featured": None,
    }
    shown = KIND.phone_results(room.activity, "closed", room.session)
    assert shown == {"entries": feed["entries"], "n_entries": 1, "upvotes": True}
    assert "secret" not in repr(KIND.results(room.activity, "open", room.session))
    assert KIND.phone_feed(Room().activity, "open", Room().session) is None  # no upvotes: no wall


def test_the_phones_wall_keeps_the_newest_and_the_best_when_there_are_many():
    room = Room(upvotes=True)
    ids = [room.send(f"p{n}", f"Idée numéro {n}") for n in range(200)]
    room.event("upvote", "x", question_id=ids[3])
    feed = KIND.phone_feed(room.activity, "open", room.session)
    shown = [entry["id"] for entry in feed["entries"]]
    assert feed["n_entries"] == 200 and len(shown) <= 60
    assert ids[199] == shown[0] and ids[3] in shown


# ---------------------------------------------------------------- host commands


def test_the_host_features_one_visible_entry_and_clears_it():
    room = Room(max_entries=2)
    idea, other = room.send("ana", "Une idée"), room.send("ana", "Autre chose")
    outcome = room.command("feature", entry_id=idea)
    assert outcome.changed == {"ot"} and room.states["ot"]["featured"] == idea
    assert KIND.results(room.activity, "open", room.session)["featured"]["text"] == "Une idée"
    assert KIND.moderation_view(room.activity, room.session)["featured"] == idea
    refused("unknown_entry", room.command, "feature", entry_id="nope")
    refused("invalid_payload", room.command, "feature", entry_id=["x"])
    assert room.states["ot"]["featured"] == idea
    # Moderation keeps the featured entry in the state; a hidden entry is not featured.
    room.command("moderate", action="hide", entry_id=idea)
    assert room.states["ot"]["featured"] == idea
    assert KIND.results(room.activity, "open", room.session)["featured"] is None
    room.command("undo")
    assert room.rebuilt().featured_row()["id"] == idea
    room.command("feature", entry_id=None)
    assert KIND.results(room.activity, "open", room.session)["featured"] is None
    room.command("feature", entry_id=other)
    room.command("feature")
    assert room.states["ot"]["featured"] is None


def test_the_chain_takes_the_top_entries_or_the_facilitators_pick():
    room = Room(upvotes=True, max_entries=3)
    germinal = room.send("ana", "Germinal")
    nana = room.send("ben", "Nana")
    room.send("cleo", "Nana")
    bete = room.send("dan", "La Bête humaine")
    hidden = room.send("eve", "Cachée")
    room.command("moderate", action="hide", entry_id=hidden)
    room.event("upvote", "ana", question_id=bete)
    outcome = room.command("shortlist", top=3)
    poll, after = outcome.insert
    assert after == "ot" and poll["options"] == ["La Bête humaine", "Nana", "Germinal"]
    assert poll["prompt"] == "Une idée pour le club ?"
    assert poll["origin"]["options"][1] == {"votes": 0, "senders": 2, "entries": [nana]}
    assert parse_spec(poll).as_dict()["origin"]["type"] == "open_text"
    picked, _ = room.command("shortlist", entries=[germinal, nana]).insert
    assert picked["options"] == ["Germinal", "Nana"]
    refused("unknown_entry", room.command, "shortlist", entries=[germinal, hidden])
    refused("out_of_range", room.command, "shortlist", top=1)
    refused("too_few", Room().command, "shortlist", top=3)


# ---------------------------------------------------------------- summary, archive


def test_the_archive_lists_every_entry_for_the_facilitator_and_only_visible_ones_on_the_page():
    room = Room(upvotes=True, max_entries=3)
    idea = room.send("ana", "=HYPERLINK(\"http://x\")")
    room.send("ben", "merde")
    hidden = room.send("cleo", "Cachée")
    room.send("dan", "+33 6 12")
    room.command("moderate", action="hide", entry_id=hidden)
    room.event("upvote", "ben", question_id=idea)
    room.event("report", "cleo", entry_id=idea)
    summary = {**room.activity.spec.as_dict(), **room.tally.results(),
               **KIND.summary_fields(room.activity, room.tally, [])}
    assert [e["text"] for e in summary["entries"]] == ["+33 6 12", "=HYPERLINK(\"http://x\")"]
    files = KIND.archive_files(summary, 4)
    assert list(files) == ["open-text-4.csv"]
    rows = list(csv.DictReader(io.StringIO(files["open-text-4.csv"])))
    assert [(r["entry"], r["status"], r["upvotes"], r["reports"]) for r in rows] == [
        ("'=HYPERLINK(\"http://x\")", "shown", "1", "1"), ("merde", "held", "0", "0"),
        ("Cachée", "hidden", "0", "0"), ("'+33 6 12", "shown", "0", "0"),
    ]
    page = KIND.archive_view(summary, 4, None)
    assert [row["text"] for row in page["rows"]] == ["=HYPERLINK(\"http://x\")", "+33 6 12"]
    assert (page["n_hidden"], page["n_held"], page["upvotes"]) == (1, 1, True)


def test_the_archive_reads_an_untrusted_or_older_summary_without_failing():
    junk = {"type": "open_text", "table": [None, 3, {"text": 5}, {"text": "ok", "count": "x", "status": "shown"},
                                           {"text": "no status"}]}
    assert [row["text"] for row in archive.view(junk)["rows"]] == ["ok"]
    older = {"type": "open_text", "entries": [{"id": "a", "text": "Idée", "count": 2}]}
    assert archive.view(older)["rows"] == [{"text": "Idée", "senders": 2, "votes": 0}]
    assert archive.view(older)["has_table"] is False
    assert archive.entries_csv({"type": "open_text"}).splitlines() == [",".join(archive.CSV_COLUMNS)]


def test_the_comparison_matches_the_same_prompt():
    assert KIND.fingerprint_parts({"type": "open_text", "prompt": "Q", "max_entries": 3}) == []


def test_the_editor_fields_round_trip():
    form = {"prompt": "Une idée ?", "max_entries": "3", "max_length": "", "upvotes": "y", "hide_results": "y"}
    raw = KIND.spec_from_form(form)
    assert raw == {"type": "open_text", "prompt": "Une idée ?", "max_entries": 3, "max_length": 200, "upvotes": True,
                   "show_results": False}
    stored = parse_spec(raw).as_dict()
    assert KIND.form_from_spec(stored) == {**form, "max_length": "200"}
    refused("invalid_type", parse_spec, KIND.spec_from_form({"prompt": "Q", "max_entries": "deux"}))
