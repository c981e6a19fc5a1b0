"""Reactions: the emoji participants may send at any time of a session (issue 14).

They belong to the session, not to an activity: its ``reactions`` setting lists the
emoji (an empty list switches them off). Each tap is one count, never a stored row:
counts are kept here, coalesced, and leave in two directions at their own pace,
to the host screens (``take_unpushed``, a few times a second) and to the database
(``take_unstored``, about once a second). Nothing here reads the clock or knows
about sockets or the database; whether a text is one emoji is asked of the caller
(``is_emoji``), which knows the Unicode emoji data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from live.domain.errors import Checks, DomainError

# The default set: applause, love, agreement, a question in mind, celebration.
# Chosen for associations, clubs and classes: warm or neutral, and no face laughing
# (a laughing face reads as mockery when the speaker is a child or a volunteer).
DEFAULT_SET = ("👏", "❤️", "👍", "🤔", "🎉")


def N_(text: str) -> str:
    """Marks a text for the translation catalogue; it is translated where it is shown."""
    return text


# What the session editor offers to pick from (anything else may be typed), each
# with the name buttons are read out with (translated where shown).
NAMES = {
    "👏": N_("Applause"), "❤️": N_("Love it"), "👍": N_("Agree"), "🤔": N_("Thinking"), "🎉": N_("Celebrate"),
    "🙌": N_("Hooray"), "💡": N_("Idea"), "😮": N_("Wow"), "😊": N_("Happy"), "🙏": N_("Thank you"),
    "🔥": N_("Brilliant"), "⭐": N_("Star"), "✅": N_("Done"), "❓": N_("Question"), "✋": N_("Raise a hand"),
    "👎": N_("Disagree"),
}
CURATED = tuple(NAMES)
MAX_EMOJI = 8
# An emoji, even a family or a flag, is far shorter; anything longer is refused unread.
MAX_LENGTH = 16

# How fast one participant may react (per participant, never per address: a whole
# venue shares one): a small burst, then a couple a second.
RATE_PER_SECOND = 2.0
BURST = 6

# Host screens hear the counts at most this often; the database gets them about
# this often (and at the end, before the archive is written).
PUSH_SECONDS = 0.25
STORE_SECONDS = 1.0

VARIATION_SELECTOR = "\ufe0f"


def parse_reaction_set(value: object, is_emoji: Callable[[str], bool], canonical: Callable[[str], str]) -> list[str]:
    """The emoji of a ``reactions`` setting (a list; ``[]`` switches reactions off),
    refusing, all at once: anything but a list of texts, more than ``MAX_EMOJI``,
    an item that is not a single emoji, the same emoji twice. ``canonical`` gives
    the fully-qualified form of an emoji (``❤`` -> ``❤️``), which is what is kept."""
    if not isinstance(value, list):
        raise DomainError("invalid_type", "reactions must be a list of emoji ([] switches them off).", "reactions")
    checks = Checks()
    if len(value) > MAX_EMOJI:
        checks.run(lambda: _refuse("too_many", f"At most {MAX_EMOJI} reactions; {len(value)} were given.", "reactions"))
    kept: list[str] = []
    for index, item in enumerate(value):
        emoji = checks.run(lambda item=item, index=index: _one_emoji(item, f"reactions[{index}]", is_emoji, canonical))
        if emoji is None:
            continue
        if emoji in kept:
            checks.run(lambda emoji=emoji, index=index: _refuse(
                "duplicate", f"{emoji} is listed twice.", f"reactions[{index}]"))
            continue
        kept.append(emoji)
    checks.done()
    return kept


def _one_emoji(item: object, where: str, is_emoji: Callable[[str], bool], canonical: Callable[[str], str]) -> str:
    if not isinstance(item, str):
        raise DomainError("invalid_type", "Each reaction must be an emoji, as text.", where)
    text = item.strip()
    if not text:
        raise DomainError("blank", "A reaction is empty.", where)
    if len(text) > MAX_LENGTH or not is_emoji(text):
        raise DomainError("not_an_emoji", f"“{text[:MAX_LENGTH]}” is not a single emoji.", where)
    return canonical(text)


def _refuse(code: str, message: str, where: str) -> None:
    raise DomainError(code, message, where)


def match(sent: object, allowed: list[str] | tuple[str, ...]) -> str | None:
    """The emoji of ``allowed`` that ``sent`` is, or None. A phone may send an emoji
    with or without its variation selector (``❤`` for ``❤️``): both are the same."""
    if not isinstance(sent, str) or len(sent) > MAX_LENGTH:
        return None
    if sent in allowed:
        return sent
    bare = sent.replace(VARIATION_SELECTOR, "")
    for emoji in allowed:
        if emoji.replace(VARIATION_SELECTOR, "") == bare:
            return emoji
    return None


@dataclass
class ReactionCounter:
    """A session's reactions counted in this process and not yet told: to the host
    screens (``unpushed``) and to the database (``unstored``). Each accepted tap adds
    one to both; each side takes its counts when its time comes."""

    unpushed: dict[str, int] = field(default_factory=dict)
    unstored: dict[str, int] = field(default_factory=dict)
    pushed_at: float = float("-inf")
    # How many times counts were taken for the database: the round that will take
    # the counts held now (other processes wait for it at the end).
    round: int = 0

    def add(self, emoji: str) -> bool:
        """Count one tap; True when it is the first not yet stored (the database has
        everything before it)."""
        first = not self.unstored
        self.unpushed[emoji] = self.unpushed.get(emoji, 0) + 1
        self.unstored[emoji] = self.unstored.get(emoji, 0) + 1
        return first

    def take_unpushed(self, now: float, every: float = PUSH_SECONDS) -> dict[str, int] | None:
        """The counts since the last push, if there are some and the last push was at
        least ``every`` seconds ago (else None, and they wait for a later tick)."""
        if not self.unpushed or now - self.pushed_at < every:
            return None
        counts, self.unpushed, self.pushed_at = self.unpushed, {}, now
        return counts

    def take_unstored(self) -> dict[str, int]:
        """The counts the database does not have yet (they are now the caller's); the
        next round of storing takes what comes after them."""
        counts, self.unstored = self.unstored, {}
        self.round += 1
        return counts

    def give_back(self, counts: dict[str, int]) -> None:
        """Counts the database refused (it was down): they wait for the next try."""
        for emoji, n in counts.items():
            self.unstored[emoji] = self.unstored.get(emoji, 0) + n


def totals(reaction_set: list[str], stored: dict[str, int]) -> dict[str, int]:
    """Every emoji of the set with its total (0 when nobody sent it), in the set's
    order, then any other emoji counted earlier (the set was edited in the lobby)."""
    counted = {emoji: stored.get(emoji, 0) for emoji in reaction_set}
    for emoji, n in stored.items():
        if emoji not in counted and n:
            counted[emoji] = n
    return counted
