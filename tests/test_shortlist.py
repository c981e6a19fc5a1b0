"""The chain's rules (live/activities/shortlist.py) and the lifecycle of an activity
that runs beside the others (live/domain/session.py), without a server."""

from __future__ import annotations

import pytest

from live.activities.base import Activity
from live.activities.registry import kind, parse_spec
from live.activities.shortlist import Entry, pick, poll_of
from live.domain.errors import DomainError
from live.domain.session import CLOSED, OPEN, PENDING, Lifecycle

ENTRIES = [
    Entry("a", "Germinal", votes=2, senders=1),
    Entry("b", "Nana", votes=5, senders=1),
    Entry("c", "germinal !", votes=0, senders=3),
    Entry("d", "L'Assommoir", votes=2, senders=2),
]


def _source() -> Activity:
    planned = parse_spec({"type": "poll", "prompt": "Quel livre ensuite ?", "options": ["x", "y"]})
    return Activity("src", 0, planned.spec, kind("poll"))


def test_top_ranks_by_upvotes_then_by_senders_then_by_age():
    assert [e.id for e in pick(ENTRIES, {"top": 4})] == ["b", "d", "a", "c"]
    assert [e.id for e in pick(ENTRIES, {"top": 2})] == ["b", "d"]


def test_the_facilitators_pick_keeps_its_order():
    assert [e.id for e in pick(ENTRIES, {"entries": ["c", "a"]})] == ["c", "a"]


@pytest.mark.parametrize("payload, code", [
    ({}, "invalid_payload"),
    ({"top": 3, "entries": ["a"]}, "invalid_payload"),
    ({"top": 1}, "out_of_range"),
    ({"top": 13}, "out_of_range"),
    ({"top": "3"}, "out_of_range"),
    ({"top": True}, "out_of_range"),
    ({"entries": "a,b"}, "invalid_payload"),
    ({"entries": ["a", "a"]}, "invalid_payload"),
    ({"entries": ["a", "zzz"]}, "unknown_entry"),
    ({"entries": ["a"] * 51}, "invalid_payload"),
])
def test_a_wrong_shortlist_is_refused(payload, code):
    with pytest.raises(DomainError) as refused:
        pick(ENTRIES, payload)
    assert refused.value.code == code


def test_texts_that_say_the_same_thing_are_one_option_with_its_origin():
    poll = poll_of(_source(), pick(ENTRIES, {"top": 4}))
    assert poll["options"] == ["Nana", "L'Assommoir", "Germinal"]
    assert poll["prompt"] == "Quel livre ensuite ?"
    merged = poll["origin"]["options"][2]
    assert merged == {"votes": 2, "senders": 4, "entries": ["a", "c"]}
    assert poll["origin"]["activity_id"] == "src"
    stored = parse_spec(poll).as_dict()  # a valid poll, origin kept
    assert stored["origin"] == poll["origin"]


def test_one_text_twice_is_too_few_for_a_poll():
    with pytest.raises(DomainError) as refused:
        poll_of(_source(), pick(ENTRIES, {"entries": ["a", "c"]}))
    assert refused.value.code == "too_few"


def test_a_forged_origin_is_refused():
    with pytest.raises(DomainError) as refused:
        parse_spec({"type": "poll", "prompt": "P", "options": ["x", "y"], "origin": {"activity_id": 3}})
    assert refused.value.code == "invalid_type" and refused.value.field == "origin"


def test_an_activity_beside_stays_open_while_others_open_and_close():
    lifecycle = Lifecycle(statuses={"qa": PENDING, "p1": PENDING, "p2": PENDING, "qa2": PENDING},
                          beside=frozenset({"qa", "qa2"}))
    lifecycle.open("qa")
    assert lifecycle.side is None  # on screen, not beside
    assert lifecycle.open_closing("p1") == ()
    assert lifecycle.side == "qa" and lifecycle.statuses["qa"] == OPEN
    assert lifecycle.open_closing("p2") == ("p1",)
    assert lifecycle.side == "qa"
    lifecycle.check_answerable("qa")
    # Another of its sort closes it: one side at a time.
    assert set(lifecycle.open_closing("qa2")) == {"qa", "p2"}
    assert lifecycle.side is None and lifecycle.statuses["qa"] == CLOSED
    lifecycle.open("p1")
    assert lifecycle.side == "qa2"
    lifecycle.close("qa2")
    assert lifecycle.side is None


def test_an_entry_longer_than_a_poll_option_is_shortened_and_its_whole_text_kept():
    long = "Un grand repas partagé dans le parc du quartier, " * 4
    entries = [Entry("a", long.strip(), votes=3), Entry("b", "Un jardin", votes=1)]
    poll = poll_of(_source(), pick(entries, {"top": 2}))
    assert len(poll["options"][0]) == 120 and poll["options"][0].endswith("…")
    assert poll["origin"]["options"][0]["full_text"] == long.strip()
    assert "full_text" not in poll["origin"]["options"][1]
    assert parse_spec(poll).as_dict()["origin"] == poll["origin"]  # kept when stored


def test_the_summary_page_says_which_options_of_a_chain_poll_were_shortened():
    from live.archive import writer
    from tests.test_archive_writer import make_poll, make_summary

    long = ("Un grand repas partagé dans le parc du quartier, avec des jeux pour les enfants, de la musique "
            "l’après-midi et une buvette tenue par les parents")
    poll = poll_of(_source(), pick([Entry("a", long, votes=3), Entry("b", "Un jardin", votes=1)], {"top": 2}))
    activity = {**make_poll(), "options": poll["options"], "counts": [2, 1], "origin": poll["origin"]}
    page = writer.render_summary_page(make_summary([activity]), locale="fr").replace("\u00a0", " ")
    assert f"Raccourcie dans le sondage ; la réponse entière : « {long} »" in page
    assert page.count("Raccourcie dans le sondage") == 1
