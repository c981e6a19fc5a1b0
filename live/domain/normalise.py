"""The grouping key of short texts typed by people: two entries with the same key
say the same thing. Word clouds group their entries by it, the profanity filter
matches on it, and open answers that say the same thing are one entry.

Pure and idempotent: no state, no files.
"""

from __future__ import annotations

import re
import unicodedata

from live.domain.text import clean_text

# Invisible characters that survive clean_text (they are "format", not "control")
# and would let "mer\u200bde" look like "merde" while comparing unequal.
INVISIBLE = frozenset("\u200b\u2060\ufeff\u00ad\u180e")


def clean_entry(value: str) -> str:
    """An entry as stored and shown: cleaned text without invisible characters,
    single spaces."""
    return " ".join("".join(char for char in clean_text(value) if char not in INVISIBLE).split())


# ------------------------------------------------------------------ normalisation
#
# The grouping key of an entry. The rules, in order:
#   1. typographic apostrophes become "'" (before NFKC, which would turn the
#      acute accent U+00B4 into a space and a combining mark);
#   2. Unicode NFKC (full-width letters, ligatures, non-breaking spaces);
#   3. control and bidi characters removed (clean_text), invisible characters
#      removed, spaces trimmed and collapsed;
#   4. case folding, "œ" -> "oe", "æ" -> "ae", accents removed ("café" = "cafe");
#   5. emoji kept as words; skin tones and emoji variation selectors dropped from
#      the key, so "👍🏽" and "👍" count together (the spelling shown is still the
#      most frequent one);
#   6. punctuation around each word dropped ("« liberté ! »" = "liberté"); inside
#      a word it stays ("c'est" != "cest", "peut-être" != "peut être"): removing
#      it would merge "we'll" with "well" and "it's" with "its";
#   7. conservative French and English plurals (see singular).
# An entry made only of punctuation ("?!", ":-)") keeps its punctuation as key.

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'"})
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_SKIN_TONES = set(chr(code) for code in range(0x1F3FB, 0x1F400))
_VARIATION_SELECTORS = set("\ufe0e\ufe0f")
_EMOJI_MODIFIERS = _SKIN_TONES | _VARIATION_SELECTORS
_ZWJ, _ZWNJ = "\u200d", "\u200c"
# Kept at the end of a word, where they are part of it: "C#", "100%".
_KEPT_TRAILING = set("#%")


def normalise_word(text: str) -> str:
    """The grouping key of a word-cloud entry: two entries with the same key are
    the same word. Pure and idempotent; see the rules above and ``singular``.

    >>> normalise_word("  « Lectures ! » ")
    'lecture'
    """
    folded = _fold(text)
    tokens = [_strip_punctuation(token) for token in folded.split(" ")]
    words = [singular(token) for token in tokens if token]
    if not words:
        return folded  # only punctuation: keep it rather than lose the entry
    return " ".join(words)


def display_form(text: str) -> str:
    """An entry as shown in the cloud: the participant's spelling (case, accents,
    emoji kept) without the punctuation around its words."""
    cleaned = clean_entry(text)
    words = [word for word in (_strip_punctuation(token) for token in cleaned.split(" ")) if word]
    return " ".join(words) if words else cleaned


def _fold(text: str) -> str:
    """Steps 1 to 5: the entry without case, accents, skin tones or odd spaces."""
    text = unicodedata.normalize("NFKC", text.translate(_APOSTROPHES)).translate(_HYPHENS)
    text = unicodedata.normalize("NFKC", clean_text(text).casefold()).translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFD", text)
    # Only the Latin combining accents (U+0300-U+036F) go: marks of other scripts
    # (Devanagari vowel signs, for instance) are letters there, not accents.
    text = unicodedata.normalize("NFC", "".join(char for char in decomposed if not 0x300 <= ord(char) <= 0x36F))
    kept = []
    for index, char in enumerate(text):
        if char in INVISIBLE or char in _SKIN_TONES or char in _VARIATION_SELECTORS or char == _ZWNJ:
            continue
        if char == _ZWJ and not _joins_emoji(text, index):
            continue  # a joiner between letters only hides a word from the filter
        kept.append(char)
    return " ".join("".join(kept).split())


def _joins_emoji(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return any(char and unicodedata.category(char) in ("So", "Sk") for char in (before, after)) or (
        before in _EMOJI_MODIFIERS
    )


def _strip_punctuation(token: str) -> str:
    """The token without the punctuation around it ("«", "!", "...", quotes)."""
    start, end = 0, len(token)
    while start < end and unicodedata.category(token[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(token[end - 1]).startswith("P") and token[end - 1] not in _KEPT_TRAILING:
        end -= 1
    return token[start:end]


# ------------------------------------------------------------------------ plurals
#
# The rule must never merge two different words: a missed merge costs the
# facilitator one "merge" click, a wrong merge silently changes what the room
# said. So:
#   - only words made of Latin letters (after accent removal) are touched;
#   - a final "s" goes when at least three letters remain ("mots" -> "mot",
#     "ideas" -> "idea"), so "bus", "pas", "cas", "jus", "is", "us", "les",
#     "des", "its", "his" stay whole;
#   - never after "ss" ("glass" != "glas", "class", "boss");
#   - after "u" only when four letters remain ("menus" -> "menu", "bisous" ->
#     "bisou"), so "plus", "sous", "tous", "nous" stay whole;
#   - "-eux" -> "-eu" ("jeux" -> "jeu", "feux", "lieux", "vœux"), "-eaux" ->
#     "-eau" ("bateaux", "gâteaux"); "-aux" -> "-al"/"-ail" and "-oux" -> "-ou"
#     only for the words of a safe list ("chevaux" -> "cheval", "bijoux" -> "bijou");
#     any other final "x" stays ("prix", "voix", "paix", "faux");
#   - English "-shes" -> "-sh" ("wishes"); "-ies" -> "-y" only for a safe list
#     ("stories" -> "story"), since French "-ies" is "-ie" + "s" ("séries",
#     "parties", "technologies");
#   - _INVARIABLE lists words ending in "s" whose stem is another word ("mais"/"mai",
#     "fois"/"foi", "mois"/"moi", "fils"/"fil", "news"/"new", "Paris"/"pari") or
#     that are singular ("temps", "souris", "chaos", "bois", "gras"): they never lose
#     their "s". Keys are accent-free, so the list is too.
#   - Hyphenated words are singularised part by part ("grands-parents").
# Accent removal is a separate, wanted merge: it also merges "marché"/"marche";
# the facilitator cannot split a group, but sees every spelling in the archive.

_INVARIABLE = frozenset(
    """
    mais fois mois bois pois frais lais souris paris denis remis temps printemps corps pays
    fils gras bras repos heros chaos cosmos lucas nicolas canvas vegas cannes
    dans sans sens gens biens riens tiens moyens environs fonds cours ours vers revers divers
    tiers apres pres tres gres mets echecs sous plus tous nous vous venus buses
    news means odds goods arms aids hers yours does lives leaves species sometimes besides
    premises physics politics economics basics pants shorts customs manners
    """.split()
)

_IRREGULAR = {
    # French: -aux -> -al / -ail, -oux -> -ou, and a few others, each checked by hand.
    **{
        plural: plural[:-3] + "al"
        for plural in """animaux chevaux journaux hopitaux canaux generaux locaux egaux signaux metaux
        vegetaux mineraux cristaux capitaux tribunaux rivaux ideaux originaux principaux sociaux
        nationaux internationaux musicaux totaux normaux globaux royaux loyaux amicaux speciaux
        medicaux regionaux municipaux bocaux""".split()
    },
    "travaux": "travail", "vitraux": "vitrail", "coraux": "corail",
    **{plural: plural[:-1] for plural in "bijoux cailloux choux genoux hiboux joujoux poux".split()},
    "yeux": "oeil", "cieux": "ciel",
    "messieurs": "monsieur", "mesdames": "madame", "mesdemoiselles": "mademoiselle",
    # English: -ies -> -y only where no French word ends the same way.
    **{
        plural: plural[:-3] + "y"
        for plural in """stories cities activities memories families countries communities studies
        hobbies libraries babies ladies companies universities opportunities possibilities
        difficulties abilities bodies butterflies puppies berries cherries strawberries""".split()
    },
    "matches": "match", "beaches": "beach", "lunches": "lunch", "sandwiches": "sandwich",
    "churches": "church", "coaches": "coach", "watches": "watch", "speeches": "speech", "boxes": "box",
    "children": "child", "women": "woman", "men": "man", "mice": "mouse", "teeth": "tooth",
    "feet": "foot", "geese": "goose", "knives": "knife", "wives": "wife", "halves": "half",
    "wolves": "wolf", "shelves": "shelf", "thieves": "thief",
}  # fmt: skip

_LATIN_WORD = re.compile(r"[a-z]+")
_SEPARATORS = re.compile(r"([-'])")


def singular(token: str) -> str:
    """``token`` with a French or English plural mark removed when that is safe."""
    if "-" in token or "'" in token:
        parts = _SEPARATORS.split(token)
        return "".join(part if part in "-'" else _singular_word(part) for part in parts)
    return _singular_word(token)


def _singular_word(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not _LATIN_WORD.fullmatch(word) or word in _INVARIABLE:
        return word
    if word.endswith("x"):
        if len(word) >= 4 and word.endswith("eux"):
            return word[:-1] if word != "peux" else word  # "peux" is not "peu"
        if word.endswith("eaux"):
            return word[:-1]
        return word
    if not word.endswith("s") or len(word) < 4 or word.endswith("ss"):
        return word
    if word.endswith("us") and len(word) < 5:
        return word
    if word.endswith("shes") and len(word) >= 6:
        return word[:-2]
    return word[:-1]
