"""Reading the session editor's fields, shared by the kinds' ``spec_from_form``.

The editor posts text; a kind turns it into the raw spec the API takes, and its
``parse_spec`` then refuses what is wrong, naming the field. So nothing here
refuses: a value that is not a whole number is passed on as typed.
"""

from __future__ import annotations


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea (one option per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def whole(text: str | None, default: int) -> int | str:
    """A typed whole number, ``default`` when left blank, the text itself when it
    is not a number (for the kind's checks to refuse by name)."""
    typed = (text or "").strip()
    if not typed:
        return default
    return int(typed) if typed.lstrip("-").isdigit() else typed


def option_numbers(typed: str | None) -> list:
    """"2" or "1, 3" (options numbered from 1, as people count) as 0-based indices;
    anything that is not a number is passed on for the kind to refuse by name."""
    tokens = (typed or "").replace(";", ",").replace(" ", ",").split(",")
    return [int(t) - 1 if t.strip().isdigit() else t.strip() for t in tokens if t.strip()]


def results_setting(form, spec: dict) -> dict:
    """``spec`` with ``show_results: false`` when the editor's "keep the results off
    the phones" box is ticked (left out otherwise: the kind's default applies)."""
    if form.get("hide_results") == "y":
        return {**spec, "show_results": False}
    return spec


def results_field(spec: dict) -> dict:
    """The editor's "keep the results off the phones" box for a stored spec."""
    return {"hide_results": "y"} if spec.get("show_results") is False else {}
