"""The rating scale: "from 1 to 5, how much...?"; each participant taps one value; the
room sees the distribution and a big average.

Rules (spec, answers, tally) in ``rules.py``; the editor, archive and comparison
partials in ``templates/``; the host screen, phone and results views in
``static/js/kinds/scale.js``. docs/ACTIVITY_KINDS.md walks through this package as
the worked example of adding a kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms, options
from live.activities.archiving import count, csv_text
from live.activities.archiving import number as numeric
from live.activities.base import Activity, ActivityKind, Capabilities, KindSettings
from live.activities.scale import rules

CSV_COLUMNS = ("value", "count", "share")


def value_labels(activity: dict) -> list[str]:
    """Each value of an archived scale as the page labels it: "1 — Pas du tout" ... "5"."""
    low, high = activity.get("min"), activity.get("max")
    if not isinstance(low, int) or not isinstance(high, int) or low > high:
        return []
    labels = [str(value) for value in range(low, high + 1)]
    if activity.get("min_label"):
        labels[0] = f"{labels[0]} — {activity['min_label']}"
    if activity.get("max_label"):
        labels[-1] = f"{labels[-1]} — {activity['max_label']}"
    return labels


class ScaleKind(ActivityKind):
    """Rating scales: counts per value and their average, shown to phones once closed."""

    name = rules.TYPE
    capabilities = Capabilities()
    package_dir = Path(__file__).parent
    script = "js/kinds/scale.js"

    def parse_spec(self, raw: dict, where: str = "") -> rules.ScaleSpec:
        return rules.parse_spec(raw, where)

    def check_answer(self, spec: rules.ScaleSpec, value: object) -> int:
        return rules.check_answer(spec, value)

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec)

    # -- archive

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        n_answers = count(activity.get("n_answers"))
        counts = activity.get("counts") if isinstance(activity.get("counts"), list) else []
        low = activity.get("min") if isinstance(activity.get("min"), int) else 0
        rows = [
            (low + index, count(tally), round(count(tally) / n_answers, 4) if n_answers else 0.0)
            for index, tally in enumerate(counts)
        ]
        return {f"{self.name}-{number}.csv": csv_text(CSV_COLUMNS, rows)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        charted = {**activity, "options": value_labels(activity)}
        average = numeric(activity.get("average"))
        return {
            **options.chart_view(charted, page, multiple=False),
            "average": page.decimal(average, "#,##0.0#") if average is not None else None,
            "max": activity.get("max"),
        }

    def fingerprint_parts(self, activity: dict) -> list:
        return [activity.get("min"), activity.get("max"), activity.get("min_label") or "", activity.get("max_label") or ""]

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        spec = {
            "type": self.name, "prompt": form.get("prompt", ""),
            "min": forms.whole(form.get("min"), rules.DEFAULT_MIN), "max": forms.whole(form.get("max"), rules.DEFAULT_MAX),
        }
        for end in ("min_label", "max_label"):
            if (form.get(end) or "").strip():
                spec[end] = form[end]
        return forms.results_setting(form, spec)

    def form_from_spec(self, spec: dict) -> dict:
        return {
            "prompt": spec.get("prompt", ""), "min": str(spec.get("min", rules.DEFAULT_MIN)),
            "max": str(spec.get("max", rules.DEFAULT_MAX)), "min_label": spec.get("min_label") or "",
            "max_label": spec.get("max_label") or "", **forms.results_field(spec),
        }

    def form_is_blank(self, form: Mapping[str, str]) -> bool:
        """Nothing typed: no question, no words for the ends, the range as offered."""
        untouched = {"min": ("", str(rules.DEFAULT_MIN)), "max": ("", str(rules.DEFAULT_MAX))}
        return (
            not any((form.get(name) or "").strip() for name in ("prompt", "min_label", "max_label"))
            and all((form.get(name) or "").strip() in offered for name, offered in untouched.items())
        )


KIND = ScaleKind()
