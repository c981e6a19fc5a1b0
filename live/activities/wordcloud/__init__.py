"""The word cloud: a few short entries from everyone, grouped, filtered and moderated.

Rules (spec, entries, grouping tally, moderation) in ``rules.py``; the grouping key is
``live.domain.normalise.normalise_word``; the archived picture is laid out by
``picture.py``; the archive section and CSV in ``archive.py``; the partials in
``templates/``; the host cloud, phone entry screen and moderation console in
``static/js/kinds/wordcloud.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from live.activities import forms
from live.activities.base import Activity, ActivityKind, Capabilities, KindSettings, LiveSession, Outcome
from live.activities.wordcloud import archive, rules
from live.domain.normalise import normalise_word

# The projector draws at most this many words; the summary keeps them all.
MAX_CLOUD_WORDS = 150


def _moderate(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The facilitator hides, shows, releases or merges words (``moderate``)."""
    tally = session.tallies[activity.id]
    return _changed_moderation(activity, tally, lambda: tally.moderate(payload))


def _undo(session: LiveSession, activity: Activity, payload: dict) -> Outcome:
    """The facilitator undoes the last moderation action (``undo``)."""
    tally = session.tallies[activity.id]
    return _changed_moderation(activity, tally, tally.undo)


def _changed_moderation(activity: Activity, tally: rules.Tally, change) -> Outcome:
    """Run ``change`` on a copy of the moderation: the live tally only changes once
    the service has stored the new list (``apply_state``), so memory never runs ahead
    of the database."""
    before = tally.moderation.as_list()
    try:
        change()
        after = tally.moderation.as_list()
    finally:
        tally.moderation.actions = rules.Moderation.from_list(before).actions
    return Outcome(states={activity.id: {"moderation": after}}, changed={activity.id})


class WordCloudKind(ActivityKind):
    """Word clouds: several entries each, grouped, held by the filter, moderated."""

    name = rules.TYPE
    capabilities = Capabilities(moderated=True, several_answers=True)
    package_dir = Path(__file__).parent
    script = "js/kinds/wordcloud.js"
    commands = {"moderate": _moderate, "undo": _undo}

    def parse_spec(self, raw: dict, where: str = "") -> rules.WordCloudSpec:
        return rules.parse_spec(raw, where)

    def check_answer(self, spec: rules.WordCloudSpec, value: object) -> str:
        return rules.check_answer(spec, value)

    def answer_limit(self, spec: rules.WordCloudSpec) -> int:
        return rules.answer_limit(spec)

    def answer_key(self, spec: rules.WordCloudSpec, value) -> str | None:
        # Nobody sends the same word twice ("Lecture" then "lectures").
        return normalise_word(value) if isinstance(value, str) else None

    def describe_answer(self, spec: rules.WordCloudSpec, value) -> str:
        return rules.describe_answer(spec, value)

    # -- state and tally

    def new_tally(self, activity: Activity, state: dict, settings: KindSettings) -> rules.Tally:
        return rules.Tally(activity.spec, rules.Moderation.from_list(state.get("moderation")), settings.profanity)

    def apply_state(self, activity: Activity, tally: rules.Tally, state: dict) -> None:
        tally.moderation.actions = rules.Moderation.from_list(state.get("moderation")).actions

    # -- live views

    def results(self, activity: Activity, status: str, session: LiveSession) -> dict:
        words = session.tallies[activity.id].results()["words"]
        return {"words": words[:MAX_CLOUD_WORDS], "n_words": len(words)}

    def moderation_view(self, activity: Activity, session: LiveSession) -> dict:
        """Every group with its status, what the filter holds, what is hidden: for
        the facilitator's own device only (``moderators`` room), never the projector."""
        tally = session.tallies[activity.id]
        return {
            "activity_id": activity.id,
            "n_answers": tally.n_answers,
            "groups": tally.full_table(),
            "held": tally.held(),
            "hidden": tally.hidden(),
            "can_undo": bool(tally.moderation.actions),
        }

    # -- summary and archive

    def summary_fields(self, activity: Activity, tally: rules.Tally, answers: list) -> dict:
        # The archive records every group (hidden and held ones marked) and the moderation.
        return {"table": tally.full_table(), "moderation": tally.moderation.as_list()}

    def archive_files(self, activity: dict, number: int) -> dict[str, str]:
        return {archive.csv_name(number): archive.words_csv(activity)}

    def archive_view(self, activity: dict, number: int, page) -> dict:
        return archive.view(activity, page)

    # -- editor

    def spec_from_form(self, form: Mapping[str, str]) -> dict:
        return forms.results_setting(form, {
            "type": self.name, "prompt": form.get("prompt", ""), "single_word": form.get("single_word") == "y",
            "max_entries": forms.whole(form.get("max_entries"), rules.DEFAULT_ENTRIES),
            "max_length": forms.whole(form.get("max_length"), rules.DEFAULT_LENGTH),
        })

    def form_from_spec(self, spec: dict) -> dict:
        return {
            "prompt": spec.get("prompt", ""), "single_word": "y" if spec.get("single_word") else "",
            "max_entries": str(spec.get("max_entries", rules.DEFAULT_ENTRIES)),
            "max_length": str(spec.get("max_length", rules.DEFAULT_LENGTH)),
            **forms.results_field(spec),
        }


KIND = WordCloudKind()
