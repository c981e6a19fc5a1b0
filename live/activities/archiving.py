"""Helpers every kind's archive code shares (and the archive writer too): reading a
summary.json that may come from anywhere (an imported folder is untrusted, an older
server wrote fewer fields), and writing CSV cells a spreadsheet cannot run.

Pure: text in, text out.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_int(value: object) -> bool:
    """True for a whole number (``True`` is an int in Python, and is not one here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def count(value: object) -> int:
    """``value`` when it is a whole number of zero or more, else 0."""
    return value if is_int(value) and value >= 0 else 0


def number(value: object) -> int | float | None:
    """``value`` when it is a number (not a bool, not NaN), else None."""
    if is_int(value):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def formula_safe(text: str) -> str:
    """``text``, with a leading quote when a spreadsheet would run it as a formula."""
    # The quote makes a spreadsheet show the text instead of evaluating it.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def pairs(value: object) -> list[tuple[str, int]]:
    """``[[text, count], ...]`` from the summary, as tuples; anything else skipped."""
    found = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            found.append((item[0], count(item[1])))
    return found


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """A CSV document ("\\r\\n" line ends, as spreadsheets expect), every cell made
    formula-safe; None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(formula_safe("" if cell is None else str(cell)) for cell in row)
    return buffer.getvalue()
