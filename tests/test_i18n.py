"""Every interface text has a French translation, and the compiled catalogue
the server reads matches the one people edit."""

from __future__ import annotations

from configparser import RawConfigParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "live" / "translations" / "fr" / "LC_MESSAGES"


def extracted_ids() -> set:
    config = RawConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map, options_map = [], {}
    for section in config.sections():
        method, pattern = section.split(":", 1)
        method_map.append((pattern.strip(), method.strip()))
        options_map[pattern.strip()] = dict(config.items(section))
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, strip_comment_tags=True
    ):
        if "/.venv/" in _file or _file.startswith(".venv"):
            continue
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated_into_french():
    with open(FRENCH / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = sorted(m.id for m in catalogue if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string))))
    assert missing == [], "translate these in messages.po, then scripts/i18n compile"
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert extracted_ids() - ids == set(), "new texts: run scripts/i18n and translate them"


def _plain(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_the_compiled_catalogue_is_up_to_date():
    with open(FRENCH / "messages.po", "rb") as handle:
        source = {_plain(m.id): _plain(m.string) for m in read_po(handle) if m.id}
    with open(FRENCH / "messages.mo", "rb") as handle:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    assert compiled == source, "run scripts/i18n compile"


# -- French plurals ----------------------------------------------------------------------

import re  # noqa: E402

from babel.support import Translations  # noqa: E402

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _french() -> Translations:
    return Translations.load(str(ROOT / "live" / "translations"), ["fr"])


def test_french_plurals_use_the_singular_for_zero_and_one_and_say_the_number():
    french = _french()

    def said(singular: str, plural: str, n: int) -> str:
        return french.ngettext(singular, plural, n) % {"num": n}

    assert [said("%(num)d answer", "%(num)d answers", n) for n in (0, 1, 2)] == ["0 réponse", "1 réponse", "2 réponses"]
    assert [said("%(num)d participant", "%(num)d participants", n) for n in (0, 1, 2)] == [
        "0 participant", "1 participant", "2 participants"]
    assert [said("%(num)d question added", "%(num)d questions added", n) for n in (0, 1, 2)] == [
        "0 question ajoutée", "1 question ajoutée", "2 questions ajoutées"]
    assert said("%(num)d archived session", "%(num)d archived sessions", 0) == "0 session archivée"


def _french_catalogue():
    with open(FRENCH / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_french_plural_form_keeps_the_number_of_its_english_plural():
    wrong = []
    for message in _french_catalogue():
        if not message.pluralizable:
            continue
        wanted = set(_PLACEHOLDER.findall(message.id[1]))
        wrong += [(message.id[0], form) for form in message.string if set(_PLACEHOLDER.findall(form)) != wanted]
    assert wrong == []


# The browser's plural texts: "<key>_one" / "<key>_other" pairs in the pages' strings.
_JS_PLURAL = re.compile(r'"(\w+)_(one|other)"\s*:\s*_\("((?:[^"\\]|\\.)*)"')


def test_the_french_singular_of_a_browser_text_never_says_1_where_it_counts():
    """In French the singular also serves 0 ("0 réponse"): a singular that says a
    literal 1 would show "1" for nothing, so it holds the number ({n}) instead."""
    french = _french()
    pairs: dict[tuple[str, str], dict[str, str]] = {}
    for folder in (ROOT / "templates", ROOT / "live"):
        for path in folder.rglob("*.html"):
            for key, form, text in _JS_PLURAL.findall(path.read_text(encoding="utf-8")):
                pairs.setdefault((str(path.relative_to(ROOT)), key), {})[form] = french.gettext(text.replace('\\"', '"'))
    assert len(pairs) > 40
    literal_one = re.compile(r"(?<![\d{])1(?![\d}])")
    wrong = [(where, forms["one"]) for where, forms in pairs.items()
             if "{n}" in forms.get("other", "") and "{n}" not in forms.get("one", "")
             and literal_one.search(forms.get("one", ""))]
    assert wrong == []


# -- French typography and wording ---------------------------------------------------------


def _french_strings() -> list[tuple[str, str]]:
    found = []
    for message in _french_catalogue():
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(message.id if isinstance(message.id, str) else message.id[0], form) for form in forms]
    return found


def test_french_punctuation_has_a_no_break_space_and_words_are_consistent():
    """A no-break space (U+00A0, the same one everywhere) before ; : ! ? » and after «,
    so that a line never starts with a lone "?"; typographic apostrophes; and one word
    for a session: "session" (as the menus say), never "séance"."""
    strings = _french_strings()
    loose = [text for _id, text in strings if re.search(r"[ \u202f][;:!?»]|«[ \u202f]", text)]
    glued = [text for _id, text in strings if re.search(r"[^\W\d][;?]|«\w|\w»", text)]
    apostrophes = [text for _id, text in strings if re.search(r"(?<=\w)'(?=\w)", text)]
    seance = [text for _id, text in strings if re.search(r"séance", text, re.I)]
    assert loose == [] and glued == [] and apostrophes == [] and seance == []
    assert sum("\u00a0" in text for _id, text in strings) > 200


def test_french_ordinals_are_written_the_french_way():
    french = _french()
    assert [french.gettext(place) for place in ("1st", "2nd", "3rd")] == ["1er", "2e", "3e"]
    assert not [text for _id, text in _french_strings() if re.search(r"\d+ ?(ème|eme|ième)\b", text)]
