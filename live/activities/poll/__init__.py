"""The poll: a question with 2 to 12 options, one choice or several, a live bar chart.

Rules in ``rules.py``; the editor, archive and comparison partials in ``templates/``;
the host screen, phone and results views in ``static/js/kinds/poll.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms, options
from live.activities.base import Activity, ActivityKind, Capabilities, KindSettings
from live.activities.poll import rules


class PollKind(ActivityKind):
    """Polls: counts per option, shown to phones once voting closes."""

    name = rules.TYPE
    capabilities = Capabilities()
    package_dir = Path(__file__).parent
    script = "js/kinds/poll.js"

    def parse_spec(self, raw: dict, where: str = "") -> rules.PollSpec:
        return rules.parse_spec(raw, where)

    def check_answer(self, spec: rules.PollSpec, value: object):
        return rules.check_answer(spec, value)

    def describe_answer(self, spec: rules.PollSpec, value) -> str:
        return rules.describe_answer(spec, value)

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec)

    # -- archive

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {f"{self.name}-{number}.csv": options.options_csv(activity)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return options.chart_view(activity, page, multiple=bool(activity.get("multiple")))

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return forms.results_setting(form, {
            "type": self.name, "prompt": form.get("prompt", ""), "options": forms.lines(form.get("options")),
            "multiple": form.get("multiple") == "y",
        })

    def form_from_spec(self, spec: dict) -> dict:
        return {
            "prompt": spec.get("prompt", ""), "options": "\n".join(spec.get("options", [])),
            "multiple": "y" if spec.get("multiple") else "",
            **forms.results_field(spec),
        }


KIND = PollKind()
