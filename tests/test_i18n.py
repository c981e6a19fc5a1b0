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
