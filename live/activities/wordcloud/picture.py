"""Lay out a word cloud for the archived summary page, in pure Python.

The page is static (no script), so the cloud is computed here and drawn as inline
SVG by the template. The layout is deterministic: the same words give the same
positions, hence the same SVG byte for byte. It works on integer coordinates in a
fixed viewBox and uses no randomness.

How it works:

- font size from the count on a square-root scale (area grows with the count),
  the largest word at ``MAX_SIZE`` at most, none below ``MIN_SIZE``;
- words horizontal, largest first, each tried along an Archimedean spiral from
  the centre (stretched to the viewBox's proportions, mirrored from one word to
  the next so the cloud grows on every side) until its axis-aligned box hits no
  placed box and stays inside the viewBox;
- the width of a word is *estimated* from character classes (narrow, default,
  wide, CJK, emoji), deliberately on the wide side: the page is read in browsers
  we cannot measure from here, and an over-estimate only leaves a little air;
- when words do not fit, the whole scale shrinks and the layout starts again;
  what still does not fit at the smallest scale is left out of the picture (the
  table under the cloud lists every word);
- finally the cloud is moved so that it sits in the middle of the viewBox.

Text is never escaped or formatted here: the template does that.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

WIDTH, HEIGHT = 800, 400  # the viewBox, in SVG user units
MARGIN = 4  # no word box comes closer than this to the edge
PAD = 2  # air around each word box, on every side
MIN_SIZE, MAX_SIZE = 14, 64  # font sizes, in user units
MAX_WORDS = 100
FILL = 0.8  # share of the viewBox the word boxes may cover before shrinking
SHRINK = 0.88  # scale factor between two layout attempts
MAX_ATTEMPTS = 10

# Vertical extent of a line of text around its baseline, in ems: room for an
# accent on a capital ("É") above and for descenders ("g", "ç") below.
ASCENT, DESCENT = 0.96, 0.27

# Palette: dark enough for 4.5:1 on white (WCAG AA for any size) and for print.
PALETTE = (
    "#1a4f8b",  # blue
    "#a3222f",  # red
    "#1d6b3f",  # green
    "#6b3fa0",  # purple
    "#8a4b08",  # brown
    "#006a78",  # teal
    "#333333",  # grey
    "#a2246b",  # magenta
)

# Advance widths in ems, measured in Chromium on DejaVu Sans Bold (one of the
# widest fonts a "system-ui, sans-serif" stack at weight 600 can end up with) and
# Noto Color Emoji (1.25 em), then rounded up.
_NARROW = 0.5  # i j l f t r I J . , ; : ! ' ( ) [ ] | and friends
_LOWER = 0.73  # most lowercase letters and digits
_UPPER = 0.88  # most capitals and symbols
_WIDE = 1.2  # m w M W œ æ % @ … —
_X_WIDE = 1.36  # Œ Ж Ш Щ Ю and similar
_SPACE = 0.36
_CJK = 1.05  # Han, kana, Hangul, full-width forms
_EMOJI = 1.36  # colour emoji are a little wider than an em in most fonts
_OTHER = 1.0  # any other letter (Greek, Cyrillic, Arabic, Devanagari...)
_SAFETY = 1.05  # on top of all the above
_EPSILON = 0.01  # boxes closer than this count as overlapping while placing

_NARROW_CHARS = set("ijlftrIJ.,;:!'\"()[]{}|/\\`-_·’‘‚ıìíîïĳ")
_WIDE_CHARS = set("mwMWœæÆ%@…—©®™")
_X_WIDE_CHARS = set("ŒЖШЩЮжшщюЫыФфМДд")


@dataclass(frozen=True)
class PlacedWord:
    """One word drawn in the cloud. ``x`` is the middle of the word
    (``text-anchor="middle"``) and ``y`` its baseline, both integers."""

    text: str
    count: int
    x: int
    y: int
    size: int
    colour: str


@dataclass(frozen=True)
class Cloud:
    """The result of ``layout``: the words drawn, and those left out."""

    words: tuple[PlacedWord, ...]
    left_out: tuple[tuple[str, int], ...]
    width: int = WIDTH
    height: int = HEIGHT


def layout(words: list[tuple[str, int]] | list[list], width: int = WIDTH, height: int = HEIGHT) -> Cloud:
    """Place ``words`` (``[text, count]`` pairs, any order) in a ``width`` x ``height`` box.

    The largest words come first (ties: alphabetical), at most ``MAX_WORDS`` of
    them are drawn. Words with an empty text or a count below 1 are ignored.
    (Laying out a large cloud takes a noticeable fraction of a second: the archive
    writer remembers the last few layouts, see ``PageFormat.remembered``.)
    """
    entries = tuple(_clean(words))
    # A word wider than the picture even at the smallest size can never be drawn.
    fits, too_wide = [], []
    for entry in entries:
        (fits if text_width(entry[0], MIN_SIZE) + 2 * (PAD + MARGIN) <= width else too_wide).append(entry)
    drawable = fits[:MAX_WORDS]
    left_out = too_wide + fits[MAX_WORDS:]
    if not drawable:
        return Cloud((), tuple(left_out), width, height)
    top = drawable[0][1]
    unit = [math.sqrt(count / top) for _text, count in drawable]  # 1.0 for the largest word

    scale = _first_scale(drawable, unit, width, height)
    spiral = _spiral(width, height)
    for attempt in range(MAX_ATTEMPTS):
        sizes = [_size(text, u * scale, width) for (text, _count), u in zip(drawable, unit)]
        last = attempt == MAX_ATTEMPTS - 1 or all(size <= MIN_SIZE for size in sizes)
        # Before the last attempt, give up at the first word that does not fit:
        # the next attempt is smaller anyway.
        placed, missing = _place(drawable, sizes, width, height, give_up=not last, spiral=spiral)
        if not missing or last:
            break
        scale *= SHRINK
    left_out = sorted(missing + left_out, key=_order)
    return Cloud(tuple(_centre(placed, width, height)), tuple(left_out), width, height)


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` set at ``size`` (see module doc)."""
    return _ems(text) * size


def word_box(text: str, x: float, y: float, size: float) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a word at middle ``x`` and baseline ``y``
    takes, air included. Two placed words never have overlapping boxes."""
    half = text_width(text, size) / 2 + PAD
    up, down = ASCENT * size + PAD, DESCENT * size + PAD
    return (x - half, y - up, x + half, y + down)


def contrast_on_white(colour: str) -> float:
    """The WCAG contrast ratio of ``#rrggbb`` on white."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


# ---------------------------------------------------------------------- internals


def _clean(words) -> list[tuple[str, int]]:
    entries = []
    for item in words or ():
        try:
            text, count = item
        except (TypeError, ValueError):
            continue
        if not isinstance(text, str) or not text.strip():
            continue
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            continue
        entries.append((text, count))
    return sorted(entries, key=_order)


def _order(entry: tuple[str, int]) -> tuple:
    """Largest first, then alphabetically, as on the projector."""
    return (-entry[1], entry[0].casefold(), entry[0])


def _size(text: str, scaled: float, width: int) -> int:
    """The font size of one word: ``MAX_SIZE * scaled``, at least ``MIN_SIZE``,
    and small enough for the word to fit the width when it can."""
    size = max(MIN_SIZE, round(MAX_SIZE * scaled))
    widest = (width - 2 * MARGIN - 2 * PAD) / max(_ems(text), 0.01)
    return max(MIN_SIZE, min(size, math.floor(widest)))


def _first_scale(drawable, unit, width: int, height: int) -> float:
    """A first guess of the scale, so that the boxes cover about ``FILL`` of the area."""
    area = 0.0
    for (text, _count), u in zip(drawable, unit):
        size = _size(text, u, width)
        area += (text_width(text, size) + 2 * PAD) * ((ASCENT + DESCENT) * size + 2 * PAD)
    budget = FILL * width * height
    return 1.0 if area <= budget else math.sqrt(budget / area)


def _place(
    drawable, sizes, width: int, height: int, give_up: bool, spiral: tuple,
) -> tuple[list[PlacedWord], list[tuple[str, int]]]:
    """Place the words in order; with ``give_up``, stop at the first that does not fit."""
    placed: list[PlacedWord] = []
    boxes: list[tuple[float, float, float, float]] = []
    missing: list[tuple[str, int]] = []
    left, top, right, bottom = MARGIN, MARGIN, width - MARGIN, height - MARGIN
    for index, ((text, count), size) in enumerate(zip(drawable, sizes)):
        # Start with the word centred on the middle of the viewBox.
        x0 = width // 2
        y0 = height // 2 + round((ASCENT - DESCENT) / 2 * size)
        half = text_width(text, size) / 2 + PAD
        up, down = ASCENT * size + PAD, DESCENT * size + PAD
        # Mirror the spiral from word to word, so the cloud grows on every side.
        flip_x = -1 if index % 2 else 1
        flip_y = -1 if index % 4 >= 2 else 1
        last_hit = None
        spot = None
        for dx, dy in spiral:
            x, y = x0 + flip_x * dx, y0 + flip_y * dy
            box = (x - half, y - up, x + half, y + down)
            if box[0] < left or box[1] < top or box[2] > right or box[3] > bottom:
                continue
            if last_hit is not None and _overlap(box, last_hit):
                continue
            last_hit = next((other for other in boxes if _overlap(box, other)), None)
            if last_hit is None:
                spot = (x, y, box)
                break
        if spot is None:
            missing.append((text, count))
            if give_up:
                break
            continue
        x, y, box = spot
        boxes.append(box)
        placed.append(PlacedWord(text, count, x, y, size, PALETTE[index % len(PALETTE)]))
    return placed, missing


def _overlap(a, b) -> bool:
    """True when two boxes share some area or nearly touch: the tolerance keeps
    rounding, when the cloud is moved to the middle, from making them overlap."""
    return a[0] < b[2] + _EPSILON and b[0] < a[2] + _EPSILON and a[1] < b[3] + _EPSILON and b[1] < a[3] + _EPSILON


def _centre(placed: list[PlacedWord], width: int, height: int) -> list[PlacedWord]:
    """The words moved (by whole units) so that the cloud's bounds sit in the middle."""
    if not placed:
        return placed
    boxes = [word_box(w.text, w.x, w.y, w.size) for w in placed]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    # Any whole shift in [low, high] keeps every box inside the margins; 0 is one.
    dx = _clamp(round((width - left - right) / 2), math.ceil(MARGIN - left), math.floor(width - MARGIN - right))
    dy = _clamp(round((height - top - bottom) / 2), math.ceil(MARGIN - top), math.floor(height - MARGIN - bottom))
    return [PlacedWord(w.text, w.count, w.x + dx, w.y + dy, w.size, w.colour) for w in placed]


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def _spiral(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """Integer offsets from the centre along an Archimedean spiral (r = b * theta),
    stretched horizontally to the viewBox's proportions, each offset once."""
    ratio = width / height
    turn = 8.0  # vertical distance between two turns
    step = 6.0  # distance between two points along the curve, roughly
    b = turn / (2 * math.pi)
    reach = math.hypot(width / ratio, height) / 2  # the spiral's last turn passes the corners
    points: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    theta = 0.0
    while b * theta <= reach:
        radius = b * theta
        point = (round(ratio * radius * math.cos(theta)), round(radius * math.sin(theta)))
        if point not in seen:
            seen.add(point)
            points.append(point)
        theta += step / max(radius * max(ratio, 1.0), step)
    return tuple(points)


def _ems(text: str) -> float:
    """The width of ``text`` in ems (see the class widths above)."""
    total = 0.0
    for char in text:
        total += _char_ems(char)
    return total * _SAFETY


def _char_ems(char: str) -> float:
    if char == " ":
        return _SPACE
    if char in _NARROW_CHARS:
        return _NARROW
    if char in _WIDE_CHARS:
        return _WIDE
    if char in _X_WIDE_CHARS:
        return _X_WIDE
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf") or 0xFE00 <= ord(char) <= 0xFE0F:
        return 0.0  # combining accents, joiners, variation selectors
    if _is_emoji(char, category):
        return _EMOJI
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _CJK
    if category.startswith("Z"):
        return _SPACE
    if ord(char) < 0x250:  # Latin: judge by the letter without its accent
        base = unicodedata.normalize("NFD", char)[0]
        if base in _NARROW_CHARS:
            return _NARROW
        if base in _WIDE_CHARS:
            return _WIDE
        if base.islower() or base.isdigit():
            return _LOWER
        return _UPPER
    return _OTHER


def _is_emoji(char: str, category: str) -> bool:
    code = ord(char)
    if 0x1F000 <= code <= 0x1FAFF:  # emoji blocks, regional indicators and skin tones included
        return True
    return category == "So" and (0x2190 <= code <= 0x2BFF or 0x3290 <= code <= 0x329F)
