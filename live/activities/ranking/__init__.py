"""The ranking: participants put 2 to 10 options in order, best first; the room sees
the average rank of each option and a bar chart of its Borda count.

Rules (spec, answer, tally, figures) in ``rules.py``; the archive section and CSV in
``archive.py``; the partials in ``templates/``; the host bars, the phone's ordering
(tap, drag, or move up / move down buttons) and the results list in
``static/js/kinds/ranking.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms
from live.activities.base import Activity, ActivityKind, Capabilities, KindSettings
from live.activities.ranking import archive, rules


class RankingKind(ActivityKind):
    """Rankings: one ordering per participant, averaged; shown to phones once closed."""

    name = rules.TYPE
    capabilities = Capabilities()
    package_dir = Path(__file__).parent
    script = "js/kinds/ranking.js"

    def parse_spec(self, raw: dict, where: str = "") -> rules.RankingSpec:
        return rules.parse_spec(raw, where)

    def check_answer(self, spec: rules.RankingSpec, value: object) -> list[int]:
        return rules.check_answer(spec, value)

    def describe_answer(self, spec: rules.RankingSpec, value) -> str:
        return rules.describe_answer(spec, value)

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec)

    # -- archive

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {archive.csv_name(number): archive.ranking_csv(activity)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return archive.view(activity, page)

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return forms.results_setting(form, {
            "type": self.name, "prompt": form.get("prompt", ""), "options": forms.lines(form.get("options")),
        })

    def form_from_spec(self, spec: dict) -> dict:
        return {"prompt": spec.get("prompt", ""), "options": "\n".join(spec.get("options", [])), **forms.results_field(spec)}


KIND = RankingKind()
