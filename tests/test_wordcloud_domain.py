"""The pure rules of word clouds: grouping, limits, profanity, moderation."""

from __future__ import annotations

import json

import pytest

from live.activities.wordcloud import rules as wordcloud
from live.domain.errors import DomainError
from live.domain.profanity import ProfanityFilter
from live.wordlists import DEFAULT_LISTS, default_filter, server_filter

SHIPPED = default_filter()
from live.activities.wordcloud.rules import Moderation
from live.activities.wordcloud.rules import Tally as CloudTally
from live.domain.normalise import normalise_word


def Tally(spec, moderation=None, profanity=None):  # noqa: N802 - stands for the class
    """A word-cloud tally with the shipped word lists, as a server lends it (the rules
    read no files: the lists are loaded by live.wordlists and passed in)."""
    return CloudTally(spec, moderation, profanity if profanity is not None else SHIPPED)



def spec(**overrides) -> wordcloud.WordCloudSpec:
    raw = {"type": "wordcloud", "prompt": "Un mot pour cette soirée ?"}
    raw.update(overrides)
    return wordcloud.parse_spec(raw)


def refused(code: str, call, *args):
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    return caught.value


def tally_of(*entries: str, profanity: ProfanityFilter | None = None, **spec_overrides) -> Tally:
    cloud = spec(**spec_overrides)
    tally = Tally(cloud, profanity=profanity)
    for entry in entries:
        tally.add(wordcloud.check_answer(cloud, entry))
    return tally


# ------------------------------------------------------------------ normalisation

# Each row: spellings that must land in one group.
SAME_WORD = [
    ("lecture", "Lecture ", "LECTURE", "lectures", "  lecture  "),
    ("café", "cafe", "CAFÉ", "Café", "cafés"),
    ("« liberté ! »", "liberté", "Liberté...", '"liberte"', "(liberté)"),
    ("mots", "mot", "Mot !"),
    ("livre", "livres", "Livres"),
    ("idea", "ideas", "Ideas!"),
    ("jeux", "jeu", "Jeu"),
    ("chevaux", "cheval"),
    ("bateaux", "bateau"),
    ("bijoux", "bijou"),
    ("journaux", "journal"),
    ("vœux", "voeux", "voeu", "vœu"),
    ("cœur", "coeur", "Cœurs"),
    ("idées", "idée", "idee", "IDÉES"),
    ("amis", "ami", "Ami"),
    ("menus", "menu"),
    ("bisous", "bisou"),
    ("stories", "story"),
    ("wishes", "wish"),
    ("children", "child"),
    ("yeux", "œil", "oeil"),
    ("séries", "série", "serie"),
    ("grands-parents", "grand-parent"),
    ("c'est", "c’est", "C'EST", "c‘est"),
    ("peut-être", "peut‑être", "Peut-Être"),
    ("ＬＩＶＲＥ", "livre"),
    ("ﬁn", "fin"),
    ("Straße", "strasse"),
    ("👍🏽", "👍", "👍🏻"),
    ("❤️", "❤"),
    ("partage\u00a0!", "partage !", "partage\u202f!", "partage"),
    ("mer\u200bci", "merci", "mer\u00adci"),
    ("bonne   idée", "Bonne idée", "bonnes idées"),
]

# Each row: two spellings that must stay apart (different words).
DIFFERENT_WORDS = [
    ("bus", "bu"),
    ("pas", "pa"),
    ("fils", "fil"),
    ("news", "new"),
    ("is", "i"),
    ("gras", "gra"),
    ("souris", "souri"),
    ("temps", "temp"),
    ("prix", "pri"),
    ("bois", "boi"),
    ("jus", "ju"),
    ("nez", "ne"),
    ("Paris", "pari"),
    ("cas", "ça"),
    ("us", "u"),
    ("glass", "glas"),
    ("chaos", "chao"),
    ("mais", "mai"),
    ("fois", "foi"),
    ("mois", "moi"),
    ("cours", "cour"),
    ("vers", "ver"),
    ("pays", "pay"),
    ("ours", "our"),
    ("his", "hi"),
    ("its", "it"),
    ("does", "doe"),
    ("lives", "live"),
    ("sous", "sou"),
    ("plus", "plu"),
    ("après", "âpre"),
    ("près", "pré"),
    ("dans", "Dan"),
    ("gens", "gen"),
    ("fonds", "fond"),
    ("corps", "corp"),
    ("bras", "bra"),
    ("échecs", "échec"),
    ("goods", "good"),
    ("peux", "peu"),
    ("eux", "eu"),
    ("ils", "il"),
    ("des", "de"),
    ("les", "le"),
    ("revers", "rêver"),
    ("Vénus", "venu"),
    ("c'est", "cest"),
    ("it's", "its"),
    ("we'll", "well"),
    ("l'amour", "amour"),
    ("peut-être", "peut être"),
    ("C#", "C"),
    ("100%", "100"),
    ("party", "partie"),
    ("movie", "movy"),
    ("class", "classe"),
    ("mother's", "mother"),
    ("🎉", "🎊"),
]


@pytest.mark.parametrize("spellings", SAME_WORD, ids=lambda row: row[0])
def test_spellings_of_one_word_share_a_key(spellings):
    keys = {normalise_word(spelling) for spelling in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("first", "second"), DIFFERENT_WORDS, ids=lambda value: value)
def test_different_words_never_merge(first, second):
    assert normalise_word(first) != normalise_word(second)


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ("  « Lectures ! » ", "lecture"),
        ("CAFÉ", "cafe"),
        ("jeux", "jeu"),
        ("chevaux", "cheval"),
        ("Ideas", "idea"),
        ("🎉", "🎉"),
        ("👍🏽", "👍"),
        ("bus", "bus"),
        ("Paris", "paris"),
        ("?!", "?!"),
        (":-)", ":-)"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("Пушкин", "пушкин"),
        ("नमस्ते", "नमस्ते"),
    ],
)
def test_normalised_keys(entry, key):
    assert normalise_word(entry) == key


def test_normalisation_is_idempotent():
    spellings = [s for row in SAME_WORD for s in row] + [s for row in DIFFERENT_WORDS for s in row]
    for spelling in spellings:
        key = normalise_word(spelling)
        assert normalise_word(key) == key, spelling


def test_there_are_enough_table_cases():
    assert len(SAME_WORD) + len(DIFFERENT_WORDS) >= 40


# ---------------------------------------------------------------------------- spec


def test_spec_defaults_and_dict():
    parsed = spec(prompt="  Un   mot ? ")
    assert parsed.type == "wordcloud"
    assert parsed.as_dict() == {
        "type": "wordcloud",
        "prompt": "Un mot ?",
        "max_entries": 3,
        "max_length": 40,
        "single_word": False,
    }
    assert wordcloud.answer_limit(parsed) == 3
    assert wordcloud.public_view(parsed) == parsed.as_dict()
    custom = spec(max_entries=10, max_length=100, single_word=True)
    assert (custom.max_entries, custom.max_length, custom.single_word) == (10, 100, True)
    assert wordcloud.answer_limit(spec(max_entries=1)) == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"prompt": ""}, "blank", "prompt"),
        ({"prompt": None}, "invalid_type", "prompt"),
        ({"prompt": "x" * 301}, "too_long", "prompt"),
        ({"max_entries": 0}, "out_of_range", "max_entries"),
        ({"max_entries": 11}, "out_of_range", "max_entries"),
        ({"max_entries": "3"}, "invalid_type", "max_entries"),
        ({"max_entries": True}, "invalid_type", "max_entries"),
        ({"max_entries": 2.5}, "invalid_type", "max_entries"),
        ({"max_length": 0}, "out_of_range", "max_length"),
        ({"max_length": 101}, "out_of_range", "max_length"),
        ({"max_length": None}, "invalid_type", "max_length"),
        ({"single_word": "yes"}, "invalid_type", "single_word"),
    ],
)
def test_bad_specs_are_refused_with_the_field_at_fault(overrides, code, field):
    raw = {"type": "wordcloud", "prompt": "Un mot ?", **overrides}
    assert refused(code, wordcloud.parse_spec, raw).field == field
    assert refused(code, wordcloud.parse_spec, raw, "activities[2].").field == f"activities[2].{field}"


# ------------------------------------------------------------------------- answers


def test_entries_are_cleaned_and_kept_as_text():
    cloud = spec()
    assert wordcloud.check_answer(cloud, "  Lecture\u202e  du\tsoir ") == "Lecture du soir"
    assert wordcloud.check_answer(cloud, "mer\u200bci") == "merci"
    # HTML is text: stored as typed, never stripped, never interpreted here.
    assert wordcloud.check_answer(cloud, "<b>gras</b>") == "<b>gras</b>"
    assert wordcloud.check_answer(cloud, "<script>x</script>") == "<script>x</script>"
    assert wordcloud.check_answer(cloud, "🎉") == "🎉"
    assert wordcloud.check_answer(cloud, "?!") == "?!"
    assert wordcloud.describe_answer(cloud, "Lecture du soir") == "Lecture du soir"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "blank"),
        ("   ", "blank"),
        ("\u200b\u2060", "blank"),
        ("\u202e\u0000", "blank"),
        ("x" * 41, "too_long"),
        ("x" * 100_000, "too_long"),
        (None, "invalid_value"),
        (3, "invalid_value"),
        (True, "invalid_value"),
        (["lecture"], "invalid_value"),
        ({"text": "lecture"}, "invalid_value"),
    ],
)
def test_bad_entries_are_refused(value, code):
    assert refused(code, wordcloud.check_answer, spec(), value).field == "value"


def test_length_is_counted_after_cleaning():
    cloud = spec(max_length=5)
    assert wordcloud.check_answer(cloud, "  livre   ") == "livre"
    refused("too_long", wordcloud.check_answer, cloud, "livres")


def test_single_word_mode():
    cloud = spec(single_word=True)
    assert wordcloud.check_answer(cloud, "« liberté ! »") == "« liberté ! »"
    assert wordcloud.check_answer(cloud, "peut-être") == "peut-être"
    assert wordcloud.check_answer(cloud, "c'est") == "c'est"
    refused("not_single_word", wordcloud.check_answer, cloud, "bonne idée")
    assert wordcloud.check_answer(spec(), "bonne idée") == "bonne idée"


# --------------------------------------------------------------------------- tally


def test_grouping_and_display_spelling():
    tally = tally_of("lecture", "Lecture ", "LECTURE", "Lecture", "lectures", "café", "cafe", "CAFÉ", "cafe")
    assert tally.results() == {"words": [["Lecture", 5], ["cafe", 4]]}
    assert tally.n_answers == 9


def test_display_ties_go_to_the_spelling_seen_first():
    assert tally_of("Livres", "livre").results() == {"words": [["Livres", 2]]}
    assert tally_of("livre", "Livres").results() == {"words": [["livre", 2]]}


def test_display_drops_surrounding_punctuation_but_keeps_the_spelling():
    assert tally_of("« Liberté ! »", "liberte").results() == {"words": [["Liberté", 2]]}


def test_results_are_largest_first_then_alphabetical():
    tally = tally_of("zèbre", "arbre", "Banane", "arbre", "zèbre", "zèbre", "ciel", "Ciel")
    assert tally.results()["words"] == [["zèbre", 3], ["arbre", 2], ["ciel", 2], ["Banane", 1]]


def test_emoji_are_words():
    tally = tally_of("🎉", "🎉", "👍🏽", "👍", "super 🎉")
    assert tally.results()["words"] == [["🎉", 2], ["👍🏽", 2], ["super 🎉", 1]]


def test_empty_tally():
    tally = Tally(spec())
    assert tally.results() == {"words": []}
    assert tally.held() == [] and tally.hidden() == [] and tally.full_table() == []
    assert tally.n_answers == 0


def test_duplicates_from_one_participant_are_counted_by_the_domain():
    # Whether to accept them is the service's call; the tally counts what it is given.
    assert tally_of("vélo", "Vélo").results() == {"words": [["vélo", 2]]}


def test_answers_and_tally_follow_the_module_protocol():
    from live.activities.poll import rules as poll

    for name in ("TYPE", "parse_spec", "check_answer", "Tally", "public_view", "describe_answer", "answer_limit"):
        assert hasattr(wordcloud, name) and hasattr(poll, name), name
    assert wordcloud.TYPE == "wordcloud"


# ----------------------------------------------------------------------- profanity

PROFANE = [
    "merde", "MERDE", "merdé", "Merdes", "m e r d e", "m.e.r.d.e", "m3rde", "merdeeee", "mer\u200bde",
    "putain", "PUTAINS", "connard", "Connasse", "enculé", "ENCULES", "fils de pute", "fils-de-pute",
    "sacrée merde", "vraiment trop merdique", "nique ta mère", "ta gueule !", "pédé",
    "fuck", "F*U*C*K", "fuuuck", "sh1t", "shits", "Bullshit!", "a$$", "son of a bitch", "asshole", "🖕🏽",
]  # fmt: skip
CLEAN = [
    "assistant", "Scunthorpe", "cocktail", "constitution", "classe", "passion", "analyse", "bassesse",
    "dispute", "député", "salopette", "technique", "conseil", "cahier", "computer", "Essex", "therapist",
    "arsenal", "cul-de-sac", "queue", "moule", "Moby Dick", "chili con carne", "pros and cons", "Suprême NTM",
    "bonne idée", "lecture", "🎉", "shiitake", "grape", "butte", "Dickens", "pussy cat",
]  # fmt: skip


@pytest.mark.parametrize("entry", PROFANE)
def test_profanity_is_held_in_every_spelling(entry):
    assert default_filter().is_profane(entry)


@pytest.mark.parametrize("entry", CLEAN)
def test_no_scunthorpe_problem(entry):
    assert not default_filter().is_profane(entry)


def test_shipped_lists_have_a_source_a_licence_and_a_reasonable_size():
    for path in DEFAULT_LISTS:
        text = path.read_text(encoding="utf-8")
        assert "Source" in text and ("Licence" in text or "License" in text)
        entries = [line for line in text.splitlines() if line.strip() and not line.startswith(("#", "!"))]
        assert 100 <= len(entries) <= 300, (path.name, len(entries))


def test_held_entries_are_acknowledged_but_stay_off_the_projector():
    tally = Tally(spec())
    cloud = spec()
    assert tally.add(wordcloud.check_answer(cloud, "lecture")) == "shown"
    assert tally.add(wordcloud.check_answer(cloud, "MERDE")) == "held"
    assert tally.add(wordcloud.check_answer(cloud, "merdes")) == "held"
    assert tally.n_answers == 3
    assert tally.results() == {"words": [["lecture", 1]]}
    assert tally.held() == [{"key": "merde", "display": "MERDE", "count": 2}]


def test_session_and_server_words_extend_the_filter(tmp_path):
    server_list = tmp_path / "server.txt"
    server_list.write_text("# ours\nbrocoli\n!brocoli vapeur\n", encoding="utf-8")
    server = server_filter(server_list)
    assert server.is_profane("Brocolis") and server.is_profane("merde")
    assert not server.is_profane("brocoli vapeur")
    session = server.with_extra(["Chou-fleur", "!con", "#navet"])
    assert session.is_profane("CHOUX-FLEURS") and session.is_profane("chou fleur")
    assert session.is_profane("navet")
    assert not session.is_profane("con") and session.is_profane("connard")
    assert server.is_profane("con"), "with_extra gives a new filter and leaves the server's alone"
    tally = tally_of("brocoli", "lecture", profanity=session)
    assert tally.results() == {"words": [["lecture", 1]]}


def test_bad_session_words_are_refused():
    assert refused("invalid_type", default_filter().with_extra, "merde").field == "blocked_words"
    assert refused("invalid_type", default_filter().with_extra, ["ok", 3]).field == "blocked_words[1]"
    refused("too_long", default_filter().with_extra, ["x" * 101])
    refused("too_many", default_filter().with_extra, ["x"] * 501)


def test_an_empty_filter_holds_nothing():
    tally = tally_of("merde", profanity=ProfanityFilter())
    assert tally.results() == {"words": [["merde", 1]]}
    assert tally.held() == []


# ---------------------------------------------------------------------- moderation


def moderated() -> Tally:
    return tally_of("vélo", "Vélo", "vélos", "bicyclette", "bicyclette", "lecture", "merde")


def test_hide_and_show():
    tally = moderated()
    tally.moderate({"action": "hide", "key": "velo"})
    assert tally.results() == {"words": [["bicyclette", 2], ["lecture", 1]]}
    assert tally.hidden() == [{"key": "velo", "display": "vélo", "count": 3}]
    tally.add("VÉLO")  # a new entry of a hidden word is counted and stays hidden
    assert tally.hidden()[0]["count"] == 4 and tally.n_answers == 8
    tally.moderate({"action": "show", "key": "velo"})
    assert tally.results()["words"][0] == ["vélo", 4]


def test_words_can_be_named_by_their_displayed_spelling():
    tally = moderated()
    tally.moderate({"action": "hide", "key": "Vélos"})
    assert [word for word, _ in tally.results()["words"]] == ["bicyclette", "lecture"]


def test_merge_and_undo_restores_both_words():
    tally = moderated()
    before = tally.results()
    stored = tally.moderate({"action": "merge", "from": "vélo", "into": "bicyclette"})
    assert stored == {"action": "merge", "from": "velo", "into": "bicyclette"}
    assert tally.results() == {"words": [["bicyclette", 5], ["lecture", 1]]}
    row = next(row for row in tally.full_table() if row["key"] == "bicyclette")
    assert row["merged"] == ["velo"] and ["vélo", 1] in row["spellings"] and ["bicyclette", 2] in row["spellings"]
    tally.add("vélo")  # later entries of a merged word join the group it went into
    assert tally.results()["words"][0] == ["bicyclette", 6]
    assert tally.undo() == stored
    assert tally.results() == {"words": [["vélo", 4], ["bicyclette", 2], ["lecture", 1]]}
    assert before["words"][0] == ["vélo", 3]


def test_undo_is_repeatable_and_then_refused():
    tally = moderated()
    tally.moderate({"action": "hide", "key": "lecture"})
    tally.moderate({"action": "merge", "from": "velo", "into": "bicyclette"})
    tally.undo()
    tally.undo()
    assert tally.results() == {"words": [["vélo", 3], ["bicyclette", 2], ["lecture", 1]]}
    assert refused("nothing_to_undo", tally.undo)


def test_release_a_held_word():
    tally = moderated()
    assert tally.held() == [{"key": "merde", "display": "merde", "count": 1}]
    tally.moderate({"action": "release", "key": "merde"})
    assert tally.held() == [] and ["merde", 1] in tally.results()["words"]
    tally.undo()
    assert tally.held()[0]["key"] == "merde"
    tally.moderate({"action": "hide", "key": "merde"})  # discard it: from held to hidden
    assert tally.held() == [] and tally.hidden()[0]["key"] == "merde"


def test_full_table_records_every_group_and_its_status():
    tally = moderated()
    tally.moderate({"action": "hide", "key": "lecture"})
    table = {row["key"]: row for row in tally.full_table()}
    assert {key: row["status"] for key, row in table.items()} == {
        "velo": "shown",
        "bicyclette": "shown",
        "lecture": "hidden",
        "merde": "held",
    }
    assert table["velo"]["spellings"] == [["vélo", 1], ["Vélo", 1], ["vélos", 1]]
    assert table["velo"]["count"] == 3 and table["velo"]["display"] == "vélo"
    assert "lecture" not in json.dumps(tally.results())
    json.dumps(tally.full_table())  # ready for the archive


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ({"action": "hide", "key": "trottinette"}, "unknown_word"),
        ({"action": "merge", "from": "velo", "into": "trottinette"}, "unknown_word"),
        ({"action": "hide"}, "invalid_payload"),
        ({"action": "hide", "key": ""}, "invalid_payload"),
        ({"action": "hide", "key": 3}, "invalid_payload"),
        ({"action": "hide", "key": "x" * 401}, "invalid_payload"),
        ({"action": "explode", "key": "velo"}, "invalid_payload"),
        ({"key": "velo"}, "invalid_payload"),
        ("hide velo", "invalid_payload"),
        ({"action": "merge", "from": "velo", "into": "velo"}, "invalid_payload"),
        ({"action": "merge", "from": "vélos", "into": "Vélo"}, "invalid_payload"),
        ({"action": "release", "key": "lecture"}, "invalid_payload"),
        ({"action": "show", "key": "lecture"}, "invalid_payload"),
    ],
)
def test_bad_moderation_is_refused_and_not_recorded(action, code):
    tally = moderated()
    refused(code, tally.moderate, action)
    assert tally.moderation.as_list() == []


def test_hiding_twice_is_refused():
    tally = moderated()
    tally.moderate({"action": "hide", "key": "lecture"})
    refused("invalid_payload", tally.moderate, {"action": "hide", "key": "lecture"})
    assert len(tally.moderation.as_list()) == 1


def test_moderation_round_trips_through_json_and_rebuilds_the_same_cloud():
    entries = ["vélo", "Vélo", "vélos", "bicyclette", "bicyclette", "lecture", "merde", "bus"]
    tally = tally_of(*entries)
    tally.moderate({"action": "merge", "from": "bicyclette", "into": "velo"})
    tally.moderate({"action": "hide", "key": "bus"})
    tally.moderate({"action": "release", "key": "merde"})
    stored = json.loads(json.dumps(tally.moderation.as_list()))
    # A restarted process: moderation first, then every stored entry again.
    rebuilt = Tally(spec(), moderation=Moderation.from_list(stored))
    for entry in entries:
        rebuilt.add(entry)
    assert rebuilt.results() == tally.results()
    assert rebuilt.full_table() == tally.full_table()
    assert rebuilt.results() == {"words": [["vélo", 5], ["lecture", 1], ["merde", 1]]}


def test_moderation_storage_is_validated():
    assert Moderation.from_list(None).as_list() == []
    refused("invalid_payload", Moderation.from_list, "hide")
    refused("invalid_payload", Moderation.from_list, [{"action": "hide"}])
    moderation = Moderation()
    assert moderation.apply({"action": "hide", "key": "velo", "extra": 1}) == {"action": "hide", "key": "velo"}
    assert moderation.undo() == {"action": "hide", "key": "velo"}
    refused("nothing_to_undo", moderation.undo)


def test_stale_stored_actions_are_skipped_on_rebuild():
    # e.g. a word released when the server list held it, and the list changed since.
    moderation = Moderation.from_list([{"action": "release", "key": "lecture"}, {"action": "hide", "key": "gone"}])
    tally = Tally(spec(), moderation=moderation)
    tally.add("lecture")
    assert tally.results() == {"words": [["lecture", 1]]}


def test_moderation_is_shared_with_the_caller():
    moderation = Moderation()
    tally = Tally(spec(), moderation=moderation)
    tally.add("lecture")
    tally.moderate({"action": "hide", "key": "lecture"})
    assert moderation.as_list() == [{"action": "hide", "key": "lecture"}]
    moderation.undo()  # changed from outside: the tally follows
    assert tally.results() == {"words": [["lecture", 1]]}


def test_a_large_cloud_replays_its_moderation_once_not_per_entry(monkeypatch):
    """Thousands of entries under a stored moderation: the actions are replayed over
    every group once and the view then grows entry by entry (replaying per entry made
    a restart of a large cloud quadratic). Counted, not timed."""
    from live.activities.wordcloud import rules

    replays = []
    real_replay = rules.replay
    monkeypatch.setattr(rules, "replay", lambda *args: replays.append(1) or real_replay(*args))
    cloud = spec()
    tally = Tally(cloud, moderation=Moderation.from_list([{"action": "hide", "key": "mot999"}]))
    for index in range(15_000):
        tally.add(f"mot{index % 3000}")
    assert len(tally.results()["words"]) == 2999
    assert len(replays) <= 2  # the first entry, and the hidden word's own group
