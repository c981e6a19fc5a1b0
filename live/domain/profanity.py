"""Profanity filter for word-cloud entries, matched word by word on normalised text.

Word lists are plain text, one entry per line (see live/wordlists/profanity/*.txt):

- ``merde``: a word; also matches "MERDE", "merdé", "merdes", "m e r d e",
  "m.e.r.d.e", "m3rde", "merdeeee", and "merde" inside a longer entry;
- ``fils de pute``: a phrase, matched as consecutive words;
- ``!chili con carne``: an exception; words inside it are never held there
  (a session can also lift a listed word with ``!word``);
- ``#`` starts a comment line.

Matching is on whole words of the normalised entry (``normalise_word``), never
on substrings, so "Scunthorpe", "assistant", "cocktail", "constitution" and
"dispute" pass. An entry is profane if any of its words or phrases is listed.

The rules here are pure: the shipped lists (French and English) and a server's own
file are read at start by ``live.wordlists`` and given to ``from_lines``; a session
adds its own words with ``with_extra``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from live.domain.errors import DomainError
from live.domain.normalise import normalise_word
from live.domain.normalise import singular as _singular
from live.domain.text import clean_text

MAX_EXTRA_WORDS = 500
MAX_EXTRA_LENGTH = 100

# A "part" is a run of letters and digits (with "@" and "$", which stand for
# letters in "s@lope" and "a$$"), or a single symbol such as an emoji.
_PART = re.compile(r"(?:[^\W_]|[@$])+|[^\w\s]")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_REPEATS = re.compile(r"(.)\1{2,}")

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class ProfanityFilter:
    """Normalised listed words, phrases and exceptions. Immutable: adding words
    gives a new filter, so the server's filter can be shared by every session.
    An empty filter (``ProfanityFilter()``) holds nothing: the filter is off."""

    words: frozenset[str] = frozenset()
    phrases: frozenset[Phrase] = frozenset()
    exceptions: frozenset[Phrase] = frozenset()

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> ProfanityFilter:
        """A filter from list lines (words, phrases, ``!exceptions``, ``#`` comments)."""
        return cls().with_lines(lines)

    def with_lines(self, lines: Iterable[str]) -> ProfanityFilter:
        """This filter plus the entries of ``lines`` (list-file syntax)."""
        words, phrases, exceptions = set(self.words), set(self.phrases), set(self.exceptions)
        for line in lines:
            entry = clean_text(line)
            if not entry or entry.startswith("#"):
                continue
            if entry.startswith("!"):
                parts = _entry_parts(entry[1:])
                if parts:
                    exceptions.add(parts)
                continue
            parts = _entry_parts(entry)
            if len(parts) == 1:
                words.add(parts[0])
            elif parts:
                phrases.add(parts)
        return ProfanityFilter(frozenset(words), frozenset(phrases), frozenset(exceptions))

    def with_extra(self, words: object) -> ProfanityFilter:
        """This filter plus a session's own words (a list of strings; ``!word``
        lifts a listed word for the session). Refuses anything else with a
        DomainError on field ``blocked_words``."""
        if not isinstance(words, list | tuple):
            raise DomainError("invalid_type", "The filtered words must be a list of strings.", "blocked_words")
        if len(words) > MAX_EXTRA_WORDS:
            raise DomainError("too_many", f"At most {MAX_EXTRA_WORDS} filtered words.", "blocked_words")
        for index, word in enumerate(words):
            if not isinstance(word, str):
                raise DomainError("invalid_type", "A filtered word must be text.", f"blocked_words[{index}]")
            if len(word) > MAX_EXTRA_LENGTH:
                raise DomainError("too_long", "A filtered word is too long.", f"blocked_words[{index}]")
        # A session's word is a word, never a comment: "#tag" is listed as "tag".
        return self.with_lines(word.lstrip("#") for word in words)

    def __len__(self) -> int:
        return len(self.words) + len(self.phrases)

    def is_profane(self, text: str) -> bool:
        """Whether ``text`` holds a listed word or phrase outside an exception."""
        if not self.words and not self.phrases:
            return False
        parts = _parts(normalise_word(text))
        safe = self._safe_positions(parts)
        for start, candidate_words in _candidates(parts):
            if start not in safe and any(word in self.words for word in candidate_words):
                return True
        for phrase in self.phrases:
            for start in _occurrences(parts, phrase):
                if not all(position in safe for position in range(start, start + len(phrase))):
                    return True
        # Letters typed one by one ("m e r d e", "f.u.c.k") make a word of their own.
        for start, length, joined in _letter_runs(parts):
            if joined in self.words and not all(p in safe for p in range(start, start + length)):
                return True
        return False

    def _safe_positions(self, parts: list[str]) -> set[int]:
        safe: set[int] = set()
        for phrase in self.exceptions:
            for start in _occurrences(parts, phrase):
                safe.update(range(start, start + len(phrase)))
        return safe


def _entry_parts(entry: str) -> Phrase:
    return tuple(_parts(normalise_word(entry)))


def _parts(key: str) -> list[str]:
    """The words of a normalised key, split at every punctuation mark, each made
    singular; lone punctuation dropped, lone symbols (emoji) kept."""
    parts = []
    for part in _PART.findall(key):
        if len(part) == 1 and unicodedata.category(part).startswith("P"):
            continue
        parts.append(_singular(part))
    return parts


def _candidates(parts: list[str]) -> Iterable[tuple[int, set[str]]]:
    """Each part with the spellings it may hide: leetspeak ("m3rde") and
    stretched letters ("merdeeee", "fuuuck")."""
    for index, part in enumerate(parts):
        forms = {part}
        if any(char.isalpha() for char in part) and any(char in "013457@$" for char in part):
            forms.add(_singular(part.translate(_LEET)))
        for form in list(forms):
            if _REPEATS.search(form):
                forms.add(_singular(_REPEATS.sub(r"\1", form)))
                forms.add(_singular(_REPEATS.sub(r"\1\1", form)))
        yield index, forms


def _letter_runs(parts: list[str]) -> Iterable[tuple[int, int, str]]:
    """Runs of two or more single letters, joined: (start, length, word)."""
    start = 0
    while start < len(parts):
        end = start
        while end < len(parts) and len(parts[end]) == 1 and parts[end].isalpha():
            end += 1
        if end - start >= 2:
            yield start, end - start, _singular("".join(parts[start:end]))
        start = max(end, start + 1)


def _occurrences(parts: list[str], phrase: Phrase) -> Iterable[int]:
    """Start positions of ``phrase`` as consecutive parts of ``parts``."""
    size = len(phrase)
    for start in range(len(parts) - size + 1):
        if tuple(parts[start : start + size]) == phrase:
            yield start
